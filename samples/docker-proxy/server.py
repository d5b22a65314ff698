"""A job served by the Python standard library alone: sums numbers on POST /api/v1/perform."""
import json
import os
import re
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DEPLOYMENT_TIMESTAMP = int(os.environ.get("JOB_DEPLOYMENT_TIMESTAMP", "0"))
PORT = int(os.environ.get("PORT", "7000"))
# PUB forwards calls with their public prefix, /pub/job/<name>/<version>/...; probes come without it.
PREFIX = re.compile(r"^/pub/job/[^/]+/[^/]+(?=/|$)")


def route(raw_path):
    """The request path without its query and PUB's prefix."""
    return PREFIX.sub("", raw_path.split("?")[0]) or "/"


class Handler(BaseHTTPRequestHandler):
    def _send(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        path = route(self.path)
        if path == "/live":
            # Lifecycle checks that the instance it just started answers, by this timestamp.
            self._send(200, {"live": True, "deployment_timestamp": DEPLOYMENT_TIMESTAMP})
        elif path in ("/ready", "/health"):
            self._send(200, {"status": "pass"})
        else:
            self._send(404, {"error": f"no route {path}"})

    def do_POST(self):
        path = route(self.path)
        if path != "/api/v1/perform":
            self._send(404, {"error": f"no route {path}"})
            return
        length = int(self.headers.get("content-length") or 0)
        try:
            numbers = json.loads(self.rfile.read(length) or b"{}").get("numbers", [])
            self._send(200, sum(float(n) if isinstance(n, float) else int(n) for n in numbers))
        except (ValueError, TypeError, AttributeError) as error:
            self._send(400, {"error": f"send {{\"numbers\": [1, 2]}}: {error}"})

    def log_message(self, format, *args):
        print(f"{self.command} {self.path} {args[1] if len(args) > 1 else ''}", file=sys.stdout, flush=True)


if __name__ == "__main__":
    print(f"docker-proxy adder listening on {PORT}", flush=True)
    ThreadingHTTPServer(("0.0.0.0", PORT), Handler).serve_forever()
