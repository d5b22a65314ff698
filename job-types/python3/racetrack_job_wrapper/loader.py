"""@module Imports the user's entrypoint file and picks the entrypoint class (by name, or the single class with `perform`)."""
import importlib.util
import inspect
import json
import os
import sys
from typing import Any, Optional

MAX_EXAMPLE_BYTES = 1024 * 1024


class EntrypointError(Exception):
    """The entrypoint cannot be imported, found or constructed."""


def add_packages_path(venv_packages: str) -> None:
    """Put the job venv's site-packages after the stdlib and before the interpreter's own site-packages.

    The stdlib stays first, so no job package can shadow a module the wrapper uses; the job's pinned packages
    come before anything installed in the interpreter itself, so the job gets the versions it asked for.
    """
    import site
    for path in filter(None, venv_packages.split(os.pathsep)):
        if path in sys.path:
            continue
        before = list(sys.path)
        site.addsitedir(path)  # appends path and what its .pth files add
        added = [p for p in sys.path if p not in before]
        first_site = next((i for i, p in enumerate(before) if p.rstrip('/').endswith(('site-packages', 'dist-packages'))), len(before))
        sys.path[:] = before[:first_site] + added + before[first_site:]


def import_entrypoint_module(entrypoint_path: str):
    """Import a .py file as a module, with its directory and the cwd importable (as `python -m` would)."""
    path = os.path.abspath(entrypoint_path)
    if not os.path.isfile(path):
        raise EntrypointError(f'entrypoint file not found: {entrypoint_path} (cwd {os.getcwd()})')
    for directory in (os.getcwd(), os.path.dirname(path)):
        if directory not in sys.path:
            sys.path.insert(0, directory)
    module_name = os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise EntrypointError(f'cannot import {entrypoint_path}: not a Python module')
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


def find_entrypoint_class(module, class_name: Optional[str]) -> type:
    """The class named class_name, else the only class defined in the module that has `perform`."""
    if class_name:
        found = getattr(module, class_name, None)
        if not inspect.isclass(found):
            raise EntrypointError(f'entrypoint class "{class_name}" not found in {module.__file__}')
        return found
    candidates = [obj for _, obj in inspect.getmembers(module, inspect.isclass)
                  if obj.__module__ == module.__name__ and callable(getattr(obj, 'perform', None))]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise EntrypointError(f'no class with a perform method in {module.__file__}; set jobtype_extra.entrypoint_class')
    names = ', '.join(sorted(c.__name__ for c in candidates))
    raise EntrypointError(f'several classes with perform in {module.__file__} ({names}); set jobtype_extra.entrypoint_class')


def _check_example(example: Any, where: str) -> dict:
    if not isinstance(example, dict):
        raise EntrypointError(f'{where} must return a dict, got {type(example).__name__}')
    try:
        size = len(json.dumps(example))
    except (TypeError, ValueError) as error:
        raise EntrypointError(f'{where} is not JSON-encodable: {error}') from error
    if size > MAX_EXAMPLE_BYTES:
        raise EntrypointError(f'{where} is {size} bytes; at most {MAX_EXAMPLE_BYTES} allowed')
    return example


def input_examples(entrypoint: Any) -> dict:
    """Per-endpoint example inputs from docs_input_examples() and docs_input_example() (for /perform)."""
    examples = {}
    if callable(getattr(entrypoint, 'docs_input_examples', None)):
        all_examples = _check_example(entrypoint.docs_input_examples(), 'docs_input_examples()')
        for endpoint, example in all_examples.items():
            examples[endpoint] = _check_example(example, f'docs_input_examples()[{endpoint!r}]')
    if callable(getattr(entrypoint, 'docs_input_example', None)):
        examples['/perform'] = _check_example(entrypoint.docs_input_example(), 'docs_input_example()')
    return examples
