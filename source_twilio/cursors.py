"""This connector's per-account cursor (WindowCheckpointCursor), the windows it makes, and how they are sized.

The factory (factory.py) builds every per-partition cursor of the manifest as a WindowCheckpointCursor, from the
arguments the CDK's own factory method would give the CDK's class. It is the CDK's ConcurrentPerPartitionCursor
through cdk_seam.PerPartitionCursorSeam, which gives the private hooks it overrides public names. What it does:

1. Checkpoints after every window (`WindowCheckpointCursor`). The CDK's per-partition cursor emits STATE at most once
   every 600 s (a constant in its throttle, cdk_seam.PerPartitionCursorSeam.state_due): a sync killed nine minutes into a year of
   messages restarts nine minutes back. No manifest field or public hook sets it, so the factory builds the per-partition
   cursors as a subclass that emits one after every closed window, and every
   `RECORDS_PER_STATE` records inside a long window (`emit_state_message` under `state_lock`).
   The factory builds it from the arguments the CDK's own method would give the CDK's class
   (`TwilioComponentFactory.create_concurrent_cursor_from_perpartition_cursor`; a test compares the two).
2. No account starts at another account's cursor (`WindowCheckpointCursor.state`). The CDK saves the newest cursor of
   any partition under "state" and starts every partition without its own entry there (state.py says why that loses
   data); the state this connector emits leaves that key out for per-account streams.
3. Each record observed once per window, not parsed twice (`WindowCheckpointCursor.observe`). The CDK's per-partition
   cursor parses every record's cursor value twice with `strptime`, formats it once, and hashes its partition and
   slice as JSON: a third of the CPU of a dense sync. Twilio lists newest first, so after a window's first record
   every later one is older and changes nothing the cursor keeps (the newest value per window and overall); those
   are recognised with one `datetime.fromisoformat` and skipped.
4. Windows as long as each account's history needs (`WindowCheckpointCursor.stream_slices`, windows.py says how).
   Before an account's windows are made, the stream's own retriever asks for the first page of the account's whole
   range: its public `read_records` over that range, which the requester ends at the first answer (`_FirstAnswer`),
   before a record is parsed, so the request is exactly the one a window would send. The per-account cursor then
   is built (AccountCursors: the manifest's cursor definition with the account's `step` and, for an account created
   after start_date, its creation as `start_datetime`) to make one window or windows of the measured length, and a
   one-window plan's first page is served from that probe instead of asked again. Probes run a few accounts ahead of the windows being made
   (the cursor's partition router is a `_ProbingPartitions`, given by the factory), and every page request of every
   stream, probes included, holds one of `num_workers` request slots (TwilioRequester), so probing never adds to the
   concurrency the user set. Overrides `create_account_cursor` (the CDK asks it for an account's cursor: built by
   AccountCursors) and `slices_of_partition` (the account and plan whose windows the CDK makes next).
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
   an account it does not name is kept (`one_cursor_for_all`).
7. The config a verb is given (`cdk_seam.use_config`). `ConcurrentDeclarativeSource` builds streams from the config it was
   constructed with (`_config`), whatever `check`/`discover`/`read` receive; `use_config` makes the config a verb is
   passed (normalised) the one its streams are built from.
8. STATE with many accounts kept to a small share of the sync (`WindowCheckpointCursor.state_due`). A
   per-account STATE holds every account's cursor, so one after every window costs accounts x windows: 201
   accounts, a first sync of messages, 222 STATEs of 23 KB, 8% of the CPU, all for Airbyte to store. Above
   SMALL_STATE_ACCOUNTS accounts, a STATE waits until the time since the last one is 1 / STATE_TIME_SHARE times
   what the last one took to build (29 STATEs in that sync); the final STATE is never held back.
   Holding one back is safe: the next covers every window closed before it. Overrides `state_due` and
   `emit_state_message` (timed).
9. What progress.py counts: page requests (TwilioRequester), windows made and closed, and each probe's count of
   records (its Plan's rows), under the stream's name the factory gives the cursor.
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
    this one was to start.
12. A deadline for each attempt of a request (deadline.py says why and how). No private name: the factory builds the
    manifest's authenticators as deadline.py's subclasses, which add a response hook to each request they
    authenticate, and refuses a requester whose authenticator does not. Parents and their parents are built by the
"""



from __future__ import annotations

import collections
import copy
import datetime
import itertools
import re
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable, Dict, Iterable, Iterator, List, Mapping, MutableMapping, Optional, Set, Tuple, cast

from airbyte_cdk.sources.streams.checkpoint.per_partition_key_serializer import PerPartitionKeySerializer
from airbyte_cdk.sources.streams.concurrent.cursor import ConcurrentCursor
from airbyte_cdk.sources.types import Record, StreamSlice

from . import progress
from .records import TwilioListExtractor
from .refusals import Refusals
from .settling import SETTLING, accounts_held
from .open_records import is_newest_window
from .state import ACCOUNTS_READ_KEY, GLOBAL_FALLBACK_KEY, OPEN_SINCE_KEY
from .edges import Edges, incoming_edges
from .twilio import CLOCK_MARGIN, account_of, forget_parsed_page
from .windows import Plan, plan_from_probe
from .cdk_seam import PerPartitionCursorSeam


class WindowCheckpointCursor(PerPartitionCursorSeam):
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
        the per-account cursors of the incoming state (through `create_account_cursor`, below). The record counter is per
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
            with self.state_lock:
                self.emit_state_message()

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
        if self.one_cursor_for_all or not self.counted_in_progress or self.settling is not None:
            return None
        self.edges = Edges(self.incoming_edges, behind, lookback, self.keys.to_partition_key)
        return self.edges

    def fit(self, existing: "AccountWindows") -> None:
        """Called as the CDK asks an account's cursor for its windows: a cursor built from the incoming state (before
        its account was known) is built again from that state for the account whose windows are being made
        (`_pending_account`, `_pending_step`), when that differs: windows of another length, or windows that would
        start before the account's creation. A cursor `create_account_cursor` built for the account is left as it is."""
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
        with self.state_lock:
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
        if self.one_cursor_for_all and self._accounts_known is not None:
            if account_of(record.associated_slice.partition) not in self._accounts_known:
                return True
        return super().should_be_synced(record)

    def slices_of_partition(self, partition: StreamSlice, parent_state: Mapping[str, Any]) -> Iterable[StreamSlice]:
        if self.one_cursor_for_all:
            self._accounts_read.add(account_of(partition.partition))
        key = self.keys.to_partition_key(partition.partition)
        self._accounts.add(key)
        plan = self._sizer.plan(key) if self._sizer is not None else None
        # for whichever builds or fits the account's cursor next: create_account_cursor, or fit when the CDK asks for windows
        self._pending_account = account_of(partition.partition)
        self._pending_step = None if plan is None else (ONE_WINDOW if plan.one_window else plan.step)
        yield from super().slices_of_partition(partition, parent_state)

    def create_account_cursor(self, cursor_state: Any, runtime_lookback_window: int = 0) -> ConcurrentCursor:
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
            if window is None or self.one_cursor_for_all:
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

    def state_due(self) -> Optional[float]:
        """None (no STATE now) for a one-cursor child within a second of its last STATE, or for a state of more than
        SMALL_STATE_ACCOUNTS accounts too soon after its last (8); else the time now (the CDK then emits one: when
        this answers a time is when this cursor's last STATE went out)."""
        now = time.time()
        since = now - self._last_state_at
        if self.one_cursor_for_all:
            if since < self.CHILD_STATE_INTERVAL_SECONDS:
                return None
        elif len(self._accounts) > self.SMALL_STATE_ACCOUNTS and since * self.STATE_TIME_SHARE < self._state_cost:
            return None
        self._last_state_at = now
        return now

    def emit_state_message(self, throttle: bool = True) -> None:
        """The CDK's, timed: what the last STATE took to build is what `state_due` spaces them by."""
        before, started = self._last_state_at, time.perf_counter()
        super().emit_state_message(throttle)
        if not throttle or self._last_state_at != before:
            self._state_cost = time.perf_counter() - started

    @property
    def state(self) -> MutableMapping[str, Any]:
        state = super().state
        if not self.one_cursor_for_all:
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


class FirstPages:
    """Pages a probe fetched that are the first page of a window, handed out once to that window's first request."""

    def __init__(self) -> None:
        self._pages: Dict[StreamSlice, Any] = {}
        self._pages_lock = threading.Lock()

    def put(self, window: StreamSlice, page: Any) -> None:
        with self._pages_lock:
            self._pages[window] = page

    def take(self, window: StreamSlice) -> Any:
        with self._pages_lock:
            return self._pages.pop(window, None) if self._pages else None


class WindowSizer:
    """Probes accounts (in a small pool, a few ahead of the windows being made) and hands each its Plan."""

    def __init__(
        self, fetch: Callable[..., Any], first_pages: FirstPages, extractor: TwilioListExtractor, workers: int, stream: Optional[str]
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


class ProbingPartitions:
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
