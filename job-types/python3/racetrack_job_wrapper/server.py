"""@module HTTP server (stdlib ThreadingHTTPServer): mount prefixes, request context, access log, startup."""
import logging
import re
import signal
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import unquote

from .app import JobApp
from .config import Config
from .context import RequestInfo, request_context, request_extra
from .http_types import Request, Response, error_response
from .loader import add_packages_path, find_entrypoint_class, import_entrypoint_module
from .logs import configure_logging

logger = logging.getLogger('racetrack_job_wrapper')
_MOUNT = re.compile(r'^/pub/(?:job|fatman)/([^/]+)/([^/]+)(/.*)?$')
_QUIET_PATHS = ('/live', '/ready', '/health', '/metrics')
MAX_BODY_BYTES = 100 * 1024 * 1024


def split_mount(path: str, job_name: str):
    """('/pub/job/<name>/<version>', rest) for the PUB mount of this job, else ('', path)."""
    match = _MOUNT.match(path)
    if match and match.group(1) == job_name:
        return path[:len(path) - len(match.group(3) or '')], match.group(3) or '/'
    return '', path


class _Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    disable_nagle_algorithm = True  # headers and body go out as separate writes; no 40 ms delayed-ACK stall
    server_version = 'racetrack-job-wrapper'
    app: JobApp  # set on the subclass made by make_server

    def do_GET(self):
        self._serve()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_GET

    def log_message(self, format, *args):  # access lines are logged by _serve in the configured format
        pass

    def _serve(self):
        started = time.perf_counter()
        config = self.app.config
        raw_path, _, query = self.path.partition('?')
        prefix, path = split_mount(unquote(raw_path), config.job_name)
        headers = {k.lower(): v for k, v in self.headers.items()}
        tracing_id = headers.get(config.request_tracing_header.lower()) or uuid.uuid4().hex
        caller = headers.get(config.caller_name_header.lower())
        info = RequestInfo(self.command, path, headers, tracing_id, caller)
        tokens = (request_context.set(info), request_extra.set({}))
        metrics = self.app.metrics
        metrics.commons_requests_started.inc()
        try:
            length = int(headers.get('content-length') or 0)
            if length > MAX_BODY_BYTES:
                response = error_response(413, f'request body larger than {MAX_BODY_BYTES} bytes', 'PayloadTooLarge')
                self.close_connection = True
            else:
                body = self.rfile.read(length) if length else b''
                request = Request(self.command, path, query, headers, body, prefix, self.client_address[0])
                response = self.app.handle(request)
        except Exception as error:  # a wrapper bug must still answer with JSON, never drop the connection
            logger.exception('unhandled error serving %s %s', self.command, path)
            response = error_response(500, str(error), type(error).__name__)
        finally:
            request_context.reset(tokens[0])
            request_extra.reset(tokens[1])
        self._send(response, tracing_id)
        duration = time.perf_counter() - started
        metrics.commons_request_duration.observe(duration)
        metrics.commons_requests_done.inc()
        if response.status >= 500:
            metrics.commons_internal_server_errors.inc()
        if path.rstrip('/') not in _QUIET_PATHS:
            extra = {'method': self.command, 'path': prefix + path, 'status': response.status,
                     'duration_ms': round(duration * 1000, 3), 'tracing_id': tracing_id}
            if config.log_caller_name and caller:
                extra['caller'] = caller
            logger.info('%s %s %d', self.command, prefix + path, response.status, extra=extra)

    def _send(self, response: Response, tracing_id: str):
        self.send_response(response.status)
        names = {name.lower() for name, _ in response.headers}
        for name, value in response.headers:
            self.send_header(name, value)
        if 'content-type' not in names and response.body:
            self.send_header('Content-Type', 'application/octet-stream')
        self.send_header('Content-Length', str(len(response.body)))
        self.send_header(self.app.config.request_tracing_header, tracing_id)
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(response.body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)):
            return  # the client went away mid-request; there is no one to answer
        logger.error('connection from %s failed: %s', client_address[0], error, exc_info=True)


def make_server(app: JobApp) -> ThreadingHTTPServer:
    """A threading HTTP server bound to config.host:config.port serving app."""
    handler = type('JobHandler', (_Handler,), {'app': app})
    return _Server((app.config.host, app.config.port), handler)


def serve(config: Config, factory: Callable[[], Any]) -> int:
    """Start answering probes at once, construct the entrypoint in a background thread, serve until SIGTERM/SIGINT."""
    configure_logging(config.log_level, config.log_structured, config.log_caller_name)
    app = JobApp(config)
    server = make_server(app)
    logger.info('job wrapper listening', extra={'host': config.host, 'port': server.server_address[1], 'job_name': config.job_name})
    threading.Thread(target=app.load, args=(factory,), name='entrypoint-loader', daemon=True).start()

    def stop(signum, _frame):
        logger.info('stopping job wrapper on signal %d', signum)
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server.serve_forever(poll_interval=0.2)
    server.server_close()
    return 0


def serve_entrypoint_path(config: Config) -> int:
    """Serve the class found in config.entrypoint_path (imported in the background, after the wrapper's own imports)."""
    if not config.entrypoint_path:
        print('entrypoint_path is required: racetrack_job_wrapper run <entrypoint_path> [<class>]', file=sys.stderr)
        return 2
    add_packages_path(config.venv_packages)

    def factory():
        module = import_entrypoint_module(config.entrypoint_path)
        return find_entrypoint_class(module, config.entrypoint_class)()

    return serve(config, factory)
