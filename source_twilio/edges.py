"""Records a sync reads again at its state's edge are not emitted again when nothing in them changed.

Every incremental sync reads again a little of what the last one read: an account's state stands no later than
Twilio's clock less twilio.CLOCK_MARGIN when the window was served (a record Twilio dates just before that may
still be about to appear), and the next sync starts the lookback window before it. A sync 30 minutes after another
(many-accounts-history, 21 accounts) emitted 26 of its 383 TaskRouter events exactly as the last one had; syncing
every 5 minutes, about half of what a sync reads would be such records.

So each account's entry in the state (each partition's: a Workspace's, for events) keeps beside its cursor `edge`:
a digest of every record the complete windows emitted at or after where the next sync starts (the cursor less the
lookback window). The next sync drops a record of that account whose page data has one of those digests: it was
emitted, with exactly this data, before the STATE the sync resumes from. A record that changed has another digest
(a message's new status, a call that ended) and is emitted; a record with no cursor value (an open record) is never
dropped.

    {"partition": {"account_sid": "AC1"}, "cursor": {"date_sent": "2026-12-07T16:48:00Z"},
     "edge": ["5f1c0e2a9b7d3c41", "..."]}

What keeps it safe:
- A digest enters an account's edge only when the window whose page held the record closes complete, after all the
  window's records were queued for output (the CDK closes a partition after queueing its records); a refused or
  unfinished window adds none. So a STATE never names a record the output has not had before it.
- A dropped record's digest is kept too: its first emission precedes the STATE this sync resumes from.
- An edge is kept only when complete: when the account's cursor less the lookback window is no older than the
  newest minutes this sync digests (`EDGE_MINUTES` before Twilio's clock, beyond CLOCK_MARGIN and the lookback), and
  it holds at most `EDGE_MAX` digests. Otherwise the entry has no edge and the next sync emits what it reads, as
  before. Only records that recent are digested, so a sync of years of history digests a few minutes of it.
- Lists read as a child's parent, settling lists (settling.py) and one-cursor children keep no edge.
"""

from __future__ import annotations

import datetime
import hashlib
import threading
from typing import Any, Callable, Dict, FrozenSet, Iterable, Iterator, List, Mapping, MutableMapping, Optional, Set, Tuple

import orjson

from .twilio import to_instant as _instant

EDGE_KEY = "edge"
EDGE_MAX = 100  # digests per account and stream (about 2 KB of state); an edge that would hold more is not kept
EDGE_MINUTES = 10  # minutes digested beyond CLOCK_MARGIN and the lookback window

Digest = str


def digest(record: Mapping[str, Any]) -> Digest:
    """A record's page data, as a short digest: the same for the same data, whatever its keys' order."""
    return hashlib.blake2b(orjson.dumps(record, option=orjson.OPT_SORT_KEYS), digest_size=8).hexdigest()


class Edges:
    """One stream's edges: the incoming state's, and those this sync's complete windows make. Thread-safe."""

    def __init__(
        self,
        incoming: Mapping[str, Tuple[str, Iterable[str]]],
        behind: datetime.timedelta,
        lookback: datetime.timedelta,
        key_of: Callable[[Mapping[str, Any]], str],
    ) -> None:
        self.key_of = key_of  # a partition's key: the per-partition cursor's
        # partition key -> (the incoming entry's cursor, the digests its edge names)
        self._incoming: Dict[str, Tuple[str, FrozenSet[Digest]]] = {
            key: (cursor, frozenset(values)) for key, (cursor, values) in incoming.items() if values
        }
        # partition key -> where the incoming entry's edge starts: its cursor less the lookback window
        self._floors: Dict[str, datetime.datetime] = {}
        for key, (cursor, _) in self._incoming.items():
            start = _instant(cursor)
            if start is not None:
                self._floors[key] = start - lookback
        # records dated from `behind` before Twilio's clock at the stream's first page on are digested for this sync's
        # edges (Twilio's clock, not this machine's: the state never passes Twilio's either)
        self._behind = behind
        self._since: Optional[datetime.datetime] = None
        self._lookback = lookback
        self._mutex = threading.Lock()
        self._pending: Dict[Any, List[Tuple[datetime.datetime, Digest]]] = {}  # window -> what its pages held
        self._made: Dict[str, List[Tuple[datetime.datetime, Digest]]] = {}  # partition key -> complete windows' records
        self._overflow: Set[str] = set()
        self.dropped = 0  # records not emitted again (tests count them)

    def note_clock(self, served: Optional[datetime.datetime]) -> None:
        """A page of the stream was served at `served` (its Date header): the first one fixes what is recent."""
        if served is not None and self._since is None:
            with self._mutex:
                if self._since is None:
                    self._since = served - self._behind

    def keep(self, key: str, window: Any, records: Iterable[MutableMapping[str, Any]], cursor_field: str) -> Iterator[MutableMapping[str, Any]]:
        """The window's records but those the incoming edge names, noting the digest of each recent one (and of each
        one dropped: it was emitted before the state this sync resumes from)."""
        incoming = self._incoming.get(key, ("", frozenset()))[1]
        since = self._since
        if since is None:  # no Date header seen: nothing counts as recent, only the incoming edge is looked for
            since = datetime.datetime.max.replace(tzinfo=datetime.timezone.utc)
        floor = min(since, self._floors.get(key, since))
        noted: List[Tuple[datetime.datetime, Digest]] = []
        for record in records:
            value = _instant(record.get(cursor_field))
            if value is None or value < floor:
                yield record
                continue
            mark = digest(record)
            if mark in incoming:
                noted.append((value, mark))
                with self._mutex:
                    self.dropped += 1
                continue
            if value >= since:
                noted.append((value, mark))
            yield record
        if noted:
            with self._mutex:
                self._pending.setdefault(window, []).extend(noted)

    def closed(self, key: str, window: Any, complete: bool) -> None:
        """The window closed: complete, its records' digests join the account's edge; else they are forgotten."""
        with self._mutex:
            noted = self._pending.pop(window, None)
            if not complete or not noted or key in self._overflow:
                return
            made = self._made.setdefault(key, [])
            made.extend(noted)
            if len(made) > 4 * EDGE_MAX:  # far more than any edge kept: stop collecting for this account
                self._overflow.add(key)
                del self._made[key]

    def entry_edge(self, key: str, cursor: Optional[str]) -> Optional[List[Digest]]:
        """The edge a state entry of `key` at `cursor` keeps, or None when it could not be complete."""
        start = _instant(cursor)
        if start is None or len(str(cursor)) == 10:
            return None  # a day cursor: the next sync starts at the day's beginning
        with self._mutex:
            made = list(self._made.get(key, ())) if key in self._made else None
        if made is None and key not in self._overflow and key in self._incoming and self._incoming[key][0] == cursor:
            # nothing of this account's was read since its state was saved: that state's edge still holds
            marks = sorted(self._incoming[key][1])
            return marks if len(marks) <= EDGE_MAX else None
        start -= self._lookback
        if self._since is None or start < self._since or key in self._overflow:
            return None
        marks = sorted({mark for value, mark in made or () if value >= start})
        return marks if len(marks) <= EDGE_MAX else None

    def held(self, entries: List[Mapping[str, Any]], cursor_field: str) -> List[Mapping[str, Any]]:
        """The state's entries, each with the edge it keeps (none where none is complete)."""
        held: List[Mapping[str, Any]] = []
        for entry in entries:
            plain = {name: value for name, value in entry.items() if name != EDGE_KEY}
            edge = self.entry_edge(self.key_of(entry.get("partition") or {}), (entry.get("cursor") or {}).get(cursor_field))
            held.append({**plain, EDGE_KEY: edge} if edge else plain)
        return held


def incoming_edges(state: Mapping[str, Any], key_of: Any, cursor_field: str) -> Dict[str, Tuple[str, List[str]]]:
    """Per partition key: the cursor and the digests of a saved state's entry that keeps an edge."""
    edges: Dict[str, Tuple[str, List[str]]] = {}
    for entry in state.get("states") or []:
        values = entry.get(EDGE_KEY)
        cursor = (entry.get("cursor") or {}).get(cursor_field)
        if isinstance(values, list) and isinstance(cursor, str) and isinstance(entry.get("partition"), dict):
            edges[key_of(entry["partition"])] = (cursor, [str(value) for value in values])
    return edges
