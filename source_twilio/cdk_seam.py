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
4. The config a verb is given (`use_config`). `ConcurrentDeclarativeSource` builds streams from the config it was
   constructed with (`_config`), whatever `check`/`discover`/`read` receive; `use_config` makes the config a verb is
   passed (normalised) the one its streams are built from.
"""

from __future__ import annotations

import datetime
import itertools
import re
import threading
import time
from typing import Any, Dict, Mapping, MutableMapping, Optional, Tuple

from airbyte_cdk.sources.declarative.concurrent_declarative_source import (
    ConcurrentDeclarativeSource,
)
from airbyte_cdk.sources.declarative.incremental import ConcurrentPerPartitionCursor
from airbyte_cdk.sources.declarative.parsers.model_to_component_factory import (
    ModelToComponentFactory,
)

from .state import GLOBAL_FALLBACK_KEY

CHECKED_AGAINST = "7.39.1"

# owner -> the private (or replaced) names this module relies on; unit_tests/test_cdk_seam.py checks every one.
PRIVATE_NAMES: Dict[type, Tuple[str, ...]] = {
    ConcurrentDeclarativeSource: ("_constructor", "_config"),
    ModelToComponentFactory: ("create_concurrent_cursor_from_perpartition_cursor",),
    ConcurrentPerPartitionCursor: ("_lock", "_connector_state_converter", "_emit_state_message", "_throttle_state_message", "_use_global_cursor", "_last_emission_time", "state"),
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

    @classmethod
    def adopt(cls, cursor: ConcurrentPerPartitionCursor) -> ConcurrentPerPartitionCursor:
        """Turns a cursor the CDK's factory built into this class (it only changes when STATE is emitted and what it
        holds). The record counter is per read, like the cursor itself (one per stream and sync)."""
        cursor.__class__ = cls
        cursor._records_seen = itertools.count(1)  # type: ignore[attr-defined]
        cursor._newest_in_window = threading.local()  # type: ignore[attr-defined]
        cursor._shapes_read = {}  # type: ignore[attr-defined]
        return cursor

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
        if value is not None and getattr(seen, "window", None) is window and value <= seen.newest:
            pass
        else:
            super().observe(record)
            if value is not None and self._parses(raw):
                if getattr(seen, "window", None) is not window or value > seen.newest:
                    seen.window, seen.newest = window, value
        if next(self._records_seen) % self.RECORDS_PER_STATE == 0:  # type: ignore[attr-defined]
            with self._lock:
                self._emit_state_message()

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
        return known[shape]

    def _throttle_state_message(self) -> Optional[float]:
        now = time.time()
        if self._use_global_cursor and now - self._last_emission_time < self.CHILD_STATE_INTERVAL_SECONDS:
            return None
        return now

    @property
    def state(self) -> MutableMapping[str, Any]:
        state = super().state
        if not self._use_global_cursor:
            state.pop(GLOBAL_FALLBACK_KEY, None)
        return state


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


def checkpoint_every_window(source: ConcurrentDeclarativeSource) -> None:
    """Every per-partition cursor the source's component factory builds becomes a WindowCheckpointCursor."""
    factory = source._constructor
    create_cursor = factory.create_concurrent_cursor_from_perpartition_cursor

    def create_checkpointing_cursor(*args: Any, **kwargs: Any) -> Any:
        return WindowCheckpointCursor.adopt(create_cursor(*args, **kwargs))

    factory.create_concurrent_cursor_from_perpartition_cursor = create_checkpointing_cursor  # type: ignore[method-assign]


def use_config(source: ConcurrentDeclarativeSource, config: Mapping[str, Any]) -> None:
    """Streams built from now on (every verb builds its own) use `config`."""
    source._config = config  # type: ignore[assignment]
