"""@module Plain request/response values passed between the HTTP server and the job app."""
import json
from dataclasses import dataclass, field
from typing import Any, Dict, List, Tuple


@dataclass
class Request:
    """One HTTP request with the mount prefix (`/pub/job/<name>/<version>`) already split off `path`."""
    method: str
    path: str
    query: str = ''
    headers: Dict[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes = b''
    prefix: str = ''
    client: str = ''


@dataclass
class Response:
    status: int
    body: bytes = b''
    headers: List[Tuple[str, str]] = field(default_factory=list)


def json_response(status: int, payload: Any, body: bytes = b'') -> Response:
    """JSON answer from a payload (or already serialised bytes)."""
    data = body or json.dumps(payload).encode('utf-8')
    return Response(status, data, [('Content-Type', 'application/json')])


def error_response(status: int, message: str, error_type: str) -> Response:
    """The error body every Racetrack service uses: {"error", "type"}."""
    return json_response(status, {'error': message, 'type': error_type})


def text_response(status: int, text: str, content_type: str = 'text/plain; charset=utf-8') -> Response:
    return Response(status, text.encode('utf-8'), [('Content-Type', content_type)])
