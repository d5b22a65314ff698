"""Sample job: serves files and a whole directory next to perform."""


class JobEntrypoint:
    def perform(self, name: str = 'world') -> str:
        """Greet someone."""
        return f'hello {name}'

    def docs_input_example(self) -> dict:
        return {'name': 'Racetrack'}

    def static_endpoints(self):
        """Dict of endpoint paths mapped to corresponding static files that ought be served."""
        return {
            '/xrai': 'xrai.yaml',
            '/manifest': ('job.yaml', 'application/x-yaml'),
            '/docs/readme': 'README.md',
            '/docs': 'docs/',
        }
