"""Twilio date formats, rendered fast.

* 2010-04-01 API: RFC 2822 with a numeric offset, always "+0000" here
  ("Fri, 18 Oct 2019 17:00:00 +0000").
* v1/v2 product APIs: ISO 8601 UTC with a "Z" ("2019-10-18T17:00:00Z").
* Usage records: plain "YYYY-MM-DD" dates; ``as_of`` is "YYYY-MM-DDTHH:MM:SS+00:00".

Rendering a 1000-item page formats thousands of dates, so the per-day prefix is
cached and the 86,400 "HH:MM:SS" strings are built once.
"""
from __future__ import annotations

import calendar
import re
import time
from datetime import datetime, timezone

DAY = 86400
_HMS = ["%02d:%02d:%02d" % (s // 3600, (s // 60) % 60, s % 60) for s in range(DAY)]
_day_cache: dict[int, tuple[str, str]] = {}


def _day_prefixes(d: int) -> tuple[str, str]:
    p = _day_cache.get(d)
    if p is None:
        tm = time.gmtime(d * DAY)
        p = (time.strftime("%a, %d %b %Y ", tm), time.strftime("%Y-%m-%dT", tm))
        _day_cache[d] = p
    return p


def rfc2822(t: int | None) -> str | None:
    if t is None:
        return None
    d, s = divmod(t, DAY)
    return _day_prefixes(d)[0] + _HMS[s] + " +0000"


def iso(t: int | None) -> str | None:
    if t is None:
        return None
    d, s = divmod(t, DAY)
    return _day_prefixes(d)[1] + _HMS[s] + "Z"


def iso_offset(t: int) -> str:
    """ISO with "+00:00" (usage records' ``as_of``)."""
    d, s = divmod(t, DAY)
    return _day_prefixes(d)[1] + _HMS[s] + "+00:00"


def ymd(t: int | None) -> str | None:
    if t is None:
        return None
    return _day_prefixes(t // DAY)[1][:-1]


def day_start(t: int) -> int:
    return t - t % DAY


_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_RELATIVE_DAYS = re.compile(r"^([+-]\d+)days?$")
_RELATIVE_SPAN = re.compile(r"^(\d+)([mhdw])$")


class BadDate(ValueError):
    pass


def parse_when(value: str) -> tuple[int, bool]:
    """Parse a filter value: returns (epoch seconds, date_only).

    Accepts "YYYY-MM-DD", ISO 8601 date-times ("2024-01-02T03:04:05Z", with fraction or
    offset, or a space instead of "T") and RFC 2822 dates.
    """
    v = value.strip()
    if _DATE_ONLY.match(v):
        try:
            dt = datetime.strptime(v, "%Y-%m-%d")
        except ValueError as e:
            raise BadDate(value) from e
        return calendar.timegm(dt.timetuple()), True
    try:
        dt = datetime.fromisoformat(v.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        try:
            from email.utils import parsedate_to_datetime

            dt = parsedate_to_datetime(v)
        except (TypeError, ValueError, IndexError) as e:
            raise BadDate(value) from e
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return int(dt.timestamp()), False


def parse_usage_date(value: str, now: int) -> int:
    """Usage StartDate/EndDate: "YYYY-MM-DD" or an offset like "-30days" (day start epoch)."""
    m = _RELATIVE_DAYS.match(value.strip())
    if m:
        return day_start(now) + int(m.group(1)) * DAY
    t, _ = parse_when(value)
    return day_start(t)


def parse_relative_or_iso(value: str, now: int) -> tuple[int, bool]:
    """Voice Insights StartTime/EndTime: "30m", "4h", "7d", "1w" before now, or ISO."""
    m = _RELATIVE_SPAN.match(value.strip())
    if m:
        n, unit = int(m.group(1)), m.group(2)
        return now - n * {"m": 60, "h": 3600, "d": DAY, "w": 7 * DAY}[unit], False
    return parse_when(value)


def to_epoch(value: str | int | float | None) -> int | None:
    """Helper for config/control input: epoch int, or any string parse_when accepts."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return int(value)
    return parse_when(value)[0]
