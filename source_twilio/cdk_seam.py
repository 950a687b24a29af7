"""The one place source-twilio reaches into airbyte-cdk's private names, for what the CDK offers no hook for.

Everything else enters the CDK through its supported hooks: the source's component factory (factory.py, a subclass
of the CDK's ModelToComponentFactory overriding its `create_*` methods) and the custom components the manifest names.
Nothing replaces a method on a CDK object, swaps an object's class or edits the factory's tables.

Checked against airbyte-cdk 7.39.1 (`CHECKED_AGAINST`; setup.py and requirements.lock pin it). `PRIVATE_NAMES` lists
every private name used here, `WHY_PRIVATE` says why and what upstream change would remove it; unit_tests/
test_cdk_seam.py checks each one on the installed CDK and fails, naming the name and its owner, when an upgrade moves
one, and fails when any other module of source_twilio touches a CDK private name.

- `install_factory`: the source's factory is this connector's (`_constructor`).
- `use_config`: a verb's streams are built from the config the verb was given (`_config`).
- `PerPartitionCursorSeam`: the CDK's per-partition cursor, with the private methods and attributes the connector's
  cursor (cursors.WindowCheckpointCursor) needs under public names; the cursor overrides and calls those, never the
  private ones.
"""

from __future__ import annotations

import threading
from typing import Any, Callable, Dict, Iterable, Mapping, Optional, Tuple

from airbyte_cdk.sources.declarative.concurrent_declarative_source import ConcurrentDeclarativeSource
from airbyte_cdk.sources.declarative.incremental import ConcurrentPerPartitionCursor
from airbyte_cdk.sources.declarative.parsers.model_to_component_factory import ModelToComponentFactory
from airbyte_cdk.sources.message import MessageRepository
from airbyte_cdk.sources.streams.concurrent.cursor import ConcurrentCursor
from airbyte_cdk.sources.types import StreamSlice

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


class PerPartitionCursorSeam(ConcurrentPerPartitionCursor):
    """The CDK's ConcurrentPerPartitionCursor, its private hooks under public names (cursors.py says what each is
    for). Each private method is overridden only to call its public name, whose default here is the CDK's own."""

    @property
    def state_lock(self) -> threading.Lock:
        """The lock the CDK holds while it changes the cursor's partitions and emits their STATE."""
        return self._lock

    @property
    def one_cursor_for_all(self) -> bool:
        """Whether this cursor keeps one cursor for every partition (the CDK's global cursor) instead of one each."""
        return bool(self._use_global_cursor)

    def emit_state_message(self, throttle: bool = True) -> None:
        """The CDK's STATE of every partition, held back when `state_due` says not yet (unless `throttle` is False)."""
        super()._emit_state_message(throttle)

    def _emit_state_message(self, throttle: bool = True) -> None:
        self.emit_state_message(throttle)

    def state_due(self) -> Optional[float]:
        """None when no STATE is to go out now, else the time now (the CDK's: every 600 s)."""
        return super()._throttle_state_message()

    def _throttle_state_message(self) -> Optional[float]:
        return self.state_due()

    def create_account_cursor(self, cursor_state: Any, runtime_lookback_window: int = 0) -> ConcurrentCursor:
        """The cursor of one partition (an account), from its state (the CDK's: the manifest's cursor as built)."""
        return super()._create_cursor(cursor_state, runtime_lookback_window)

    def _create_cursor(self, cursor_state: Any, runtime_lookback_window: int = 0) -> ConcurrentCursor:
        return self.create_account_cursor(cursor_state, runtime_lookback_window)

    def slices_of_partition(self, partition: StreamSlice, parent_state: Mapping[str, Any]) -> Iterable[StreamSlice]:
        """The windows of one partition (an account), as the CDK makes them from its cursor."""
        return super()._generate_slices_from_partition(partition, parent_state)

    def _generate_slices_from_partition(self, partition: StreamSlice, parent_state: Mapping[str, Any]) -> Iterable[StreamSlice]:
        return self.slices_of_partition(partition, parent_state)


def install_factory(source: ConcurrentDeclarativeSource, factory: Callable[[MessageRepository], ModelToComponentFactory]) -> None:
    """The source's streams are built by `factory(the message repository the source reads)`. airbyte-cdk 7.39.1's
    ConcurrentDeclarativeSource takes no component factory (a `component_factory=` keyword disappears into its
    **kwargs, and it always builds its own), so the source's own one is replaced right after the CDK's constructor,
    before any stream is built (unit_tests/test_cdk_seam.py checks that nothing else differs from the CDK's). Upstream,
    a `component_factory` argument to ConcurrentDeclarativeSource would remove this."""
    source._constructor = factory(source._constructor.get_message_repository())


def use_config(source: ConcurrentDeclarativeSource, config: Mapping[str, Any]) -> None:
    """Streams built from now on (every verb builds its own) use `config`."""
    source._config = config
