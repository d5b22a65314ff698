"""@module Converts handler results to JSON: numpy arrays and scalars, dataclasses, dates, paths, sets."""
import dataclasses
import datetime
import decimal
import enum
import json
import math
import pathlib
import uuid
from typing import Any


def _default(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (pathlib.PurePath, uuid.UUID)):
        return str(value)
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, bytes):
        return value.decode('utf-8', errors='replace')
    if hasattr(value, 'tolist'):  # numpy arrays and scalars, without importing numpy
        return value.tolist()
    if hasattr(value, 'item'):
        return value.item()
    if hasattr(value, 'model_dump'):  # pydantic v2 models
        return value.model_dump()
    if hasattr(value, 'dict') and callable(value.dict):
        return value.dict()
    raise TypeError(f'result of type {type(value).__name__} is not JSON serializable')


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def to_json_bytes(value: Any) -> bytes:
    """Serialise a result; NaN and infinities (not valid JSON) become null."""
    try:
        return json.dumps(value, default=_default, allow_nan=False).encode('utf-8')
    except ValueError:
        plain = json.loads(json.dumps(value, default=_default))
        return json.dumps(_finite(plain)).encode('utf-8')
