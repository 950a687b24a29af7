"""Another host on loopback, for the `foreign_next_link` and `redirect_to` knobs: it records every request it gets
(path, and whether an Authorization header came with it) and answers each with Twilio's 404 document, so a test can
say whether the connector went there and whether any credential did."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import List, Tuple

import orjson

from .errors import error_body


class _Recorder(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "ForeignHost"

    def log_message(self, format, *args):  # noqa: A002 - keep test output quiet
        pass

    def do_GET(self):  # noqa: N802
        with self.server.lock:
            self.server.requests.append((self.path, self.headers.get("Authorization") is not None))
        body = orjson.dumps(error_body(404, 20404, "not here"))
        self.send_response(404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class ForeignHost(ThreadingHTTPServer):
    """`with ForeignHost() as other: other.url, other.requests` -> [(path, carried an Authorization header), ...]"""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Recorder)
        self.lock = threading.Lock()
        self.requests: List[Tuple[str, bool]] = []
        self.url = f"http://127.0.0.1:{self.server_port}"

    def __enter__(self) -> "ForeignHost":
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()
        self.server_close()
