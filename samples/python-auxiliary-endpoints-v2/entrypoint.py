"""Sample job: auxiliary endpoints declared with auxiliary_endpoints_v2(): a GET with path and query parameters and a
POST whose JSON body becomes a dataclass (FastAPI's rules for where parameters come from; FastAPI itself not needed)."""
from dataclasses import dataclass
from http import HTTPMethod
from typing import Dict, List

from racetrack_job_wrapper.endpoint_config import EndpointConfig


@dataclass
class Pair:
    x: float
    y: float


class JobEntrypoint:
    def perform(self, numbers: List[float]) -> float:
        """
        Add numbers.
        :param numbers: Numbers to add.
        :return: Sum of the numbers.
        """
        return sum(numbers)

    def auxiliary_endpoints_v2(self) -> List[EndpointConfig]:
        return [
            EndpointConfig('/explain', HTTPMethod.POST, self.explain, other_options={'tags': ['explain']}),
            EndpointConfig('/countdown/{start}', HTTPMethod.GET, self.countdown),
        ]

    def explain(self, pair: Pair) -> Dict[str, float]:
        """Share of each number in the sum (the body is the pair itself)."""
        total = self.perform([pair.x, pair.y])
        return {'x_importance': pair.x / total, 'y_importance': pair.y / total}

    def countdown(self, start: int, step: int = 1) -> List[int]:
        """Numbers from `start` (path) down to 1, `step` (query) apart."""
        return list(range(start, 0, -step))

    def docs_input_examples(self) -> Dict[str, Dict]:
        return {'/perform': {'numbers': [40, 2]}, '/explain': {'x': 1, 'y': 3}}
