"""Tests of auxiliary_endpoints_v2: FastAPI's parameter sources (path, query, header, body) without FastAPI installed."""
import dataclasses
import json
import os
import sys
from http import HTTPMethod
from typing import Annotated, Dict, List, Optional

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))

from racetrack_job_wrapper.app import JobApp  # noqa: E402
from racetrack_job_wrapper.config import resolve_config  # noqa: E402
from racetrack_job_wrapper.endpoint_config import EndpointConfig  # noqa: E402
from racetrack_job_wrapper.http_types import Request  # noqa: E402


class Body:
    """Stands in for fastapi.Body: the wrapper recognises markers by class name, so jobs need not install FastAPI."""

    def __init__(self, default=..., embed=False, examples=None):
        self.default = default
        self.embed = embed
        self.alias = None


class Query(Body):
    pass


class Path(Body):
    pass


class Header(Body):
    pass


@dataclasses.dataclass
class Point:
    x: float
    y: float


class Job:
    def perform(self, x: float, y: float) -> float:
        return x + y

    def auxiliary_endpoints_v2(self):
        return [
            EndpointConfig('/multiply/{path}', HTTPMethod.POST, self.multiply, other_options={'tags': ['items']}),
            EndpointConfig('/random', HTTPMethod.GET, self.random),
            EndpointConfig('/explain', 'POST', self.explain),
            EndpointConfig('/point', 'POST', self.point, other_options={'status_code': 201}),
            EndpointConfig('/tags', 'GET', self.tags),
            EndpointConfig('/whoami', 'GET', self.whoami),
        ]

    def multiply(self, body: Annotated[float, Body(examples=[1.2])], query: Annotated[float, Query()], path: Annotated[float, Path()]) -> float:
        """Multiply the body, the query and the path values."""
        return body * query * path

    def random(self, start: float, end: float = 10.0) -> float:
        """A number within a range (query parameters)."""
        return (start + end) / 2

    def explain(self, x: Annotated[float, Body()], y: Annotated[float, Body()]) -> Dict[str, float]:
        total = x + y
        return {'x_importance': x / total, 'y_importance': y / total}

    def point(self, point: Point) -> float:
        return point.x * point.y

    def tags(self, tag: Annotated[List[str], Query()] = None) -> List[str]:
        return sorted(tag or [])

    def whoami(self, x_caller_name: Annotated[Optional[str], Header()] = None) -> Optional[str]:
        return x_caller_name


def make_app(tmp_path, job=Job):
    manifest = tmp_path / 'job.yaml'
    manifest.write_text('name: aux2\nversion: 1.0.0\n')
    app = JobApp(resolve_config({'JOB_DEPLOYMENT_TIMESTAMP': '1700000000'}, {'manifest_path': str(manifest)}))
    app.load(job)
    assert app.ready, app.error
    return app


def call(app, method, path, body=None, query='', headers=None):
    data = b'' if body is None else json.dumps(body).encode()
    response = app.handle(Request(method, path, query=query, headers=headers or {}, body=data))
    return response.status, json.loads(response.body) if response.body else None


def test_path_query_and_body_parameters_come_from_their_places(tmp_path):
    app = make_app(tmp_path)
    assert call(app, 'POST', '/api/v1/multiply/3', body=2, query='query=0.5') == (200, 3.0)
    assert call(app, 'GET', '/api/v1/random', query='start=2') == (200, 6.0)
    assert call(app, 'GET', '/api/v1/random', query='start=2&end=4') == (200, 3.0)
    assert call(app, 'POST', '/api/v1/explain', body={'x': 2, 'y': 8}) == (200, {'x_importance': 0.2, 'y_importance': 0.8})
    assert call(app, 'GET', '/api/v1/tags', query='tag=b&tag=a') == (200, ['a', 'b'])
    assert call(app, 'GET', '/api/v1/whoami', headers={'x-caller-name': 'alice'}) == (200, 'alice')
    assert call(app, 'POST', '/api/v1/perform', body={'x': 40, 'y': 2}) == (200, 42)


def test_a_dataclass_body_is_built_and_the_configured_status_code_answers(tmp_path):
    app = make_app(tmp_path)
    assert call(app, 'POST', '/api/v1/point', body={'x': 3, 'y': 4}) == (201, 12)


def test_bad_or_missing_input_answers_422_naming_the_parameter(tmp_path):
    app = make_app(tmp_path)
    status, body = call(app, 'GET', '/api/v1/random')
    assert status == 422 and 'query parameter "start"' in body['error']
    status, body = call(app, 'GET', '/api/v1/random', query='start=abc')
    assert status == 422 and 'must be a number' in body['error']
    status, body = call(app, 'POST', '/api/v1/explain', body={'x': 1})
    assert status == 422 and 'body parameter "y"' in body['error']
    status, body = call(app, 'POST', '/api/v1/multiply/notanumber', body=2, query='query=1')
    assert status == 422 and 'path parameter "path"' in body['error']


def test_wrong_method_is_405_with_allow(tmp_path):
    app = make_app(tmp_path)
    response = app.handle(Request('POST', '/api/v1/random'))
    assert response.status == 405
    assert ('Allow', 'GET') in response.headers


def test_openapi_documents_v2_routes_with_their_parameters(tmp_path):
    app = make_app(tmp_path)
    status, document = call(app, 'GET', '/openapi.json')
    assert status == 200
    multiply = document['paths']['/api/v1/multiply/{path}']['post']
    assert multiply['tags'] == ['items']
    assert {(p['name'], p['in']) for p in multiply['parameters']} == {('query', 'query'), ('path', 'path')}
    assert multiply['requestBody']['content']['application/json']['schema'] == {'type': 'number'}
    random = document['paths']['/api/v1/random']['get']
    assert [(p['name'], p['required']) for p in random['parameters']] == [('start', True), ('end', False)]
    explain = document['paths']['/api/v1/explain']['post']['requestBody']['content']['application/json']['schema']
    assert explain['required'] == ['x', 'y']


def test_v2_routes_are_ignored_when_the_job_has_v1_auxiliary_endpoints(tmp_path):
    class Both(Job):
        def auxiliary_endpoints(self):
            return {'/explain': self.explain_v1}

        def explain_v1(self, x: float) -> str:
            return 'v1'

    app = make_app(tmp_path, Both)
    assert call(app, 'POST', '/api/v1/explain', body={'x': 1}) == (200, 'v1')
    assert call(app, 'GET', '/api/v1/random', query='start=1')[0] == 404
