"""From a Twilio page to typed records: the page parsed once, the list taken out, records outside the request's
window dropped, and each record typed as its schema says.

- TwilioJsonDecoder / parsed_page: each page is parsed once, with orjson, for the extractor and the paginator.
- TwilioListExtractor: the page's list (`messages`, `calls`, ...) or, for single-object endpoints, the page itself;
  only the records the request's window owns (see `WindowBounds`).
- TwilioRecordNormalizer: RFC 2822 dates to ISO 8601 UTC, numeric strings to numbers, the account on each record.

Components are shared across the CDK's worker threads: nothing here keeps per-read state on `self`.
"""

from __future__ import annotations

import json
from dataclasses import InitVar, dataclass, field
from datetime import datetime, timedelta, timezone
from importlib import resources
from typing import (
    Any,
    Callable,
    Dict,
    Generator,
    Iterable,
    List,
    Mapping,
    MutableMapping,
    Optional,
    Tuple,
    cast,
)
from urllib.parse import parse_qs, urlsplit

import requests
from airbyte_cdk.sources.declarative.decoders.json_decoder import JsonDecoder
from airbyte_cdk.sources.declarative.extractors.record_extractor import RecordExtractor
from airbyte_cdk.sources.declarative.transformations import RecordTransformation
from airbyte_cdk.sources.types import Config, StreamSlice, StreamState

from .edges import Edges
from .open_records import OpenRecordPass, open_record_pass
from .result_limit import ResultLimit
from .twilio import account_of, parsed_page, to_iso_utc


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


def _to_number(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if value == "":
        return None  # Twilio sends "" for a duration or price that does not exist yet
    if value.lstrip("-+").isdecimal():
        return int(value)
    try:
        return float(value)
    except ValueError:
        return value  # not a number after all: passed through as sent, never dropped


def _to_integer(value: Any) -> Any:
    number = _to_number(value)
    return int(number) if isinstance(number, float) and number.is_integer() else number


def load_schema(stream_name: str) -> Mapping[str, Any]:
    return cast(Mapping[str, Any], json.loads(resources.files("source_twilio").joinpath("schemas", f"{stream_name}.json").read_text()))


Converter = Callable[[Any], Any]


def _types(spec: Mapping[str, Any]) -> List[str]:
    types = spec.get("type", [])
    return [types] if isinstance(types, str) else list(types)


def _converter(spec: Mapping[str, Any]) -> Optional[Converter]:
    """How to turn a wire value into the schema's type, or None when it already is that type."""
    types = _types(spec)
    if spec.get("format") == "date-time":
        return to_iso_utc
    if "integer" in types and "string" not in types:
        return _to_integer
    if "number" in types and "string" not in types:
        return _to_number
    if "object" in types and spec.get("properties"):
        plan = conversion_plan(spec)
        if plan:
            return lambda value: _apply(plan, value) if isinstance(value, dict) else value
    if "array" in types and isinstance(spec.get("items"), dict):
        convert_item = _converter(spec["items"])
        if convert_item:
            return lambda value: [convert_item(item) for item in value] if isinstance(value, list) else value
    return None


def conversion_plan(schema: Mapping[str, Any]) -> List[Tuple[str, Converter]]:
    """(field, converter) for each field whose wire form differs from its schema type (nested ones included:
    pricing lists carry prices as strings inside arrays of objects)."""
    plan = []
    for name, spec in schema.get("properties", {}).items():
        convert = _converter(spec)
        if convert:
            plan.append((name, convert))
    return plan


def _apply(plan: List[Tuple[str, Converter]], record: Dict[str, Any]) -> Dict[str, Any]:
    for name, convert in plan:
        value = record.get(name)
        if value is not None:
            record[name] = convert(value)
    return record


@dataclass
class TwilioRecordNormalizer(RecordTransformation):
    """Types each record as its stream's schema says and tags it with the account it came from.

    The CDK's schema normalization walks every record through jsonschema validators (two thirds of a sync's CPU,
    see benchmarks/); this does the same job with a precomputed plan per stream:

    {"date_sent": "Fri, 18 Oct 2019 17:00:00 +0000", "price": "-0.00750", "num_segments": "1"}
    -> {"date_sent": "2019-10-18T17:00:00Z", "price": -0.0075, "num_segments": 1, "account_sid": "AC..."}

    `drop_fields` removes fields that must never reach a warehouse (an account's `auth_token`); `copy_fields`
    fills a missing field from another one (an account's `account_sid` is its own `sid`).
    """

    parameters: InitVar[Mapping[str, Any]]
    stream_name: str = ""
    drop_fields: List[str] = field(default_factory=list)
    copy_fields: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self._stream = self.stream_name or parameters.get("name", "")
        self._plan = conversion_plan(load_schema(self._stream))

    def transform(
        self,
        record: Dict[str, Any],
        config: Optional[Config] = None,
        stream_state: Optional[StreamState] = None,
        stream_slice: Optional[StreamSlice] = None,
    ) -> None:
        _apply(self._plan, record)
        for name in self.drop_fields:
            record.pop(name, None)
        for target, source in self.copy_fields.items():
            if record.get(target) is None:
                record[target] = record.get(source)
        if not record.get("account_sid") and stream_slice is not None:
            account_sid = account_of(stream_slice.partition)
            if account_sid:
                record["account_sid"] = account_sid


