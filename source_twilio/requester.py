"""A stream's HTTP requester (TwilioRequester): the CDK's HttpRequester, which sends every request, plus what this
connector does around each page request: request slots, counts, shared pages, a window's first page served from its
probe, and what the window's cursor learns from each answer (cursors.py, points 4, 5, 9, 10). Each attempt has a
deadline (deadline.py), which comes with the requester's authenticator.
"""

from __future__ import annotations

import contextlib
import json
import threading
from typing import Any, Iterator, Mapping, Optional, cast

import requests
from airbyte_cdk.sources.declarative.requesters import HttpRequester
from airbyte_cdk.sources.types import StreamSlice

from . import progress
from .errors import reads_as_empty
from .shared_pages import SharedPages
from .twilio import account_of, parsed_page, served_at
from .cursors import FirstPages, WindowCheckpointCursor


class FirstAnswer(Exception):
    """How a probe's read ends (4): raised by the requester with the first page's answer, before the retriever
    parses a record of it."""

    def __init__(self, response: Any) -> None:
        super().__init__("a probe's first page")
        self.response = response


class TwilioRequester:
    """A stream's HTTP requester: the CDK's HttpRequester, which sends every request, plus what this connector does
    around each page request (4, 5, 9, 10, 12). Every page request holds one of `num_workers` request slots and is
    counted; a window's first page may come from its account's probe instead; a windowed stream's cursor learns
    which windows were refused and when (Twilio's clock) each first page was served. Each attempt of a request has
    a deadline (the response hook the requester's authenticator registers, deadline.py). Everything else is the
    HttpRequester's."""

    def __init__(self, requester: HttpRequester) -> None:
        self._requester = requester
        self._slots: Optional[threading.BoundedSemaphore] = None
        self._cursor: Optional[WindowCheckpointCursor] = None
        self._stream = ""
        self._records_key = ""
        self.first_pages = FirstPages()
        self._probing = threading.local()
        self._shared_pages: Optional[SharedPages] = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._requester, name)

    def link(
        self,
        stream: str,
        cursor: Any,
        records_key: str,
        slots: threading.BoundedSemaphore,
        shared_pages: Optional[SharedPages] = None,
        reads: bool = True,
    ) -> None:
        self._stream = stream
        self._cursor = cursor if isinstance(cursor, WindowCheckpointCursor) else None
        self._records_key = records_key
        self._slots = slots
        self._shared_pages = shared_pages
        if shared_pages is not None and reads:
            shared_pages.register(stream)

    def _page_key(self, stream_slice: Optional[StreamSlice], next_page_token: Optional[Any], kwargs: Mapping[str, Any]) -> str:
        """What makes a request of this stream's pages: its URL base, path, query and page token as the requester will
        send them (shared_pages.py). A window's bounds are in its query, so the same page of another window has
        another key; the account, whose credentials a product host's request goes with (its URL names no account).
        What the slice holds besides (a parent's record, a client-side cursor's range) does not change the request,
        and is the reader's own."""
        requester = self._requester
        token = next_page_token
        parts = [
            self._stream,
            account_of(stream_slice.partition) if stream_slice is not None else None,
            requester.get_url_base(stream_state={}, stream_slice=stream_slice, next_page_token=token),
            kwargs.get("path") or requester.get_path(stream_state={}, stream_slice=stream_slice, next_page_token=token),
            requester.get_request_params(stream_state={}, stream_slice=stream_slice, next_page_token=token),
            kwargs.get("request_params"),
            token,
        ]
        return json.dumps(parts, sort_keys=True, default=str)

    @contextlib.contextmanager
    def probing(self) -> Iterator[None]:
        """A probe's request (4): slotted and counted like any page, but no window's first page."""
        self._probing.active = True
        try:
            yield
        finally:
            self._probing.active = False

    def send_request(self, stream_slice: Optional[StreamSlice] = None, next_page_token: Optional[Any] = None, **kwargs: Any) -> Any:
        if self._slots is None:  # not a stream's page request (the factory links each stream's requester)
            return self._requester.send_request(stream_slice=stream_slice, next_page_token=next_page_token, **kwargs)
        probe = getattr(self._probing, "active", False)
        first = next_page_token is None and not probe and stream_slice is not None
        response = self.first_pages.take(stream_slice) if first and stream_slice is not None else None
        if response is None:
            def send() -> Any:
                progress.current().request(self._stream)
                with cast(threading.BoundedSemaphore, self._slots):
                    return self._requester.send_request(stream_slice=stream_slice, next_page_token=next_page_token, **kwargs)

            shared = self._shared_pages
            response = send() if shared is None else shared.get(self._stream, self._page_key(stream_slice, next_page_token, kwargs), send)
        if probe:
            raise FirstAnswer(response)
        cursor = self._cursor
        if cursor is not None and stream_slice is not None:
            served = served_at(response)  # Twilio's clock, from the answer's Date header
            if isinstance(response, requests.Response):
                response._twilio_window = stream_slice  # type: ignore[attr-defined]  # whose records (edges.py)
                if cursor.edges is not None:
                    cursor.edges.note_clock(served)
            if (response is None or not response.ok) and not reads_as_empty(response, self._stream):
                cursor.refused_windows.add(stream_slice)  # an error the error handler let through: not complete
            else:
                if first:
                    cursor.first_page_served_at[stream_slice] = served
                if cursor.settling is not None and self._records_key:
                    if first:
                        cursor.note_listed(stream_slice, served)
                    page = parsed_page(cast(requests.Response, response)) or {}
                    cursor.note_open(stream_slice, cursor.settling.oldest_open(page.get(self._records_key) or ()))
        return response

