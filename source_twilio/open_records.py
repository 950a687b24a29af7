"""The open-records pass: the records no date window can return, because their cursor field is empty.

A queued or scheduled message has no `date_sent`; a call still queued, ringing or in progress has no `end_time`; and
a call that failed or was canceled never gets one (Twilio's Call resource: `end_time` is "empty if the call did not
complete successfully"). Twilio's date filters never match an empty field, so after each account's newest window
the paginator asks for these records directly, and the extractor keeps only those whose cursor is empty (the others
were, or will be, read in their window: nothing is emitted twice). An empty cursor does not move the state; once a
message is sent or a call ends, its cursor falls after the state and it arrives again, final.

Everything the pass does is declared here, once, per stream:
- `in_flight`: queries for records still in flight, all of them current. Calls are filtered by status; messages
  have no status filter, so their pass reads the list unfiltered (UNFILTERED), newest first, while a page still
  holds an open message (a message is queued when it is created: open ones are the newest).
- `settled`: queries for records that are final yet keep an empty cursor for good. Twilio cannot filter them by
  date, so only those created since the account's sync start are kept (`Settings.open_since`, computed from
  the incoming state by `state.open_pass_since`, else `start_date`), and paging stops below it (lists are newest
  first).

Used by paging.TwilioPagination (which queries to run), records.TwilioListExtractor (which records to keep) and
state.open_pass_since (where settled records start); the tests' builders read the same table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Callable, Mapping, Optional, Tuple
from urllib.parse import parse_qs, urlencode, urlsplit

from .twilio import ACCOUNT_PATH, to_iso_utc
from .config import settings_of

# The list as it comes, newest first: the query of a pass that has no filter to ask with.
UNFILTERED: Mapping[str, str] = {}

# A call is queued or ringing for seconds, rarely minutes: one in flight when the last sync started, and failed or
# canceled after it, was created at most this long before that sync's cursor.
OPEN_RECORD_MARGIN = timedelta(hours=1)


def status(value: str) -> Mapping[str, str]:
    return {"Status": value}


@dataclass(frozen=True)
class OpenRecordPass:
    stream: str
    resource: str  # the list the pass reads: Messages.json, Calls.json
    cursor_field: str  # empty while the record is open
    in_flight: Tuple[Mapping[str, str], ...]
    settled: Tuple[Mapping[str, str], ...] = ()

    def queries(self, config: Mapping[str, Any]) -> Tuple[Tuple[Mapping[str, str], bool], ...]:
        """(query, settled) in the order they run; with `call_status` set, the requester sends that status on every
        request, so only the query for that status is left (none when it is a status that always has a cursor)."""
        queries = tuple((query, False) for query in self.in_flight) + tuple((query, True) for query in self.settled)
        wanted = config.get("call_status")
        if self.stream == "calls" and wanted:
            queries = tuple((query, settled) for query, settled in queries if query.get("Status") == wanted)
        return queries

    def query_index(self, url: str, config: Mapping[str, Any]) -> int:
        """Which of `queries` the pass request `url` runs (its filters are all in the URL); len(queries) if none."""
        asked = {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
        queries = self.queries(config)
        for index, (query, _) in enumerate(queries):
            if all(asked.get(key) == value for key, value in query.items()):
                return index
        return len(queries)

    def query_string(self, index: int, config: Mapping[str, Any], page_size: int) -> Optional[str]:
        queries = self.queries(config)
        if index >= len(queries):
            return None
        return urlencode({"PageSize": page_size, **queries[index][0]})

    def is_open(self, record: Mapping[str, Any]) -> bool:
        return record.get(self.cursor_field) in (None, "")

    def keeper(self, url: str, config: Mapping[str, Any]) -> Callable[[Mapping[str, Any]], bool]:
        """Which records of the pass page at `url` to emit."""
        queries = self.queries(config)
        index = self.query_index(url, config)
        if index >= len(queries) or not queries[index][1]:
            return self.is_open
        account = ACCOUNT_PATH.search(urlsplit(url).path)
        settings = settings_of(config)
        since = (settings.open_since.get(self.stream) or {}).get(account.group(1) if account else "", settings.start)
        return lambda record: self.is_open(record) and (to_iso_utc(record.get("date_created")) or "") >= since

    def is_settled(self, url: str, config: Mapping[str, Any]) -> bool:
        queries = self.queries(config)
        index = self.query_index(url, config)
        return index < len(queries) and queries[index][1]


OPEN_RECORD_PASSES = {
    "messages": OpenRecordPass("messages", "Messages.json", "date_sent", in_flight=(UNFILTERED,)),
    "calls": OpenRecordPass(
        "calls",
        "Calls.json",
        "end_time",
        in_flight=(status("queued"), status("ringing"), status("in-progress")),
        # busy and no-answer calls normally have an end_time; asked for in case Twilio leaves it empty for them too.
        settled=(status("canceled"), status("failed"), status("busy"), status("no-answer")),
    ),
}


def is_newest_window(cursor_slice: Optional[Mapping[str, Any]], sync_end: str) -> bool:
    """Whether a window is its account's newest (it ends at the sync's end, `Settings.end`): the pass runs after it
    (paging.TwilioPagination), and once it has closed the pass has run (cursors.OpenPassBounds)."""
    end = (cursor_slice or {}).get("end_time")
    return bool(end) and str(end) >= sync_end


def open_record_pass(stream: str, config: Mapping[str, Any]) -> Optional[OpenRecordPass]:
    """The pass of `stream`, or None: streams without one, or a sync of a closed range (`end_date` set)."""
    if config.get("end_date"):
        return None
    return OPEN_RECORD_PASSES.get(stream)
