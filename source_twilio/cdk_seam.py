"""The one place source-twilio reaches into airbyte-cdk's private names or replaces a piece of its behaviour.

Checked against airbyte-cdk 7.39.1 (`CHECKED_AGAINST`; setup.py and requirements.lock pin it). `PRIVATE_NAMES` lists
every private name used here; unit_tests/test_cdk_seam.py checks each one on the installed CDK and fails, naming the
name and its owner, when an upgrade moves one. Nothing outside this module touches a CDK private name.

1. Checkpoints after every window (`WindowCheckpointCursor`). The CDK's per-partition cursor emits STATE at most once
   every 600 s (a constant in its private `_throttle_state_message`): a sync killed nine minutes into a year of
   messages restarts nine minutes back. No manifest field or public hook sets it, so the cursors the factory builds
   become a subclass (`checkpoint_every_window`) that emits one after every closed window, and every
   `RECORDS_PER_STATE` records inside a long window. Uses `_lock`, `_emit_state_message`, `_use_global_cursor`,
   `_last_emission_time`, and replaces the factory method `create_concurrent_cursor_from_perpartition_cursor` on the
   source's factory (`_constructor`).
2. No account starts at another account's cursor (`WindowCheckpointCursor.state`). The CDK saves the newest cursor of
   any partition under "state" and starts every partition without its own entry there (state.py says why that loses
   data); the state this connector emits leaves that key out for per-account streams.
3. Each record observed once per window, not parsed twice (`WindowCheckpointCursor.observe`). The CDK's per-partition
   cursor parses every record's cursor value twice with `strptime`, formats it once, and hashes its partition and
   slice as JSON: a third of the CPU of a dense sync. Twilio lists newest first, so after a window's first record
   every later one is older and changes nothing the cursor keeps (the newest value per window and overall); those
   are recognised with one `datetime.fromisoformat` and skipped. Uses nothing private beyond (1).
4. Windows as long as each account's history needs (`WindowCheckpointCursor.stream_slices`, windows.py says how).
   Before an account's windows are made, the stream's own retriever asks for the first page of the account's whole
   range (`_fetch_next_page`, so the request is exactly the one a window would send); the per-account cursor then
   makes one window or windows of the measured length (`_slice_range`), and a one-window plan's first page is
   served from that probe instead of asked again. Probes run a few accounts ahead of the windows being made
   (`_partition_router` stands in for the cursor's router meanwhile), and every page request of every stream,
   probes included, holds one of `num_workers` request slots, so probing never adds to the concurrency the user
   set. Uses `_cursor_per_partition`, `_to_partition_key`, `_create_cursor`, `_generate_slices_from_partition`,
   `_global_cursor`, `_lookback_window`, the retriever's `_fetch_next_page` and `_get_initial_next_page_token`, and
   replaces the factory's constructor of SimpleRetriever (`PYDANTIC_MODEL_TO_CONSTRUCTOR`) to link each stream's
   retriever with its cursor.
5. A complete window moves the state to its end, a refused one never (`WindowCheckpointCursor.close_partition`). The
   CDK saves the newest record of a complete range, or the range's start when it held none: an account without
   messages would re-read every window since start_date on every sync. Closing a window observes its end as if a
   record were there, capped by Twilio's clock (the Date header of the window's first page, less
   windows.CLOCK_MARGIN: this machine's clock may run ahead of Twilio's); for day windows, the day before it ends
   (today's usage records still change). So the state is where the complete range ends, and the next sync starts
   there (less the lookback window). A window whose
   request got an error the error handler let through (`refused_windows`, noted by the retriever) is closed without
   being added to the account's range (the per-account cursor's `close_partition` is skipped for it), so the state
   never passes it.
6. A child with one cursor for all accounts is read in full for an account new to it
   (`WindowCheckpointCursor.should_be_synced`, `ACCOUNTS_READ_KEY`). Conversation messages, dependent phone numbers,
   TaskRouter activities ... keep one `date_updated` cursor for every parent of every account (one per parent would
   grow with every conversation), and the CDK's client-side filter drops any child older than it: the children of an
   account added to `account_sids` would never arrive. The state names the accounts the sync read, and a record of
   an account it does not name is kept. Uses `_use_global_cursor`.
7. The config a verb is given (`use_config`). `ConcurrentDeclarativeSource` builds streams from the config it was
   constructed with (`_config`), whatever `check`/`discover`/`read` receive; `use_config` makes the config a verb is
   passed (normalised) the one its streams are built from.
8. STATE with many accounts kept to a small share of the sync (`WindowCheckpointCursor._throttle_state_message`). A
   per-account STATE holds every account's cursor, so one after every window costs accounts x windows: 201
   accounts, a first sync of messages, 222 STATEs of 23 KB, 8% of the CPU, all for Airbyte to store. Above
   SMALL_STATE_ACCOUNTS accounts, a STATE waits until the time since the last one is 1 / STATE_TIME_SHARE times
   what the last one took to build (29 STATEs in that sync); the final STATE is never held back.
   Holding one back is safe: the next covers every window closed before it. Uses `_cursor_per_partition` and
   `_last_emission_time`.
9. What progress.py counts: page requests (in the request-slot wrapper), windows made and closed, and each probe's
   count of records (its Plan's rows). Uses the cursor's `_stream_name` (whose counts they are), nothing else
   private beyond (1) and (4).
10. Lists whose records settle after they are listed (settling.py: Conversation Intelligence transcripts) hold each
    account's state before its oldest record still open, and keep where the complete windows end beside it
    (`WindowCheckpointCursor.state`). Every page of such a list is looked at before any filter (`_link`), so an open
    record the filter drops still holds the state. A child stream reads its parent with its own copy of the parent's
    state (incremental_dependency), through a parent stream the CDK builds with a second factory of its own: the
    factory's `create_parent_stream_config_with_substream_wrapper` is wrapped so that such a parent's cursor is this
    class too and its retriever is linked (`_adopt_parent`), reaching the retriever through `DefaultStream`'s
    `_stream_partition_generator`, its `_partition_factory` and that one's `_retriever`.
11. The open-records pass of settled records (calls that failed or were canceled: no `end_time`, so no window returns
    them) runs after each account's newest window and keeps those created since where the last pass left off. Until
    that window has closed, each account's entry in the state keeps `open_since` beside its cursor
    (`OpenPassBounds`), so that a sync stopped after older windows moved the cursor still starts the next pass where
    this one was to start. Uses nothing private beyond (5).
12. A deadline for each attempt of a request (deadline.py says why). The CDK builds each requester's HTTP session
    itself and offers no hook for its transport adapter; each retriever's session (`_http_client`, `_session`) gets
    deadline.DeadlineAdapter, with the connection pool size the CDK gives its own adapter. Parent streams the CDK builds
    for a child come from a factory of its own: the parent wrapper of (10) gives them, and their own parents (found
    through `StreamSlicerPartitionGenerator._stream_slicer`), the same adapter.
"""

from __future__ import annotations

import collections
import datetime
import itertools
import re
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable, Dict, Iterable, Iterator, List, Mapping, MutableMapping, Optional, Set, Tuple, cast

import requests
from airbyte_cdk.sources.declarative.concurrent_declarative_source import (
    ConcurrentDeclarativeSource,
)
from airbyte_cdk.sources.declarative.incremental import ConcurrentPerPartitionCursor
from airbyte_cdk.sources.declarative.models.declarative_component_schema import (
    SimpleRetriever as SimpleRetrieverModel,
)
from airbyte_cdk.sources.declarative.parsers.model_to_component_factory import (
    ModelToComponentFactory,
)
from airbyte_cdk.sources.declarative.requesters import HttpRequester
from airbyte_cdk.sources.declarative.retrievers import SimpleRetriever
from airbyte_cdk.sources.declarative.stream_slicers.declarative_partition_generator import (
    DeclarativePartitionFactory,
    StreamSlicerPartitionGenerator,
)
from airbyte_cdk.sources.streams.http.http_client import MAX_CONNECTION_POOL_SIZE, HttpClient
from airbyte_cdk.sources.streams.concurrent.cursor import ConcurrentCursor
from airbyte_cdk.sources.streams.concurrent.default_stream import DefaultStream
from airbyte_cdk.sources.types import Record, StreamSlice

from . import progress
from .config import DEFAULT_NUM_WORKERS
from .deadline import with_deadline
from .errors import reads_as_empty
from .records import TwilioListExtractor, account_of, forget_parsed_page, parsed_page
from .refusals import Refusals
from .settling import SETTLING, accounts_held
from .open_records import is_newest_window, open_record_pass
from .state import ACCOUNTS_READ_KEY, GLOBAL_FALLBACK_KEY, OPEN_SINCE_KEY
from .windows import CLOCK_MARGIN, Plan, plan_from_probe, served_at

CHECKED_AGAINST = "7.39.1"

# owner -> the private (or replaced) names this module relies on; unit_tests/test_cdk_seam.py checks every one.
PRIVATE_NAMES: Dict[type, Tuple[str, ...]] = {
    ConcurrentDeclarativeSource: ("_constructor", "_config"),
    ModelToComponentFactory: (
        "create_concurrent_cursor_from_perpartition_cursor", "PYDANTIC_MODEL_TO_CONSTRUCTOR",
        "create_parent_stream_config_with_substream_wrapper",
    ),
    DefaultStream: ("_stream_partition_generator",),
    StreamSlicerPartitionGenerator: ("_partition_factory", "_stream_slicer"),
    DeclarativePartitionFactory: ("_retriever",),
    ConcurrentPerPartitionCursor: (
        "_lock", "_stream_name", "_connector_state_converter", "_emit_state_message", "_throttle_state_message", "_use_global_cursor",
        "_last_emission_time", "state", "_cursor_per_partition", "_to_partition_key", "_create_cursor",
        "_generate_slices_from_partition", "_global_cursor", "_lookback_window", "_partition_router", "close_partition",
        "should_be_synced",
    ),
    ConcurrentCursor: ("_slice_range", "_start"),
    SimpleRetriever: ("_fetch_next_page", "_get_initial_next_page_token"),
    HttpRequester: ("_http_client",),
    HttpClient: ("_session",),
}

class WindowCheckpointCursor(ConcurrentPerPartitionCursor):
    """The per-account cursor of every incremental stream, checkpointing after every closed window and every few
    thousand records, and never saving the CDK's cross-account fallback.

    Records and STATE reach the output in the order they are queued, and a window's records are all queued before it
    closes: a STATE never covers a record not yet emitted. The cursor itself only advances over windows that are
    complete, so each STATE is safe to resume from; inside a long window the cursor cannot move (Twilio lists newest
    first), but a STATE every RECORDS_PER_STATE records still lets Airbyte commit what came before it. Children with
    one cursor for all their parents (message media, participants, steps) close a partition per parent record,
    thousands per sync; their STATE, which only moves with the parent's, is kept to one a second.
    """

    CHILD_STATE_INTERVAL_SECONDS = 1.0
    RECORDS_PER_STATE = 5000
    SMALL_STATE_ACCOUNTS = 20
    STATE_TIME_SHARE = 0.02
    _state_cost = 0.0

    @classmethod
    def adopt(cls, cursor: ConcurrentPerPartitionCursor, incoming_state: Optional[Mapping[str, Any]] = None) -> ConcurrentPerPartitionCursor:
        """Turns a cursor the CDK's factory built into this class (it only changes when STATE is emitted and what it
        holds). The record counter is per read, like the cursor itself (one per stream and sync)."""
        cursor.__class__ = cls
        cursor._accounts_known = _accounts_in(incoming_state)  # type: ignore[attr-defined]
        cursor._accounts_read = set()  # type: ignore[attr-defined]
        cursor._records_seen = itertools.count(1)  # type: ignore[attr-defined]
        cursor._newest_in_window = threading.local()  # type: ignore[attr-defined]
        cursor._shapes_read = {}  # type: ignore[attr-defined]
        cursor.refused_windows = set()  # type: ignore[attr-defined]
        cursor.first_page_served_at = {}  # type: ignore[attr-defined]
        cursor._closing = threading.Lock()  # type: ignore[attr-defined]
        cursor.settling = SETTLING.get(cursor._stream_name)  # type: ignore[attr-defined]
        cursor._oldest_open = {}  # type: ignore[attr-defined]
        cursor._listed_at = {}  # type: ignore[attr-defined]
        cursor._window_ends = {}  # type: ignore[attr-defined]
        cursor._open_lock = threading.Lock()  # type: ignore[attr-defined]
        return cursor

    def note_listed(self, partition: StreamSlice, served: Optional[datetime.datetime]) -> None:
        """A window of a settling list had its first page served at `served` (Twilio's clock) (9)."""
        if served is None:
            return
        account = account_of(partition.partition) or ""
        value = served.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        with self._open_lock:  # type: ignore[attr-defined]
            known = self._listed_at.get(account)  # type: ignore[attr-defined]
            if known is None or value < known:
                self._listed_at[account] = value  # type: ignore[attr-defined]

    def note_open(self, partition: StreamSlice, oldest_open: Optional[str]) -> None:
        """A page of a settling list held a record still open, created at `oldest_open` (9)."""
        if not oldest_open:
            return
        account = account_of(partition.partition) or ""
        with self._open_lock:  # type: ignore[attr-defined]
            known = self._oldest_open.get(account)  # type: ignore[attr-defined]
            if known is None or oldest_open < known:
                self._oldest_open[account] = oldest_open  # type: ignore[attr-defined]

    def observe(self, record: Any) -> None:
        """Observes the record unless it is older than one already observed in its window (see the module docstring).

        Each worker thread reads one window at a time, so the newest value per window is kept per thread, for the
        window (the slice object its records share) the thread last saw. A record whose cursor is in no shape
        `_instant` reads, or is newer, goes to the CDK as before; skipping one that is not newer changes neither the
        window's newest value nor the overall one, since both are already at least the newest value observed.
        """
        raw = record.data.get(self.cursor_field.cursor_field_key)
        value = _instant(raw)
        seen = self._newest_in_window  # type: ignore[attr-defined]
        window = record.associated_slice
        known = value is not None and getattr(seen, "window", None) is window
        if not (known and value <= seen.newest):
            super().observe(record)
            if value is not None and self._parses(raw):
                seen.window, seen.newest = window, value
        if next(self._records_seen) % self.RECORDS_PER_STATE == 0:  # type: ignore[attr-defined]
            with self._lock:
                self._emit_state_message()

    # ---- windows as long as each account needs (4) and a state that moves over complete windows (5)

    _sizer: Optional["WindowSizer"] = None
    _pending_step: Optional[datetime.timedelta] = None
    # For a stream whose open-records pass reads settled records without a cursor (calls: failed, canceled): where
    # each account's pass starts, until the account's newest window (which runs it) has closed (11)
    open_pass_bounds: Optional["OpenPassBounds"] = None
    # False for a settling list's copy read as a child's parent (10): its windows, probes and estimate are the
    # child's business, and counting them under the list's own name would count that stream's windows twice.
    counted_in_progress = True

    def _planned(self) -> Iterable[StreamSlice]:
        if not self.counted_in_progress:
            return super().stream_slices()
        return progress.current().planned(self._stream_name, super().stream_slices())

    _pending_account: Optional[str] = None
    account_created: Mapping[str, str] = {}  # account SID -> its date_created (ISO), for windowed streams (_link)

    def _start_at_creation(self, cursor: ConcurrentCursor, account: Optional[str]) -> None:
        """An account's windows start no earlier than its creation (Accounts.json's date_created): Twilio holds nothing
        older, and may answer 404 for it (Usage Records). The per-account cursor's `_start` is the lower bound its
        windows are clipped to; day windows format it as the creation day. No manifest field is per partition."""
        created = _instant(self.account_created.get(account or ""))
        start = getattr(cursor, "_start", None)
        if created is not None and isinstance(start, datetime.datetime) and start.tzinfo and created > start:
            cursor._start = created  # type: ignore[assignment]

    def _from_creation(self, cursor: ConcurrentCursor, account: Optional[str], lookback: int) -> ConcurrentCursor:
        """`cursor`, or, when its state stands before the account's creation (no state: start_date; a state saved
        while windows started at start_date), a cursor whose state stands at the creation: nothing older exists, and
        windows from the creation must join the state without a gap, or the state would stay where it stood for good
        (the CDK moves it over contiguous closed windows only)."""
        created = _instant(self.account_created.get(account or ""))
        start = cursor.start
        if created is not None and isinstance(start, datetime.datetime) and start.tzinfo and start < created:
            value = self._connector_state_converter.output_format(created)
            cursor = super()._create_cursor({self.cursor_field.cursor_field_key: value}, lookback)
        self._start_at_creation(cursor, account)
        return cursor

    def stream_slices(self) -> Iterable[StreamSlice]:
        sizer = self._sizer
        if sizer is None:
            yield from self._planned()
            return
        router = self._partition_router
        self._partition_router = _ProbingPartitions(router, self, sizer.lookahead)  # type: ignore[assignment]
        try:
            yield from self._planned()
        finally:
            self._partition_router = router
            sizer.close()

    def probe(self, partition: StreamSlice) -> None:
        """Asks for the first page of the account's whole range, unless it has at most one window anyway."""
        assert self._sizer is not None
        key = self._to_partition_key(partition.partition)
        self._pending_account = account_of(partition.partition)
        cursor = self._cursor_per_partition.get(key) or self._create_cursor(
            self._global_cursor, self._lookback_window if self._global_cursor else 0
        )
        self._start_at_creation(cursor, account_of(partition.partition))
        windows = [window.cursor_slice for window in cursor.stream_slices()]
        whole = _whole_range(windows)
        if whole is None:
            if self.counted_in_progress:
                progress.current().estimate(self._stream_name, None)  # not probed: its records are not estimated
            return
        start_field, end_field, lower, upper = whole
        cursor_slice = {start_field: lower, end_field: upper}
        self._sizer.probe(key, StreamSlice(partition=partition, cursor_slice=cursor_slice, extra_fields=partition.extra_fields))

    def should_be_synced(self, record: Any) -> bool:
        """A child of one cursor for all accounts (conversation messages, dependent phone numbers ...) is kept
        whatever that cursor says when its account was not read by the sync that saved the state (6)."""
        if self._use_global_cursor and self._accounts_known is not None:  # type: ignore[attr-defined]
            if account_of(record.associated_slice.partition) not in self._accounts_known:  # type: ignore[attr-defined]
                return True
        return super().should_be_synced(record)

    def _generate_slices_from_partition(self, partition: StreamSlice, parent_state: Mapping[str, Any]) -> Iterable[StreamSlice]:
        if self._use_global_cursor:
            self._accounts_read.add(account_of(partition.partition))  # type: ignore[attr-defined]
        self._pending_account = account_of(partition.partition)
        key = self._to_partition_key(partition.partition)
        existing = self._cursor_per_partition.get(key)
        if existing is not None:  # built from the incoming state
            from_creation = self._from_creation(existing, self._pending_account, 0)  # as the CDK builds them from a state
            if from_creation is not existing:
                with self._lock:
                    self._cursor_per_partition[key] = from_creation
        plan = self._sizer.plan(self._to_partition_key(partition.partition)) if self._sizer is not None else None
        if plan is not None:
            step = datetime.timedelta.max if plan.one_window else plan.step
            cursor = self._cursor_per_partition.get(self._to_partition_key(partition.partition))
            if cursor is not None:
                _size_windows(cursor, cast(datetime.timedelta, step))
            else:
                self._pending_step = step
        yield from super()._generate_slices_from_partition(partition, parent_state)

    def _create_cursor(self, cursor_state: Any, runtime_lookback_window: int = 0) -> ConcurrentCursor:
        cursor = super()._create_cursor(cursor_state, runtime_lookback_window)
        account, self._pending_account = self._pending_account, None
        cursor = self._from_creation(cursor, account, runtime_lookback_window)
        step, self._pending_step = self._pending_step, None
        if step is not None:
            _size_windows(cursor, step)
        return cursor

    def close_partition(self, partition: Any) -> None:
        """Closes a window (each worker thread closes the windows it read): one at a time, since a refused window is
        closed with its account's cursor told to skip it."""
        window = partition.to_slice()
        if self.counted_in_progress:
            progress.current().window_done(self._stream_name)
        with self._closing:  # type: ignore[attr-defined]
            if window is None or self._use_global_cursor:
                super().close_partition(partition)
            elif window in self.refused_windows:  # type: ignore[attr-defined]
                self._close_leaving_state(partition, window)
            else:
                end = _observed_end(window, self.first_page_served_at.pop(window, None))  # type: ignore[attr-defined]
                if end is not None and self.settling is not None:  # type: ignore[attr-defined]
                    account = account_of(window.partition) or ""
                    with self._open_lock:  # type: ignore[attr-defined]
                        self._window_ends[account] = max(end, self._window_ends.get(account, end))  # type: ignore[attr-defined]
                if end is not None:
                    key = self.cursor_field.cursor_field_key
                    super().observe(Record(data={key: end}, stream_name=self._stream_name, associated_slice=window))
                super().close_partition(partition)
                if self.open_pass_bounds is not None:
                    self.open_pass_bounds.closed(window)

    def _close_leaving_state(self, partition: Any, window: StreamSlice) -> None:
        """Closes a window that got an error the error handler let through (a refused account, ...) without adding it
        to the account's complete range: the state stops before it, and the next sync reads it again. Added, the CDK
        would merge it with the complete windows around it, and its records would never be asked for again."""
        account_cursor = self._cursor_per_partition.get(self._to_partition_key(window.partition))
        if account_cursor is None:
            super().close_partition(partition)
            return
        account_cursor.close_partition = lambda partition: None  # type: ignore[method-assign]
        try:
            super().close_partition(partition)
        finally:
            del account_cursor.close_partition

    def _parses(self, raw: str) -> bool:
        """Whether the CDK reads this cursor value (only a value it read may stand for a window's newest). Of the
        shapes `_instant` reads, the CDK reads a valid one exactly when one of the stream's cursor formats has that
        shape, so the answer is asked of the CDK once per shape."""
        shape = (len(raw) == 10, "." in raw)
        known = self._shapes_read  # type: ignore[attr-defined]
        if shape not in known:
            try:
                self._connector_state_converter.parse_value(raw)
                known[shape] = True
            except ValueError:
                known[shape] = False
        return cast(bool, known[shape])

    def _throttle_state_message(self) -> Optional[float]:
        """None (no STATE now) for a one-cursor child within a second of its last STATE, or for a state of more than
        SMALL_STATE_ACCOUNTS accounts too soon after its last (8); else the time now."""
        now = time.time()
        since = now - self._last_emission_time
        if self._use_global_cursor:
            return None if since < self.CHILD_STATE_INTERVAL_SECONDS else now
        if len(self._cursor_per_partition) > self.SMALL_STATE_ACCOUNTS and since * self.STATE_TIME_SHARE < self._state_cost:
            return None
        return now

    def _emit_state_message(self, throttle: bool = True) -> None:
        """The CDK's, timed: what the last STATE took to build is what `_throttle_state_message` spaces them by."""
        before, started = self._last_emission_time, time.perf_counter()
        super()._emit_state_message(throttle)
        if not throttle or self._last_emission_time != before:
            self._state_cost = time.perf_counter() - started

    @property
    def state(self) -> MutableMapping[str, Any]:
        state = super().state
        if not self._use_global_cursor:
            state.pop(GLOBAL_FALLBACK_KEY, None)
            settling = self.settling  # type: ignore[attr-defined]
            if settling is not None and state.get("states"):
                with self._open_lock:  # type: ignore[attr-defined]
                    oldest, listed = dict(self._oldest_open), dict(self._listed_at)  # type: ignore[attr-defined]
                    window_ends = dict(self._window_ends)  # type: ignore[attr-defined]
                state["states"] = accounts_held(settling, oldest, listed, window_ends, state["states"])
            bounds = self.open_pass_bounds
            if bounds is not None and state.get("states"):
                state["states"] = bounds.held(state["states"])
        else:
            unread = Refusals.accounts_unread(self._stream_name)
            state[ACCOUNTS_READ_KEY] = sorted(a for a in self._accounts_read if a and a not in unread)  # type: ignore[attr-defined]
        return state


class OpenPassBounds:
    """Where each account's open-records pass of settled records starts (11). The pass runs after the account's newest
    window and keeps the settled records created since `since` (the incoming state's, else start_date); a state that
    moved an account's cursor over older windows before that pass ran must keep saying where the pass starts, or the
    next sync would start it at the moved cursor and never read a call that failed (no end_time) in between."""

    def __init__(self, since: Mapping[str, str], start: str, end: str) -> None:
        self._since = dict(since)
        self._start = start
        self._end = end
        self._done: Set[str] = set()

    def closed(self, window: StreamSlice) -> None:
        if is_newest_window(window.cursor_slice, self._end):  # its pass has run
            self._done.add(account_of(window.partition) or "")

    def held(self, entries: List[Mapping[str, Any]]) -> List[Mapping[str, Any]]:
        held = []
        for entry in entries:
            account = account_of(entry.get("partition") or {}) or ""
            held.append(entry if account in self._done else {**entry, OPEN_SINCE_KEY: self._since.get(account, self._start)})
        return held


_ISO_INSTANT = re.compile(r"\d{4}-\d\d-\d\d(T\d\d:\d\d:\d\d(\.\d{1,6})?Z)?")


def _instant(value: Any) -> Optional[datetime.datetime]:
    """A cursor value in one of the manifest's shapes (YYYY-MM-DD, or ...THH:MM:SS[.ffffff]Z) as an aware UTC
    datetime, the instant the CDK's `strptime` reads from it whenever it reads it at all; None for any other value."""
    if not isinstance(value, str) or not _ISO_INSTANT.fullmatch(value):
        return None
    try:
        instant = datetime.datetime.fromisoformat(value)
    except ValueError:
        return None
    return instant if instant.tzinfo else instant.replace(tzinfo=datetime.timezone.utc)


def _size_windows(cursor: ConcurrentCursor, step: datetime.timedelta) -> None:
    """Makes an account's windows `step` long; several of them come newest first, so that the open-records pass,
    which follows the newest window, runs while the older ones are read rather than after them (the state still
    only moves over the complete range from its start)."""
    cursor._slice_range = step
    if step == datetime.timedelta.max or "stream_slices" in vars(cursor):
        return
    oldest_first = cursor.stream_slices

    def newest_first() -> Iterator[StreamSlice]:
        windows = list(oldest_first())
        return iter(windows[-1:] + windows[:-1])

    cursor.stream_slices = newest_first  # type: ignore[method-assign]


def _accounts_in(incoming_state: Optional[Mapping[str, Any]]) -> Optional[Set[str]]:
    """The accounts a saved one-cursor state covers: None without a state (everything is read anyway), none at all for
    a state saved before the key existed (every account's children are read once in full)."""
    if not incoming_state:
        return None
    return set(incoming_state.get(ACCOUNTS_READ_KEY) or [])


def _whole_range(windows: List[Mapping[str, Any]]) -> Optional[Tuple[str, str, str, str]]:
    """(start field, end field, start, end) of consecutive windows of seconds, when there are two or more of them."""
    if len(windows) < 2:
        return None
    start_field, end_field = list(windows[0].keys())
    if len(str(windows[0][start_field])) == 10:
        return None  # whole-day windows keep their days
    for previous, following in zip(windows, windows[1:]):
        if previous[end_field] != following[start_field]:
            return None
    return start_field, end_field, windows[0][start_field], windows[-1][end_field]


def _observed_end(window: StreamSlice, served: Optional[datetime.datetime]) -> Optional[str]:
    """The value a complete window observes on closing: its end, but no later than Twilio's clock when the window's
    first page was served, less CLOCK_MARGIN (a record dated before then was there to be listed); for day windows,
    the day before the end (the newest one ends the day after the sync's end, and a day's usage still changes until
    it is over). None when the window has no such end, or Twilio's clock is unknown: the CDK's own rule holds then
    (the newest record observed)."""
    cursor_slice = window.cursor_slice or {}
    if len(cursor_slice) != 2 or served is None:
        return None
    start, end = (str(value) for value in cursor_slice.values())
    settled = served - CLOCK_MARGIN
    if len(end) == 10:
        observed = min((datetime.date.fromisoformat(end) - datetime.timedelta(days=1)).isoformat(), settled.date().isoformat())
    else:
        upper = _instant(end)
        if upper is None:
            return None
        observed = min(upper, settled).strftime("%Y-%m-%dT%H:%M:%SZ")
    return observed if observed >= start else None


class _FirstPages:
    """Pages a probe fetched that are the first page of a window, handed out once to that window's first request."""

    def __init__(self) -> None:
        self._pages: Dict[StreamSlice, Any] = {}
        self._lock = threading.Lock()

    def put(self, window: StreamSlice, page: Any) -> None:
        with self._lock:
            self._pages[window] = page

    def take(self, window: StreamSlice) -> Any:
        with self._lock:
            return self._pages.pop(window, None) if self._pages else None


class WindowSizer:
    """Probes accounts (in a small pool, a few ahead of the windows being made) and hands each its Plan."""

    def __init__(
        self, fetch: Callable[..., Any], first_pages: _FirstPages, extractor: TwilioListExtractor, workers: int, stream: Optional[str]
    ) -> None:
        # stream: whose estimate this sizer's probes add to (None: a parent copy's, not counted)
        self._stream = stream
        self._fetch = fetch
        self._first_pages = first_pages
        self._extractor = extractor
        self._workers = workers
        self.lookahead = workers
        self._plans: Dict[str, "Future[Optional[Plan]]"] = {}
        self._pool: Optional[ThreadPoolExecutor] = None

    def probe(self, key: str, whole: StreamSlice) -> None:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=self.lookahead, thread_name_prefix="window-probe")
        self._plans[key] = self._pool.submit(self._plan, whole)

    def _plan(self, whole: StreamSlice) -> Optional[Plan]:
        cursor_slice = dict(whole.cursor_slice)
        lower, upper = (_instant(value) for value in cursor_slice.values())
        if lower is None or upper is None:
            if self._stream is not None:
                progress.current().estimate(self._stream, None)
            return None
        response = self._fetch(whole)
        plan = plan_from_probe(response, self._extractor.records_key, self._extractor.cursor_key, lower, upper, self._workers)
        if self._stream is not None:
            progress.current().estimate(self._stream, plan.rows if plan is not None else None)
        if plan is not None and plan.first_page is not None:
            # Windows are made faster than they are read (a probe is a request, reading a page is CPU): a page kept
            # for its window keeps only its bytes, parsed again when the window reads it.
            forget_parsed_page(plan.first_page)
            self._first_pages.put(whole, plan.first_page)
        return plan

    def plan(self, key: str) -> Optional[Plan]:
        future = self._plans.pop(key, None)
        return future.result() if future is not None else None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
        self._plans.clear()  # the first pages stay: the windows they start are read after their generation ends


class _ProbingPartitions:
    """Stands in for a cursor's partition router while its windows are made: the same partitions in the same order,
    each one's probe asked `lookahead` partitions before its windows are made."""

    def __init__(self, router: Any, cursor: WindowCheckpointCursor, lookahead: int) -> None:
        self._router = router
        self._cursor = cursor
        self._lookahead = lookahead

    def stream_slices(self) -> Iterator[StreamSlice]:
        waiting: "collections.deque[StreamSlice]" = collections.deque()
        for partition in self._router.stream_slices():
            self._cursor.probe(partition)
            waiting.append(partition)
            if len(waiting) > self._lookahead:
                yield waiting.popleft()
        while waiting:
            yield waiting.popleft()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._router, name)


def _link(retriever: Any, cursor: Any, config: Mapping[str, Any], workers: int, slots: threading.BoundedSemaphore) -> None:
    """Every page request holds a request slot; a windowed stream's cursor gets a WindowSizer whose probes go through
    the stream's own retriever, and whose one-window plans' first pages that retriever then serves."""
    if not isinstance(retriever, SimpleRetriever):
        return
    _with_deadline(retriever)
    fetch = retriever._fetch_next_page
    first_pages = _FirstPages()
    stream = retriever.name
    extractor = getattr(getattr(retriever, "record_selector", None), "extractor", None)
    records_key = extractor.records_key if isinstance(extractor, TwilioListExtractor) else ""
    open_pass = open_record_pass(retriever.name, config)
    if isinstance(cursor, WindowCheckpointCursor) and open_pass is not None and open_pass.settled and cursor.counted_in_progress:
        since = (config.get("__open_since") or {}).get(retriever.name) or {}
        cursor.open_pass_bounds = OpenPassBounds(since, str(config.get("__start", "")), str(config.get("__end", "")))

    def fetch_next_page(stream_slice: StreamSlice, next_page_token: Optional[Any] = None, **kwargs: Any) -> Any:
        first = next_page_token is None and not kwargs
        response = first_pages.take(stream_slice) if first else None
        if response is None:
            progress.current().request(stream)
            with slots:
                response = fetch(stream_slice, next_page_token, **kwargs)
        if isinstance(cursor, WindowCheckpointCursor):
            if (response is None or not response.ok) and not reads_as_empty(response, retriever.name):
                cursor.refused_windows.add(stream_slice)  # type: ignore[attr-defined]  # an error the error handler let through: not complete
            else:
                if first:
                    cursor.first_page_served_at[stream_slice] = served_at(response)  # type: ignore[attr-defined]
                if cursor.settling is not None and records_key:  # type: ignore[attr-defined]
                    if first:
                        cursor.note_listed(stream_slice, served_at(response))
                    cursor.note_open(stream_slice, cursor.settling.oldest_open((parsed_page(cast(requests.Response, response)) or {}).get(records_key) or ()))  # type: ignore[attr-defined]
        return response

    retriever._fetch_next_page = fetch_next_page  # type: ignore[method-assign, assignment]
    if isinstance(cursor, WindowCheckpointCursor) and isinstance(extractor, TwilioListExtractor) and extractor.windowed:
        cursor.account_created = config.get("__account_created") or {}
    sized = (
        isinstance(cursor, WindowCheckpointCursor)
        and isinstance(extractor, TwilioListExtractor)
        and extractor.windowed
        and config.get("__sized_windows", False)
        and retriever._get_initial_next_page_token() is None
    )
    if sized:

        def probe(whole: StreamSlice) -> Any:
            progress.current().request(stream)
            with slots:
                return fetch(whole, None)

        counted = getattr(cursor, "counted_in_progress", True)
        cursor._sizer = WindowSizer(probe, first_pages, cast(TwilioListExtractor, extractor), workers, stream if counted else None)


def checkpoint_every_window(source: ConcurrentDeclarativeSource) -> None:
    """Every per-partition cursor the source's component factory builds becomes a WindowCheckpointCursor."""
    factory = source._constructor
    create_cursor = factory.create_concurrent_cursor_from_perpartition_cursor

    def create_checkpointing_cursor(*args: Any, **kwargs: Any) -> Any:
        return WindowCheckpointCursor.adopt(create_cursor(*args, **kwargs), kwargs.get("stream_state"))

    factory.create_concurrent_cursor_from_perpartition_cursor = create_checkpointing_cursor  # type: ignore[method-assign]

    constructors = factory.PYDANTIC_MODEL_TO_CONSTRUCTOR
    create_retriever = constructors[SimpleRetrieverModel]
    slots_by_workers: Dict[int, threading.BoundedSemaphore] = {}

    def create_linked_retriever(model: Any, config: Mapping[str, Any], **kwargs: Any) -> Any:
        retriever = create_retriever(model=model, config=config, **kwargs)
        workers = max(1, int(config.get("__num_workers") or DEFAULT_NUM_WORKERS))
        slots = slots_by_workers.setdefault(workers, threading.BoundedSemaphore(workers))
        _link(retriever, kwargs.get("cursor"), config, workers, slots)
        return retriever

    constructors[SimpleRetrieverModel] = create_linked_retriever  # type: ignore[index]

    create_parent = factory.create_parent_stream_config_with_substream_wrapper

    def create_adopted_parent(*args: Any, **kwargs: Any) -> Any:
        parent = create_parent(*args, **kwargs)
        config = kwargs.get("config", args[1] if len(args) > 1 else {})
        workers = max(1, int(config.get("__num_workers") or DEFAULT_NUM_WORKERS))
        _adopt_parent(parent.stream, config, workers, slots_by_workers.setdefault(workers, threading.BoundedSemaphore(workers)))
        return parent

    factory.create_parent_stream_config_with_substream_wrapper = create_adopted_parent  # type: ignore[method-assign]


def _adopt_parent(stream: Any, config: Mapping[str, Any], workers: int, slots: threading.BoundedSemaphore) -> None:
    """A parent stream the CDK built for a child (with a factory of its own, whose retrievers are not linked): its
    requests get the deadline per attempt (12) like every other request. A settling list read as a child's parent (10)
    also gets a WindowCheckpointCursor and a linked retriever. Other parents keep the CDK's cursor, as before."""
    generator = getattr(stream, "_stream_partition_generator", None)
    retriever = _retriever_of(stream)
    for grandparent in _parents_of(getattr(generator, "_stream_slicer", None)):
        _with_deadline(_retriever_of(grandparent))  # built by the CDK's substream factory, which this wrapper is not on
    cursor = getattr(stream, "cursor", None)
    if (
        not isinstance(cursor, ConcurrentPerPartitionCursor)
        or isinstance(cursor, WindowCheckpointCursor)
        or getattr(stream, "name", None) not in SETTLING
    ):
        _with_deadline(retriever)  # its cursor stays the CDK's
        return
    WindowCheckpointCursor.adopt(cursor)
    cursor.counted_in_progress = False  # type: ignore[attr-defined]
    _link(retriever, cursor, config, workers, slots)  # the deadline too


def _retriever_of(stream: Any) -> Any:
    generator = getattr(stream, "_stream_partition_generator", None)
    return getattr(getattr(generator, "_partition_factory", None), "_retriever", None)


def _parents_of(slicer: Any) -> Iterator[Any]:
    """Every parent stream (parents of parents too) a stream's slicer reads: through its per-partition cursor's
    partition router, a SharedParentPartitionRouter's router, a SubstreamPartitionRouter's parent configs."""
    router = getattr(slicer, "_partition_router", slicer) if isinstance(slicer, ConcurrentPerPartitionCursor) else slicer
    router = getattr(router, "router", router)
    for parent_config in getattr(router, "parent_stream_configs", None) or ():
        yield parent_config.stream
        yield from _parents_of(getattr(getattr(parent_config.stream, "_stream_partition_generator", None), "_stream_slicer", None))


def _with_deadline(retriever: Any) -> None:
    if isinstance(retriever, SimpleRetriever) and isinstance(retriever.requester, HttpRequester):
        with_deadline(retriever.requester._http_client._session, MAX_CONNECTION_POOL_SIZE)


def use_config(source: ConcurrentDeclarativeSource, config: Mapping[str, Any]) -> None:
    """Streams built from now on (every verb builds its own) use `config`."""
    source._config = config
