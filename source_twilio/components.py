"""The few things `manifest.yaml` cannot say, each one CDK interface.

- TwilioAccountPartitionRouter: one partition per selected account, from a list read once per sync.
- TwilioRecordNormalizer: types a record the way its schema says, in one pass (RFC 2822 dates to ISO 8601 UTC,
  numeric strings to numbers) and tags it with its account.
- AirbyteTwilioStateMigration: continues a state saved by Airbyte's Twilio source.
- TwilioJsonDecoder: parses each page once, with orjson, for both the record extractor and the paginator.
- TwilioErrorHandler: answers "success" for 2xx pages before the rule list (which parses the body) is consulted.
- TwilioListExtractor: the page's list (`messages`, `calls`, ...) or, for single-object endpoints, the page itself.
- WindowCheckpointCursor: the CDK's per-account cursor, with a STATE after every closed window and every few
  thousand records instead of every ten minutes.
- TwilioPagination: Twilio's `next_page_uri`, then, after an account's newest window, the records still open (a
  queued message, a call in progress), which no date filter can match.

Components are shared across the CDK's worker threads: nothing here keeps per-read state on `self`.
"""

from __future__ import annotations

import itertools
import json
import logging
import re
import time
from dataclasses import InitVar, dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from importlib import resources
from typing import Any, Callable, Dict, Generator, Iterable, List, Mapping, MutableMapping, Optional, Tuple, Union
from urllib.parse import parse_qs, urlsplit, urlunsplit

import orjson
import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.declarative.decoders.json_decoder import JsonDecoder
from airbyte_cdk.sources.declarative.extractors.record_extractor import RecordExtractor
from airbyte_cdk.sources.declarative.incremental import ConcurrentPerPartitionCursor
from airbyte_cdk.sources.declarative.migrations.state_migration import StateMigration
from airbyte_cdk.sources.declarative.partition_routers.partition_router import PartitionRouter
from airbyte_cdk.sources.declarative.requesters.error_handlers import DefaultErrorHandler
from airbyte_cdk.sources.declarative.requesters.paginators.strategies.pagination_strategy import PaginationStrategy
from airbyte_cdk.sources.declarative.transformations import RecordTransformation
from airbyte_cdk.sources.streams.http.error_handlers import ErrorHandler
from airbyte_cdk.sources.streams.http.error_handlers.response_models import SUCCESS_RESOLUTION, ErrorResolution, ResponseAction
from airbyte_cdk.sources.types import Config, StreamSlice, StreamState

from .accounts import AccountDirectory

logger = logging.getLogger("airbyte")


@dataclass
class TwilioAccountPartitionRouter(PartitionRouter):
    """One partition per account the sync reads: `{"account_sid": "AC..."}`.

    YAML could list accounts only with a SubstreamPartitionRouter over an accounts stream, which re-reads
    `Accounts.json` for every stream and cannot skip closed accounts or fall back when an API key may not list
    accounts. Per-account state keys on this partition.
    """

    config: Config
    parameters: InitVar[Mapping[str, Any]]
    # v1/v2 product hosts read the account named by the Basic-auth username. An API key is its own username and
    # belongs to one account, so with a key those streams read that account only (once, not once per account).
    key_reads_own_account_only: bool = False

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        pass

    def stream_slices(self) -> Iterable[StreamSlice]:
        if self.key_reads_own_account_only and self.config.get("__key_sid"):
            yield StreamSlice(partition={"account_sid": self.config["account_sid"].strip()}, cursor_slice={})
            return
        for account in AccountDirectory.selected_accounts(self.config):
            yield StreamSlice(partition={"account_sid": account["sid"]}, cursor_slice={})

    def get_request_params(self, **kwargs: Any) -> Mapping[str, Any]:
        return {}

    def get_request_headers(self, **kwargs: Any) -> Mapping[str, Any]:
        return {}

    def get_request_body_data(self, **kwargs: Any) -> Mapping[str, Any]:
        return {}

    def get_request_body_json(self, **kwargs: Any) -> Mapping[str, Any]:
        return {}

    def get_stream_state(self) -> Optional[Mapping[str, StreamState]]:
        return None


class WindowCheckpointCursor(ConcurrentPerPartitionCursor):
    """The per-account cursor of every incremental stream, checkpointing after every closed window and every few
    thousand records.

    The CDK's cursor emits STATE at most once every 600 seconds: a sync killed nine minutes into a year of
    messages restarts nine minutes back. Here a STATE follows every window that closes (the cursor itself only
    advances over windows that are complete, so each STATE is safe to resume from). Inside a long window the
    cursor cannot move (Twilio lists newest first), but a STATE every RECORDS_PER_STATE records still lets Airbyte
    commit what came before it. Children with one cursor for all their parents (message media, participants,
    steps) close a partition per parent record, thousands per sync; their STATE, which only moves with the
    parent's, is kept to one a second.

    Records and STATE reach the output in the order they are queued, and a window's records are all queued before
    it closes: a STATE never covers a record not yet emitted.

    Neither YAML nor any public CDK hook sets that interval (it is a constant in a private method), so this is
    the one class that reaches into CDK internals: `_throttle_state_message`, `_emit_state_message`, `_lock`,
    `_use_global_cursor`. The record counter is per read, like the cursor itself (one per stream and sync).
    unit_tests/test_incremental_2010.py fails if a CDK upgrade changes them.
    """

    CHILD_STATE_INTERVAL_SECONDS = 1.0
    RECORDS_PER_STATE = 5000

    @classmethod
    def adopt(cls, cursor: ConcurrentPerPartitionCursor) -> ConcurrentPerPartitionCursor:
        """Turns a cursor the CDK's factory built into this class (it only changes when STATE is emitted)."""
        cursor.__class__ = cls
        cursor._records_seen = itertools.count(1)  # type: ignore[attr-defined]
        return cursor

    def observe(self, record: Any) -> None:
        super().observe(record)
        if next(self._records_seen) % self.RECORDS_PER_STATE == 0:  # type: ignore[attr-defined]
            with self._lock:
                self._emit_state_message()

    def _throttle_state_message(self) -> Optional[float]:
        now = time.time()
        if self._use_global_cursor and now - self._last_emission_time < self.CHILD_STATE_INTERVAL_SECONDS:
            return None
        return now


class TwilioJsonDecoder(JsonDecoder):
    """Parses a page body once with orjson and hands the same object to the extractor and the paginator.

    The CDK's JsonDecoder parses a page for the records and again for the next-page link; at 1,000 records a page
    the second parse is a few percent of a sync's CPU. The parsed body is kept on the response object, which
    lives only as long as its page. A 2xx body that is not JSON never reaches the decoder: TwilioErrorHandler,
    which sees every response first, has it requested again.
    """

    def __init__(self, parameters: Mapping[str, Any] | None = None) -> None:
        # A JsonDecoder (the CDK pages only with JSON decoders), but its own single parse replaces the parent's.
        pass

    def is_stream_response(self) -> bool:
        return False

    def decode(self, response: requests.Response) -> Generator[MutableMapping[str, Any], None, None]:
        yield parsed_page(response) or {}


_UNREADABLE: Dict[str, Any] = {}


def parsed_page(response: requests.Response) -> Optional[Dict[str, Any]]:
    """The page's JSON object, parsed once per response; None when the body is not a JSON object."""
    body = getattr(response, "_twilio_body", None)
    if body is None:
        try:
            body = orjson.loads(response.content) if response.content else _UNREADABLE
        except orjson.JSONDecodeError:
            body = _UNREADABLE
        if not isinstance(body, dict):
            body = _UNREADABLE
        response._twilio_body = body  # type: ignore[attr-defined]
    return None if body is _UNREADABLE else body


@dataclass
class TwilioErrorHandler(ErrorHandler):
    """The manifest's DefaultErrorHandler, consulted only for responses that are not 2xx.

    The CDK evaluates every rule of a DefaultErrorHandler against every response and parses the body with the
    standard json module to interpolate messages, even for the 200s that are 99.9% of a sync (6% of its CPU).
    A 2xx is parsed here once (the decoder reuses the result) and retried when it is not JSON.
    """

    handler: DefaultErrorHandler
    parameters: InitVar[Mapping[str, Any]]

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        pass

    @property
    def backoff_strategies(self) -> Optional[List[Any]]:
        return self.handler.backoff_strategies

    @property
    def max_retries(self) -> Optional[int]:
        return self.handler.max_retries

    @property
    def max_time(self) -> Optional[int]:
        return self.handler.max_time

    def interpret_response(self, response_or_exception: Optional[Union[requests.Response, Exception]] = None) -> ErrorResolution:
        if isinstance(response_or_exception, requests.Response) and 200 <= response_or_exception.status_code < 300:
            if parsed_page(response_or_exception) is None:
                # A 200 whose body is not JSON (cut by a proxy, an HTML error page) would silently end the
                # stream with no records and no next page: ask again instead.
                return ErrorResolution(
                    response_action=ResponseAction.RETRY,
                    failure_type=FailureType.transient_error,
                    error_message=f"Twilio sent an unreadable page ({len(response_or_exception.content)} bytes); retrying.",
                )
            return SUCCESS_RESOLUTION
        resolution = self.handler.interpret_response(response_or_exception)
        if resolution.response_action == ResponseAction.IGNORE and resolution.error_message:
            # The CDK logs an ignored response at INFO; a stream skipped for an account deserves a WARN.
            logger.warning(resolution.error_message)
        return resolution

    def backoff_time(self, response_or_exception: Any, attempt_count: int = 0) -> Optional[float]:
        return self.handler.backoff_time(response_or_exception, attempt_count)


@dataclass
class TwilioListExtractor(RecordExtractor):
    """The records of a page: `body[list_key]`, or the body itself when `list_key` is empty (Balance.json).

    Equivalent to a DpathExtractor with `field_path: [list_key]`, whose generic path walk was a fifth of a sync's
    CPU at 1,000 records a page. {"messages": [m1, m2], "next_page_uri": ...} -> m1, m2

    On a page of the open-records pass (see TwilioPagination) only the records whose cursor field is empty are
    kept: the others were, or will be, read in their date window.
    """

    parameters: InitVar[Mapping[str, Any]]
    config: Config = field(default_factory=dict)
    list_key: str = ""
    decoder: JsonDecoder = field(default_factory=lambda: TwilioJsonDecoder())

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self._list_key = self.list_key or parameters.get("list_key", "")
        self._open_pass = _OpenPass.of(parameters, self.config)

    def extract_records(self, response: requests.Response) -> Iterable[MutableMapping[Any, Any]]:
        for body in self.decoder.decode(response):
            if not self._list_key:
                if body:
                    yield body
                continue
            records = body.get(self._list_key)
            if not isinstance(records, list):
                continue
            url = response.request.url
            if self._open_pass and not self._open_pass.is_window_request(url):
                keep = self._open_pass.keeper(url, self._open_pass.query_index(url))
                yield from (record for record in records if keep(record))
            else:
                yield from records


# A 2010 API path names its account: /2010-04-01/Accounts/AC.../Calls.json (request URLs and Airbyte's state).
ACCOUNT_PATH = re.compile(r"/2010-04-01/Accounts/(AC[0-9a-fA-F]{32})/(.+)")


@dataclass(frozen=True)
class _OpenPass:
    """Where a stream's records with an empty cursor are, and which of them to keep.

    `open_queries` return records still in flight (`Status=ringing` for calls; the unfiltered list, newest first,
    for messages), all of them current. `settled_queries` return records that are final yet keep an empty cursor
    for good (a failed or canceled call has no `end_time`: Twilio leaves it empty when a call "did not complete
    successfully"); Twilio cannot filter them by date, so only those created since the account's sync start
    (`config['__open_since']`, else `start_date`) are kept, and paging stops below it (lists are newest first).
    """

    queries: Tuple[Tuple[str, bool], ...]  # (query, settled)
    cursor_field: str
    start_param: str
    since_by_account: Mapping[str, str]
    default_since: str

    @staticmethod
    def of(parameters: Mapping[str, Any], config: Config) -> Optional["_OpenPass"]:
        queries = [(q, False) for q in parameters.get("open_queries") or []]
        queries += [(q, True) for q in parameters.get("settled_queries") or []]
        if not queries:
            return None
        call_status = config.get("call_status")
        if call_status:
            # With a call status filter the requester sends Status=<it> on every request: only that query is left.
            queries = [(q, settled) for q, settled in queries if parse_qs(q).get("Status", [call_status]) == [call_status]]
        since = (config.get("__open_since") or {}).get(parameters.get("name"), {})
        return _OpenPass(tuple(queries), parameters["cursor_field"], parameters["start_param"], since, config.get("__start", ""))

    def is_window_request(self, url: str) -> bool:
        return self.start_param in parse_qs(urlsplit(url).query)

    def is_open(self, record: Mapping[str, Any]) -> bool:
        return record.get(self.cursor_field) in (None, "")

    def query_index(self, url: str) -> int:
        """Which of `queries` the open-pass request `url` runs (its own filters are all in the URL)."""
        asked = parse_qs(urlsplit(url).query)
        for index, (query, _) in enumerate(self.queries):
            if all(asked.get(key) == values for key, values in parse_qs(query).items()):
                return index
        return len(self.queries)

    def is_settled(self, index: int) -> bool:
        return index < len(self.queries) and self.queries[index][1]

    def keeper(self, url: str, index: int) -> Callable[[Mapping[str, Any]], bool]:
        """Which records of the open-pass page at `url`, which runs query `index`, to emit."""
        if not self.is_settled(index):
            return self.is_open
        account = ACCOUNT_PATH.search(urlsplit(url).path)
        since = self.since_by_account.get(account.group(1) if account else "", self.default_since)
        return lambda record: self.is_open(record) and (to_iso_utc(record.get("date_created")) or "") >= since


@dataclass
class TwilioPagination(PaginationStrategy):
    """Pages of the 2010 API: the host plus Twilio's relative `next_page_uri`, which carries the filters and the
    PageToken.

    For streams with `open_queries` (messages, calls) the newest window of each account is followed by a pass
    for the records no date window can return, because their cursor is empty. A queued or scheduled message has
    no `date_sent`, and a call still ringing or in progress has no `end_time`. Twilio's date filters never match an
    empty field, so the pass asks for these records directly:
    - calls: `Status=queued`, `ringing` and `in-progress`, every page, since Twilio filters calls by status;
    - messages: no status filter exists, so the unfiltered list, newest first, page by page while a page still
      holds an open message. They are the newest: a message is queued when it is created.

    Then come the `settled_queries`: failed and canceled calls (busy and no-answer too, in case Twilio leaves
    their `end_time` empty as well), newest first, while a page's oldest record is still kept (see _OpenPass).
    The extractor keeps only the records with an empty cursor, so nothing is emitted twice. Skipped when `end_date`
    is set: the sync then reads a closed range.

    The token is derived from the response alone: one instance pages every partition, in several threads.
    """

    config: Config
    parameters: InitVar[Mapping[str, Any]]

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self._list_key = parameters.get("list_key", "")
        self._open_pass = _OpenPass.of(parameters, self.config)

    @property
    def initial_token(self) -> Optional[Any]:
        return None

    def get_page_size(self) -> Optional[int]:
        return None

    def next_page_token(
        self,
        response: requests.Response,
        last_page_size: int,
        last_record: Optional[Any],
        last_page_token_value: Optional[Any] = None,
        stream_slice: Optional[StreamSlice] = None,
    ) -> Optional[Any]:
        body = parsed_page(response) or {}
        next_uri = body.get("next_page_uri")
        open_pass = self._open_pass
        if not open_pass or self.config.get("end_date"):
            return self.config["__hosts"]["api"] + next_uri if next_uri else None
        url = response.request.url
        if open_pass.is_window_request(url):
            if next_uri:
                return self.config["__hosts"]["api"] + next_uri
            if stream_slice is not None and self._is_newest_window(stream_slice):
                return self._open_query_url(url, 0)
            return None
        records = body.get(self._list_key) or []
        index = open_pass.query_index(url)
        keep = open_pass.keeper(url, index)
        # Open records are the newest: go on while a page holds one. Settled ones are kept down to the account's
        # sync start: go on while the page's oldest record is still kept.
        more = keep(records[-1]) if open_pass.is_settled(index) and records else any(keep(record) for record in records)
        if next_uri and more:
            return self.config["__hosts"]["api"] + next_uri
        return self._open_query_url(url, index + 1)

    def _is_newest_window(self, stream_slice: StreamSlice) -> bool:
        end = (stream_slice.cursor_slice or {}).get("end_time")
        return bool(end) and str(end) >= self.config["__end"]

    def _open_query_url(self, url: str, index: int) -> Optional[str]:
        if index >= len(self._open_pass.queries):
            return None
        scheme, netloc, path, _, _ = urlsplit(url)
        query = "&".join(part for part in ("PageSize=1000", self._open_pass.queries[index][0]) if part)
        return urlunsplit((scheme, netloc, path, query, ""))


_MONTHS = {m: f"{i:02d}" for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}


def to_iso_utc(value: Any) -> Any:
    """A Twilio date as ISO 8601 UTC; anything that is not a recognisable date is returned unchanged.

    "Fri, 18 Oct 2019 17:00:00 +0000" -> "2019-10-18T17:00:00Z"
    "Fri, 18 Oct 2019 19:00:00 +0200" -> "2019-10-18T17:00:00Z"
    "2019-10-18T17:00:00Z"            -> "2019-10-18T17:00:00Z"
    "2019-10-18T19:00:00+02:00"       -> "2019-10-18T17:00:00Z"
    """
    if not isinstance(value, str):
        return value
    # Fast path for the form Twilio's 2010 API nearly always sends.
    if len(value) == 31 and value[3] == "," and value.endswith(" +0000"):
        month = _MONTHS.get(value[8:11])
        if month:
            return f"{value[12:16]}-{month}-{value[5:7]}T{value[17:25]}Z"
    if value.endswith("Z") and len(value) >= 20 and value[10] == "T":
        return value
    try:
        if value[:1].isalpha():
            parsed = parsedate_to_datetime(value)
        else:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (TypeError, ValueError, IndexError):
        return value
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    parsed = parsed.astimezone(timezone.utc)
    if parsed.microsecond:
        return parsed.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return parsed.strftime("%Y-%m-%dT%H:%M:%SZ")


def _to_number(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if value == "":
        return None  # Twilio sends "" for a duration or price that does not exist yet
    try:
        return int(value)
    except ValueError:
        pass
    try:
        return float(value)
    except ValueError:
        return value  # not a number after all: passed through as sent, never dropped


def _to_integer(value: Any) -> Any:
    number = _to_number(value)
    return int(number) if isinstance(number, float) and number.is_integer() else number


def load_schema(stream_name: str) -> Mapping[str, Any]:
    return json.loads(resources.files("source_twilio").joinpath("schemas", f"{stream_name}.json").read_text())


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
            account_sid = _account_of(stream_slice.partition)
            if account_sid:
                record["account_sid"] = account_sid


def _account_of(partition: Mapping[str, Any]) -> Optional[str]:
    """The account of a partition, or of its parent's partition for substreams."""
    while partition:
        if partition.get("account_sid"):
            return partition["account_sid"]
        partition = partition.get("parent_slice") or {}
    return None


@dataclass
class AirbyteTwilioStateMigration(StateMigration):
    """Continues a state saved by Airbyte's Twilio source instead of starting over.

    Airbyte's source (0.12+) keys per-account state by the account's list URI; ours keys it by account SID:

    {"states": [{"partition": {"subresource_uri": "/2010-04-01/Accounts/AC1/Messages.json", "parent_slice": {}},
                 "cursor": {"date_sent": "2024-05-01T00:00:00Z"}}]}
    -> {"states": [{"partition": {"account_sid": "AC1"}, "cursor": {"date_sent": "2024-05-01T00:00:00Z"}}],
        "state": {"date_sent": "2024-05-01T00:00:00Z"}, "use_global_cursor": false}

    Its usage_records partitions already carry `account_sid` (plus `parent_slice`); older releases kept one flat
    cursor for the stream (`{"date_sent": "..."}`), which becomes the starting point of every account. Cursor
    values are rewritten in our format (`2020-12-11` -> `2020-12-11T00:00:00Z`; RFC 2822 -> ISO 8601). A partition
    this stream does not have (for example another resource's URI) is dropped: that account is read from the
    start date, which loses nothing.
    """

    parameters: InitVar[Mapping[str, Any]]

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self._cursor_field = parameters.get("cursor_field", "")
        self._resource = parameters.get("resource", "")
        self._date_only = parameters.get("date_only", False)

    def should_migrate(self, stream_state: Mapping[str, Any]) -> bool:
        if not stream_state or not self._cursor_field:
            return False
        if "states" in stream_state:
            return any(set(entry.get("partition", {})) != {"account_sid"} for entry in stream_state["states"])
        return self._cursor_field in stream_state and not {"state", "parent_state", "use_global_cursor"} & set(stream_state)

    def migrate(self, stream_state: Mapping[str, Any]) -> Mapping[str, Any]:
        if "states" not in stream_state:
            value = self._cursor_value(stream_state.get(self._cursor_field))
            return {"states": [], "state": {self._cursor_field: value}, "use_global_cursor": False} if value else {}
        states = []
        for entry in stream_state["states"]:
            account_sid = self._account_of(entry.get("partition", {}))
            value = self._cursor_value((entry.get("cursor") or {}).get(self._cursor_field))
            if account_sid and value:
                states.append({"partition": {"account_sid": account_sid}, "cursor": {self._cursor_field: value}})
            else:
                logger.info(f"Dropping a saved state partition this stream cannot continue: {entry.get('partition')}")
        if not states:
            return {}
        lowest = min(state["cursor"][self._cursor_field] for state in states)
        return {"states": states, "state": {self._cursor_field: lowest}, "use_global_cursor": False}

    def _account_of(self, partition: Mapping[str, Any]) -> Optional[str]:
        return state_partition_account(partition, self._resource)

    def _cursor_value(self, value: Any) -> Optional[str]:
        return state_cursor_value(value, self._date_only)


def state_partition_account(partition: Mapping[str, Any], resource: str) -> Optional[str]:
    """The account of a saved state partition: ours, `{"account_sid": "AC1"}`, or Airbyte's,
    `{"subresource_uri": "/2010-04-01/Accounts/AC1/Calls.json"}` when it is `resource`'s list; else None."""
    if partition.get("account_sid"):
        return partition["account_sid"]
    match = ACCOUNT_PATH.fullmatch(partition.get("subresource_uri") or "")
    if match and match.group(2) == resource:
        return match.group(1)
    return None


def state_cursor_value(value: Any, date_only: bool = False) -> Optional[str]:
    """A saved cursor value in our format: "2020-12-11" -> "2020-12-11T00:00:00Z", RFC 2822 -> ISO 8601; None when
    it is not a date."""
    if not isinstance(value, str) or not value:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value if date_only else f"{value}T00:00:00Z"
    iso = to_iso_utc(value)
    if not isinstance(iso, str) or not re.match(r"\d{4}-\d{2}-\d{2}T", iso):
        return None
    return iso[:10] if date_only else iso[:19] + "Z"
