"""A page a stream and its copies as a parent all ask for in one sync is asked of Twilio once.

A list that is both a stream and the parent of other streams is read twice or more per account: once for the stream
itself (`addresses`, `messages`), once by each child's copy of the parent (the `Addresses.json` that
`dependent_phone_numbers` lists its records under; the messages `message_media` lists media of). parents.py already
shares one read among children with the same parent; the stream's own read is apart. The CDK builds each a requester
of its own, and its `use_cache` would write every response of the stream to SQLite for the whole sync, which for
messages is hundreds of thousands of records written and never read again (manifest.yaml, `api_requester`).

So a stream whose $parameters say `shared_pages: true` has its page requests go through `SharedPages`: the first
requester to ask for a page sends the request; one asking for the same page (the same stream, account, URL and
query, page token) while it is under way waits for it, and one asking later gets it without a request. Each gets
its own copy of the response, never a parsed body another reader holds (the normalizer changes records in place).
Only a successful response is shared; an error, or a request that raised, leaves each reader to send its own.

A page is kept until every requester of its stream has asked for it (each registers when the factory links it),
and the kept pages hold at most BUDGET_BYTES: past that a page still goes to the readers waiting for it, and those
still to come ask for themselves. A copy whose windows differ from the stream's (its own copy of the parent's state)
asks for other pages, shared with nobody: those count against the budget until the sync ends (one process reads
one sync), which bounds them and then stops sharing for the rest of the sync.

    addresses (account AC1, page 1) -> request; dependent_phone_numbers' parent (AC1, page 1) -> the same page, a copy
"""
from __future__ import annotations

import threading
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Hashable, Optional

import requests
from requests.structures import CaseInsensitiveDict


def response_copy(response: requests.Response) -> requests.Response:
    """A response holding the same status, headers, URL and bytes, without what a reader kept on the original."""
    copy = requests.Response()
    copy.__dict__.update({name: value for name, value in response.__dict__.items() if not name.startswith("_twilio")})
    copy.headers = CaseInsensitiveDict(response.headers)
    return copy


# What the kept pages of a sync may hold at once: a page every reader has had is dropped, and past this a page is
# handed to the readers waiting for it but not kept for those still to come (each of those asks for itself).
BUDGET_BYTES = 32 * 1024 * 1024


@dataclass
class _Page:
    future: "Future[Optional[requests.Response]]" = field(default_factory=Future)
    taken: int = 1  # readers that asked for it, the one that sent it included
    size: int = 0


class SharedPages:
    """Pages by key, each asked of Twilio once per sync while it answers with success, and kept until every reader
    of its stream (the stream's requester and each parent copy's, `register`ed when linked) has had it. Thread-safe."""

    def __init__(self, budget: int = BUDGET_BYTES) -> None:
        self._mutex = threading.Lock()
        self._pages: Dict[Hashable, _Page] = {}
        self._readers: Dict[str, int] = {}
        self._bytes = 0
        self._budget = budget
        self.shared = 0  # pages handed out without a request (tests count them)

    def register(self, stream: str) -> None:
        """One more requester reads `stream`'s pages."""
        with self._mutex:
            self._readers[stream] = self._readers.get(stream, 0) + 1

    @property
    def kept_bytes(self) -> int:
        return self._bytes

    def get(self, stream: str, key: Hashable, send: Callable[[], Any]) -> Any:
        with self._mutex:
            readers = self._readers.get(stream, 0)
            page = self._pages.get(key)
            mine = page is None and readers > 1
            if mine:
                page = self._pages[key] = _Page()
            elif page is not None:
                page.taken += 1
                if page.taken >= readers:  # the last of its readers: nobody else will ask
                    self._drop(key, page)
        if page is None:
            return send()  # a stream read by one requester only
        if not mine:
            kept = page.future.result()
            if kept is None:
                return send()  # the first reader's answer was no success: this reader asks for itself
            with self._mutex:
                self.shared += 1
            return response_copy(kept)
        try:
            response = send()
        except BaseException:
            self._forget(key, page)
            raise
        if not (isinstance(response, requests.Response) and response.ok):
            self._forget(key, page)
            return response
        copy = response_copy(response)
        size = len(copy.content or b"")
        with self._mutex:
            if self._pages.get(key) is page:
                if self._bytes + size > self._budget:
                    del self._pages[key]  # the readers waiting get it; those to come ask for themselves
                else:
                    page.size = size
                    self._bytes += size
        page.future.set_result(copy)
        return response

    def _drop(self, key: Hashable, page: _Page) -> None:
        del self._pages[key]
        self._bytes -= page.size

    def _forget(self, key: Hashable, page: _Page) -> None:
        with self._mutex:
            if self._pages.get(key) is page:
                self._drop(key, page)
        page.future.set_result(None)
