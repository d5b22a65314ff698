"""@module Command line: `python -m racetrack_job_wrapper run <entrypoint_path> [<entrypoint_class>]`."""
import argparse
import os
import sys

from .config import resolve_config
from .server import serve_entrypoint_path


def main(argv=None) -> int:
    """Parse the command line and serve the job until interrupted."""
    parser = argparse.ArgumentParser(prog='racetrack_job_wrapper', description='Serve a Racetrack job entrypoint over HTTP')
    commands = parser.add_subparsers(dest='command', required=True)
    run = commands.add_parser('run', help='import the entrypoint and serve it')
    run.add_argument('entrypoint_path', help='path of the .py file with the entrypoint class')
    run.add_argument('entrypoint_class', nargs='?', default=None, help='class name (discovered when omitted)')
    run.add_argument('--port', type=int, default=None, help='port to listen on (default: $PORT or 7000)')
    run.add_argument('--host', default=None, help='address to bind (default 0.0.0.0)')
    run.add_argument('--manifest-path', default=None, help='job.yaml (or JSON) manifest; default $JOB_MANIFEST_YAML or ./job.yaml')
    run.add_argument('--venv-packages', default=None, help='site-packages of the job venv, appended after the stdlib')
    run.add_argument('--swagger-ui-dir', default=None, help='directory with swagger-ui-bundle.js and swagger-ui.css')
    args = parser.parse_args(argv)
    overrides = {key: value for key, value in vars(args).items() if value is not None and key != 'command'}
    config = resolve_config(dict(os.environ), overrides)
    return serve_entrypoint_path(config)


if __name__ == '__main__':
    sys.exit(main())
