"""A small HTTP proxy in front of the emulator that counts requests per account, stream and kind of query.

Kinds, from the query string (next pages carry their query's own filters, so a window's second page is a window):
- `window`: a date range (`DateSent>`, `EndTime<`, ...): one of the connector's date windows;
- `status`: a `Status=` filter without a date range: the open-records pass of calls;
- `unfiltered`: neither: the open-records pass of messages, or a plain list (the fetcher's chains).
`next` counts the requests that carry a `PageToken` (pages after a query's first), whatever their kind.
`timeline` keeps each request's start and end (time.perf_counter of this process, as contenders.Run.started), so
`timeline_summary` can tell start-up, the date windows, the open-records pass and how many requests were in flight.
"""

from __future__ import annotations

import http.client
import re
import statistics
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Sequence, Tuple
from urllib.parse import parse_qs, urlsplit

PATH = re.compile(r"/api/2010-04-01/Accounts(?:/(AC[0-9a-f]{32})(?:/([A-Za-z]+)\.json|\.json)?|\.json)")
KINDS = ("window", "status", "unfiltered")


def classify(path: str) -> Tuple[str, str, str, bool]:
    """(account or "-", stream, kind, has PageToken) of a request path with its query string."""
    parts = urlsplit(path)
    m = PATH.match(parts.path)
    account = m.group(1) if m and m.group(1) else "-"
    stream = (m.group(2).lower() if m.group(2) else "accounts") if m else parts.path
    query = parse_qs(parts.query, keep_blank_values=True)
    if any(">" in key or "<" in key for key in query):
        kind = "window"
    elif "Status" in query:
        kind = "status"
    else:
        kind = "unfiltered"
    return account, stream, kind, "PageToken" in query


class CountingProxy(ThreadingHTTPServer):
    """Forwards GETs to the emulator and counts them per (account, stream, kind); `counts` sums over kinds."""

    daemon_threads = True

    def __init__(self, upstream: str) -> None:
        u = urlsplit(upstream)
        self.upstream = (u.hostname, u.port)
        self.by_kind: Dict[Tuple[str, str, str], int] = {}
        self.next_pages: Dict[Tuple[str, str], int] = {}
        self.timeline: List[Tuple[float, float, str, str, str]] = []  # (start, end, account, stream, kind)
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def finished(self, path: str, started: float) -> None:
        account, stream, kind, _ = classify(path)
        with self.lock:
            self.timeline.append((started, time.perf_counter(), account, stream, kind))

    def count(self, path: str) -> None:
        account, stream, kind, paged = classify(path)
        with self.lock:
            key = (account, stream, kind)
            self.by_kind[key] = self.by_kind.get(key, 0) + 1
            if paged:
                self.next_pages[(account, stream)] = self.next_pages.get((account, stream), 0) + 1

    @property
    def counts(self) -> Dict[Tuple[str, str], int]:
        out: Dict[Tuple[str, str], int] = {}
        for (account, stream, _), n in self.by_kind.items():
            out[(account, stream)] = out.get((account, stream), 0) + n
        return dict(sorted(out.items()))

    def rows(self) -> List[Dict[str, Any]]:
        """One row per (account, stream): requests by kind, pages after the first, total."""
        rows = []
        for (account, stream), total in self.counts.items():
            row = {"account": account, "stream": stream, "total": total, "next": self.next_pages.get((account, stream), 0)}
            for kind in KINDS:
                row[kind] = self.by_kind.get((account, stream, kind), 0)
            rows.append(row)
        return rows

    def reset(self) -> None:
        with self.lock:
            self.by_kind.clear()
            self.next_pages.clear()
            self.timeline.clear()

    def close(self) -> None:
        self.shutdown()
        self.server_close()


class _ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        started = time.perf_counter()
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
        self.server.finished(self.path, started)


def timeline_summary(timeline: Sequence[Tuple[float, float, str, str, str]], started: float, wall: float) -> Dict[str, Any]:
    """Seconds after the process started: its first request, the last response, its exit; the mean number of requests
    in flight between the first and the last; per stream when its date windows and its open-records pass (status and
    unfiltered queries of an account's list) ran, and when the last account's pass began."""
    if not timeline:
        return {}
    first = min(t[0] for t in timeline) - started
    last = max(t[1] for t in timeline) - started
    busy = sum(t[1] - t[0] for t in timeline)
    out: Dict[str, Any] = {"requests": len(timeline), "first": first, "last": last, "exit": wall,
                           "in_flight": busy / (last - first) if last > first else float("nan"), "streams": {}}
    for stream in sorted({t[3] for t in timeline if t[2] != "-"}):
        rows = [t for t in timeline if t[3] == stream and t[2] != "-"]
        windows = [t for t in rows if t[4] == "window"]
        passes = [t for t in rows if t[4] != "window"]
        entry: Dict[str, Any] = {}
        if windows:
            entry["windows"] = (min(t[0] for t in windows) - started, max(t[1] for t in windows) - started, len(windows))
        if passes:
            firsts = [min(t[0] for t in passes if t[2] == a) - started for a in {t[2] for t in passes}]
            entry["pass"] = (min(firsts), max(t[1] for t in passes) - started, len(passes), statistics.median(firsts), max(firsts))
        out["streams"][stream] = entry
    return out


def timeline_line(label: str, summary: Dict[str, Any], workers: int) -> str:
    if not summary:
        return f"{label}: no request went through the proxy."
    parts = [f"{label} (seconds after the process started): first request at {summary['first']:.1f} s, last response "
             f"at {summary['last']:.1f} s, exit at {summary['exit']:.1f} s; {summary['requests']} requests, "
             f"{summary['in_flight']:.1f} in flight on average (num_workers {workers})"]
    for stream, e in summary["streams"].items():
        bits = []
        if "windows" in e:
            bits.append(f"{e['windows'][2]} date-window requests from {e['windows'][0]:.1f} to {e['windows'][1]:.1f} s")
        if "pass" in e:
            bits.append(f"the open-records pass ({e['pass'][2]} requests) from {e['pass'][0]:.1f} to {e['pass'][1]:.1f} s, "
                        f"an account's pass starting at {e['pass'][3]:.1f} s (median), the last at {e['pass'][4]:.1f} s")
        parts.append(f"{stream}: " + ", ".join(bits))
    return "; ".join(parts) + "."
