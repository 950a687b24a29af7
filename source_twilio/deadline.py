"""A deadline for each attempt of a request, from its start to the body's last byte.

requests' read timeout (120 s, manifest.yaml) bounds the wait for each chunk of a body, not the body: a page that
trickles in, a few bytes at a time, never times out, and the sync waits as long as it lasts. `DeadlineAdapter` reads
the body itself, chunk by chunk, and abandons the attempt once REQUEST_DEADLINE_SECONDS have passed since it was
sent, with a ReadTimeout, which the error handler retries like any timeout (errors.py). The CDK's retries of a request
end 600 s after its first attempt (its `max_time`), so an attempt gets at most half of that.

`TWILIO_REQUEST_DEADLINE_SECONDS` (environment only, like TWILIO_API_BASE_URL) shortens it for the end-to-end tests.
"""

from __future__ import annotations

import os
import time
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import DecodeError, ProtocolError, ReadTimeoutError, SSLError

REQUEST_DEADLINE_SECONDS = 300.0
DEADLINE_ENV = "TWILIO_REQUEST_DEADLINE_SECONDS"
CHUNK_BYTES = 64 * 1024
DEADLINE_MARK = "the connector's deadline per attempt"  # in the ReadTimeout's message; errors.py logs it


def request_deadline() -> float:
    """REQUEST_DEADLINE_SECONDS, or the environment's value when it is a number of seconds in (0, 600]."""
    try:
        value = float(os.environ.get(DEADLINE_ENV, ""))
    except ValueError:
        return REQUEST_DEADLINE_SECONDS
    return value if 0 < value <= 600 else REQUEST_DEADLINE_SECONDS


class DeadlineAdapter(HTTPAdapter):
    """An HTTPAdapter whose non-streamed answers are read whole within `deadline` seconds of being sent."""

    def __init__(self, deadline: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.deadline = deadline

    def send(self, request: requests.PreparedRequest, stream: bool = False, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        started = time.monotonic()
        response = super().send(request, stream=True, **kwargs)
        if stream:
            return response
        chunks = []
        try:
            # read1 returns what has arrived (up to CHUNK_BYTES) instead of waiting for a whole chunk: a body that
            # trickles in a few bytes at a time is measured against the deadline at every arrival
            while True:
                chunk = response.raw.read1(CHUNK_BYTES, decode_content=True)
                if not chunk:
                    break
                chunks.append(chunk)
                if time.monotonic() - started > self.deadline:
                    response.close()
                    raise requests.exceptions.ReadTimeout(
                        f"the answer took longer than {self.deadline:g} s ({DEADLINE_MARK})", request=request
                    )
        # the exceptions requests' own reading of a body raises (Response.iter_content), so retries treat them alike
        except ProtocolError as error:
            raise requests.exceptions.ChunkedEncodingError(error, request=request) from error
        except DecodeError as error:
            raise requests.exceptions.ContentDecodingError(error, request=request) from error
        except ReadTimeoutError as error:
            raise requests.exceptions.ConnectionError(error, request=request) from error
        except SSLError as error:
            raise requests.exceptions.SSLError(error, request=request) from error
        response._content = b"".join(chunks)  # what requests keeps once it has read a body itself
        return response


def with_deadline(session: requests.Session, pool_size: int) -> None:
    """Every request of `session` gets the deadline (the pool keeps the size the CDK gave it)."""
    adapter = DeadlineAdapter(request_deadline(), pool_connections=pool_size, pool_maxsize=pool_size)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
