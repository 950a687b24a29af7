"""A page of a small list asked for twice in one sync is asked of Twilio once.

A list that is both a stream and the parent of other streams is read twice per account: once for the stream itself
(`addresses`), once by the child's copy of the parent (the `Addresses.json` that `dependent_phone_numbers` lists its
records under; parents.py already shares that one read among all the children). The CDK builds each a requester of
its own, and its `use_cache` would write every response of the stream to SQLite for the sync, which for messages is
hundreds of thousands of records written and never read again (manifest.yaml, `api_requester`).

So a stream whose $parameters say `shared_pages: true` (small lists read whole: addresses, users, flows, Workspaces
...) has its page requests go through `SharedPages`: the first requester to ask for a page sends the request; one
asking for the same page (the same stream, window, page token and query) while it is under way waits for it, and
one asking later gets it without a request. Each gets its own copy of the response, never a parsed body another
reader holds (the normalizer changes records in place). Only a successful response is shared; an error, or a request
that raised, leaves each reader to send its own. The pages are kept until the sync ends (one process reads one
sync): they are a stream's small reference lists, a few pages per account.

    addresses (account AC1, page 1) -> request; dependent_phone_numbers' parent (AC1, page 1) -> the same page, a copy
"""

from __future__ import annotations

import threading
from concurrent.futures import Future
from typing import Any, Callable, Dict, Hashable, Optional

import requests
from requests.structures import CaseInsensitiveDict


def response_copy(response: requests.Response) -> requests.Response:
    """A response holding the same status, headers, URL and bytes, without what a reader kept on the original."""
    copy = requests.Response()
    copy.__dict__.update({name: value for name, value in response.__dict__.items() if not name.startswith("_twilio")})
    copy.headers = CaseInsensitiveDict(response.headers)
    return copy


class SharedPages:
    """Pages by key, each asked of Twilio once per sync while it answers with success. Thread-safe."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._pages: Dict[Hashable, "Future[Optional[requests.Response]]"] = {}
        self.shared = 0  # pages handed out without a request (tests count them)

    def get(self, key: Hashable, send: Callable[[], Any]) -> Any:
        with self._mutex:
            future = self._pages.get(key)
            mine = future is None
            if future is None:
                future = self._pages[key] = Future()
        if not mine:
            kept = future.result()
            if kept is not None:
                with self._mutex:
                    self.shared += 1
                return response_copy(kept)
            return send()  # the first reader's answer was no success: this reader asks for itself
        try:
            response = send()
        except BaseException:
            self._forget(key, future)
            raise
        if isinstance(response, requests.Response) and response.ok:
            future.set_result(response_copy(response))
        else:
            self._forget(key, future)
        return response

    def _forget(self, key: Hashable, future: "Future[Optional[requests.Response]]") -> None:
        with self._mutex:
            if self._pages.get(key) is future:
                del self._pages[key]
        future.set_result(None)
