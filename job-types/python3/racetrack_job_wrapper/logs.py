"""@module Logging setup: JSON lines (LOG_STRUCTURED, default) or plain text, with tracing id and caller name."""
import json
import logging
import sys
import time

from .context import current_request

_STANDARD_ATTRS = set(vars(logging.makeLogRecord({})).keys()) | {'message', 'asctime'}


class _RequestFilter(logging.Filter):
    """Adds the current request's tracing id (and caller, when LOG_CALLER_NAME) to every record."""

    def __init__(self, with_caller: bool):
        super().__init__()
        self.with_caller = with_caller

    def filter(self, record: logging.LogRecord) -> bool:
        request = current_request()
        if request is not None:
            if not hasattr(record, 'tracing_id'):
                record.tracing_id = request.tracing_id
            if self.with_caller and request.caller_name and not hasattr(record, 'caller'):
                record.caller = request.caller_name
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, msg, and any extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            'time': time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(record.created)) + f'.{int(record.msecs):03d}Z',
            'level': record.levelname.lower(),
            'logger': record.name,
            'msg': record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and not key.startswith('_'):
                entry[key] = value
        if record.exc_info:
            entry['stack'] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class TextFormatter(logging.Formatter):
    """Human-readable line with the extra fields appended as key=value."""

    def format(self, record: logging.LogRecord) -> str:
        base = f'{self.formatTime(record)} {record.levelname:<7} {record.name}: {record.getMessage()}'
        extras = [f'{k}={v}' for k, v in vars(record).items() if k not in _STANDARD_ATTRS and not k.startswith('_')]
        line = base + (' ' + ' '.join(extras) if extras else '')
        if record.exc_info:
            line += '\n' + self.formatException(record.exc_info)
        return line


def configure_logging(level: str, structured: bool, with_caller: bool) -> None:
    """Route the root logger (wrapper and user code alike) to stdout in the chosen format."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter() if structured else TextFormatter())
    handler.addFilter(_RequestFilter(with_caller))
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(getattr(logging, level, logging.DEBUG))
