"""Sample job: reads runtime env vars set by runtime_env and by a secret runtime env file."""
import os


class JobEntrypoint:
    def perform(self) -> dict:
        """Show which configured variables reached the job (secret values are masked)."""
        secret = os.environ.get('SUPER_SECRET_TOKEN', '')
        return {
            'DJANGO_DEBUG': os.environ.get('DJANGO_DEBUG'),
            'TORCH_MODEL_ZOO': os.environ.get('TORCH_MODEL_ZOO'),
            'SUPER_SECRET_TOKEN': f'{secret[:2]}*** ({len(secret)} chars)' if secret else None,
            # build-only variables are blanked at runtime so they never leak into the job
            'GITLAB_TOKEN': os.environ.get('GITLAB_TOKEN'),
        }

    def docs_input_example(self) -> dict:
        """perform takes no parameters."""
        return {}
