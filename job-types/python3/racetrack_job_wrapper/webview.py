"""@module Runs the user's WSGI webview app (e.g. Flask's app.wsgi_app) for one buffered request."""
import io
import sys
from typing import Callable

from .http_types import Request, Response


def call_wsgi(app: Callable, request: Request, full_path: str, server_port: int) -> Response:
    """Call a WSGI app with PATH_INFO = full_path (the app's routes include base_url) and collect its answer."""
    host = request.headers.get('host', f'localhost:{server_port}')
    environ = {
        'REQUEST_METHOD': request.method,
        'SCRIPT_NAME': '',
        'PATH_INFO': full_path,
        'QUERY_STRING': request.query,
        'SERVER_NAME': host.split(':')[0],
        'SERVER_PORT': str(server_port),
        'SERVER_PROTOCOL': 'HTTP/1.1',
        'REMOTE_ADDR': request.client,
        'CONTENT_TYPE': request.headers.get('content-type', ''),
        'CONTENT_LENGTH': str(len(request.body)),
        'wsgi.version': (1, 0),
        'wsgi.url_scheme': request.headers.get('x-forwarded-proto', 'http'),
        'wsgi.input': io.BytesIO(request.body),
        'wsgi.errors': sys.stderr,
        'wsgi.multithread': True,
        'wsgi.multiprocess': False,
        'wsgi.run_once': False,
    }
    for name, value in request.headers.items():
        key = 'HTTP_' + name.upper().replace('-', '_')
        if key not in ('HTTP_CONTENT_TYPE', 'HTTP_CONTENT_LENGTH'):
            environ[key] = value
    started = {}

    def start_response(status, headers, exc_info=None):
        if exc_info and started:
            raise exc_info[1].with_traceback(exc_info[2])
        started['status'], started['headers'] = status, headers
        return lambda data: chunks.append(data)

    chunks = []
    result = app(environ, start_response)
    try:
        for chunk in result:
            chunks.append(chunk)
    finally:
        if hasattr(result, 'close'):
            result.close()
    status = int(str(started.get('status', '500')).split(' ')[0])
    headers = [(k, v) for k, v in started.get('headers', []) if k.lower() not in ('content-length', 'transfer-encoding', 'connection')]
    return Response(status, b''.join(chunks), headers)
