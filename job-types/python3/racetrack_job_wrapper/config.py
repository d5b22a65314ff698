"""@module The wrapper's settings: CLI overrides, then environment, then manifest, then defaults (all in one place)."""
import os
from dataclasses import dataclass, field
from typing import Mapping, Optional

from .manifest import parse_manifest

PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


@dataclass
class Config:
    entrypoint_path: str = ''
    entrypoint_class: Optional[str] = None
    host: str = '0.0.0.0'
    port: int = 7000
    manifest: dict = field(default_factory=dict)
    job_name: str = 'job'
    job_version: str = '0.0.1'
    git_version: str = ''
    deployed_by_racetrack_version: str = ''
    job_type_version: str = ''
    deployment_timestamp: str = ''
    home_page: str = '/docs'
    max_concurrency: int = 0
    max_concurrency_queue: int = 0
    log_level: str = 'DEBUG'
    log_structured: bool = True
    log_caller_name: bool = False
    request_tracing_header: str = 'X-Request-Tracing-Id'
    caller_name_header: str = 'X-Caller-Name'
    venv_packages: str = ''
    swagger_ui_dir: str = ''


def _flag(value: Optional[str], default: bool) -> bool:
    if value is None or value == '':
        return default
    return value.strip().lower() in ('1', 'true', 'yes', 'on')


def _digits(value, name: str) -> int:
    if value is None or value == '':
        return 0
    if isinstance(value, bool) or not str(value).strip().isdigit():
        raise ValueError(f'jobtype_extra.{name} must be a non-negative integer, got {value!r}')
    return int(value)


def load_manifest(manifest_path: Optional[str], env: Mapping[str, str]) -> dict:
    """Manifest from --manifest-path, else $JOB_MANIFEST_YAML (literal \\n unescaped), else ./job.yaml if present."""
    if manifest_path:
        with open(manifest_path, encoding='utf-8') as handle:
            return parse_manifest(handle.read())
    inline = env.get('JOB_MANIFEST_YAML')
    if inline:
        return parse_manifest(inline.replace('\\n', '\n'))
    for candidate in ('job.yaml', 'fatman.yaml'):
        if os.path.isfile(candidate):
            with open(candidate, encoding='utf-8') as handle:
                return parse_manifest(handle.read())
    return {}


def _default_swagger_dir() -> str:
    """swagger_ui/ copied beside the package by the job type, else the repo's swagger-ui-dist files (development)."""
    bundled = os.path.join(PACKAGE_DIR, 'swagger_ui')
    in_repo = os.path.join(PACKAGE_DIR, '..', '..', '..', 'node_modules', '@fastify', 'swagger-ui', 'static')
    return bundled if os.path.isdir(bundled) or not os.path.isdir(in_repo) else os.path.normpath(in_repo)


def resolve_config(env: Mapping[str, str], overrides: Mapping[str, object]) -> Config:
    """Build the one Config object of the wrapper; nothing else reads the environment."""
    manifest = load_manifest(overrides.get('manifest_path'), env)  # type: ignore[arg-type]
    extra = manifest.get('jobtype_extra') or manifest.get('python') or {}
    default_swagger = _default_swagger_dir()
    return Config(
        entrypoint_path=str(overrides.get('entrypoint_path') or extra.get('entrypoint_path') or ''),
        entrypoint_class=overrides.get('entrypoint_class') or extra.get('entrypoint_class'),  # type: ignore[arg-type]
        host=str(overrides.get('host') or '0.0.0.0'),
        port=int(overrides.get('port') or env.get('PORT') or 7000),  # type: ignore[arg-type]
        manifest=manifest,
        job_name=env.get('JOB_NAME') or str(manifest.get('name') or 'job'),
        job_version=env.get('JOB_VERSION') or str(manifest.get('version') or '0.0.1'),
        git_version=env.get('GIT_VERSION', ''),
        deployed_by_racetrack_version=env.get('DEPLOYED_BY_RACETRACK_VERSION', ''),
        job_type_version=env.get('JOB_TYPE_VERSION', ''),
        deployment_timestamp=env.get('JOB_DEPLOYMENT_TIMESTAMP', ''),
        home_page=str(extra.get('home_page') or '/docs'),
        max_concurrency=_digits(extra.get('max_concurrency'), 'max_concurrency'),
        max_concurrency_queue=_digits(extra.get('max_concurrency_queue'), 'max_concurrency_queue'),
        log_level=(env.get('LOG_LEVEL') or 'debug').upper(),
        log_structured=_flag(env.get('LOG_STRUCTURED'), True),
        log_caller_name=_flag(env.get('LOG_CALLER_NAME'), False),
        request_tracing_header=env.get('REQUEST_TRACING_HEADER') or 'X-Request-Tracing-Id',
        caller_name_header=env.get('CALLER_NAME_HEADER') or 'X-Caller-Name',
        venv_packages=str(overrides.get('venv_packages') or env.get('VENV_PACKAGES_PATH') or ''),
        swagger_ui_dir=str(overrides.get('swagger_ui_dir') or env.get('RACETRACK_SWAGGER_UI_DIR') or default_swagger),
    )
