"""From a Twilio page to its records: the page parsed once, the list taken out, records outside the request's
window dropped (record_types.py then types each record as its schema says).

- TwilioJsonDecoder / parsed_page: each page is parsed once, with orjson, for the extractor and the paginator.
- TwilioListExtractor: the page's list (`messages`, `calls`, ...) or, for single-object endpoints, the page itself;
  only the records the request's window owns (see `WindowBounds`), and not those a sync emitted before unchanged
  (edges.py).

Components are shared across the CDK's worker threads: nothing here keeps per-read state on `self`.
"""

from __future__ import annotations

from dataclasses import InitVar, dataclass, field
from datetime import datetime, timedelta, timezone
from typing import (
    Any,
    Callable,
    Generator,
    Iterable,
    List,
    Mapping,
    MutableMapping,
    Optional,
    cast,
)
from urllib.parse import parse_qs, urlsplit

import requests
from airbyte_cdk.sources.declarative.decoders.json_decoder import JsonDecoder
from airbyte_cdk.sources.declarative.extractors.record_extractor import RecordExtractor
from airbyte_cdk.sources.types import Config

from .edges import Edges
from .open_records import OpenRecordPass, open_record_pass
from .result_limit import ResultLimit
from .twilio import parsed_page, to_iso_utc


class TwilioJsonDecoder(JsonDecoder):
    """Parses a page body once with orjson and hands the same object to the extractor and the paginator.

    The CDK's JsonDecoder parses a page for the records and again for the next-page link; at 1,000 records a page
    the second parse is a few percent of a sync's CPU. The parsed body is kept on the response object, which
    lives only as long as its page. A 2xx body that is not JSON never reaches the decoder: TwilioErrorHandler,
    which sees every response first, has it requested again.
    """

    def __init__(self, parameters: Optional[Mapping[str, Any]] = None) -> None:
        super().__init__(parameters or {})

    def is_stream_response(self) -> bool:
        return False

    def decode(self, response: requests.Response) -> Generator[MutableMapping[str, Any], None, None]:
        yield parsed_page(response) or {}


@dataclass(frozen=True)
class WindowBounds:
    """The window a request covers, as sent: `[lower, upper)` on `field`, read from the request's own URL.

    Windows share their boundary: one ends where the next starts, and both ask Twilio for it (`DateSent<=T` and then
    `DateSent>=T`). Twilio's docs leave open whether a `<=` bound includes the instant (or, for date-only filters,
    the day) it names; with the shared boundary, every record is returned by at least one of the two windows under
    either reading, and keeping `[lower, upper)` emits it from exactly one. The same holds for a first page built by
    the CDK and a next page built by Twilio (`next_page_uri` carries the filters), and for the narrower queries of
    a result-limited list (ResultLimit). Values compare as ISO 8601 strings: `2024-01-07T23:59:59Z < 2024-01-08`.

    `DateSent>=2024-01-01T00:00:00Z&DateSent<=2024-01-08T00:00:00Z` -> keeps 2024-01-01T00:00:00Z .. 2024-01-07T23:59:59Z
    """

    lower: Optional[str]
    upper: Optional[str]

    @staticmethod
    def of(url: str, start_param: str, end_param: str, start_sent_early: bool = False) -> Optional["WindowBounds"]:
        """`start_sent_early`: the request asked from one second before the window's start (a lower bound Twilio may
        read as exclusive, `AfterDateCreated`), so the window starts a second after the value sent."""
        query = parse_qs(urlsplit(url).query)
        lower, upper = (query.get(name, [None])[0] for name in (start_param, end_param))
        if lower is None and upper is None:
            return None
        bound = _bound(lower)
        if start_sent_early and bound and len(bound) > 10:
            bound = _a_second_after(bound)
        return WindowBounds(bound, _bound(upper))

    def owns(self, value: Optional[str]) -> bool:
        if not value:
            # Twilio's date filters never match an empty field; if one came back anyway, it is emitted, not lost.
            return True
        return (self.lower is None or value >= self.lower) and (self.upper is None or value < self.upper)


def _a_second_after(value: str) -> str:
    instant = datetime.strptime(value[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc) + timedelta(seconds=1)
    return instant.strftime("%Y-%m-%dT%H:%M:%SZ")


def _bound(value: Optional[str]) -> Optional[str]:
    """A filter value as ISO 8601 UTC; a date-only value stays a date (it bounds whole days)."""
    if not value or (len(value) == 10 and value[4] == "-" and value[7] == "-"):
        return value or None
    return cast(Optional[str], to_iso_utc(value))


@dataclass
class TwilioListExtractor(RecordExtractor):
    """The records of a page: `body[list_key]`, or the body itself when `list_key` is empty (Balance.json).

    Equivalent to a DpathExtractor with `field_path: [list_key]`, whose generic path walk was a fifth of a sync's
    CPU at 1,000 records a page. {"messages": [m1, m2], "next_page_uri": ...} -> m1, m2

    Windowed streams (`cursor_field`, `start_param`, `end_param` in $parameters) keep only the records their
    request's window owns (WindowBounds). A page of the open-records pass keeps only the records whose cursor is
    empty (open_records.py). A page after which a result-limited list is continued by a narrower query drops the
    records on the boundary second, which that query returns (result_limit.py).
    """

    parameters: InitVar[Mapping[str, Any]]
    config: Config = field(default_factory=dict)
    list_key: str = ""
    decoder: JsonDecoder = field(default_factory=lambda: TwilioJsonDecoder())

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self._list_key = self.list_key or parameters.get("list_key", "")
        self._cursor_field = parameters.get("cursor_field", "")
        self._start_param = parameters.get("start_param", "")
        self._end_param = parameters.get("end_param", "")
        self._start_sent_early = bool(parameters.get("start_sent_early", False))
        self._open_pass: Optional[OpenRecordPass] = open_record_pass(parameters.get("name", ""), self.config)
        self._result_limit = ResultLimit.of(parameters)
        self._shared_pages = bool(parameters.get("shared_pages", False))
        self.edges: Optional[Edges] = None  # a windowed stream's, given by the factory (edges.py)

    @property
    def records_key(self) -> str:
        return self._list_key

    @property
    def cursor_key(self) -> str:
        return cast(str, self._cursor_field)

    @property
    def shared_pages(self) -> bool:
        """Whether the stream's pages are asked of Twilio once per sync, for itself and its copies as a parent
        (shared_pages.py)."""
        return self._shared_pages

    @property
    def windowed(self) -> bool:
        """Whether the stream's requests carry a date window (and its pages keep only what the window owns)."""
        return bool(self._start_param and self._cursor_field)

    def extract_records(self, response: requests.Response) -> Iterable[MutableMapping[Any, Any]]:
        for body in self.decoder.decode(response):
            if not self._list_key:
                if body:
                    yield body
                continue
            records = body.get(self._list_key)
            if not isinstance(records, list):
                continue
            keep = self._keeper(response, body, records)
            kept: Iterable[Any] = records if keep is None else (record for record in records if keep(record))
            edges, window = self.edges, getattr(response, "_twilio_window", None)
            if edges is not None and keep is not None and window is not None and window.cursor_slice:
                kept = edges.keep(edges.key_of(window.partition), window, kept, self._cursor_field)
            yield from kept

    def _keeper(self, response: requests.Response, body: Mapping[str, Any], records: List[Any]) -> Optional[Callable[[Any], bool]]:
        if not self._start_param:
            return None
        url = cast(str, response.request.url)
        bounds = WindowBounds.of(url, self._start_param, self._end_param, self._start_sent_early)
        if bounds is None:
            # Not a window request: the open-records pass (messages, calls), whose records no date filter matches.
            return self._open_pass.keeper(url, self.config) if self._open_pass else None
        cursor = self._cursor_field
        boundary = self._result_limit.boundary(body, records, cursor) if self._result_limit else None
        if boundary is None:
            return lambda record: bounds.owns(to_iso_utc(record.get(cursor)))
        return lambda record: bounds.owns(value := to_iso_utc(record.get(cursor))) and value != boundary
