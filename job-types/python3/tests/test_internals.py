"""Unit tests of the wrapper internals that the HTTP conformance suite cannot reach easily."""
import os
import sys
import threading
from typing import List, Optional

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))

from racetrack_job_wrapper.concurrency import ConcurrencyLimiter, QueueFull  # noqa: E402
from racetrack_job_wrapper.manifest import parse_manifest  # noqa: E402
from racetrack_job_wrapper.metrics import JobMetrics  # noqa: E402
from racetrack_job_wrapper.response import to_json_bytes  # noqa: E402
from racetrack_job_wrapper.signature import InputError, bind_arguments, list_parameters  # noqa: E402
from racetrack_job_wrapper.static_files import StaticRoutes  # noqa: E402


def test_manifest_yaml_subset():
    text = '''
name: adder   # comment
owner_email: a@b.c
version: "0.0.2"
git:
  remote: https://github.com/x/y
  directory: samples/a
jobtype_extra:
  max_concurrency: 1
  home_page: '/api/v1/webview'
public_endpoints:
  - '/api/v1/perform'
  - /api/v1/webview
labels: {"a": "b"}
system_dependencies: [libgomp1, curl]
'''
    manifest = parse_manifest(text)
    assert manifest['name'] == 'adder'
    assert manifest['version'] == '0.0.2'
    assert manifest['git'] == {'remote': 'https://github.com/x/y', 'directory': 'samples/a'}
    assert manifest['jobtype_extra'] == {'max_concurrency': 1, 'home_page': '/api/v1/webview'}
    assert manifest['public_endpoints'] == ['/api/v1/perform', '/api/v1/webview']
    assert manifest['labels'] == {'a': 'b'}
    assert manifest['system_dependencies'] == ['libgomp1', 'curl']


def test_manifest_json_and_list_of_mappings():
    assert parse_manifest('{"name": "x"}') == {'name': 'x'}
    assert parse_manifest('items:\n- a: 1\n  b: 2\n- c: 3\n') == {'items': [{'a': 1, 'b': 2}, {'c': 3}]}


class Entrypoint:
    def perform(self, numbers: List[float], scale: int = 1, label: Optional[str] = None) -> float:
        return sum(numbers) * scale


def test_parameters_required_first_with_defaults():
    params = list_parameters(Entrypoint().perform)
    assert params == [
        {'name': 'numbers', 'type': 'List[float]', 'required': True},
        {'name': 'scale', 'default_value': 1, 'type': 'int', 'required': False},
        {'name': 'label', 'default_value': None, 'type': 'Optional[str]', 'required': False},
    ]


@pytest.mark.parametrize('payload, field', [
    ({}, 'numbers'),
    ({'numbers': 'x'}, 'numbers'),
    ({'numbers': [1, 'x']}, 'numbers[1]'),
    ({'numbers': [1], 'scale': 1.5}, 'scale'),
    ({'numbers': [1], 'other': 1}, 'other'),
    ({'numbers': [1], 'label': 3}, 'label'),
])
def test_bind_rejects_naming_the_field(payload, field):
    with pytest.raises(InputError, match=f'"{field}'.replace('[', r'\[')):
        bind_arguments(Entrypoint().perform, payload)


def test_bind_accepts_valid_input_and_kwargs():
    assert bind_arguments(Entrypoint().perform, {'numbers': [1, 2.5], 'label': None}) == ((), {'numbers': [1, 2.5], 'label': None})

    def anything(**kwargs):
        return kwargs
    assert bind_arguments(anything, {'x': 1}) == ((), {'x': 1})


def test_limiter_queue_full_and_fifo_handover():
    limiter = ConcurrencyLimiter(1, 1)
    order = []
    limiter.__enter__()
    entered = threading.Event()

    def waiter():
        entered.set()
        with limiter:
            order.append('waiter')
    thread = threading.Thread(target=waiter)
    thread.start()
    entered.wait(5)
    while not limiter.waiting:  # the waiter is queued once the deque holds its event
        threading.Event().wait(0.001)
    with pytest.raises(QueueFull):
        limiter.__enter__()
    order.append('first')
    limiter.__exit__(None, None, None)
    thread.join(5)
    assert order == ['first', 'waiter']
    assert limiter.running == 0


def test_metrics_text_has_original_names_and_user_gauges():
    metrics = JobMetrics()
    metrics.request_duration.observe(0.002, endpoint='/api/v1/perform')
    text = metrics.render([{'name': 'job_positives', 'value': 3, 'labels': {'color': 'blue'}}, {'name': 'skipped', 'value': None}])
    for name in ('request_internal_errors_total', 'request_duration', 'requests_started_total', 'requests_done_total',
                 'endpoint_requests_started_total', 'last_call_timestamp', 'commons_request_duration',
                 'commons_internal_server_errors_total', 'commons_requests_started_total', 'commons_requests_done_total'):
        assert f'# TYPE {name} ' in text
    assert 'request_duration_bucket{endpoint="/api/v1/perform",le="0.0025"} 1' in text
    assert 'job_positives{color="blue"} 3' in text
    assert 'skipped' not in text


def test_json_conversion_of_common_types():
    import dataclasses
    import datetime
    import pathlib

    @dataclasses.dataclass
    class Point:
        x: int
    assert to_json_bytes({'p': Point(1), 'd': datetime.date(2020, 1, 2), 'path': pathlib.Path('/a'), 's': (1,)}) == \
        b'{"p": {"x": 1}, "d": "2020-01-02", "path": "/a", "s": [1]}'
    assert to_json_bytes([float('nan'), 1.0]) == b'[null, 1.0]'


def test_static_routes_refuse_traversal(tmp_path):
    (tmp_path / 'pub').mkdir()
    (tmp_path / 'pub' / 'a.txt').write_text('hello')
    (tmp_path / 'secret.txt').write_text('secret')
    routes = StaticRoutes(str(tmp_path))
    routes.add('/files', 'pub')
    assert routes.resolve('/files/a.txt').body == b'hello'
    assert routes.resolve('/files/../secret.txt').status == 403
    with pytest.raises(ValueError):
        routes.add('/up', '../outside')


def test_venv_packages_go_after_stdlib_and_before_interpreter_site_packages(tmp_path, monkeypatch):
    from racetrack_job_wrapper.loader import add_packages_path
    venv = tmp_path / 'venv-site-packages'
    venv.mkdir()
    (venv / 'extra.pth').write_text(str(tmp_path / 'from-pth') + '\n')
    (tmp_path / 'from-pth').mkdir()
    monkeypatch.setattr(sys, 'path', ['/wrapper', '/usr/lib/python3.11', '/usr/lib/python3.11/lib-dynload', '/usr/lib/python3/dist-packages'])
    add_packages_path(str(venv))
    assert sys.path == ['/wrapper', '/usr/lib/python3.11', '/usr/lib/python3.11/lib-dynload', str(venv), str(tmp_path / 'from-pth'),
                        '/usr/lib/python3/dist-packages']
