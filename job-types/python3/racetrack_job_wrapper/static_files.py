"""@module Static endpoints: files and whole directories from the job's directory; paths leaving it are refused."""
import mimetypes
import os
from typing import Dict, Optional, Tuple

from .http_types import Response, error_response

mimetypes.add_type('application/x-yaml', '.yaml')
mimetypes.add_type('application/x-yaml', '.yml')
mimetypes.add_type('text/markdown', '.md')


def guess_mimetype(path: str) -> str:
    """Mimetype from the file name; text/plain when unknown."""
    return mimetypes.guess_type(path)[0] or 'text/plain'


def _inside(root: str, candidate: str) -> bool:
    root, candidate = os.path.realpath(root), os.path.realpath(candidate)
    return candidate == root or candidate.startswith(root + os.sep)


class StaticRoutes:
    """Maps request paths to files; built from `static_endpoints()` relative to the job directory."""

    def __init__(self, job_dir: str):
        self.job_dir = os.path.realpath(job_dir)
        self.files: Dict[str, Tuple[str, Optional[str]]] = {}
        self.dirs: Dict[str, str] = {}

    def add(self, endpoint: str, spec) -> None:
        """Register one `static_endpoints()` entry: 'file', ('file', 'mime/type') or 'directory'."""
        endpoint = '/' + endpoint.strip('/')
        filename, mimetype = (spec[0], spec[1]) if isinstance(spec, (tuple, list)) else (spec, None)
        path = os.path.join(self.job_dir, filename)
        if not _inside(self.job_dir, path):
            raise ValueError(f'static endpoint {endpoint} points outside the job directory: {filename}')
        if os.path.isdir(path):
            self.dirs[endpoint] = path
        elif os.path.isfile(path):
            self.files[endpoint] = (path, mimetype)
        else:
            raise ValueError(f'static endpoint {endpoint}: file not found: {filename}')

    def add_directory(self, endpoint: str, directory: str) -> None:
        """Serve a whole directory (used for the webview's static/)."""
        self.dirs['/' + endpoint.strip('/')] = os.path.realpath(directory)

    def endpoints(self):
        """Every servable path, directories expanded recursively (for the OpenAPI listing)."""
        paths = list(self.files)
        for endpoint, directory in self.dirs.items():
            for root, _, names in os.walk(directory):
                for name in names:
                    rel = os.path.relpath(os.path.join(root, name), directory).replace(os.sep, '/')
                    paths.append(f'{endpoint}/{rel}')
        return sorted(paths)

    def resolve(self, subpath: str) -> Optional[Response]:
        """Response for a request path, or None when no static endpoint matches."""
        if subpath in self.files:
            path, mimetype = self.files[subpath]
            return self._file(path, mimetype)
        for endpoint, directory in sorted(self.dirs.items(), key=lambda item: -len(item[0])):
            if subpath.startswith(endpoint + '/'):
                relative = subpath[len(endpoint) + 1:]
                target = os.path.join(directory, relative)
                if '\x00' in relative or not _inside(directory, target):
                    return error_response(403, f'path leaves the static directory: {relative}', 'Forbidden')
                if os.path.isfile(target):
                    return self._file(target, None)
                return error_response(404, f'static file not found: {subpath}', 'NotFound')
        return None

    @staticmethod
    def _file(path: str, mimetype: Optional[str]) -> Response:
        with open(path, 'rb') as handle:
            data = handle.read()
        return Response(200, data, [('Content-Type', mimetype or guess_mimetype(path))])
