"""@module Per-request context: the current request's headers, tracing id and caller, readable by user code."""
import contextvars
from dataclasses import dataclass, field
from typing import Dict, Optional


class Headers(dict):
    """Request headers with case-insensitive lookup (`headers.get('X-Caller-Name')`), stored lower-cased."""

    def __init__(self, items=()):
        super().__init__((str(k).lower(), v) for k, v in dict(items).items())

    def __getitem__(self, key):
        return super().__getitem__(str(key).lower())

    def __contains__(self, key):
        return super().__contains__(str(key).lower())

    def get(self, key, default=None):
        return super().get(str(key).lower(), default)


@dataclass
class RequestInfo:
    """What user code may read about the request being served (headers are lower-cased keys)."""
    method: str
    path: str
    headers: Dict[str, str] = field(default_factory=dict)
    tracing_id: str = ''
    caller_name: Optional[str] = None

    def __post_init__(self):
        self.headers = Headers(self.headers)

    def header(self, name: str, default: Optional[str] = None) -> Optional[str]:
        """Header value by case-insensitive name."""
        return self.headers.get(name, default)


#: The request being served by the current thread (None outside a request).
request_context: contextvars.ContextVar = contextvars.ContextVar('request_context', default=None)
#: A per-request dict user code may use to pass data between its own functions.
request_extra: contextvars.ContextVar = contextvars.ContextVar('request_extra', default=None)


def current_request() -> Optional[RequestInfo]:
    """The RequestInfo of the request served by this thread, if any."""
    return request_context.get()
