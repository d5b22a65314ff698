"""@module The job application: loading state, probes, docs, metrics, and calls to perform/auxiliary/static/webview."""
import asyncio
import inspect
import json
import logging
import os
import threading
import time
import traceback
from typing import Any, Callable, Dict, List, Optional

from . import __version__
from .concurrency import ConcurrencyLimiter, QueueFull
from .endpoints_v2 import RouteV2, V2InputError, bind_v2, compile_route
from .config import Config
from .context import request_context, request_extra
from .http_types import Request, Response, error_response, json_response, text_response
from .loader import input_examples
from .metrics import JobMetrics
from .openapi import build_openapi, swagger_page
from .response import to_json_bytes
from .signature import InputError, bind_arguments, list_parameters
from .static_files import StaticRoutes, guess_mimetype
from .asgi import call_asgi, is_asgi
from .webview import call_wsgi

logger = logging.getLogger('racetrack_job_wrapper')

# Exception class names the original maps to 4xx (users raise their own classes with these names).
_STATUS_BY_EXCEPTION = {'EntityNotFound': 404, 'AlreadyExists': 409, 'UnauthorizedError': 401}
SWAGGER_ASSETS = ('swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js', 'favicon-32x32.png', 'favicon-16x16.png')


async def _awaited(awaitable):
    return await awaitable


class JobApp:
    """Serves probes at once; serves the job's endpoints once `load` has constructed the entrypoint."""

    def __init__(self, config: Config):
        self.config = config
        self.metrics = JobMetrics()
        self.limiter = ConcurrencyLimiter(config.max_concurrency, config.max_concurrency_queue)
        self.ready = False
        self.error: Optional[str] = None
        self.entrypoint: Any = None
        self.endpoints: Dict[str, Callable] = {}
        self.routes_v2: List[RouteV2] = []
        self.examples: Dict[str, dict] = {}
        self.static = StaticRoutes(os.getcwd())
        self.webview: Optional[Callable] = None
        self.webview_is_asgi = False
        self.openapi_cache: Dict[str, bytes] = {}

    @property
    def base_path(self) -> str:
        return f'/pub/job/{self.config.job_name}/{self.config.job_version}'

    def load(self, factory: Callable[[], Any]) -> None:
        """Construct the entrypoint and register its endpoints; on failure keep the error for /live and /health."""
        try:
            entrypoint = factory()
            self._register(entrypoint)
            self.entrypoint = entrypoint
            self.ready = True
            logger.info('job entrypoint loaded', extra={'job_name': self.config.job_name, 'endpoints': sorted(self.endpoints)})
        except BaseException as error:  # noqa: B902 - a failed load must be reported, whatever it was
            self.error = f'{type(error).__name__}: {error}'
            logger.error('loading job entrypoint failed: %s', self.error, exc_info=True)

    def _register(self, entrypoint: Any) -> None:
        if not callable(getattr(entrypoint, 'perform', None)):
            raise TypeError(f'entrypoint {type(entrypoint).__name__} has no perform method')
        # As in the original, the entrypoint can read the current request (e.g. X-Caller-Name) through these.
        for name, value in (('request_context', request_context), ('request_extra', request_extra)):
            if not hasattr(entrypoint, name):
                try:
                    setattr(entrypoint, name, value)
                except AttributeError:  # __slots__ or a read-only property: the module-level ContextVars still work
                    pass
        self.endpoints['/perform'] = entrypoint.perform
        if callable(getattr(entrypoint, 'auxiliary_endpoints', None)):
            for path, handler in (entrypoint.auxiliary_endpoints() or {}).items():
                self.endpoints['/' + path.strip('/')] = handler
        elif callable(getattr(entrypoint, 'auxiliary_endpoints_v2', None)):
            # As in the original, v2 routes are used only when the job has no v1 auxiliary_endpoints().
            self.routes_v2 = [compile_route(config) for config in (entrypoint.auxiliary_endpoints_v2() or [])]
        self.examples = input_examples(entrypoint)
        if callable(getattr(entrypoint, 'static_endpoints', None)):
            for path, spec in (entrypoint.static_endpoints() or {}).items():
                self.static.add(path, spec)
        if callable(getattr(entrypoint, 'webview_app', None)):
            self.webview = entrypoint.webview_app(self.base_path + '/api/v1/webview')
            self.webview_is_asgi = is_asgi(self.webview)
            if os.path.isdir('static'):
                self.static.add_directory('/webview/static', 'static')

    # ---- dispatch -------------------------------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        """Answer one request whose mount prefix has been removed from request.path."""
        method, path = request.method, request.path or '/'
        if path == '/' and method in ('GET', 'HEAD'):
            return Response(307, b'', [('Location', self.base_path + self.config.home_page)])
        probe = self._probes(path)
        if probe is not None:
            return probe
        if path in ('/docs', '/docs/'):
            title = f'Job - {self.config.job_name}'
            return text_response(200, swagger_page(title, request.prefix + '/openapi.json', request.prefix + '/docs/static'), 'text/html; charset=utf-8')
        if path.startswith('/docs/static/'):
            return self._swagger_asset(path[len('/docs/static/'):])
        if not self.ready:
            status = 500 if self.error else 503
            return error_response(status, self.error or 'job is not ready yet: entrypoint is still loading', 'NotReady')
        if path in ('/openapi.json', '/docs/json', '/docs/openapi.json', '/api/v1/openapi.json'):
            return self._openapi(request.prefix)
        if path in ('/parameters', '/api/v1/parameters') and method == 'GET':
            return json_response(200, list_parameters(self.endpoints['/perform']))
        if path.startswith('/api/v1/'):
            return self._api(request, path[len('/api/v1'):])
        return error_response(404, f'not found: {method} {path}', 'NotFound')

    @property
    def deployment_timestamp(self) -> Optional[int]:
        """JOB_DEPLOYMENT_TIMESTAMP as a number (the original echoed the env string; Lifecycle needs an int)."""
        value = self.config.deployment_timestamp.strip()
        return int(value) if value.isdigit() else None

    def _probes(self, path: str) -> Optional[Response]:
        path = path.rstrip('/') or '/'
        if path == '/live':
            if self.error:
                return json_response(500, {'live': False, 'status': 'failed', 'deployment_timestamp': self.deployment_timestamp, 'error': self.error})
            return json_response(200, {'live': True, 'status': 'live', 'deployment_timestamp': self.deployment_timestamp})
        if path == '/ready':
            return json_response(200 if self.ready else 500, {'ready': self.ready})
        if path == '/health':
            ok = self.ready and not self.error
            return json_response(200 if ok else 500, {
                'service': 'job', 'job_name': self.config.job_name, 'live': not self.error, 'ready': self.ready,
                'status': 'pass' if ok else 'fail', 'error': self.error,
                'job_version': self.config.job_version, 'git_version': self.config.git_version,
                'deployed_by_racetrack_version': self.config.deployed_by_racetrack_version,
                'deployment_timestamp': self.deployment_timestamp, 'job_type_version': self.config.job_type_version,
                'wrapper_version': __version__,
            })
        if path == '/metrics':
            return text_response(200, self.metrics.render(self._user_metrics()), 'text/plain; version=0.0.4; charset=utf-8')
        return None

    def _user_metrics(self):
        if self.entrypoint is None or not callable(getattr(self.entrypoint, 'metrics', None)):
            return []
        try:
            return list(self.entrypoint.metrics() or [])
        except Exception:
            logger.exception('metrics() of the job raised; custom metrics skipped')
            return []

    def _swagger_asset(self, name: str) -> Response:
        if name not in SWAGGER_ASSETS:
            return error_response(404, f'not found: /docs/static/{name}', 'NotFound')
        path = os.path.join(self.config.swagger_ui_dir, name)
        if not os.path.isfile(path):
            return error_response(404, f'swagger UI asset missing: {path}', 'NotFound')
        with open(path, 'rb') as handle:
            return Response(200, handle.read(), [('Content-Type', guess_mimetype(name)), ('Cache-Control', 'max-age=86400')])

    def _openapi(self, prefix: str) -> Response:
        if prefix not in self.openapi_cache:
            document = build_openapi(self.config.job_name, self.config.job_version, prefix, self.endpoints,
                                     self.examples, self.static.endpoints(), self.webview is not None, self.routes_v2)
            self.openapi_cache[prefix] = json.dumps(document).encode('utf-8')
        return json_response(200, None, self.openapi_cache[prefix])

    def _api(self, request: Request, subpath: str) -> Response:
        if subpath == '/webview' or subpath.startswith('/webview/'):
            if subpath.startswith('/webview/static/'):
                found = self.static.resolve(subpath)
                if found is not None:
                    return found
            if self.webview is None:
                return error_response(404, 'this job has no webview_app', 'NotFound')
            full_path = self.base_path + '/api/v1' + subpath
            if self.webview_is_asgi:
                return call_asgi(self.webview, request, full_path, self.config.port)
            return call_wsgi(self.webview, request, full_path, self.config.port)
        if subpath in self.endpoints:
            if request.method != 'POST':
                return error_response(405, f'use POST for /api/v1{subpath}', 'MethodNotAllowed')
            return self._call(request, subpath)
        routed = self._route_v2(request, subpath)
        if routed is not None:
            return routed
        if request.method in ('GET', 'HEAD'):
            found = self.static.resolve(subpath)
            if found is not None:
                return found
        return error_response(404, f'not found: {request.method} /api/v1{subpath}', 'NotFound')

    def _route_v2(self, request: Request, subpath: str) -> Optional[Response]:
        allowed = []
        for route in self.routes_v2:
            values = route.match(subpath)
            if values is None:
                continue
            if request.method == route.method or (request.method == 'HEAD' and route.method == 'GET'):
                return self._measured('/api/v1' + route.path, lambda: self._invoke_v2(request, route, values))
            allowed.append(route.method)
        if allowed:
            return Response(405, json_response(405, {'error': f'use {" or ".join(allowed)} for /api/v1{subpath}', 'type': 'MethodNotAllowed'}).body,
                            [('Content-Type', 'application/json'), ('Allow', ', '.join(allowed))])
        return None

    def _invoke_v2(self, request: Request, route: RouteV2, values: Dict[str, str]) -> Response:
        try:
            kwargs = bind_v2(route, values, request.query, request.headers, request.body)
        except V2InputError as error:
            return json_response(422, {'error': str(error), 'type': 'ValidationError', 'detail': str(error)})
        return self._run(route.handler, (), kwargs, '/api/v1' + route.path, route.status_code)

    def _call(self, request: Request, endpoint: str) -> Response:
        label = '/api/v1' + endpoint
        return self._measured(label, lambda: self._invoke(request, self.endpoints[endpoint], label))

    def _measured(self, label: str, call: Callable[[], Response]) -> Response:
        self.metrics.requests_started.inc()
        self.metrics.endpoint_requests_started.inc(endpoint=label)
        self.metrics.last_call_timestamp.set(time.time())
        started = time.perf_counter()
        try:
            return call()
        finally:
            self.metrics.request_duration.observe(time.perf_counter() - started, endpoint=label)
            self.metrics.requests_done.inc()

    def _invoke(self, request: Request, handler: Callable, label: str) -> Response:
        try:
            payload = json.loads(request.body) if request.body.strip() else {}
        except ValueError as error:
            return error_response(400, f'request body is not valid JSON: {error}', 'ValidationError')
        try:
            args, kwargs = bind_arguments(handler, payload)
        except InputError as error:
            return error_response(400, str(error), 'ValidationError')
        return self._run(handler, args, kwargs, label, 200)

    def _run(self, handler: Callable, args: tuple, kwargs: dict, label: str, status: int) -> Response:
        """Calls user code under the concurrency cap; its exceptions become the original's error answers."""
        try:
            with self.limiter:
                result = handler(*args, **kwargs)
                if inspect.isawaitable(result):  # async def perform: run it to completion in this request's thread
                    result = asyncio.run(_awaited(result))
            return json_response(status, None, to_json_bytes(result))
        except QueueFull as error:
            return json_response(429, {'error': str(error), 'type': 'TooManyRequests', 'detail': str(error)})
        except Exception as error:  # user code failed: answer with the exception, log the stack
            status = _STATUS_BY_EXCEPTION.get(type(error).__name__, 400 if isinstance(error, ValueError) else 500)
            if status >= 500:
                self.metrics.request_internal_errors.inc(endpoint=label)
            logger.error('%s failed: %s: %s', label, type(error).__name__, error,
                         extra={'endpoint': label, 'stack': traceback.format_exc()})
            return error_response(status, str(error) or type(error).__name__, type(error).__name__)
