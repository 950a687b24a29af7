"""A minimal keep-alive HTTP client for the emulator (tests, benchmark, debugging).

It follows pagination the way a Twilio client must: the 2010 ``next_page_uri`` is
relative to the product root ("/2010-04-01/...") so it is prefixed with
``{base}/api``; v1/v2 ``meta.next_page_url`` is absolute.
"""
from __future__ import annotations

import base64
import http.client
import threading
from urllib.parse import urlsplit

import orjson


class EmulatorClient:
    def __init__(self, base_url: str, username: str | None = None, password: str | None = None, timeout: float = 60):
        u = urlsplit(base_url)
        self.base_url = base_url.rstrip("/")
        self.host, self.port = u.hostname, u.port
        self.timeout = timeout
        self.auth = None
        if username is not None:
            self.auth = "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()
        self._local = threading.local()

    def _conn(self) -> http.client.HTTPConnection:
        c = getattr(self._local, "conn", None)
        if c is None:
            c = self._local.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return c

    def request(self, url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
        """GET ``url`` (absolute, or a path under the base URL) -> (status, headers, body)."""
        if url.startswith("http"):
            u = urlsplit(url)
            url = u.path + ("?" + u.query if u.query else "")
        h = {"Accept": "application/json"}
        if self.auth:
            h["Authorization"] = self.auth
        h.update(headers or {})
        for attempt in range(2):
            conn = self._conn()
            try:
                conn.request("GET", url, headers=h)
                resp = conn.getresponse()
                body = resp.read()
                if resp.getheader("Connection", "").lower() == "close":
                    conn.close()
                    self._local.conn = None
                return resp.status, dict(resp.getheaders()), body
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                conn.close()
                self._local.conn = None
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def get(self, url: str) -> tuple[int, dict]:
        status, _, body = self.request(url)
        return status, (orjson.loads(body) if body else None)

    def pages(self, product: str, path: str, page_size: int | str | None = "max"):
        """Yield every page body of a list endpoint, following next links.

        ``page_size="max"`` asks for the path's PageSize maximum from Twilio's spec (1000 on
        most lists, 100 or 50 on Conversations and Chat); None sends no PageSize.
        """
        if page_size == "max":
            from .routes import match

            found = match(product, path.partition("?")[0])
            page_size = found[0].max_page_size if found else 1000
        sep = "&" if "?" in path else "?"
        url = f"/{product}{path}" + (f"{sep}PageSize={page_size}" if page_size else "")
        while url:
            status, body = self.get(url)
            if status != 200:
                raise RuntimeError(f"GET {url} -> {status}: {body}")
            yield body
            if "meta" in body:
                url = body["meta"]["next_page_url"]
            else:
                nxt = body.get("next_page_uri")
                url = f"/{product}{nxt}" if nxt else None

    def walk(self, product: str, path: str, key: str, page_size: int | str | None = "max") -> list[dict]:
        out: list[dict] = []
        for body in self.pages(product, path, page_size):
            out.extend(body[key])
        return out

    def close(self) -> None:
        c = getattr(self._local, "conn", None)
        if c is not None:
            c.close()
            self._local.conn = None
