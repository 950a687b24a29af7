"""Lists that serve a limited number of results per query: past the limit, the same window goes on with a narrower
query.

Twilio's Monitor Alerts: "The maximum number of Alert resources you can fetch per request to this API is 10,000"
(https://www.twilio.com/docs/usage/monitor-alert); the page that would go past the 10,000th result answers 400
"Invalid page and pageSize combination, data is limited to 10,000 results" (reference/twilio-api/README.md). A window
with more alerts than that is read as several queries: when the page just read brings the query to its limit and
Twilio still has a next page, the next request is the same query with its end (or, for a list in ascending order,
its start) moved to the page's last record. That record's second is read again by the new query, so this page drops
the records on it (records.TwilioListExtractor), and every alert is emitted once. The page past the limit is never
requested; if Twilio refused one anyway, the stream fails with Twilio's answer (errors.py).

{"alerts": [... 1,000 alerts, the last dated 2024-05-10T08:00:00Z], "meta": {"page": 9, "page_size": 1000,
 "next_page_url": "...PageToken=..."}}, asked as StartDate=2024-05-01T00:00:00Z&EndDate=2024-05-12T00:00:00Z
-> next request: StartDate=2024-05-01T00:00:00Z&EndDate=2024-05-10T08:00:01Z (no Page, no PageToken)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, List, Mapping, Optional, cast
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from .twilio import to_iso_utc

PAGING_PARAMETERS = ("Page", "PageToken")


@dataclass(frozen=True)
class ResultLimit:
    limit: int
    stream: str
    cursor_field: str
    start_param: str
    end_param: str

    @staticmethod
    def of(parameters: Mapping[str, Any]) -> Optional["ResultLimit"]:
        """From the stream's $parameters: `results_per_query` (Alerts: 10000) and its window's cursor and filters."""
        limit = parameters.get("results_per_query")
        if not limit:
            return None
        return ResultLimit(int(limit), parameters.get("name", ""), parameters["cursor_field"], parameters["start_param"], parameters["end_param"])

    def reached(self, body: Mapping[str, Any]) -> bool:
        """The page just read brings its query to the limit, and Twilio has more."""
        meta = body.get("meta") or {}
        if not meta.get("next_page_url"):
            return False
        return (int(meta.get("page") or 0) + 1) * int(meta.get("page_size") or 0) >= self.limit

    def boundary(self, body: Mapping[str, Any], records: List[Mapping[str, Any]], cursor_field: Optional[str] = None) -> Optional[str]:
        """The cursor of the page's last record when the query is continued after this page, else None."""
        if not records or not self.reached(body):
            return None
        value = to_iso_utc(records[-1].get(cursor_field or self.cursor_field))
        if not value:
            raise self._failure(f"its last record has no {self.cursor_field}")
        return cast(str, value)

    def continuation(self, url: str, body: Mapping[str, Any], records: List[Mapping[str, Any]]) -> Optional[str]:
        """The narrower query that goes on after this page, or None when the query is not at its limit."""
        boundary = self.boundary(body, records)
        if boundary is None:
            return None
        first = to_iso_utc(records[0].get(self.cursor_field)) or boundary
        newest_first = first >= boundary
        scheme, netloc, path, query, _ = urlsplit(url)
        params = [(key, value) for key, value in parse_qsl(query, keep_blank_values=True) if key not in PAGING_PARAMETERS]
        if newest_first:
            moved, value = self.end_param, _plus_one_second(boundary)
        else:
            moved, value = self.start_param, boundary
        before = dict(params)
        params = [(key, v) for key, v in params if key != moved] + [(moved, value)]
        if to_iso_utc(before.get(moved)) == value:
            raise self._failure(f"all {self.limit} results of the query {url} fall within one second ({boundary})")
        return urlunsplit((scheme, netloc, path, urlencode(params), ""))

    def _failure(self, why: str) -> AirbyteTracedException:
        message = (
            f"{self.stream}: Twilio serves at most {self.limit:,} results per query, and the query cannot be narrowed: "
            f"{why}. Set a filter that reads fewer records (alert_log_level for alerts)."
        )
        return AirbyteTracedException(message=message, internal_message=message, failure_type=FailureType.system_error)


def _plus_one_second(iso: str) -> str:
    moment = datetime.strptime(iso[:19], "%Y-%m-%dT%H:%M:%S") + timedelta(seconds=1)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
