"""@module Handler signatures: /parameters listing, JSON schemas for OpenAPI, and argument binding with validation."""
import inspect
import typing
from typing import Any, Callable, Dict, List, Tuple


class InputError(ValueError):
    """Client input that does not fit the handler's signature (answered with 400)."""


def type_name(annotation: Any) -> str:
    """Readable type of an annotation, e.g. `int`, `List[float]`; `Any` when missing."""
    if annotation is inspect.Parameter.empty:
        return 'Any'
    if isinstance(annotation, type) and not typing.get_args(annotation):
        return annotation.__name__
    return str(annotation).replace('typing.', '')


_SIGNATURES: Dict[Any, inspect.Signature] = {}
_HINTS: Dict[Any, Dict[str, Any]] = {}


def _signature(handler: Callable) -> inspect.Signature:
    # Cached: handlers are registered once and inspecting them on every call costs more than the call.
    found = _SIGNATURES.get(handler)
    if found is None:
        found = _SIGNATURES[handler] = inspect.signature(handler)
    return found


def _hints(handler: Callable) -> Dict[str, Any]:
    found = _HINTS.get(handler)
    if found is None:
        try:
            found = typing.get_type_hints(handler)
        except Exception:  # unresolvable forward references: fall back to raw annotations
            found = {}
        _HINTS[handler] = found
    return found


def _annotation(param: inspect.Parameter, hints: Dict[str, Any]) -> Any:
    return hints.get(param.name, param.annotation)


def list_parameters(handler: Callable) -> List[dict]:
    """Parameters as `[{name, type}, ..., {name, default_value, type}]`: required ones first."""
    hints = _hints(handler)
    required, optional = [], []
    for param in _signature(handler).parameters.values():
        annotation = _annotation(param, hints)
        if param.kind == param.VAR_KEYWORD:
            continue
        if param.kind == param.VAR_POSITIONAL:
            optional.append({'name': param.name, 'type': f'List[{type_name(annotation)}]', 'required': False})
        elif param.default is param.empty:
            required.append({'name': param.name, 'type': type_name(annotation), 'required': True})
        else:
            optional.append({'name': param.name, 'default_value': _jsonable_default(param.default),
                             'type': type_name(annotation), 'required': False})
    return required + optional


def _jsonable_default(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str, list, dict)):
        return value
    return repr(value)


def json_schema(annotation: Any) -> dict:
    """JSON schema (OpenAPI 3.0 flavour) of a Python annotation; `{}` when it cannot be expressed."""
    if annotation is inspect.Parameter.empty or annotation is Any:
        return {}
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Union:
        options = [a for a in args if a is not type(None)]
        schema = json_schema(options[0]) if len(options) == 1 else {'anyOf': [json_schema(a) for a in options]}
        return {**schema, 'nullable': True} if len(options) < len(args) else schema
    if annotation is bool:
        return {'type': 'boolean'}
    if annotation is int:
        return {'type': 'integer'}
    if annotation is float:
        return {'type': 'number'}
    if annotation is str:
        return {'type': 'string'}
    if annotation in (list, tuple, set) or origin in (list, tuple, set):
        return {'type': 'array', 'items': json_schema(args[0]) if args else {}}
    if annotation is dict or origin is dict:
        return {'type': 'object'}
    return {}


def request_schema(handler: Callable) -> dict:
    """Object schema of a handler's keyword arguments."""
    hints = _hints(handler)
    properties, required = {}, []
    extra_allowed = False
    for param in _signature(handler).parameters.values():
        if param.kind == param.VAR_KEYWORD:
            extra_allowed = True
            continue
        if param.kind == param.VAR_POSITIONAL:
            continue
        prop = json_schema(_annotation(param, hints))
        if param.default is not param.empty:
            prop = {**prop, 'default': _jsonable_default(param.default)}
        else:
            required.append(param.name)
        properties[param.name] = prop
    schema: dict = {'type': 'object', 'properties': properties, 'additionalProperties': extra_allowed}
    if required:
        schema['required'] = required
    return schema


def _check(value: Any, annotation: Any, where: str) -> None:
    """Raise InputError when value clearly does not match a simple annotation (unknown types pass)."""
    if annotation is inspect.Parameter.empty or annotation is Any:
        return
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Union:
        if value is None and type(None) in args:
            return
        errors = []
        for option in (a for a in args if a is not type(None)):
            try:
                _check(value, option, where)
                return
            except InputError as error:
                errors.append(error)
        if errors:
            raise errors[0]
        return
    expected = None
    if annotation is bool and not isinstance(value, bool):
        expected = 'a boolean'
    elif annotation is int and (isinstance(value, bool) or not isinstance(value, int)):
        expected = 'an integer'
    elif annotation is float and (isinstance(value, bool) or not isinstance(value, (int, float))):
        expected = 'a number'
    elif annotation is str and not isinstance(value, str):
        expected = 'a string'
    elif (annotation in (list, tuple, set) or origin in (list, tuple, set)) and not isinstance(value, list):
        expected = 'an array'
    elif (annotation is dict or origin is dict) and not isinstance(value, dict):
        expected = 'an object'
    if expected:
        raise InputError(f'field "{where}" must be {expected}, got {_json_type(value)}')
    if origin in (list, set) and args:
        for index, item in enumerate(value):
            _check(item, args[0], f'{where}[{index}]')


def _json_type(value: Any) -> str:
    if value is None:
        return 'null'
    if isinstance(value, bool):
        return 'boolean'
    if isinstance(value, (int, float)):
        return 'number'
    if isinstance(value, str):
        return 'string'
    if isinstance(value, list):
        return 'array'
    return 'object'


def bind_arguments(handler: Callable, payload: Any) -> Tuple[tuple, dict]:
    """Map a JSON object onto the handler's keyword parameters, raising InputError naming the bad field."""
    if not isinstance(payload, dict):
        raise InputError(f'request body must be a JSON object of named parameters, got {_json_type(payload)}')
    signature = _signature(handler)
    hints = _hints(handler)
    accepts_any = any(p.kind == p.VAR_KEYWORD for p in signature.parameters.values())
    named = {n: p for n, p in signature.parameters.items() if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    for key in payload:
        if key not in named and not accepts_any:
            raise InputError(f'unexpected field "{key}"; parameters are: {", ".join(named) or "none"}')
    for name, param in named.items():
        if name not in payload:
            if param.default is param.empty:
                raise InputError(f'missing required field "{name}"')
            continue
        _check(payload[name], _annotation(param, hints), name)
    return (), dict(payload)
