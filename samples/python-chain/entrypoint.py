"""Sample job: calls the `adder` job through PUB (chain call) and rounds its result."""
from typing import List

from racetrack_job_wrapper.call import call_job


class JobEntrypoint:
    def perform(self, numbers: List[float]) -> int:
        """Add numbers with the adder job, then round the sum."""
        total = call_job('adder', '/api/v1/perform', {'numbers': numbers})
        return round(total)

    def docs_input_example(self) -> dict:
        return {'numbers': [40, 2.7]}
