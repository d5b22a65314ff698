"""Sample job: perform plus two auxiliary endpoints with per-endpoint examples."""
import random
from typing import Callable, Dict, List


class JobEntrypoint:
    def perform(self, numbers: List[float]) -> float:
        """
        Add numbers.
        :param numbers: Numbers to add.
        :return: Sum of the numbers.
        """
        return sum(numbers)

    def auxiliary_endpoints(self) -> Dict[str, Callable]:
        """Dict of custom endpoint paths (besides "/perform") handled by Entrypoint methods"""
        return {
            '/explain': self.explain,
            '/random': self.random,
        }

    def explain(self, x: float, y: float) -> Dict[str, float]:
        """
        Explain feature importance of a model result.
        :param x: First element to add.
        :param y: Second element to add.
        :return: Dict of feature importance.
        """
        result = self.perform([x, y])
        return {'x_importance': x / result, 'y_importance': y / result}

    def random(self, start: int = 0, end: int = 10) -> int:
        """Return a random integer from [start, end]."""
        return random.randint(start, end)

    def docs_input_examples(self) -> Dict[str, Dict]:
        """Return mapping of Job's endpoints to corresponding exemplary inputs."""
        return {
            '/perform': {'numbers': [40, 2]},
            '/explain': {'x': 1, 'y': 3},
            '/random': {'start': 5, 'end': 5},
        }
