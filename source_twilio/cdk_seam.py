"""The one place source-twilio reaches into airbyte-cdk's private names: this connector's components, and the factory
that builds them where the manifest names the CDK's.

How they enter the CDK: the source's component factory is a TwilioComponentFactory (`install_factory`), a subclass of
the CDK's ModelToComponentFactory overriding four of its `create_*` methods: per-partition cursors are built as
WindowCheckpointCursor, requesters as TwilioRequester, each retriever's requester is linked with its stream's cursor
(`_link`), and the parent streams the CDK builds for a child come from a factory of this class too. Nothing here
replaces a method on a CDK object, swaps an object's class or edits the factory's tables.

Checked against airbyte-cdk 7.39.1 (`CHECKED_AGAINST`; setup.py and requirements.lock pin it). `PRIVATE_NAMES` lists
every private name used here; unit_tests/test_cdk_seam.py checks each one on the installed CDK and fails, naming the
name and its owner, when an upgrade moves one. Nothing outside this module touches a CDK private name.

1. Checkpoints after every window (`WindowCheckpointCursor`). The CDK's per-partition cursor emits STATE at most once
   every 600 s (a constant in its private `_throttle_state_message`): a sync killed nine minutes into a year of
   messages restarts nine minutes back. No manifest field or public hook sets it, so the factory builds the per-partition
   cursors as a subclass that emits one after every closed window, and every
   `RECORDS_PER_STATE` records inside a long window. Uses `_lock`, `_emit_state_message`, `_use_global_cursor`.
   The factory builds it from the arguments the CDK's own method would give the CDK's class
   (`TwilioComponentFactory.create_concurrent_cursor_from_perpartition_cursor`; a test compares the two).
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
   range: its public `read_records` over that range, which the requester ends at the first answer (`_FirstAnswer`),
   before a record is parsed, so the request is exactly the one a window would send. The per-account cursor then
   is built (AccountCursors: the manifest's cursor definition with the account's `step` and, for an account created
   after start_date, its creation as `start_datetime`) to make one window or windows of the measured length, and a
   one-window plan's first page is served from that probe instead of asked again. Probes run a few accounts ahead of the windows being made
   (the cursor's partition router is a `_ProbingPartitions`, given by the factory), and every page request of every
   stream, probes included, holds one of `num_workers` request slots (TwilioRequester), so probing never adds to the
   concurrency the user set. Overrides `_create_cursor` (the CDK asks it for an account's cursor: built by
   AccountCursors) and `_generate_slices_from_partition` (the account and plan whose windows the CDK makes next).
   The incoming state is read from the state given to the constructor, in the
   format the CDK documents, not from the CDK's attributes. Whole-day windows (conferences, notifications, usage
   records) are sized the same way, in whole days; so is a child's copy of a windowed parent (the messages under
   message_media, the conferences under their participants), which had the CDK's fixed windows from start_date:
   at 21 accounts since 2025, 3,480 of a first sync's requests were conferences, 2,920 of them empty weeks.
5. A complete window moves the state to its end, a refused one never (`WindowCheckpointCursor.close_partition`). The
   CDK saves the newest record of a complete range, or the range's start when it held none: an account without
   messages would re-read every window since start_date on every sync. Closing a window observes its end as if a
   record were there, capped by Twilio's clock (the Date header of the window's first page, less
   twilio.CLOCK_MARGIN: this machine's clock may run ahead of Twilio's); for day windows, the day before it ends
   (today's usage records still change). So the state is where the complete range ends, and the next sync starts
   there (less the lookback window). A window whose request got an error the error handler let through
   (`refused_windows`, noted by TwilioRequester) is closed without being added to the account's range (its account's
   cursor, an AccountWindows, leaves it out), so the state never passes it.
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
   Holding one back is safe: the next covers every window closed before it. Overrides `_throttle_state_message`
   and `_emit_state_message` (timed).
9. What progress.py counts: page requests (TwilioRequester), windows made and closed, and each probe's count of
   records (its Plan's rows), under the stream's name the factory gives the cursor. Nothing private beyond (1), (4).
10. Lists whose records settle after they are listed (settling.py: Conversation Intelligence transcripts) hold each
    account's state before its oldest record still open, and keep where the complete windows end beside it
    (`WindowCheckpointCursor.state`). Every page of such a list is looked at before any filter (TwilioRequester), so an open
    record the filter drops still holds the state. A child stream reads its parent with its own copy of the parent's
    state (incremental_dependency), through a parent stream the CDK builds with a second factory: the CDK's wrapper
    names its own class for that one, so `create_parent_stream_config_with_substream_wrapper` is the CDK's, with a
    TwilioComponentFactory there (`builds_parents`): such a parent's cursor is this class too and its requester is
    linked. The parent's state is taken from the child's as the CDK's wrapper takes it
    (`TwilioComponentFactory.parent_state_manager`, with the CDK's public `get_parent_state` and `get_global_state`;
    a test compares it with the CDK's own on the states a child can have).
11. The open-records pass of settled records (calls that failed or were canceled: no `end_time`, so no window returns
    them) runs after each account's newest window and keeps those created since where the last pass left off. Until
    that window has closed, each account's entry in the state keeps `open_since` beside its cursor
    (`OpenPassBounds`), so that a sync stopped after older windows moved the cursor still starts the next pass where
    this one was to start. Uses nothing private beyond (5).
12. A deadline for each attempt of a request (deadline.py says why and how). No private name: the factory builds the
    manifest's authenticators as deadline.py's subclasses, which add a response hook to each request they
    authenticate, and refuses a requester whose authenticator does not. Parents and their parents are built by the
    same factory class (10), so they get it too.
"""

from __future__ import annotations

import collections
import contextlib
import copy
import datetime
import functools
import itertools
import json
import re
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable, Dict, FrozenSet, Iterable, Iterator, List, Mapping, MutableMapping, Optional, Set, Tuple, Type, cast

import requests
from airbyte_cdk.models import (
    AirbyteStateBlob, AirbyteStateMessage, AirbyteStateType, AirbyteStreamState, ConfiguredAirbyteCatalog, Level, StreamDescriptor,
)
from airbyte_cdk.sources.connector_state_manager import ConnectorStateManager
from airbyte_cdk.sources.declarative.concurrent_declarative_source import ConcurrentDeclarativeSource
from airbyte_cdk.sources.declarative.incremental import ConcurrentCursorFactory, ConcurrentPerPartitionCursor
from airbyte_cdk.sources.streams.checkpoint.per_partition_key_serializer import PerPartitionKeySerializer
from airbyte_cdk.sources.declarative.interpolation import InterpolatedString
from airbyte_cdk.sources.declarative.models.declarative_component_schema import (
    BasicHttpAuthenticator as BasicHttpAuthenticatorModel,
    DatetimeBasedCursor as DatetimeBasedCursorModel,
    DeclarativeStream as DeclarativeStreamModel,
    HttpRequester as HttpRequesterModel,
    MinMaxDatetime as MinMaxDatetimeModel,
    NoAuth as NoAuthModel,
)
from airbyte_cdk.sources.declarative.datetime.min_max_datetime import MinMaxDatetime
from airbyte_cdk.sources.declarative.decoders import Decoder, JsonDecoder
from airbyte_cdk.sources.declarative.parsers.model_to_component_factory import ModelToComponentFactory
from airbyte_cdk.sources.declarative.partition_routers import GroupingPartitionRouter
from airbyte_cdk.sources.declarative.requesters import HttpRequester
from airbyte_cdk.sources.declarative.retrievers import SimpleRetriever
from airbyte_cdk.sources.message import LogAppenderMessageRepositoryDecorator, NoopMessageRepository
from airbyte_cdk.sources.message.repository import StateFilteringMessageRepository
from airbyte_cdk.sources.streams import NO_CURSOR_STATE_KEY
from airbyte_cdk.sources.streams.concurrent.cursor import ConcurrentCursor, CursorField
from airbyte_cdk.sources.streams.concurrent.state_converters.datetime_stream_state_converter import (
    CustomFormatConcurrentStreamStateConverter,
)
from airbyte_cdk.sources.types import Config, Record, StreamSlice
from isodate import parse_duration
from pydantic.v1 import BaseModel

from . import progress
from .config import DEFAULT_NUM_WORKERS, settings_of
from .deadline import DEADLINE_AUTHENTICATORS, DeadlineBasicAuth, DeadlineNoAuth
from .errors import reads_as_empty
from .records import TwilioListExtractor
from .refusals import Refusals
from .settling import SETTLING, accounts_held
from .open_records import is_newest_window, open_record_pass
from .state import ACCOUNTS_READ_KEY, GLOBAL_FALLBACK_KEY, OPEN_SINCE_KEY
from .edges import EDGE_MINUTES, Edges, incoming_edges
from .shared_pages import SharedPages
from .twilio import CLOCK_MARGIN, account_of, forget_parsed_page, parsed_page, served_at
from .windows import Plan, plan_from_probe

CHECKED_AGAINST = "7.39.1"

# owner -> the private names this module relies on; unit_tests/test_cdk_seam.py checks every one on the installed CDK.
PRIVATE_NAMES: Dict[type, Tuple[str, ...]] = {
    ConcurrentDeclarativeSource: ("_constructor", "_config"),
    ConcurrentPerPartitionCursor: (
        "_lock", "_emit_state_message", "_throttle_state_message", "_use_global_cursor", "_create_cursor",
        "_generate_slices_from_partition",
    ),
}

# Why each is used, and the upstream change that would make it unnecessary (a test checks each name has one).
WHY_PRIVATE: Dict[str, str] = {
    "_constructor": "install_factory replaces the source's factory: ConcurrentDeclarativeSource takes no "
    "component_factory (it did before 7.x); accepting one again removes this.",
    "_config": "use_config gives a verb's streams the config it was passed, which read completes with what the "
    "accounts are; streams() reading its config argument (instead of the constructor's) removes this.",
    "_lock": "a STATE inside a long window is emitted under the cursor's lock, as the CDK emits its own; a public "
    "checkpoint() on the cursor removes this.",
    "_emit_state_message": "overridden to time each STATE and called for the one every RECORDS_PER_STATE records; a "
    "public checkpoint interval removes this.",
    "_throttle_state_message": "overridden: a STATE after every window instead of every 600 s (1, 8); a configurable "
    "state interval removes this.",
    "_use_global_cursor": "one cursor for all accounts (children) is told apart from one per account; it can change "
    "with the incoming state, so it is read, not copied; a public property removes this.",
    "_create_cursor": "overridden: each account's cursor is built by AccountCursors (its start and step); a cursor "
    "factory that is given the partition removes this.",
    "_generate_slices_from_partition": "overridden: the account and plan whose windows are made next; a per-partition "
    "hook for slices removes this.",
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
    _state_cost = 0.0  # seconds the last STATE took to build
    _last_state_at = 0.0  # time.time() of the last STATE

    def __init__(
        self,
        *,
        windows: "AccountCursors",
        stream_start: Optional[datetime.datetime],
        counted_in_progress: bool = True,
        **kwargs: Any,
    ) -> None:
        """The CDK's per-partition cursor, built by TwilioComponentFactory with the arguments the CDK's factory would
        give it. Everything this class keeps is set before the CDK's constructor runs: that constructor already builds
        the per-account cursors of the incoming state (through `_create_cursor`, below). The record counter is per
        read, like the cursor itself (one per stream and sync)."""
        self.stream_name: str = kwargs["stream_name"]
        self.windows = windows  # builds each account's ConcurrentCursor
        self.stream_start = stream_start  # the manifest's start_datetime, evaluated: where windows start by default
        self.converter: Any = kwargs["connector_state_converter"]
        self.cursor_field_key: str = kwargs["cursor_field"].cursor_field_key
        # False for a settling list's copy read as a child's parent (10): its windows, probes and estimate are the
        # child's business, and counting them under the list's own name would count that stream's windows twice.
        self.counted_in_progress = counted_in_progress
        self._accounts_known = _accounts_in(kwargs.get("stream_state"))
        self._accounts_read: Set[Optional[str]] = set()
        self._records_seen = itertools.count(1)
        self._newest_in_window = threading.local()
        self._shapes_read: Dict[Tuple[bool, bool], bool] = {}
        self.refused_windows: Set[StreamSlice] = set()
        self.first_page_served_at: Dict[StreamSlice, Optional[datetime.datetime]] = {}
        self._closing = threading.Lock()
        self.settling = SETTLING.get(self.stream_name)
        self._oldest_open: Dict[str, str] = {}
        self._listed_at: Dict[str, str] = {}
        self._window_ends: Dict[str, str] = {}
        self._open_lock = threading.Lock()
        self.keys = PerPartitionKeySerializer()
        # The incoming state as the CDK reads it (ConcurrentPerPartitionCursor._set_initial_state): each account's
        # cursor, and the cursor of an account without one (a state migrated from one cursor for all accounts).
        self.incoming, self.fallback, self.fallback_lookback = self._incoming_state(kwargs.get("stream_state") or {})
        self.incoming_edges = incoming_edges(kwargs.get("stream_state") or {}, self.keys.to_partition_key, self.cursor_field_key)
        self._accounts: Set[str] = set(self.incoming)
        super().__init__(**kwargs)

    def _incoming_state(self, state: Mapping[str, Any]) -> Tuple[Dict[str, Any], Dict[str, Any], int]:
        per_account = {self.keys.to_partition_key(entry["partition"]): entry["cursor"] for entry in state.get("states") or []}
        fallback = state.get(GLOBAL_FALLBACK_KEY) if "states" in state or GLOBAL_FALLBACK_KEY in state else state
        key = self.cursor_field_key
        if not fallback or key not in fallback:
            return per_account, {}, int(state.get("lookback_window", 0))
        value = self.converter.output_format(self.converter.parse_value(fallback[key]))
        return per_account, {key: value}, int(state.get("lookback_window", 0))

    def note_listed(self, partition: StreamSlice, served: Optional[datetime.datetime]) -> None:
        """A window of a settling list had its first page served at `served` (Twilio's clock) (9)."""
        if served is None:
            return
        account = account_of(partition.partition) or ""
        value = served.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        with self._open_lock:
            known = self._listed_at.get(account)
            if known is None or value < known:
                self._listed_at[account] = value

    def note_open(self, partition: StreamSlice, oldest_open: Optional[str]) -> None:
        """A page of a settling list held a record still open, created at `oldest_open` (9)."""
        if not oldest_open:
            return
        account = account_of(partition.partition) or ""
        with self._open_lock:
            known = self._oldest_open.get(account)
            if known is None or oldest_open < known:
                self._oldest_open[account] = oldest_open

    def observe(self, record: Any) -> None:
        """Observes the record unless it is older than one already observed in its window (see the module docstring).

        Each worker thread reads one window at a time, so the newest value per window is kept per thread, for the
        window (the slice object its records share) the thread last saw. A record whose cursor is in no shape
        `_instant` reads, or is newer, goes to the CDK as before; skipping one that is not newer changes neither the
        window's newest value nor the overall one, since both are already at least the newest value observed.
        """
        raw = record.data.get(self.cursor_field.cursor_field_key)
        value = _instant(raw)
        seen = self._newest_in_window
        window = record.associated_slice
        known = value is not None and getattr(seen, "window", None) is window
        if not (known and value <= seen.newest):
            super().observe(record)
            if value is not None and self._parses(raw):
                seen.window, seen.newest = window, value
        if next(self._records_seen) % self.RECORDS_PER_STATE == 0:
            with self._lock:
                self._emit_state_message()

    # ---- windows as long as each account needs (4) and a state that moves over complete windows (5)

    _sizer: Optional["WindowSizer"] = None
    # the digests of records at the state's edge (edges.py), for a windowed stream with a cursor per account
    edges: Optional[Edges] = None
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
        return progress.current().planned(self.stream_name, super().stream_slices())

    _pending_account: Optional[str] = None
    account_created: Mapping[str, str] = {}  # account SID -> its date_created (ISO), for windowed streams (_link)

    def _created(self, account: Optional[str]) -> Optional[datetime.datetime]:
        return _instant(self.account_created.get(account or ""))

    def _account_cursor(
        self, cursor_state: Any, lookback: int, account: Optional[str], step: Optional[datetime.timedelta]
    ) -> "AccountWindows":
        """An account's cursor: its windows start no earlier than the account's creation (Accounts.json's
        date_created: Twilio holds nothing older, and may answer 404 for it, as Usage Records do); day windows start
        on the creation day. When its state stands before the creation (no state: start_date; a state saved while
        windows started at start_date), it is built from a state at the creation: nothing older exists, and windows
        from the creation must join the state without a gap, or the state would stay where it stood for good (the
        CDK moves it over contiguous closed windows only). `step`: the account's window length, else the manifest's."""
        created = self._created(account)
        start = created if created is not None and self.stream_start is not None and created > self.stream_start else None
        cursor = self.windows.create(cursor_state, lookback, start=start, step=step)
        if created is not None and isinstance(cursor.start, datetime.datetime) and cursor.start.tzinfo and cursor.start < created:
            cursor_state = {self.cursor_field.cursor_field_key: self.converter.output_format(created)}
            cursor = self.windows.create(cursor_state, lookback, start=start, step=step)
        newest_first = step is not None and step != ONE_WINDOW
        return AccountWindows(self, cursor, cursor_state, lookback, newest_first)

    def keep_edges(self, behind: datetime.timedelta, lookback: datetime.timedelta) -> Optional[Edges]:
        """Starts this stream's edges (edges.py), unless its cursor is one for all accounts, it is a copy read as a
        child's parent, or a settling list (their states move by other rules)."""
        if self._use_global_cursor or not self.counted_in_progress or self.settling is not None:
            return None
        self.edges = Edges(self.incoming_edges, behind, lookback, self.keys.to_partition_key)
        return self.edges

    def fit(self, existing: "AccountWindows") -> None:
        """Called as the CDK asks an account's cursor for its windows: a cursor built from the incoming state (before
        its account was known) is built again from that state for the account whose windows are being made
        (`_pending_account`, `_pending_step`), when that differs: windows of another length, or windows that would
        start before the account's creation. A cursor `_create_cursor` built for the account is left as it is."""
        if self._pending_account is None and self._pending_step is None:
            return
        account, self._pending_account = self._pending_account, None
        step, self._pending_step = self._pending_step, None
        if step is None:
            created = self._created(account)
            first = next(iter(existing.inner.stream_slices()), None) if created is not None else None
            lower = _instant(next(iter(first.cursor_slice.values()), None)) if first is not None else None
            if created is None or lower is None or lower >= created:
                return
        fitted = self._account_cursor(existing.cursor_state, existing.lookback, account, step)
        with self._lock:
            existing.become(fitted)

    def stream_slices(self) -> Iterable[StreamSlice]:
        try:
            yield from self._planned()
        finally:
            if self._sizer is not None:
                self._sizer.close()

    def probe(self, partition: StreamSlice) -> None:
        """Asks for the first page of the account's whole range, unless it has at most one window anyway."""
        assert self._sizer is not None
        key = self.keys.to_partition_key(partition.partition)
        incoming = self.incoming.get(key)
        state, lookback = (incoming, 0) if incoming is not None else (self.fallback, self.fallback_lookback if self.fallback else 0)
        cursor = self._account_cursor(state, lookback, account_of(partition.partition), None)  # as the CDK will build it
        windows = [window.cursor_slice for window in cursor.inner.stream_slices()]
        whole = _whole_range(windows)
        if whole is None:
            if self.counted_in_progress:
                progress.current().estimate(self.stream_name, None)  # not probed: its records are not estimated
            return
        start_field, end_field, lower, upper = whole
        cursor_slice = {start_field: lower, end_field: upper}
        self._sizer.probe(key, StreamSlice(partition=partition, cursor_slice=cursor_slice, extra_fields=partition.extra_fields))

    def should_be_synced(self, record: Any) -> bool:
        """A child of one cursor for all accounts (conversation messages, dependent phone numbers ...) is kept
        whatever that cursor says when its account was not read by the sync that saved the state (6)."""
        if self._use_global_cursor and self._accounts_known is not None:
            if account_of(record.associated_slice.partition) not in self._accounts_known:
                return True
        return super().should_be_synced(record)

    def _generate_slices_from_partition(self, partition: StreamSlice, parent_state: Mapping[str, Any]) -> Iterable[StreamSlice]:
        if self._use_global_cursor:
            self._accounts_read.add(account_of(partition.partition))
        key = self.keys.to_partition_key(partition.partition)
        self._accounts.add(key)
        plan = self._sizer.plan(key) if self._sizer is not None else None
        # for whichever builds or fits the account's cursor next: _create_cursor, or fit when the CDK asks for windows
        self._pending_account = account_of(partition.partition)
        self._pending_step = None if plan is None else (ONE_WINDOW if plan.one_window else plan.step)
        yield from super()._generate_slices_from_partition(partition, parent_state)

    def _create_cursor(self, cursor_state: Any, runtime_lookback_window: int = 0) -> ConcurrentCursor:
        """The per-account cursor the CDK asks for: of the account whose windows are being made, if any (the incoming
        state's are built before any account is known, and fitted to theirs when their windows are made)."""
        account, self._pending_account = self._pending_account, None
        step, self._pending_step = self._pending_step, None
        return cast(ConcurrentCursor, self._account_cursor(cursor_state, runtime_lookback_window, account, step))

    def close_partition(self, partition: Any) -> None:
        """Closes a window (each worker thread closes the windows it read): one at a time, since a refused window is
        closed with its account's cursor told to skip it."""
        window = partition.to_slice()
        if self.counted_in_progress:
            progress.current().window_done(self.stream_name)
        with self._closing:
            if window is None or self._use_global_cursor:
                super().close_partition(partition)
            elif window in self.refused_windows:
                if self.edges is not None:
                    self.edges.closed(self.keys.to_partition_key(window.partition), window, complete=False)
                super().close_partition(partition)  # its account's cursor leaves it out (AccountWindows.close_partition)
            else:
                if self.edges is not None:  # all the window's records are queued: their digests may join the state
                    self.edges.closed(self.keys.to_partition_key(window.partition), window, complete=True)
                end = _observed_end(window, self.first_page_served_at.pop(window, None))
                if end is not None and self.settling is not None:
                    account = account_of(window.partition) or ""
                    with self._open_lock:
                        self._window_ends[account] = max(end, self._window_ends.get(account, end))
                if end is not None:
                    key = self.cursor_field.cursor_field_key
                    super().observe(Record(data={key: end}, stream_name=self.stream_name, associated_slice=window))
                super().close_partition(partition)
                if self.open_pass_bounds is not None:
                    self.open_pass_bounds.closed(window)

    def _parses(self, raw: str) -> bool:
        """Whether the CDK reads this cursor value (only a value it read may stand for a window's newest). Of the
        shapes `_instant` reads, the CDK reads a valid one exactly when one of the stream's cursor formats has that
        shape, so the answer is asked of the CDK once per shape."""
        shape = (len(raw) == 10, "." in raw)
        known = self._shapes_read
        if shape not in known:
            try:
                self.converter.parse_value(raw)
                known[shape] = True
            except ValueError:
                known[shape] = False
        return known[shape]

    def _throttle_state_message(self) -> Optional[float]:
        """None (no STATE now) for a one-cursor child within a second of its last STATE, or for a state of more than
        SMALL_STATE_ACCOUNTS accounts too soon after its last (8); else the time now (the CDK then emits one: when
        this answers a time is when this cursor's last STATE went out)."""
        now = time.time()
        since = now - self._last_state_at
        if self._use_global_cursor:
            if since < self.CHILD_STATE_INTERVAL_SECONDS:
                return None
        elif len(self._accounts) > self.SMALL_STATE_ACCOUNTS and since * self.STATE_TIME_SHARE < self._state_cost:
            return None
        self._last_state_at = now
        return now

    def _emit_state_message(self, throttle: bool = True) -> None:
        """The CDK's, timed: what the last STATE took to build is what `_throttle_state_message` spaces them by."""
        before, started = self._last_state_at, time.perf_counter()
        super()._emit_state_message(throttle)
        if not throttle or self._last_state_at != before:
            self._state_cost = time.perf_counter() - started

    @property
    def state(self) -> MutableMapping[str, Any]:
        state = super().state
        if not self._use_global_cursor:
            state.pop(GLOBAL_FALLBACK_KEY, None)
            settling = self.settling
            if settling is not None and state.get("states"):
                with self._open_lock:
                    oldest, listed = dict(self._oldest_open), dict(self._listed_at)
                    window_ends = dict(self._window_ends)
                state["states"] = accounts_held(settling, oldest, listed, window_ends, state["states"])
            bounds = self.open_pass_bounds
            if bounds is not None and state.get("states"):
                state["states"] = bounds.held(state["states"])
            if self.edges is not None and state.get("states"):
                state["states"] = self.edges.held(state["states"], self.cursor_field_key)
        else:
            unread = Refusals.accounts_unread(self.stream_name)
            state[ACCOUNTS_READ_KEY] = sorted(a for a in self._accounts_read if a and a not in unread)
        return state


# An account's windows when one window holds its whole range (windows.Plan.one_window).
ONE_WINDOW = datetime.timedelta.max


class AccountCursors:
    """Builds an account's ConcurrentCursor as the CDK's factory builds it from the manifest's cursor (its
    `create_concurrent_cursor_from_datetime_based_cursor`), or from that cursor with another `start_datetime` (the
    account's creation) or `step` (the account's window length): what windows an account has is decided by the
    definition the cursor is built from, not by changing the cursor afterwards."""

    def __init__(self, create: Callable[..., ConcurrentCursor], definition: Dict[str, Any], start_format: str) -> None:
        self._create = create
        self._definition = definition
        self._start_format = start_format

    def create(
        self, cursor_state: Any, lookback: int, start: Optional[datetime.datetime] = None, step: Optional[datetime.timedelta] = None
    ) -> ConcurrentCursor:
        definition = self._definition
        if start is not None or step is not None:
            definition = dict(definition)
            if start is not None:
                definition["start_datetime"] = {
                    "type": "MinMaxDatetime", "datetime": start.strftime(self._start_format), "datetime_format": self._start_format,
                }
            if step is not None:
                definition["step"] = _iso_duration(step)
        return self._create(
            component_definition=definition,
            stream_state=copy.deepcopy(cursor_state),
            runtime_lookback_window=datetime.timedelta(seconds=lookback),
        )


def _iso_duration(step: datetime.timedelta) -> str:
    """`step` as the ISO 8601 duration a manifest's `step` holds; ONE_WINDOW as 100 years (more than any range)."""
    if step == ONE_WINDOW:
        return "P36500D"
    seconds = step.total_seconds()
    return f"PT{int(seconds)}S" if seconds == int(seconds) else f"PT{seconds}S"


class AccountWindows:
    """One account's cursor: the ConcurrentCursor AccountCursors built (everything but the two methods below is its),
    remembering the state and lookback it was built from (so it can be built again for its account once that is
    known, WindowCheckpointCursor.fit).

    - Its windows come newest first when there are several of a length sized for the account, so that the
      open-records pass, which follows the newest window, runs while the older ones are read rather than after them
      (the state still only moves over the complete range from its start).
    - A window whose request got an error the error handler let through (a refused account, ...) is closed without
      being added to the account's complete range: the state stops before it, and the next sync reads it again.
      Added, the CDK would merge it with the complete windows around it, and its records would never be asked for
      again (5)."""

    def __init__(
        self, owner: "WindowCheckpointCursor", inner: ConcurrentCursor, cursor_state: Any, lookback: int, newest_first: bool
    ) -> None:
        self._owner = owner
        self._refused = owner.refused_windows
        self.inner = inner
        self.cursor_state = cursor_state
        self.lookback = lookback
        self._newest_first = newest_first

    def become(self, other: "AccountWindows") -> None:
        self.inner, self.cursor_state, self.lookback, self._newest_first = other.inner, other.cursor_state, other.lookback, other._newest_first

    def stream_slices(self) -> Iterable[StreamSlice]:
        self._owner.fit(self)
        windows = list(self.inner.stream_slices())
        return windows[-1:] + windows[:-1] if self._newest_first else windows

    def close_partition(self, partition: Any) -> None:
        if partition.to_slice() not in self._refused:
            self.inner.close_partition(partition)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


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


def _accounts_in(incoming_state: Optional[Mapping[str, Any]]) -> Optional[Set[str]]:
    """The accounts a saved one-cursor state covers: None without a state (everything is read anyway), none at all for
    a state saved before the key existed (every account's children are read once in full)."""
    if not incoming_state:
        return None
    return set(incoming_state.get(ACCOUNTS_READ_KEY) or [])


def _whole_range(windows: List[Mapping[str, Any]]) -> Optional[Tuple[str, str, str, str]]:
    """(start field, end field, start, end) of consecutive windows (of seconds or of whole days), when there are two
    or more of them."""
    if len(windows) < 2:
        return None
    start_field, end_field = list(windows[0].keys())
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
        whole_days = all(len(str(value)) == 10 for value in cursor_slice.values())
        lower, upper = (_instant(value) for value in cursor_slice.values())
        if lower is None or upper is None:
            if self._stream is not None:
                progress.current().estimate(self._stream, None)
            return None
        response = self._fetch(whole)
        plan = plan_from_probe(
            response, self._extractor.records_key, self._extractor.cursor_key, lower, upper, self._workers, whole_days
        )
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
    """A cursor's partition router (the factory gives the cursor this one): the same partitions in the same order;
    while a WindowSizer sizes the cursor's windows, each partition's probe is asked `lookahead` partitions before its
    windows are made."""

    def __init__(self, router: Any) -> None:
        self._router = router
        self.cursor: Optional[WindowCheckpointCursor] = None

    def stream_slices(self) -> Iterator[StreamSlice]:
        cursor = self.cursor
        sizer = cursor._sizer if cursor is not None else None
        if cursor is None or sizer is None:
            yield from self._router.stream_slices()
            return
        waiting: "collections.deque[StreamSlice]" = collections.deque()
        for partition in self._router.stream_slices():
            cursor.probe(partition)
            waiting.append(partition)
            if len(waiting) > sizer.lookahead:
                yield waiting.popleft()
        while waiting:
            yield waiting.popleft()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._router, name)


class _FirstAnswer(Exception):
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
    a deadline (the adapter on the HttpRequester's session). Everything else is the HttpRequester's."""

    def __init__(self, requester: HttpRequester) -> None:
        self._requester = requester
        self._slots: Optional[threading.BoundedSemaphore] = None
        self._cursor: Optional[WindowCheckpointCursor] = None
        self._stream = ""
        self._records_key = ""
        self.first_pages = _FirstPages()
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
            raise _FirstAnswer(response)
        cursor = self._cursor
        if cursor is not None and stream_slice is not None:
            if isinstance(response, requests.Response):
                response._twilio_window = stream_slice  # type: ignore[attr-defined]  # whose records (edges.py)
                if cursor.edges is not None:
                    cursor.edges.note_clock(served_at(response))
            if (response is None or not response.ok) and not reads_as_empty(response, self._stream):
                cursor.refused_windows.add(stream_slice)  # an error the error handler let through: not complete
            else:
                if first:
                    cursor.first_page_served_at[stream_slice] = served_at(response)
                if cursor.settling is not None and self._records_key:
                    if first:
                        cursor.note_listed(stream_slice, served_at(response))
                    page = parsed_page(cast(requests.Response, response)) or {}
                    cursor.note_open(stream_slice, cursor.settling.oldest_open(page.get(self._records_key) or ()))
        return response


_JSON = JsonDecoder(parameters={})  # the CDK's default decoder of a requester


class TwilioComponentFactory(ModelToComponentFactory):
    """The CDK's component factory, building this connector's own pieces where the manifest names CDK ones:

    - every per-partition cursor is a WindowCheckpointCursor (1-11), over a partition router that probes (4);
    - every HTTP requester is a TwilioRequester (12), and a stream's retriever links its requester with the stream's
      cursor, its request slots, and a WindowSizer where windows are sized by each account's history (4);
    - the parent streams the CDK builds for a child come from a factory of this class too (`builds_parents`): their
      requests are slotted and have a deadline like every other, and a windowed parent (messages under their
      media, conferences under their participants, a settling list (10)) has a WindowCheckpointCursor (not counted in
      progress) with the stream's own windows: from each account's creation, sized by its history (4), so that the
      copy asks for the same pages as the stream itself;
    - the pages of a small list that is also a parent (`shared_pages: true`) are asked once for the stream and its
      parent copies (shared_pages.py).
    """

    def __init__(
        self,
        *,
        builds_parents: bool = False,
        slots: Optional[Dict[int, threading.BoundedSemaphore]] = None,
        shared_pages: Optional[SharedPages] = None,
        copies_read: Optional[bool] = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.builds_parents = builds_parents
        catalog = kwargs.get("configured_catalog")
        # the streams the sync reads (None: not known, as in check and discover)
        self.selected: Optional[FrozenSet[str]] = frozenset(s.stream.name for s in catalog.streams) if catalog else None
        # for a factory of parent copies: whether the child they are built for is read, so that they are read too
        self.copies_read = copies_read
        # the pages of `shared_pages: true` lists, asked once per sync by the stream and its copies as a parent
        self.shared_pages = shared_pages if shared_pages is not None else SharedPages()
        # num_workers -> the request slots of every stream and parent copy of a sync (one process reads one sync)
        self.slots: Dict[int, threading.BoundedSemaphore] = slots if slots is not None else {}
        self.state_manager: ConnectorStateManager = kwargs.get("connector_state_manager") or ConnectorStateManager()
        self.init_kwargs = kwargs

    def create_http_requester(
        self,
        model: HttpRequesterModel,
        config: Mapping[str, Any],
        decoder: Decoder = _JSON,
        query_properties_key: Optional[str] = None,
        use_cache: Optional[bool] = None,
        *,
        name: str,
    ) -> HttpRequester:
        requester = super().create_http_requester(model, config, decoder, query_properties_key, use_cache, name=name)
        if not isinstance(requester.authenticator, DEADLINE_AUTHENTICATORS):
            # the deadline comes with the authenticator (deadline.py): a requester without one would wait forever
            raise ValueError(f"{name}: its requester names no BasicHttpAuthenticator or NoAuth (manifest.yaml), so its requests would have no deadline")
        return cast(HttpRequester, TwilioRequester(requester))

    @staticmethod
    def create_basic_http_authenticator(model: BasicHttpAuthenticatorModel, config: Config, **kwargs: Any) -> DeadlineBasicAuth:
        """The CDK's BasicHttpAuthenticator, with the deadline (12)."""
        return DeadlineBasicAuth(password=model.password or "", username=model.username, config=config, parameters=model.parameters or {})

    @staticmethod
    def create_no_auth(model: NoAuthModel, config: Config, **kwargs: Any) -> DeadlineNoAuth:
        """The CDK's NoAuth, with the deadline (12)."""
        return DeadlineNoAuth(parameters=model.parameters or {})

    def create_concurrent_cursor_from_perpartition_cursor(  # type: ignore[override]
        self,
        state_manager: ConnectorStateManager,
        model_type: Type[BaseModel],
        component_definition: Dict[str, Any],
        stream_name: str,
        stream_namespace: Optional[str],
        config: Mapping[str, Any],
        stream_state: MutableMapping[str, Any],
        partition_router: Any,
        attempt_to_create_cursor_if_not_provided: bool = False,
        **kwargs: Any,
    ) -> ConcurrentPerPartitionCursor:
        """The CDK's own method builds a ConcurrentPerPartitionCursor from these arguments; this one builds a
        WindowCheckpointCursor from the same ones, the same way (unit_tests/test_cdk_seam.py compares the two)."""
        if component_definition.get("type") != model_type.__name__:
            raise ValueError(f"Expected manifest component of type {model_type.__name__}, but received {component_definition.get('type')} instead")
        if "$parameters" not in component_definition and "parameters" in component_definition:
            component_definition["$parameters"] = component_definition.get("parameters")
        model = model_type.parse_obj(component_definition)
        if not isinstance(model, DatetimeBasedCursorModel) or model.allow_catalog_defined_cursor_field:
            raise ValueError(f"{stream_name}: a per-account cursor must be a DatetimeBasedCursor with its cursor field in the manifest")
        cursor_key = InterpolatedString.create(model.cursor_field, parameters=model.parameters or {}).eval(config=config)
        converter = CustomFormatConcurrentStreamStateConverter(
            datetime_format=model.datetime_format,
            input_datetime_formats=model.cursor_datetime_formats,
            is_sequential_state=True,
            cursor_granularity=parse_duration(model.cursor_granularity) if model.cursor_granularity else None,
        )
        create_account_cursor = functools.partial(
            self.create_concurrent_cursor_from_datetime_based_cursor,
            state_manager=state_manager,
            model_type=model_type,
            stream_name=stream_name,
            stream_namespace=stream_namespace,
            config=config,
            message_repository=NoopMessageRepository(),
        )
        accounts = ConcurrentCursorFactory(functools.partial(create_account_cursor, component_definition=component_definition))
        start = self._start_of(model, config)
        partitions = _ProbingPartitions(partition_router)
        cursor = WindowCheckpointCursor(
            windows=AccountCursors(create_account_cursor, component_definition, start.datetime_format if start else model.datetime_format),
            stream_start=start.get_datetime(config=config) if start else None,
            counted_in_progress=not self.builds_parents,
            cursor_factory=accounts,
            partition_router=partitions,
            stream_name=stream_name,
            stream_namespace=stream_namespace,
            stream_state=stream_state,
            message_repository=self.get_message_repository(),
            connector_state_manager=state_manager,
            connector_state_converter=converter,
            cursor_field=CursorField(cursor_field_key=cursor_key, supports_catalog_defined_cursor_field=False),
            use_global_cursor=isinstance(partition_router, GroupingPartitionRouter) or bool(component_definition.get("global_substream_cursor", False)),
            attempt_to_create_cursor_if_not_provided=attempt_to_create_cursor_if_not_provided,
        )
        partitions.cursor = cursor
        return cursor

    def _start_of(self, model: DatetimeBasedCursorModel, config: Mapping[str, Any]) -> Optional[MinMaxDatetime]:
        """The manifest cursor's start_datetime, as the CDK's factory reads it for the cursor's windows."""
        if model.start_datetime is None:
            return None
        if isinstance(model.start_datetime, MinMaxDatetimeModel):
            start = self.create_min_max_datetime(model=model.start_datetime, config=config)
        else:
            start = MinMaxDatetime.create(interpolated_string_or_min_max_datetime=model.start_datetime, parameters=model.parameters or {})
        if not start.datetime_format:
            start.datetime_format = model.datetime_format
        return start

    def create_simple_retriever(self, model: Any, config: Mapping[str, Any], **kwargs: Any) -> Any:
        retriever = super().create_simple_retriever(model, config, **kwargs)
        if isinstance(retriever, SimpleRetriever) and isinstance(retriever.requester, TwilioRequester):
            self._link(retriever, retriever.requester, kwargs.get("cursor"), config)
        return retriever

    def _link(self, retriever: SimpleRetriever, requester: TwilioRequester, cursor: Any, config: Mapping[str, Any]) -> None:
        """A stream's requester learns its cursor and request slots; a windowed stream's cursor gets a WindowSizer whose
        probes go through the stream's own retriever (the request a window's first page sends), and whose one-window
        plans' first pages that requester then serves."""
        settings = settings_of(config)
        workers = max(1, settings.num_workers or DEFAULT_NUM_WORKERS)
        slots = self.slots.setdefault(workers, threading.BoundedSemaphore(workers))
        extractor = getattr(getattr(retriever, "record_selector", None), "extractor", None)
        windowed = isinstance(extractor, TwilioListExtractor) and extractor.windowed
        lister = extractor if isinstance(extractor, TwilioListExtractor) else None
        shared = self.shared_pages if lister is not None and lister.shared_pages else None
        requester.link(
            retriever.name, cursor, lister.records_key if lister is not None else "", slots, shared, reads=self._reads(retriever.name)
        )
        if not isinstance(cursor, WindowCheckpointCursor):
            return
        open_pass = open_record_pass(retriever.name, config)
        if open_pass is not None and open_pass.settled and cursor.counted_in_progress:
            cursor.open_pass_bounds = OpenPassBounds(settings.open_since.get(retriever.name) or {}, settings.start, settings.end)
        if windowed:
            cursor.account_created = settings.account_created
            lookback = datetime.timedelta(minutes=settings.lookback_minutes)
            if lister is not None:
                lister.edges = cursor.keep_edges(CLOCK_MARGIN + lookback + datetime.timedelta(minutes=EDGE_MINUTES), lookback)
        paginator = retriever.paginator
        if not (windowed and settings.sized_windows) or (paginator is not None and paginator.get_initial_token() is not None):
            return

        def probe(whole: StreamSlice) -> Any:
            # the retriever reads the whole range its own way, and the requester ends the read at its first answer
            with requester.probing():
                try:
                    for _ in retriever.read_records({}, whole):
                        break
                except _FirstAnswer as answer:
                    return answer.response
            raise RuntimeError(f"{retriever.name}: the probe of {whole} ended without a request")

        stream = retriever.name if cursor.counted_in_progress else None
        cursor._sizer = WindowSizer(probe, requester.first_pages, cast(TwilioListExtractor, extractor), workers, stream)

    def _reads(self, stream: str) -> bool:
        """Whether this sync reads the stream a requester is built for: every stream is built, the catalog's or not, and
        a shared page is kept only for the requesters that will ask for it (shared_pages.py)."""
        if self.builds_parents:
            return self.copies_read is not False
        return self.selected is None or stream in self.selected

    def create_parent_stream_config_with_substream_wrapper(self, model: Any, config: Mapping[str, Any], *, stream_name: str, **kwargs: Any) -> Any:
        """The CDK's own method, with a factory of this class for the parent instead of a plain ModelToComponentFactory
        (the CDK names its class there): the same state manager, message repository and limits."""
        child_state = self.state_manager.get_stream_state(stream_name, None)
        if NO_CURSOR_STATE_KEY in child_state:
            child_state = {key: value for key, value in child_state.items() if key != NO_CURSOR_STATE_KEY}
        parent_state = child_state if model.incremental_dependency and child_state else None
        state_manager = self.parent_state_manager(child_state, config, model) if parent_state else ConnectorStateManager([])
        emit = bool(self.init_kwargs.get("emit_connector_builder_messages", False))
        repository = StateFilteringMessageRepository(
            LogAppenderMessageRepositoryDecorator(
                {"airbyte_cdk": {"stream": {"is_substream": True}}, "http": {"is_auxiliary": True}},
                self.get_message_repository(),
                Level.DEBUG if emit else Level.INFO,
            ),
        )
        parent_kwargs = {key: value for key, value in self.init_kwargs.items() if key in _PARENT_FACTORY_KWARGS}
        factory = TwilioComponentFactory(
            builds_parents=True, slots=self.slots, shared_pages=self.shared_pages, copies_read=self._reads(stream_name),
            connector_state_manager=state_manager, message_repository=repository, **parent_kwargs
        )
        return factory.create_parent_stream_config(model=model, config=config, stream_name=stream_name, **kwargs)


    @staticmethod
    def parent_state_manager(child_state: Mapping[str, Any], config: Mapping[str, Any], model: Any) -> ConnectorStateManager:
        """The state a parent copy starts from, taken from its child's state (incremental_dependency), as the CDK's
        wrapper takes it (airbyte-cdk 7.39.1; unit_tests/test_cdk_seam.py compares the two): the child's
        `parent_state` entry for the parent; else the child's cross-partition `state`; else, for a child state of one
        scalar cursor value (the state of a connector before per-partition states), that value under the parent's
        cursor field."""
        name = model.stream.name or ""
        message = ConcurrentPerPartitionCursor.get_parent_state(child_state, name) or ConcurrentPerPartitionCursor.get_global_state(
            child_state, name
        )
        values = list(child_state.values())
        legacy = len(values) == 1 and isinstance(values[0], (str, int, float)) and not isinstance(values[0], bool)
        if message is None and legacy and isinstance(model.stream, DeclarativeStreamModel) and model.stream.incremental_sync:
            sync = model.stream.incremental_sync
            cursor_field = InterpolatedString.create(sync.cursor_field, parameters=sync.parameters or {}).eval(config)
            message = AirbyteStateMessage(
                type=AirbyteStateType.STREAM,
                stream=AirbyteStreamState(
                    stream_descriptor=StreamDescriptor(name=name, namespace=None), stream_state=AirbyteStateBlob({cursor_field: values[0]})
                ),
            )
        return ConnectorStateManager([message] if message else [])


# What the CDK's parent wrapper hands on to the parent's factory besides its state manager and message repository.
_PARENT_FACTORY_KWARGS = frozenset(
    {
        "custom_components_trusted", "limit_pages_fetched_per_slice", "limit_slices_fetched", "emit_connector_builder_messages",
        "disable_retries", "disable_cache", "api_budget", "rate_limited_authenticators",
    }
)


def install_factory(
    source: ConcurrentDeclarativeSource, catalog: Optional[ConfiguredAirbyteCatalog], state: Optional[List[AirbyteStateMessage]]
) -> None:
    """The source's streams are built by a TwilioComponentFactory. airbyte-cdk 7.39.1's ConcurrentDeclarativeSource
    takes no component factory (a `component_factory=` keyword disappears into its **kwargs, and it always builds
    its own), so the source's own one is replaced right after the CDK's constructor, before any stream is built, by
    one made with the same arguments: the message repository the source reads, a state manager of the same state
    and the catalog (unit_tests/test_cdk_seam.py checks that nothing else differs). Upstream, a `component_factory`
    argument to ConcurrentDeclarativeSource would remove this."""
    source._constructor = TwilioComponentFactory(
        message_repository=source._constructor.get_message_repository(),
        connector_state_manager=ConnectorStateManager(state=state),
        configured_catalog=catalog,
    )


def use_config(source: ConcurrentDeclarativeSource, config: Mapping[str, Any]) -> None:
    """Streams built from now on (every verb builds its own) use `config`."""
    source._config = config
