"""@module Chain calls: call another job through PUB, passing on auth, tracing id and caller of the current request."""
import json
import os
import urllib.error
import urllib.request
from typing import Any, Optional

from .context import current_request


def call_job(job_name: str, path: str = '/api/v1/perform', payload: Any = None, version: str = 'latest',
             method: str = 'POST', timeout: float = 10) -> Any:
    """Call `{PUB_URL}/job/<job_name>/<version><path>` and return its parsed JSON; raise RuntimeError on any failure."""
    pub_url = (os.environ.get('PUB_URL') or 'http://127.0.0.1:7205/pub').rstrip('/')
    url = f'{pub_url}/job/{job_name}/{version}/{path.lstrip("/")}'
    headers = {'Content-Type': 'application/json', 'Accept': 'application/json'}
    token = os.environ.get('AUTH_TOKEN')
    if token:
        headers['X-Racetrack-Auth'] = token
    request = current_request()
    if request is not None:
        tracing_header = os.environ.get('REQUEST_TRACING_HEADER') or 'X-Request-Tracing-Id'
        caller_header = os.environ.get('CALLER_NAME_HEADER') or 'X-Caller-Name'
        if request.tracing_id:
            headers[tracing_header] = request.tracing_id
        if request.caller_name:
            headers[caller_header] = request.caller_name
        predecessor = request.header('X-Recordkeeper-Predecessor-Id')
        if predecessor:
            headers['X-Recordkeeper-Predecessor-Id'] = predecessor
    source = os.environ.get('JOB_NAME', 'job')
    data: Optional[bytes] = json.dumps(payload).encode('utf-8') if payload is not None or method == 'POST' else None
    if data is not None and payload is None:
        data = b'{}'
    outgoing = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(outgoing, timeout=timeout) as response:
            text = response.read().decode('utf-8')
    except urllib.error.HTTPError as error:
        body = error.read().decode('utf-8', errors='replace')
        raise RuntimeError(f'failed to call job "{job_name} {version}" by {source}: {error.code} {error.reason}: {body}') from error
    except Exception as error:
        raise RuntimeError(f'failed to call job "{job_name} {version}" by {source}: {error}') from error
    try:
        return json.loads(text) if text else None
    except ValueError as error:
        raise RuntimeError(f'failed to call job "{job_name} {version}" by {source}: response is not JSON: {text[:200]}') from error


async def call_job_coroutine(job_name: str, path: str = '/api/v1/perform', payload: Any = None, version: str = 'latest',
                             method: str = 'POST', timeout: float = 10) -> Any:
    """Async variant of call_job (runs the blocking call in a thread, keeping the caller's request context)."""
    import asyncio
    import contextvars
    context = contextvars.copy_context()
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, lambda: context.run(call_job, job_name, path, payload, version, method, timeout))


#: Name used by older wrapper versions.
call_job_async = call_job_coroutine
