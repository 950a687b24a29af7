"""How long an account's date windows are: as long as its own history needs, measured with one request.

Fixed windows cost a request each, full or empty: six years of P7D windows are 313 requests per account and stream,
even for an account with 500 messages in all, and hundreds of subaccounts multiply that. So before an account's
windows of a stream are made, one request asks Twilio for the newest page of the account's whole range (the same
request the first page of a single window over that range would be):

- The page is the last one (no next page), or its records say the whole range holds at most a window's worth of
  pages: the range is read as one window, starting from that very page, which is not asked for again. A sparse
  account costs exactly its pages.
- Otherwise its windows are cut at the density of the page (Twilio lists newest first, so the page's records span
  the newest part of the range) to hold a few pages each: enough windows that `num_workers` requests can run at
  once on one busy account (pages per window = the estimated pages / num_workers rounded down, so at least
  num_workers windows, from MIN_PAGES_PER_WINDOW to MAX_PAGES_PER_WINDOW), each a tenth short of a whole number of
  pages so that a window of k pages costs k requests, never shorter than SHORTEST_WINDOW. The probe's page is the
  one request spent on top of the account's pages.

The probe is an estimate of where records are, never of what is read: every window is still read to its last page
and every record is kept by the window that owns it (records.WindowBounds), whatever the windows' lengths.

{"messages": [1,000 records from 2024-06-03T10:00:00Z down to 2024-06-02T10:00:00Z], "next_page_uri": "..."}
over a range 2024-01-01 .. 2024-06-03T10:00:00Z, num_workers 10 -> about 154 pages: windows of 9 pages (9,000
records, 9 days)
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from typing import Any, List, Optional

import requests

from .twilio import next_page_link, parsed_page, to_instant

MIN_PAGES_PER_WINDOW = 2
MAX_PAGES_PER_WINDOW = 10
FILL = 0.9  # a window is cut to hold 90% of its whole pages: the density it is cut at is an estimate
SHORTEST_WINDOW = datetime.timedelta(minutes=1)
ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Plan:
    """The windows of one account's range: one window (`step` None) starting from `first_page`, or windows `step`
    long; `first_page` is None when the probe's page is not the first page of any window."""

    step: Optional[datetime.timedelta]
    first_page: Optional[requests.Response] = None
    rows: Optional[int] = None  # the records the range holds: counted when one page holds them all, else estimated

    @property
    def one_window(self) -> bool:
        return self.step is None


def plan_from_probe(
    response: Optional[requests.Response],
    list_key: str,
    cursor_field: str,
    lower: datetime.datetime,
    upper: datetime.datetime,
    workers: int,
    whole_days: bool = False,
) -> Optional[Plan]:
    """The plan for the range [lower, upper) from the first page of a request over all of it, or None (keep the
    configured windows) when the page says nothing about density. `whole_days`: the range's filter takes dates only
    (conferences, notifications, usage records), so a window is a whole number of days, at least one."""
    if response is None:
        return None
    if not response.ok:
        # An error the error handler let through (a suspended subaccount, a product refusing, ...): the one window
        # gets this same answer, and is handled as any window that got it.
        return Plan(step=None, first_page=response, rows=0)
    body = parsed_page(response)
    if body is None:
        return None
    records = body.get(list_key)
    if not isinstance(records, list):
        return None
    if not next_page_link(body):
        return Plan(step=None, first_page=response, rows=len(records))
    oldest = _oldest(records, cursor_field)
    if oldest is None or not records:
        return None
    span = max(upper - oldest, datetime.timedelta(seconds=1))
    pages = (upper - lower) / span  # the range holds about this many pages like this one
    pages_per_window = min(MAX_PAGES_PER_WINDOW, max(MIN_PAGES_PER_WINDOW, math.floor(pages / max(1, workers))))
    rows = round(pages * len(records))
    if pages <= pages_per_window + 0.5:
        return Plan(step=None, first_page=response, rows=rows)
    step = max(SHORTEST_WINDOW, span * (FILL * pages_per_window))
    if whole_days:
        return Plan(step=datetime.timedelta(days=max(1, math.floor(step / ONE_DAY))), rows=rows)
    return Plan(step=datetime.timedelta(seconds=round(step.total_seconds())), rows=rows)


def _oldest(records: List[Any], cursor_field: str) -> Optional[datetime.datetime]:
    instants = [to_instant(record.get(cursor_field)) for record in records if isinstance(record, dict)]
    known = [instant for instant in instants if instant is not None]
    return min(known) if known else None
