"""@module Prometheus metrics in text exposition format, with the metric names of the original runner."""
import math
import threading
import time
from typing import Dict, Iterable, List, Tuple

# 1 ms ... 1000 s, as the original runner's request_duration histogram.
DURATION_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000)

LabelKey = Tuple[Tuple[str, str], ...]


def _escape(value: str) -> str:
    return str(value).replace('\\', '\\\\').replace('\n', '\\n').replace('"', '\\"')


def _labels(key: LabelKey, extra: Iterable[Tuple[str, str]] = ()) -> str:
    pairs = list(key) + list(extra)
    if not pairs:
        return ''
    return '{' + ','.join(f'{name}="{_escape(value)}"' for name, value in pairs) + '}'


def _number(value: float) -> str:
    """Prometheus sample value: integers without a decimal point, floats in repr form."""
    value = float(value)
    if math.isnan(value):
        return 'NaN'
    if math.isinf(value):
        return '+Inf' if value > 0 else '-Inf'
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


class _Metric:
    def __init__(self, name: str, help_text: str, kind: str):
        self.name = name
        self.help = help_text
        self.kind = kind
        self.lock = threading.Lock()

    def header(self) -> List[str]:
        return [f'# HELP {self.name} {self.help}', f'# TYPE {self.name} {self.kind}']


class Counter(_Metric):
    """Monotonic count, optionally per label set."""

    def __init__(self, name: str, help_text: str):
        super().__init__(name, help_text, 'counter')
        self.values: Dict[LabelKey, float] = {}

    def inc(self, amount: float = 1, **labels: str) -> None:
        key = tuple(sorted(labels.items()))
        with self.lock:
            self.values[key] = self.values.get(key, 0) + amount

    def render(self) -> List[str]:
        # Exposed with the _total suffix, as prometheus_client (used by the original runner) does for counters.
        name = self.name + '_total'
        with self.lock:
            items = list(self.values.items()) or [((), 0)]
        return [f'# HELP {name} {self.help}', f'# TYPE {name} counter'] + [f'{name}{_labels(k)} {_number(v)}' for k, v in items]


class Gauge(_Metric):
    """Value that goes up and down."""

    def __init__(self, name: str, help_text: str):
        super().__init__(name, help_text, 'gauge')
        self.values: Dict[LabelKey, float] = {}

    def set(self, value: float, **labels: str) -> None:
        with self.lock:
            self.values[tuple(sorted(labels.items()))] = value

    def render(self) -> List[str]:
        with self.lock:
            items = list(self.values.items()) or [((), 0)]
        return self.header() + [f'{self.name}{_labels(k)} {_number(v)}' for k, v in items]


class Histogram(_Metric):
    """Cumulative buckets, sum and count per label set."""

    def __init__(self, name: str, help_text: str, buckets=DURATION_BUCKETS):
        super().__init__(name, help_text, 'histogram')
        self.buckets = tuple(buckets)
        self.series: Dict[LabelKey, List[float]] = {}  # bucket counts..., sum, count

    def observe(self, value: float, **labels: str) -> None:
        key = tuple(sorted(labels.items()))
        with self.lock:
            series = self.series.setdefault(key, [0.0] * (len(self.buckets) + 2))
            for index, bound in enumerate(self.buckets):
                if value <= bound:
                    series[index] += 1
            series[-2] += value
            series[-1] += 1

    def render(self) -> List[str]:
        lines = self.header()
        with self.lock:
            items = [(k, list(v)) for k, v in self.series.items()]
        for key, series in items:
            for index, bound in enumerate(self.buckets):
                lines.append(f'{self.name}_bucket{_labels(key, [("le", _number(bound))])} {_number(series[index])}')
            lines.append(f'{self.name}_bucket{_labels(key, [("le", "+Inf")])} {_number(series[-1])}')
            lines.append(f'{self.name}_sum{_labels(key)} {repr(series[-2])}')
            lines.append(f'{self.name}_count{_labels(key)} {_number(series[-1])}')
        return lines


class JobMetrics:
    """The generic metrics every job exposes at /metrics."""

    def __init__(self):
        self.started_at = time.time()
        self.request_internal_errors = Counter('request_internal_errors', 'Number of errors raised by the job per endpoint')
        self.request_duration = Histogram('request_duration', 'Duration of job calls in seconds per endpoint')
        self.requests_started = Counter('requests_started', 'Number of job calls started')
        self.requests_done = Counter('requests_done', 'Number of job calls finished')
        self.endpoint_requests_started = Counter('endpoint_requests_started', 'Number of job calls started per endpoint')
        self.last_call_timestamp = Gauge('last_call_timestamp', 'Unix time (seconds) of the last job call')
        self.commons_internal_server_errors = Counter('commons_internal_server_errors', 'Number of HTTP 5xx answers')
        self.commons_request_duration = Histogram('commons_request_duration', 'Duration of HTTP requests in seconds')
        self.commons_requests_started = Counter('commons_requests_started', 'Number of HTTP requests started')
        self.commons_requests_done = Counter('commons_requests_done', 'Number of HTTP requests finished')
        self.all = [
            self.request_internal_errors, self.request_duration, self.requests_started, self.requests_done,
            self.endpoint_requests_started, self.last_call_timestamp, self.commons_internal_server_errors,
            self.commons_request_duration, self.commons_requests_started, self.commons_requests_done,
        ]

    def render(self, user_metrics: Iterable[dict] = ()) -> str:
        """Exposition text of the generic metrics, process start time and the user's gauges."""
        lines: List[str] = []
        for metric in self.all:
            lines.extend(metric.render())
        lines += ['# HELP process_start_time_seconds Start time of the process since unix epoch in seconds',
                  '# TYPE process_start_time_seconds gauge', f'process_start_time_seconds {repr(self.started_at)}']
        lines.extend(render_user_metrics(user_metrics))
        return '\n'.join(lines) + '\n'


def render_user_metrics(user_metrics: Iterable[dict]) -> List[str]:
    """User metrics from `metrics()`: dicts with name, value, description?, labels?; null values skipped."""
    families: Dict[str, List[str]] = {}
    for metric in user_metrics or ():
        name, value = metric.get('name'), metric.get('value')
        if not name or value is None:
            continue
        if name not in families:  # all series of one name must follow its HELP/TYPE lines
            families[name] = [f'# HELP {name} {metric.get("description") or name}', f'# TYPE {name} gauge']
        key = tuple(sorted((str(k), str(v)) for k, v in (metric.get('labels') or {}).items()))
        families[name].append(f'{name}{_labels(key)} {_number(float(value))}')
    return [line for lines in families.values() for line in lines]
