"""@module Runs the user's ASGI webview app (3-argument apps such as FastAPI/Starlette) on a background event loop."""
import asyncio
import threading
from typing import Callable, List, Optional

from .http_types import Request, Response

_loop: Optional[asyncio.AbstractEventLoop] = None
_loop_lock = threading.Lock()


def _event_loop() -> asyncio.AbstractEventLoop:
    """One event loop thread for all ASGI calls (apps expect to live on a single loop)."""
    global _loop
    with _loop_lock:
        if _loop is None:
            _loop = asyncio.new_event_loop()
            threading.Thread(target=_loop.run_forever, name='asgi-webview', daemon=True).start()
        return _loop


def is_asgi(app: Callable) -> bool:
    """True for an ASGI app (`async def app(scope, receive, send)` or an object with such __call__)."""
    import inspect
    target = app if inspect.isfunction(app) or inspect.ismethod(app) else getattr(app, '__call__', app)
    try:
        params = [p for p in inspect.signature(target).parameters.values() if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        return False
    return len(params) == 3 or inspect.iscoroutinefunction(target)


def call_asgi(app: Callable, request: Request, full_path: str, server_port: int, timeout: float = 300) -> Response:
    """Call an ASGI app with one buffered HTTP request and collect its answer."""
    host = request.headers.get('host', f'localhost:{server_port}')
    scope = {
        'type': 'http', 'asgi': {'version': '3.0', 'spec_version': '2.3'}, 'http_version': '1.1',
        'method': request.method, 'scheme': request.headers.get('x-forwarded-proto', 'http'),
        'path': full_path, 'raw_path': full_path.encode('utf-8'), 'query_string': request.query.encode('latin-1'),
        'root_path': '', 'headers': [(k.encode('latin-1'), v.encode('latin-1')) for k, v in request.headers.items()],
        'client': (request.client, 0), 'server': (host.split(':')[0], server_port),
    }
    status: List[int] = [500]
    headers: List[tuple] = []
    chunks: List[bytes] = []
    delivered = [False]

    async def receive():
        if not delivered[0]:
            delivered[0] = True
            return {'type': 'http.request', 'body': request.body, 'more_body': False}
        await asyncio.Event().wait()  # the client never disconnects while the app is answering
        return {'type': 'http.disconnect'}

    async def send(message):
        if message['type'] == 'http.response.start':
            status[0] = int(message['status'])
            headers.extend((k.decode('latin-1'), v.decode('latin-1')) for k, v in message.get('headers', []))
        elif message['type'] == 'http.response.body':
            chunks.append(bytes(message.get('body', b'')))

    future = asyncio.run_coroutine_threadsafe(app(scope, receive, send), _event_loop())
    future.result(timeout)
    kept = [(k, v) for k, v in headers if k.lower() not in ('content-length', 'transfer-encoding', 'connection')]
    return Response(status[0], b''.join(chunks), kept)
