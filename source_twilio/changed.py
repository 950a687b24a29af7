"""TaskRouter tasks and workers: only the new or changed ones fetched one by one, by their list's `date_updated`.

Twilio's lists of tasks and workers leave `attributes` null ("will only be displayed in FETCH action that returns a
single resource", spec taskrouter_v1), so each record is fetched by its SID; fetching every task Twilio holds and
every worker on every sync costs a request per record, most of them unchanged. The list says which changed: its
`date_updated`, which Twilio moves whenever the task or worker changes. YAML has no filter that compares a parent
record with a state kept per parent partition, hence this router.

`ChangedRecordsPartitionRouter` is a SharedParentPartitionRouter (the task list is shared with reservations) that,
per Workspace, keeps the slices whose `date_updated` (an extra field of the slice) is on or after the Workspace's
saved value less the lookback window, and keeps as the Workspace's new value the newest `date_updated` it listed:

    saved {"WS1": "2026-12-07T08:00:00Z"}, list [WT1 07:59:00, WT2 08:00:00, WT3 08:20:00]
    -> fetches WT2 (the saved second again: Twilio's dates have whole seconds, a change later in that second carries
       the same date) and WT3; saves {"WS1": "2026-12-07T08:20:00Z"}

The values live in the child stream's state under `parent_state` (this router's `get_stream_state`, which the CDK's
cursor saves only once every slice yielded before it is read): {"taskrouter_task_list": {"date_updated": {"WS1": ...}}}.
A Workspace's value moves when its last slice is handed out, so a sync cut short resumes at the older value. The
incoming values come in the config (`__listed_cursors`, state.listed_cursors), for streams read incrementally only:
a full refresh fetches every record. The values are kept on the router, which the CDK builds for each read.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, Iterable, List, Mapping, Optional

from airbyte_cdk.sources.types import StreamSlice, StreamState

from .parents import SharedParentPartitionRouter
from .config import settings_of
from .twilio import to_instant

CURSOR_FIELD = "date_updated"


@dataclass
class ChangedRecordsPartitionRouter(SharedParentPartitionRouter):
    """The slices of the shared list whose record changed since its Workspace's saved `date_updated` (see above)."""

    stream_name: str = ""  # the child stream (the factory passes it): whose incoming values to start from

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        super().__post_init__(parameters)
        self._mutex = threading.Lock()
        settings = settings_of(self.config)
        self._newest: Dict[str, str] = dict(settings.listed_cursors.get(self.stream_name) or {})
        self._lookback = timedelta(minutes=settings.lookback_minutes)
        self._saved = {workspace: to_instant(value) for workspace, value in self._newest.items()}

    def select(self, slices: List[StreamSlice]) -> Iterable[StreamSlice]:
        if not slices:
            return
        workspace = str(slices[0].extra_fields.get("workspace_sid"))
        saved = self._saved.get(workspace)
        since = saved - self._lookback if saved is not None else None
        changed = [s for s in slices if since is None or _changed_since(s, since)]
        newest = max((str(s.extra_fields.get(CURSOR_FIELD) or "") for s in slices), key=lambda v: to_instant(v) or _EPOCH)
        for i, stream_slice in enumerate(changed):
            if i == len(changed) - 1:
                self._advance(workspace, newest)
            yield stream_slice
        if not changed:
            self._advance(workspace, newest)

    def _advance(self, workspace: str, value: str) -> None:
        instant = to_instant(value)
        with self._mutex:
            known = to_instant(self._newest.get(workspace))
            if instant is not None and (known is None or instant > known):
                self._newest[workspace] = value

    def get_stream_state(self) -> Optional[Mapping[str, StreamState]]:
        with self._mutex:
            return {self.shared_as: {CURSOR_FIELD: dict(self._newest)}} if self._newest else {}


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _changed_since(stream_slice: StreamSlice, since: datetime) -> bool:
    """Whether the slice's record changed on or after `since`; one without a readable date is fetched."""
    updated = to_instant(stream_slice.extra_fields.get(CURSOR_FIELD))
    return updated is None or updated >= since
