"""A deadline for each attempt of a request, from its start to the body's last byte.

requests' read timeout (120 s, manifest.yaml) bounds the wait for each chunk of a body, not the body: a page that
trickles in, a few bytes at a time, never times out, and the sync waits as long as it lasts. `read_within_deadline`
reads the body itself, chunk by chunk, and abandons the attempt once REQUEST_DEADLINE_SECONDS have passed since it was
sent, with a ReadTimeout, which the error handler retries like any timeout (errors.py). The CDK's retries of a request
end 600 s after its first attempt (its `max_time`), so an attempt gets at most half of that.

How it reaches every request, through hooks requests and the CDK document (no CDK object is changed):
- the CDK's HttpClient gives its session the requester's authenticator, and requests applies a session's
  authenticator to every request the session prepares; an authenticator may register hooks on the request it is
  given (requests' docs, "Custom Authentication" and "Event Hooks": a `response` hook gets the response before
  requests reads a non-streamed body).
- TwilioComponentFactory builds the manifest's authenticators (`BasicHttpAuthenticator`, `NoAuth`) as the classes
  below, which register the hook, and refuses to build a requester whose authenticator does not.
- A retry resends the prepared request, hooks included.

`TWILIO_REQUEST_DEADLINE_SECONDS` (environment only, like TWILIO_API_BASE_URL) shortens it for the end-to-end tests.
"""

from __future__ import annotations

import os
import time
from typing import Any

import requests
from airbyte_cdk.sources.declarative.auth.declarative_authenticator import NoAuth
from airbyte_cdk.sources.declarative.auth.token import BasicHttpAuthenticator
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


def read_within_deadline(response: requests.Response, *args: Any, **kwargs: Any) -> requests.Response:
    """A requests `response` hook: the body of a non-streamed answer, read whole within the deadline of the attempt
    (counted from when it was sent: `elapsed` is the wait for the headers)."""
    already_read = response._content is not False  # type: ignore[comparison-overlap]  # requests' "not read yet"
    if kwargs.get("stream") or already_read:  # streamed, or already read (a mocked response)
        return response
    deadline = request_deadline()
    started = time.monotonic() - response.elapsed.total_seconds()
    request = response.request
    chunks = []
    try:
        # read1 returns what has arrived (up to CHUNK_BYTES) instead of waiting for a whole chunk: a body that
        # trickles in a few bytes at a time is measured against the deadline at every arrival
        while True:
            chunk = response.raw.read1(CHUNK_BYTES, decode_content=True)
            if not chunk:
                break
            chunks.append(chunk)
            if time.monotonic() - started > deadline:
                response.close()
                raise requests.exceptions.ReadTimeout(
                    f"the answer took longer than {deadline:g} s ({DEADLINE_MARK})", request=request
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


def with_deadline(request: requests.PreparedRequest) -> requests.PreparedRequest:
    """`request`, whose answer is read within the deadline (once, however often the request is prepared)."""
    if read_within_deadline not in request.hooks["response"]:
        request.register_hook("response", read_within_deadline)  # type: ignore[no-untyped-call]
    return request


class DeadlineBasicAuth(BasicHttpAuthenticator):
    """The manifest's BasicHttpAuthenticator, adding the deadline to each request it authenticates."""

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        return with_deadline(super().__call__(request))


class DeadlineNoAuth(NoAuth):
    """The manifest's NoAuth (product hosts: the Authorization header is set per request), adding the deadline."""

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        return with_deadline(super().__call__(request))


DEADLINE_AUTHENTICATORS = (DeadlineBasicAuth, DeadlineNoAuth)
