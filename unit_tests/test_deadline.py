"""deadline.py: a body read whole within the deadline arrives as requests reads it (plain, gzip, chunked); one that
trickles past it is abandoned with the ReadTimeout the error handler retries. The deadline comes with the
requesters' authenticators, as the CDK's HttpClient gives them to its session. A local server on 127.0.0.1."""

from __future__ import annotations

import gzip
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator

import pytest
import requests

from source_twilio.deadline import DEADLINE_ENV, DEADLINE_MARK, DeadlineBasicAuth, DeadlineNoAuth

BODY = b'{"messages": [' + b",".join(b'{"sid": "SM%032d"}' % i for i in range(300)) + b'], "next_page_uri": null}'


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    trickled: list = []  # bytes of each trickled body written before the client went away

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/gzip":
            body = gzip.compress(BODY)
            self.send_response(200)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for start in range(0, len(BODY), 1000):
                part = BODY[start:start + 1000]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\n\r\n")
        elif self.path == "/trickle":
            self.send_response(200)
            self.send_header("Content-Length", str(len(BODY)))
            self.end_headers()
            sent = 0
            try:
                for start in range(0, len(BODY), 16):  # 16 bytes every 10 ms: each restarts a read timeout
                    self.wfile.write(BODY[start:start + 16])
                    self.wfile.flush()
                    sent += 16
                    time.sleep(0.01)
            except (BrokenPipeError, ConnectionResetError):
                pass
            Handler.trickled.append(sent)
        else:
            self.send_response(200)
            self.send_header("Content-Length", str(len(BODY)))
            self.end_headers()
            self.wfile.write(BODY)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture
def session_with(monkeypatch: pytest.MonkeyPatch):
    def session(deadline: float) -> requests.Session:
        monkeypatch.setenv(DEADLINE_ENV, str(deadline))
        session = requests.Session()
        session.auth = DeadlineNoAuth(parameters={})
        return session
    return session


@pytest.mark.parametrize("path", ["/plain", "/gzip", "/chunked"])
def test_given_a_body_within_the_deadline_then_it_arrives_whole_and_decoded(server: str, path: str, session_with) -> None:
    response = session_with(60).get(server + path, timeout=30)
    assert response.status_code == 200 and response.content == BODY and response.json()["messages"][299]["sid"].endswith("299")


def test_given_a_trickling_body_then_the_attempt_is_abandoned_with_a_read_timeout_naming_the_deadline(server: str, session_with) -> None:
    """The body would take about 8 s (16 bytes every 10 ms); each chunk arrives well within the read timeout. The
    deadline is looked at as bytes arrive, not once a 64 KB chunk is complete: the client leaves with most of the body
    unsent (reading chunks whole, it would have waited for all of it)."""
    with pytest.raises(requests.exceptions.ReadTimeout) as raised:
        session_with(0.5).get(server + "/trickle", timeout=30)
    assert DEADLINE_MARK in str(raised.value)
    for _ in range(200):  # the handler notices the closed connection at its next write
        if Handler.trickled:
            break
        time.sleep(0.05)
    assert Handler.trickled and Handler.trickled[0] < len(BODY) // 2, (Handler.trickled, len(BODY))


def test_given_a_streamed_request_then_the_body_is_left_to_the_caller(server: str, session_with) -> None:
    response = session_with(60).get(server + "/plain", timeout=30, stream=True)
    assert b"".join(response.iter_content(1024)) == BODY


def test_given_basic_auth_then_the_header_is_the_cdks_and_the_deadline_is_added_once(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same Authorization header as the CDK's BasicHttpAuthenticator; a request prepared twice (a retry resends
    the prepared request) has the hook once; a trickling body is cut there too."""
    from airbyte_cdk.sources.declarative.auth.token import BasicHttpAuthenticator

    ours = DeadlineBasicAuth(username="AC1", password="secret", config={}, parameters={})
    cdks = BasicHttpAuthenticator(username="AC1", password="secret", config={}, parameters={})
    assert ours.get_auth_header() == cdks.get_auth_header()
    prepared = requests.Request("GET", server + "/plain").prepare()
    ours(ours(prepared))
    assert len(prepared.hooks["response"]) == 1 and prepared.headers["Authorization"] == cdks.get_auth_header()["Authorization"]
    monkeypatch.setenv(DEADLINE_ENV, "0.5")
    session = requests.Session()
    session.auth = ours
    with pytest.raises(requests.exceptions.ReadTimeout):
        session.get(server + "/trickle", timeout=30)
