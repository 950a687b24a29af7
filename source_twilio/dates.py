"""Twilio's dates as ISO 8601 UTC, the one form records, state and window bounds use."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any, Optional

# What to_iso_utc makes of a Twilio date-time: "2019-10-18T17:00:00Z".
ISO_INSTANT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")

_MONTHS = {m: f"{i:02d}" for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}


def to_iso_utc(value: Any) -> Any:
    """A Twilio date as ISO 8601 UTC; anything that is not a recognisable date is returned unchanged.

    "Fri, 18 Oct 2019 17:00:00 +0000" -> "2019-10-18T17:00:00Z"
    "Fri, 18 Oct 2019 19:00:00 +0200" -> "2019-10-18T17:00:00Z"
    "2019-10-18T17:00:00Z"            -> "2019-10-18T17:00:00Z"
    "2019-10-18T19:00:00+02:00"       -> "2019-10-18T17:00:00Z"
    """
    if not isinstance(value, str):
        return value
    # Fast path for the form Twilio's 2010 API nearly always sends.
    if len(value) == 31 and value[3] == "," and value.endswith(" +0000"):
        month = _MONTHS.get(value[8:11])
        if month:
            return f"{value[12:16]}-{month}-{value[5:7]}T{value[17:25]}Z"
    if value.endswith("Z") and len(value) >= 20 and value[10] == "T":
        return value
    try:
        if value[:1].isalpha():
            parsed = parsedate_to_datetime(value)
        else:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (TypeError, ValueError, IndexError):
        return value
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    parsed = parsed.astimezone(timezone.utc)
    if parsed.microsecond:
        return parsed.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return parsed.strftime("%Y-%m-%dT%H:%M:%SZ")


def to_instant(value: Any) -> Optional[datetime]:
    """A Twilio date (any shape to_iso_utc reads, or a YYYY-MM-DD day) as an aware UTC datetime; None for anything
    else. "Fri, 18 Oct 2019 17:00:00 +0000" -> datetime(2019, 10, 18, 17, 0, tzinfo=UTC)"""
    iso = to_iso_utc(value) if value else None
    if not isinstance(iso, str):
        return None
    try:
        instant = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return None
    return instant if instant.tzinfo else instant.replace(tzinfo=timezone.utc)
