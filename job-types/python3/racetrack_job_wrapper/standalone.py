"""@module In-process entry points: `serve_job_class(cls)` and `serve_job_instance(obj)`."""
import os
from typing import Any, Optional

from .config import resolve_config
from .server import serve


def serve_job_class(job_class: type, port: Optional[int] = None, manifest_path: Optional[str] = None) -> int:
    """Serve a job class on 0.0.0.0:7000 (or port); the class is instantiated in the background."""
    config = resolve_config(dict(os.environ), {'port': port, 'manifest_path': manifest_path})
    return serve(config, job_class)


def serve_job_instance(entrypoint: Any, port: Optional[int] = None, manifest_path: Optional[str] = None) -> int:
    """Serve an already constructed entrypoint object."""
    config = resolve_config(dict(os.environ), {'port': port, 'manifest_path': manifest_path})
    return serve(config, lambda: entrypoint)
