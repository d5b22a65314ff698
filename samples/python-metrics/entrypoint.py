"""Sample job: exports its own Prometheus gauges through metrics()."""
import random
import time


class JobEntrypoint:
    def __init__(self):
        self.positives = 0
        self.wasted_seconds = 0.0

    def perform(self, number: float) -> bool:
        """Tell whether a number is positive (and count the positive ones)."""
        started = time.perf_counter()
        positive = number > 0
        if positive:
            self.positives += 1
        self.wasted_seconds += time.perf_counter() - started
        return positive

    def docs_input_example(self) -> dict:
        return {'number': 7}

    def metrics(self):
        """Custom metrics shown at /metrics next to the generic ones."""
        return [
            {'name': 'job_wasted_seconds', 'description': 'Seconds spent in perform', 'value': self.wasted_seconds},
            {'name': 'job_positives', 'description': 'Positive numbers seen', 'value': self.positives,
             'labels': {'color': 'blue'}},
            {'name': 'job_mood', 'description': 'A random gauge', 'value': random.random()},
        ]
