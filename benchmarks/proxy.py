"""A small HTTP proxy in front of the emulator that counts requests per account and stream."""

from __future__ import annotations

import http.client
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Tuple
from urllib.parse import urlsplit


class CountingProxy(ThreadingHTTPServer):
    """Forwards GETs to the emulator and counts them per (account, stream); for the small incremental run only."""

    daemon_threads = True

    def __init__(self, upstream: str) -> None:
        u = urlsplit(upstream)
        self.upstream = (u.hostname, u.port)
        self.counts: Dict[Tuple[str, str], int] = {}
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def count(self, path: str) -> None:
        m = re.match(r"/api/2010-04-01/Accounts(?:/(AC[0-9a-f]{32})(?:/([A-Za-z]+)\.json|\.json)?|\.json)", path)
        account = (m.group(1) if m and m.group(1) else "-")
        stream = (m.group(2).lower() if m and m.group(2) else "accounts") if m else path.split("?")[0]
        with self.lock:
            self.counts[(account, stream)] = self.counts.get((account, stream), 0) + 1


class _ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        self.server.count(self.path)
        conn = getattr(self, "_upstream", None)
        if conn is None:
            conn = self._upstream = http.client.HTTPConnection(*self.server.upstream, timeout=300)
        headers = {k: v for k, v in self.headers.items() if k.lower() in ("authorization", "accept", "user-agent")}
        conn.request("GET", self.path, headers=headers)
        resp = conn.getresponse()
        body = resp.read()
        self.send_response(resp.status)
        for k, v in resp.getheaders():
            if k.lower() not in ("content-length", "connection", "transfer-encoding", "date", "server"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
