"""@module OpenAPI 3 document of a job (schemas from signatures, examples from docs_input_example(s)) and the Swagger UI page."""
import html
import inspect
import json
import typing
from typing import Callable, Dict, List, Sequence

from .endpoints_v2 import RouteV2, openapi_operation
from .signature import json_schema, request_schema

_ERROR_SCHEMA = {'type': 'object', 'properties': {'error': {'type': 'string'}, 'type': {'type': 'string'}}}


def _summary(handler: Callable, fallback: str) -> str:
    doc = inspect.getdoc(handler) or ''
    return doc.strip().splitlines()[0] if doc.strip() else fallback


def _return_schema(handler: Callable) -> dict:
    try:
        hints = typing.get_type_hints(handler)
    except Exception:  # unresolvable annotations: document the answer as any JSON
        return {}
    return json_schema(hints['return']) if 'return' in hints else {}


def _call_operation(name: str, path: str, handler: Callable, example) -> dict:
    schema = request_schema(handler)
    media: dict = {'schema': schema}
    if example is not None:
        media['example'] = example
    return {'post': {
        'operationId': name,
        'summary': _summary(handler, f'Call {path}'),
        # Markdown line breaks keep the docstring's ":param x:" lines apart in Swagger UI.
        'description': (inspect.getdoc(handler) or '').replace('\n', '  \n'),
        'tags': ['job'],
        'requestBody': {'required': False, 'content': {'application/json': media}},
        'responses': {
            '200': {'description': 'Result of the call', 'content': {'application/json': {'schema': _return_schema(handler)}}},
            '400': {'description': 'Invalid input', 'content': {'application/json': {'schema': _ERROR_SCHEMA}}},
            '500': {'description': 'Error raised by the job', 'content': {'application/json': {'schema': _ERROR_SCHEMA}}},
        },
    }}


def _simple_get(summary: str, tag: str, content_type: str = 'application/json') -> dict:
    return {'get': {'summary': summary, 'tags': [tag], 'responses': {'200': {'description': 'OK', 'content': {content_type: {}}}}}}


def build_openapi(job_name: str, job_version: str, base_path: str, endpoints: Dict[str, Callable],
                  examples: Dict[str, dict], static_paths: List[str], has_webview: bool, routes_v2: Sequence[RouteV2] = ()) -> dict:
    """The job's OpenAPI document; `endpoints` maps '/perform' and auxiliary paths to handlers, `routes_v2` are v2 routes."""
    paths: dict = {}
    for endpoint, handler in endpoints.items():
        name = 'perform' if endpoint == '/perform' else 'aux_' + endpoint.strip('/').replace('/', '_')
        paths['/api/v1' + endpoint] = _call_operation(name, endpoint, handler, examples.get(endpoint))
    for route in routes_v2:
        path, method, operation = openapi_operation(route, examples.get(route.path))
        paths.setdefault(path, {})[method] = operation
    paths['/api/v1/parameters'] = _simple_get('Parameters of perform: name, type, default value', 'job')
    for static_path in static_paths:
        paths['/api/v1' + static_path] = _simple_get('Static file', 'static', '*/*')
    if has_webview:
        paths['/api/v1/webview/'] = _simple_get('Custom webview UI of the job', 'webview', 'text/html')
    for probe, summary in (('/health', 'Health: live, ready, versions'), ('/live', 'Liveness probe'), ('/ready', 'Readiness probe')):
        paths[probe] = _simple_get(summary, 'probes')
    paths['/metrics'] = _simple_get('Prometheus metrics', 'probes', 'text/plain')
    return {
        'openapi': '3.0.3',
        'info': {'title': f'Job - {job_name}', 'version': job_version,
                 'description': f'Racetrack job "{job_name}" version {job_version}'},
        'servers': [{'url': base_path or '/'}, {'url': '/'}],
        'paths': paths,
        'components': {'securitySchemes': {'racetrackAuth': {'type': 'apiKey', 'in': 'header', 'name': 'X-Racetrack-Auth'}}},
        'security': [{'racetrackAuth': []}],
    }


def swagger_page(title: str, openapi_url: str, assets_url: str) -> str:
    """Swagger UI HTML loading the locally served swagger-ui-dist assets (no CDN)."""
    return f'''<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{html.escape(title)}</title>
  <link rel="stylesheet" href="{html.escape(assets_url)}/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="{html.escape(assets_url)}/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({{ url: {json.dumps(openapi_url)}, dom_id: '#swagger-ui', deepLinking: true,
      presets: [SwaggerUIBundle.presets.apis], layout: 'BaseLayout' }});
  </script>
</body>
</html>
'''
