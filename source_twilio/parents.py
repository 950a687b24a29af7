"""A parent list read once per account and sync, however many child streams list their records per parent.

TaskRouter keeps everything in a Workspace: activities, task channels, task queues, workflows, workers, tasks,
reservations and events are each listed per Workspace, so each of those streams needs the account's Workspaces. In
YAML each child gets its parent with a SubstreamPartitionRouter, and the CDK builds every child its own copy of the
parent stream: `Workspaces` was listed nine times per account and sync (180 times at 20 subaccounts), the countries an
account may buy numbers in three times, an account's conversations twice. No manifest field says "read this parent
once for all its children", hence this router.

`SharedParentPartitionRouter` wraps the SubstreamPartitionRouter the manifest declares (`router`) and yields the same
slices. Per parent partition (an account, or a Workspace for the lists below a Workspace), the first child stream to
get there reads it; every other child stream naming the same `shared_as` waits for that read and gets its slices:

    shared_as: taskrouter_workspaces, account AC1 -> [{"parent_sid": "WS1", "parent_slice": {"account_sid": "AC1"}}, ...]
    (read once; taskrouter_activities, _task_queues, _events ... all get this list)

Only a parent read the same way for every child may be shared: none with `incremental_dependency` (their parent
reads from the child's own state). The slices are kept for one sync (`__sync_id`, set per verb by SourceTwilio.prepare)
and dropped when the next sync starts; a read that failed is not kept, so the next child stream reads it again.
Streams built without a sync id (tests building a stream by hand) read their parent themselves.
"""

from __future__ import annotations

import json
import threading
from concurrent.futures import Future
from dataclasses import InitVar, dataclass
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Tuple

import dpath
from airbyte_cdk.sources.declarative.partition_routers.partition_router import (
    PartitionRouter,
)
from airbyte_cdk.sources.declarative.partition_routers.substream_partition_router import (
    ParentStreamConfig,
    SubstreamPartitionRouter,
)
from airbyte_cdk.sources.types import Config, StreamSlice, StreamState
from .config import settings_of



class SharedLists:
    """Each parent partition's child slices, read once per sync: {(sync, shared_as, partition): Future}.

    Thread-safe: child streams generate their partitions on several worker threads at once. The first to ask for a
    key reads it (outside the lock) and the others wait on its Future. Entries of any other sync are dropped when a
    sync stores its first one, so a process that runs sync after sync (tests) holds one sync's lists at most.
    """

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._entries: Dict[Tuple[str, str, str], "Future[List[StreamSlice]]"] = {}
        self.reads = 0  # how many parent partitions were read (tests count them)

    def get(self, key: Tuple[str, str, str], read: Callable[[], List[StreamSlice]]) -> List[StreamSlice]:
        with self._mutex:
            future = self._entries.get(key)
            mine = future is None
            if mine:
                if any(other[0] != key[0] for other in self._entries):
                    self._entries = {k: v for k, v in self._entries.items() if k[0] == key[0]}
                future = self._entries[key] = Future()
                self.reads += 1
        assert future is not None  # found, or made above
        if not mine:
            return future.result()
        try:
            slices = read()
        except BaseException as error:
            with self._mutex:
                self._entries.pop(key, None)
            future.set_exception(error)
            raise
        future.set_result(slices)
        return slices


SHARED = SharedLists()


@dataclass
class SharedParentPartitionRouter(PartitionRouter):
    """The slices of `router` (a SubstreamPartitionRouter with one parent), each parent partition read once per sync
    for every router of the same `shared_as` (see the module docstring)."""

    router: SubstreamPartitionRouter
    config: Config
    parameters: InitVar[Mapping[str, Any]]
    shared_as: str = ""

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        if len(self.router.parent_stream_configs) != 1 or not self.shared_as:
            raise ValueError("SharedParentPartitionRouter needs shared_as and a router with exactly one parent stream")
        parent = self.router.parent_stream_configs[0]
        if parent.incremental_dependency or parent.request_option or parent.lazy_read_pointer:
            raise ValueError(f"{self.shared_as}: only a parent read whole, the same for every child, can be shared "
                             "(no incremental_dependency, request_option or lazy_read_pointer)")

    def stream_slices(self) -> Iterable[StreamSlice]:
        parent = self.router.parent_stream_configs[0]
        sync = settings_of(self.config).sync_id
        for partition in parent.stream.generate_partitions():
            def read(partition: Any = partition) -> List[StreamSlice]:
                return list(self._slices_of(parent, partition))

            slices = SHARED.get((str(sync), self.shared_as, _partition_key(partition)), read) if sync else read()
            yield from self.select(slices)

    def select(self, slices: List[StreamSlice]) -> Iterable[StreamSlice]:
        """The slices of one parent partition this stream reads: all of them (a subclass may read fewer)."""
        return slices

    def _slices_of(self, parent: ParentStreamConfig, partition: Any) -> Iterable[StreamSlice]:
        """The slices SubstreamPartitionRouter makes of one parent partition's records (the parent key as
        `partition_field`, the record's partition as `parent_slice`, the extra fields by their joined paths).

        Not the CDK's router itself: it reads every parent partition in one pass and, after each pass, moves the
        parent cursor's fallback to the newest record read, so a partition read after it (the next account's) would
        start there and lose its older records. The parent's cursor is not told about the records: no parent here
        keeps a state (no incremental_dependency)."""
        key = str(parent.parent_key.eval(self.config))  # type: ignore[union-attr]
        field = str(parent.partition_field.eval(self.config))  # type: ignore[union-attr]
        paths = [[str(part.eval(self.config)) for part in path] for path in parent.extra_fields or []]  # type: ignore[union-attr]
        for record in partition.read():
            value = dpath.get(record.data, key, default=None)
            if value is None:
                continue
            source = record.associated_slice.partition if record.associated_slice else {}
            extra = {".".join(path): dpath.get(record.data, path, default=None) for path in paths}
            yield StreamSlice(partition={field: value, "parent_slice": source or {}}, cursor_slice={}, extra_fields=extra)

    def get_request_params(self, **kwargs: Any) -> Mapping[str, Any]:
        return self.router.get_request_params(**kwargs)

    def get_request_headers(self, **kwargs: Any) -> Mapping[str, Any]:
        return self.router.get_request_headers(**kwargs)

    def get_request_body_data(self, **kwargs: Any) -> Mapping[str, Any]:
        return self.router.get_request_body_data(**kwargs)

    def get_request_body_json(self, **kwargs: Any) -> Mapping[str, Any]:
        return self.router.get_request_body_json(**kwargs)

    def get_stream_state(self) -> Optional[Mapping[str, StreamState]]:
        return self.router.get_stream_state()


def _partition_key(partition: Any) -> str:
    """A parent partition as a key: its account (and, below a Workspace, the Workspace), as sorted JSON."""
    stream_slice = partition.to_slice()
    return json.dumps(dict(stream_slice.partition) if stream_slice is not None else {}, sort_keys=True, default=str)
