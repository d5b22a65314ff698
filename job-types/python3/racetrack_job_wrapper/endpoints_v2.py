"""@module Auxiliary endpoints v2: routes from `auxiliary_endpoints_v2()`, with FastAPI's rules for where each parameter
comes from (path, query, header or body), so jobs written for the FastAPI-based wrapper keep working without FastAPI here."""
import dataclasses
import inspect
import json
import re
import typing
from typing import Any, Callable, Dict, List, Optional, Tuple
from urllib.parse import parse_qs

from .signature import InputError, json_schema

# FastAPI's parameter markers, recognised by class name so this wrapper never imports FastAPI.
_MARKERS = {'Path': 'path', 'Query': 'query', 'Header': 'header', 'Cookie': 'cookie', 'Body': 'body', 'Form': 'body', 'File': 'body'}
_SCALARS = (int, float, str, bool)


class V2InputError(InputError):
    """Input that does not fit a v2 endpoint (answered with 422, as FastAPI does)."""


@dataclasses.dataclass
class Param:
    name: str
    source: str  # path | query | header | cookie | body
    annotation: Any
    default: Any
    embed: bool
    alias: Optional[str]

    @property
    def required(self) -> bool:
        return self.default is inspect.Parameter.empty


@dataclasses.dataclass
class RouteV2:
    path: str
    method: str
    handler: Callable
    options: Dict[str, Any]
    pattern: 're.Pattern[str]'
    params: List[Param]

    @property
    def status_code(self) -> int:
        return int(self.options.get('status_code') or 200)

    def match(self, subpath: str) -> Optional[Dict[str, str]]:
        found = self.pattern.fullmatch(subpath)
        return found.groupdict() if found else None


def _method_name(method: Any) -> str:
    name = str(getattr(method, 'value', method)).upper()
    if name not in ('GET', 'POST'):
        raise ValueError(f'auxiliary_endpoints_v2: method must be GET or POST, got {method!r}')
    return name


def _unwrap(annotation: Any) -> Tuple[Any, Optional[Any]]:
    """(type, FastAPI marker or None) of a possibly `Annotated[...]` annotation."""
    if typing.get_origin(annotation) is typing.Annotated:
        base, *extras = typing.get_args(annotation)
        for extra in extras:
            if type(extra).__name__ in _MARKERS:
                return base, extra
        return base, None
    return annotation, None


def _is_scalar(annotation: Any) -> bool:
    if annotation is inspect.Parameter.empty or annotation in _SCALARS:
        return True
    if typing.get_origin(annotation) is typing.Union:
        return all(a is type(None) or _is_scalar(a) for a in typing.get_args(annotation))
    return False


def compile_route(config: Any) -> RouteV2:
    """A route from an EndpointConfig-like object (path, method, handler, other_options)."""
    path = '/' + str(config.path).strip('/')
    handler = config.handler
    try:
        hints = typing.get_type_hints(handler, include_extras=True)
    except Exception:  # unresolvable forward references: fall back to raw annotations
        hints = {}
    path_names = set(re.findall(r'{(\w+)(?::path)?}', path))
    params: List[Param] = []
    for p in inspect.signature(handler).parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        annotation, marker = _unwrap(hints.get(p.name, p.annotation))
        default = p.default
        source = _MARKERS[type(marker).__name__] if marker is not None else None
        if marker is not None and default is inspect.Parameter.empty:
            marker_default = getattr(marker, 'default', inspect.Parameter.empty)
            # FastAPI's "required" sentinels are Ellipsis or PydanticUndefined.
            if marker_default is not Ellipsis and type(marker_default).__name__ != 'PydanticUndefinedType':
                default = marker_default
        if source is None:
            source = 'path' if p.name in path_names else ('query' if _is_scalar(annotation) else 'body')
        params.append(Param(p.name, source, annotation, default, bool(getattr(marker, 'embed', False)), getattr(marker, 'alias', None)))
    regex = re.sub(r'{(\w+):path}', r'(?P<\1>.+)', re.escape(path).replace(r'\{', '{').replace(r'\}', '}'))
    regex = re.sub(r'{(\w+)}', r'(?P<\1>[^/]+)', regex)
    return RouteV2(path, _method_name(config.method), handler, dict(config.other_options or {}), re.compile(regex), params)


def _convert_text(value: str, annotation: Any, where: str) -> Any:
    """A query/path/header string as the annotated scalar type."""
    if typing.get_origin(annotation) is typing.Union:
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
        annotation = options[0] if len(options) == 1 else str
    try:
        if annotation is bool:
            lowered = value.lower()
            if lowered in ('true', '1', 'yes', 'on'):
                return True
            if lowered in ('false', '0', 'no', 'off'):
                return False
            raise ValueError(value)
        if annotation in (int, float):
            return annotation(value)
    except ValueError:
        kind = {bool: 'a boolean', int: 'an integer', float: 'a number'}[annotation]
        raise V2InputError(f'{where} must be {kind}, got "{value}"') from None
    return value


def _convert_body(value: Any, annotation: Any, where: str) -> Any:
    """A JSON body value as the annotated type: pydantic models and dataclasses are built, numbers checked."""
    if isinstance(annotation, type):
        if hasattr(annotation, 'model_validate'):
            try:
                return annotation.model_validate(value)
            except Exception as error:  # pydantic's ValidationError, whatever version is installed
                raise V2InputError(f'{where}: {error}') from None
        if hasattr(annotation, 'parse_obj'):
            try:
                return annotation.parse_obj(value)
            except Exception as error:
                raise V2InputError(f'{where}: {error}') from None
        if dataclasses.is_dataclass(annotation):
            if not isinstance(value, dict):
                raise V2InputError(f'{where} must be an object')
            try:
                return annotation(**value)
            except TypeError as error:
                raise V2InputError(f'{where}: {error}') from None
    if annotation is float and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if annotation is int and not (isinstance(value, int) and not isinstance(value, bool)):
        raise V2InputError(f'{where} must be an integer')
    if annotation is str and not isinstance(value, str):
        raise V2InputError(f'{where} must be a string')
    if annotation is bool and not isinstance(value, bool):
        raise V2InputError(f'{where} must be a boolean')
    return value


def bind_v2(route: RouteV2, path_values: Dict[str, str], query: str, headers: Dict[str, str], body: bytes) -> Dict[str, Any]:
    """Keyword arguments for the handler, raising V2InputError that names the missing or bad parameter."""
    queries = parse_qs(query, keep_blank_values=True)
    body_params = [p for p in route.params if p.source == 'body']
    payload: Any = inspect.Parameter.empty
    if body_params and body.strip():
        try:
            payload = json.loads(body)
        except ValueError as error:
            raise V2InputError(f'request body is not valid JSON: {error}') from None
    # One body parameter takes the whole body, as in FastAPI, unless it is embedded; several share one object by name.
    whole = len(body_params) == 1 and not body_params[0].embed
    kwargs: Dict[str, Any] = {}
    for param in route.params:
        key = param.alias or param.name
        where = f'{param.source} parameter "{key}"'
        if param.source == 'path':
            value: Any = _convert_text(path_values[param.name], param.annotation, where) if param.name in path_values else inspect.Parameter.empty
        elif param.source == 'query':
            listed = typing.get_origin(param.annotation) in (list, List)
            raw = queries.get(key)
            if raw is None:
                value = inspect.Parameter.empty
            elif listed:
                item = (typing.get_args(param.annotation) or (str,))[0]
                value = [_convert_text(v, item, where) for v in raw]
            else:
                value = _convert_text(raw[-1], param.annotation, where)
        elif param.source == 'header':
            raw_header = headers.get(key.replace('_', '-').lower())
            value = inspect.Parameter.empty if raw_header is None else _convert_text(raw_header, param.annotation, where)
        elif param.source == 'cookie':
            value = inspect.Parameter.empty
            for part in headers.get('cookie', '').split(';'):
                name, _, text = part.strip().partition('=')
                if name == key:
                    value = _convert_text(text, param.annotation, where)
        elif whole:
            value = payload
        elif payload is inspect.Parameter.empty:
            value = inspect.Parameter.empty
        elif not isinstance(payload, dict):
            raise V2InputError('request body must be a JSON object with the fields ' + ', '.join(p.alias or p.name for p in body_params))
        else:
            value = payload.get(key, inspect.Parameter.empty)
        if value is inspect.Parameter.empty:
            if param.required:
                raise V2InputError(f'missing required {where}')
            continue
        kwargs[param.name] = _convert_body(value, param.annotation, where) if param.source == 'body' else value
    return kwargs


def _param_schema(param: Param) -> dict:
    annotation = param.annotation
    if isinstance(annotation, type) and hasattr(annotation, 'model_json_schema'):
        return annotation.model_json_schema()
    schema = json_schema(annotation)
    if not param.required and _jsonable(param.default):
        schema = {**schema, 'default': param.default}
    return schema


def _jsonable(value: Any) -> bool:
    return value is None or isinstance(value, (bool, int, float, str, list, dict))


def openapi_operation(route: RouteV2, example: Any) -> Tuple[str, str, dict]:
    """(OpenAPI path, method, operation) of a v2 route."""
    doc = inspect.getdoc(route.handler) or ''
    operation: dict = {
        'operationId': 'aux_' + re.sub(r'\W+', '_', route.path.strip('/')) + '_' + route.method.lower(),
        'summary': route.options.get('summary') or (doc.strip().splitlines()[0] if doc.strip() else f'Call {route.path}'),
        'description': route.options.get('description') or doc.replace('\n', '  \n'),
        'tags': list(route.options.get('tags') or ['job']),
        'parameters': [
            {'name': p.alias or p.name, 'in': p.source, 'required': p.source == 'path' or p.required, 'schema': _param_schema(p)}
            for p in route.params if p.source in ('path', 'query', 'header', 'cookie')
        ],
        'responses': {
            str(route.status_code): {'description': 'Result of the call', 'content': {'application/json': {}}},
            '422': {'description': 'Invalid input'},
        },
    }
    body_params = [p for p in route.params if p.source == 'body']
    if body_params:
        if len(body_params) == 1 and not body_params[0].embed:
            schema = _param_schema(body_params[0])
        else:
            schema = {'type': 'object', 'properties': {p.alias or p.name: _param_schema(p) for p in body_params},
                      'required': [p.alias or p.name for p in body_params if p.required]}
        media: dict = {'schema': schema}
        if example is not None:
            media['example'] = example
        operation['requestBody'] = {'required': any(p.required for p in body_params), 'content': {'application/json': media}}
    return '/api/v1' + route.path, route.method.lower(), operation
