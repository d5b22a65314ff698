"""@module Per-request context: the current request's headers, tracing id and caller, readable by user code."""
import contextvars
from dataclasses import dataclass, field
from typing import Dict, Optional


@dataclass
class RequestInfo:
    """What user code may read about the request being served (headers are lower-cased keys)."""
    method: str
    path: str
    headers: Dict[str, str] = field(default_factory=dict)
    tracing_id: str = ''
    caller_name: Optional[str] = None

    def header(self, name: str, default: Optional[str] = None) -> Optional[str]:
        """Header value by case-insensitive name."""
        return self.headers.get(name.lower(), default)


#: The request being served by the current thread (None outside a request).
request_context: contextvars.ContextVar = contextvars.ContextVar('request_context', default=None)
#: A per-request dict user code may use to pass data between its own functions.
request_extra: contextvars.ContextVar = contextvars.ContextVar('request_extra', default=None)


def current_request() -> Optional[RequestInfo]:
    """The RequestInfo of the request served by this thread, if any."""
    return request_context.get()
