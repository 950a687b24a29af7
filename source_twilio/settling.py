"""Lists whose records settle after they are listed, without a cursor field that says so.

A Conversation Intelligence transcript is created `queued`, goes `in-progress` and ends `completed` (or `failed`,
`canceled`, `error`), and keeps its `date_created` all along; its sentences and operator results exist only once it is
completed. Calls have `end_time`, empty until they end (open_records.py reads them by status); a transcript has no such
field, and Twilio cannot filter on `date_updated`. So the state of an account must not pass a transcript still open,
and what the next sync reads again must not come twice:

- Each account's state keeps three values (`cursors.WindowCheckpointCursor.state` writes them): `settled_until`,
  before which every transcript was listed by that sync: the CDK's value, where the account's complete windows end
  (by Twilio's clock less 5 minutes), or the newest transcript they held when that is later (a second after it);
  `listed_at`, Twilio's clock (the `Date` header) when the first page of the account was served, before any of its
  transcripts was listed; and the cursor itself, no later than `settled_until` and one second before the oldest
  transcript still open in what the sync listed (its pages are read before any filter). The next sync lists again
  from that transcript on.
- What it lists again is dropped when the last sync read it as it is: created before `settled_until`, final, and not
  updated since `listed_at` (a status change moves `date_updated`; both are Twilio's clock, so no margin is taken):
  `SettledRecordFilter`. Transcripts still open are always kept, as are new ones.
- The children (sentences, operator results) are read for the transcripts that are `completed` and were not completed
  when their child stream's own copy of the transcripts' state (`parent_state` in the child's state) was saved: each
  completed transcript's children once, the first sync that sees it completed. A transcript that completed while that
  sync was listing its account (between its first page and the transcript's own) is read again: its children may
  come twice, never not at all.

The simplest design that is correct: an open-records pass by status (as for calls) would read a transcript while it is
queued, but nothing would read it once completed, since its `date_created` is before the state and no filter finds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple

from airbyte_cdk.sources.declarative.extractors.record_filter import RecordFilter
from airbyte_cdk.sources.types import StreamSlice, StreamState

from .config import format_datetime, parse_user_datetime, settings_of
from .twilio import account_of, to_iso_utc

# In a settling list's per-account state: where its complete windows end, before the cursor is held back, and when
# Twilio served the account's first page.
SETTLED_KEY = "settled_until"
LISTED_KEY = "listed_at"


@dataclass(frozen=True)
class SettlingList:
    stream: str
    cursor_field: str
    status_field: str
    open_statuses: frozenset[str]
    children_status: str  # the status whose records have children to read
    children: Tuple[str, ...]  # the child streams, each keeping its own copy of this stream's state (parent_state)

    def is_open(self, record: Mapping[str, Any]) -> bool:
        return record.get(self.status_field) in self.open_statuses

    def read_as_it_is(self, record: Mapping[str, Any], settled_until: str, listed_at: str) -> bool:
        """Whether the sync that saved (`settled_until`, `listed_at`) listed `record` as it is now: created before the
        end of its complete windows, final, and not updated since it began listing the account."""
        created = (to_iso_utc(record.get(self.cursor_field)) or "")[:19]
        updated = (to_iso_utc(record.get("date_updated")) or "")[:19]
        return bool(created and updated) and not self.is_open(record) and created < settled_until[:19] and updated < listed_at[:19]

    def oldest_open(self, records: Iterable[Any]) -> Optional[str]:
        """The cursor value of the oldest open record of a page (ISO 8601 UTC), or None."""
        values = [to_iso_utc(record.get(self.cursor_field)) for record in records if isinstance(record, dict) and self.is_open(record)]
        values = [value for value in values if isinstance(value, str) and value]
        return min(values) if values else None

    @staticmethod
    def held(cursor: str, oldest_open: Optional[str]) -> str:
        """The cursor an account saves: no later than one second before its oldest open record (dates are whole
        seconds, and whether Twilio's `AfterDateCreated` includes its instant is not documented)."""
        if not oldest_open:
            return cursor
        opened = parse_user_datetime(oldest_open)
        if opened is None:
            return cursor
        return min(cursor, format_datetime(opened - timedelta(seconds=1)))


SETTLING = {
    "intelligence_transcripts": SettlingList(
        stream="intelligence_transcripts",
        cursor_field="date_created",
        status_field="status",
        # transcript_enum_status: queued, in-progress, completed, new, failed, canceled, error
        open_statuses=frozenset({"queued", "in-progress", "new"}),
        children_status="completed",
        children=("intelligence_sentences", "intelligence_operator_results"),
    ),
}


def settled_since(states: Mapping[str, Mapping[str, Any]]) -> Dict[str, Dict[str, Tuple[str, str]]]:
    """Per stream that filters on it (a settling list, and each of its children) and per account: the previous sync's
    (`settled_until`, `listed_at`), from that stream's own state (the children: their copy of the parent's). Accounts
    without them are absent: everything of theirs is read."""
    since: Dict[str, Dict[str, Tuple[str, str]]] = {}
    for name, settling in SETTLING.items():
        sources = {name: states.get(name) or {}}
        for child in settling.children:
            sources[child] = ((states.get(child) or {}).get("parent_state") or {}).get(name) or {}
        for stream, state in sources.items():
            for entry in state.get("states") or []:
                account = (entry.get("partition") or {}).get("account_sid")
                cursor = entry.get("cursor") or {}
                settled, listed = cursor.get(SETTLED_KEY), cursor.get(LISTED_KEY)
                if account and isinstance(settled, str) and settled and isinstance(listed, str) and listed:
                    since.setdefault(stream, {})[account] = (settled, listed)
    return since


def _a_second_after(value: str) -> str:
    instant = parse_user_datetime(value)
    return format_datetime(instant + timedelta(seconds=1)) if instant is not None else value


@dataclass
class SettledRecordFilter(RecordFilter):
    """Keeps the records of a settling list that the last sync did not read in their current form (module docstring);
    with `children_of`, only those with children to read, for that child stream.

    YAML could say it only with the list's statuses and the account's value spelled out in every condition that needs
    them; here both come from one table (SETTLING) and one value per account (`Settings.settled_since`).
    """

    stream: str = ""
    children_of: str = ""

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        super().__post_init__(parameters)
        self._settling = SETTLING[self.stream or parameters.get("name", "")]

    def filter_records(
        self,
        records: Iterable[Mapping[str, Any]],
        stream_state: StreamState,
        stream_slice: Optional[StreamSlice] = None,
        next_page_token: Optional[Mapping[str, Any]] = None,
    ) -> Iterable[Mapping[str, Any]]:
        settling = self._settling
        account = account_of(stream_slice.partition) if stream_slice is not None else None
        since = (settings_of(self.config).settled_since.get(self.children_of or settling.stream) or {}).get(account or "")
        for record in records:
            changed = not since or not settling.read_as_it_is(record, *since)
            if self.children_of:
                if changed and record.get(settling.status_field) == settling.children_status:
                    yield record
            elif changed or settling.is_open(record):
                yield record


def accounts_held(
    settling: SettlingList,
    oldest: Mapping[str, str],
    listed: Mapping[str, str],
    window_ends: Mapping[str, str],
    states: List[Mapping[str, Any]],
) -> List[Mapping[str, Any]]:
    """The per-account entries of a settling list's state as saved. The CDK's cursor is the newest record of the
    account's complete windows or, when later, where they end (`window_ends`, the latest end this sync closed): the
    first is a record that was listed, the second an end no record of which was kept, so `settled_until` is a second
    after the first and the second itself. `listed_at` is when the account's first page was served this sync (an
    account not listed keeps its last one); the cursor is held back before the account's oldest open record."""
    held: List[Mapping[str, Any]] = []
    for entry in states:
        cursor = dict(entry.get("cursor") or {})
        value = cursor.get(settling.cursor_field)
        if isinstance(value, str) and value:
            account = (entry.get("partition") or {}).get("account_sid", "")
            end = window_ends.get(account)
            cursor[SETTLED_KEY] = _a_second_after(value) if end is not None and value > end else value
            if account in listed:
                cursor[LISTED_KEY] = listed[account]
            cursor[settling.cursor_field] = settling.held(value, oldest.get(account))
        held.append({**entry, "cursor": cursor})
    return held
