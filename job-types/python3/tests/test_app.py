"""Tests of the job app's loading states, logging of callers, and the chain-call helper, without a network server for the job."""
import json
import logging
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))

from racetrack_job_wrapper.app import JobApp  # noqa: E402
from racetrack_job_wrapper.call import call_job  # noqa: E402
from racetrack_job_wrapper.config import resolve_config  # noqa: E402
from racetrack_job_wrapper.context import RequestInfo, request_context  # noqa: E402
from racetrack_job_wrapper.http_types import Request  # noqa: E402
from racetrack_job_wrapper.logs import configure_logging  # noqa: E402


def make_app(tmp_path, env=None, manifest='name: demo\nversion: 1.2.3\n'):
    path = tmp_path / 'job.yaml'
    path.write_text(manifest)
    return JobApp(resolve_config(env or {'JOB_DEPLOYMENT_TIMESTAMP': '1700000000'}, {'manifest_path': str(path)}))


def get(app, path):
    response = app.handle(Request('GET', path))
    return response.status, json.loads(response.body) if response.body[:1] in (b'{', b'[') else response.body


class Simple:
    def perform(self):
        return 'ok'


def test_probes_while_loading_then_ready(tmp_path):
    app = make_app(tmp_path)
    assert get(app, '/live') == (200, {'live': True, 'status': 'live', 'deployment_timestamp': 1700000000})
    assert get(app, '/ready') == (500, {'ready': False})
    status, health = get(app, '/health')
    assert (status, health['status'], health['live'], health['ready']) == (500, 'fail', True, False)
    assert app.handle(Request('POST', '/api/v1/perform', body=b'{}')).status == 503
    app.load(Simple)
    assert get(app, '/ready') == (200, {'ready': True})
    assert get(app, '/health')[1]['job_version'] == '1.2.3'


def test_failed_constructor_is_reported_by_live_and_health(tmp_path):
    class Broken:
        def __init__(self):
            raise RuntimeError('model file missing')

        def perform(self):
            return None

    app = make_app(tmp_path)
    logging.disable(logging.CRITICAL)
    try:
        app.load(Broken)
    finally:
        logging.disable(logging.NOTSET)
    status, live = get(app, '/live')
    assert status == 500 and live['live'] is False and 'model file missing' in live['error']
    status, health = get(app, '/health')
    assert status == 500 and health['status'] == 'fail' and 'RuntimeError' in health['error']


def test_caller_name_is_added_to_user_log_lines_when_enabled(capsys):
    configure_logging('INFO', structured=True, with_caller=True)
    token = request_context.set(RequestInfo('POST', '/api/v1/perform', {}, 'trace-1', 'alice'))
    try:
        logging.getLogger('user.job').info('something happened')
    finally:
        request_context.reset(token)
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line['msg'] == 'something happened'
    assert line['caller'] == 'alice' and line['tracing_id'] == 'trace-1'


class _FakePub(BaseHTTPRequestHandler):
    seen = {}

    def do_POST(self):
        body = self.rfile.read(int(self.headers['Content-Length']))
        _FakePub.seen = {'path': self.path, 'headers': dict(self.headers), 'body': json.loads(body)}
        status, payload = (200, b'42') if 'adder' in self.path else (500, b'{"error": "boom"}')
        self.send_response(status)
        self.send_header('Content-Length', str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture()
def fake_pub(monkeypatch):
    server = HTTPServer(('127.0.0.1', 0), _FakePub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv('PUB_URL', f'http://127.0.0.1:{server.server_address[1]}/pub')
    monkeypatch.setenv('AUTH_TOKEN', 'job-token')
    monkeypatch.setenv('JOB_NAME', 'python-chain')
    yield
    server.shutdown()
    server.server_close()


def test_call_job_forwards_auth_tracing_and_caller(fake_pub):
    token = request_context.set(RequestInfo('POST', '/api/v1/perform', {}, 'trace-9', 'bob'))
    try:
        assert call_job('adder', '/api/v1/perform', {'numbers': [40, 2]}) == 42
    finally:
        request_context.reset(token)
    seen = _FakePub.seen
    assert seen['path'] == '/pub/job/adder/latest/api/v1/perform'
    assert seen['body'] == {'numbers': [40, 2]}
    headers = {k.lower(): v for k, v in seen['headers'].items()}
    assert headers['x-racetrack-auth'] == 'job-token'
    assert headers['x-request-tracing-id'] == 'trace-9'
    assert headers['x-caller-name'] == 'bob'


def test_call_job_failure_names_both_jobs_and_the_response(fake_pub):
    with pytest.raises(RuntimeError, match=r'failed to call job "other latest" by python-chain: 500 .*boom'):
        call_job('other', payload={})


def test_entrypoint_reads_the_caller_from_request_context(tmp_path):
    class WhoAmI:
        def perform(self):
            return self.request_context.get().headers.get('X-Caller-Name')

    app = make_app(tmp_path)
    app.load(WhoAmI)
    token = request_context.set(RequestInfo('POST', '/api/v1/perform', {'x-caller-name': 'carol'}))
    try:
        response = app.handle(Request('POST', '/api/v1/perform', body=b'{}'))
    finally:
        request_context.reset(token)
    assert (response.status, json.loads(response.body)) == (200, 'carol')


def test_async_perform_and_asgi_webview(tmp_path):
    class AsyncJob:
        async def perform(self, x: int) -> int:
            return x * 2

        def webview_app(self, base_url: str):
            async def app(scope, receive, send):
                body = (await receive())['body']
                await send({'type': 'http.response.start', 'status': 201, 'headers': [(b'content-type', b'text/plain')]})
                await send({'type': 'http.response.body', 'body': f'{scope["method"]} {scope["path"]} {body.decode()}'.encode()})
            return app

    app = make_app(tmp_path)
    app.load(AsyncJob)
    response = app.handle(Request('POST', '/api/v1/perform', body=b'{"x": 21}'))
    assert (response.status, response.body) == (200, b'42')
    response = app.handle(Request('POST', '/api/v1/webview/page', body=b'hi'))
    assert response.status == 201
    assert response.body == b'POST /pub/job/demo/1.2.3/api/v1/webview/page hi'


def test_call_job_coroutine_keeps_the_request_context(fake_pub):
    import asyncio
    from racetrack_job_wrapper.call import call_job_coroutine

    async def chain():
        return await call_job_coroutine('adder', payload={'numbers': [1]})
    token = request_context.set(RequestInfo('POST', '/api/v1/perform', {}, 'trace-async', None))
    try:
        assert asyncio.run(chain()) == 42
    finally:
        request_context.reset(token)
    assert {k.lower(): v for k, v in _FakePub.seen['headers'].items()}['x-request-tracing-id'] == 'trace-async'
