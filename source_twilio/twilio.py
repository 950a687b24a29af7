"""Twilio's primitives, which the rest of the connector builds on: its dates, its pages and their links, the account
a path or a partition names, and its clock.

- Dates: Twilio's 2010 API sends RFC 2822 (`Fri, 18 Oct 2019 17:00:00 +0000`), the product APIs ISO 8601; records,
  state and window bounds all use ISO 8601 UTC (`to_iso_utc`), and comparisons an aware datetime (`to_instant`).
- Pages: a response's JSON object, parsed once (`parsed_page`); what makes a 2xx body no Twilio page
  (`page_problem`); the link to the next page in either envelope (`next_page_link`).
- Accounts: the account a 2010 API path names (`ACCOUNT_PATH`), and the one a partition is read for (`account_of`).
- Twilio's clock: when Twilio served a response (`served_at`, its Date header), and how far behind it a state stays
  (`CLOCK_MARGIN`).
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any, Dict, Mapping, Optional, cast

import orjson
import requests

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


# ---------------------------------------------------------------- pages
_UNREADABLE: Dict[str, Any] = {}
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def forget_parsed_page(response: requests.Response) -> None:
    """Drops the parsed body kept on `response` (a page kept for later holds its bytes only, a few times smaller)."""
    response.__dict__.pop("_twilio_body", None)


def parsed_page(response: requests.Response) -> Optional[Dict[str, Any]]:
    """The page's JSON object, parsed once per response; None when the body is not a JSON object."""
    body = getattr(response, "_twilio_body", None)
    if body is None:
        body = _parsed(response.content) if response.content else _UNREADABLE
        if not isinstance(body, dict):
            body = _UNREADABLE
        response._twilio_body = body  # type: ignore[attr-defined]
    return None if body is _UNREADABLE else body


def _parsed(content: bytes) -> Any:
    """orjson's reading of a body; where orjson refuses a valid JSON text (a lone UTF-16 surrogate escape such as an
    SMS cut mid-emoji, `"hi \\ud83d"`; an integer beyond 64 bits), the standard library's, with each lone surrogate
    replaced by U+FFFD: a string holding one is not Unicode, and neither orjson (the CDK's serialiser) nor a UTF-8
    destination can write it. What neither parser reads is unreadable."""
    try:
        return orjson.loads(content)
    except orjson.JSONDecodeError:
        pass
    try:
        return _valid_unicode(json.loads(content))
    except (ValueError, RecursionError):
        return _UNREADABLE


def _valid_unicode(value: Any) -> Any:
    """`value` with every lone surrogate in its strings (keys too) replaced by U+FFFD. The standard library joins a
    valid pair (`\\ud83d\\ude00`) into one character, so a surrogate left in a string is a lone one."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_valid_unicode(item) for item in value]
    if isinstance(value, dict):
        return {_valid_unicode(key): _valid_unicode(item) for key, item in value.items()}
    return value


def page_problem(response: requests.Response, list_key: str, paged: bool = True) -> Optional[str]:
    """What makes a 2xx body no Twilio page, or None when it is one. A page of a list holds its list (`messages`: [...])
    and, when the list is paged, the envelope that says whether another page follows (`next_page_uri` on the 2010 API,
    `meta` on product hosts). Without them a proxy's or cache's `{}` would read as an empty last page, and its window
    as complete.

    b'{"messages": [], "next_page_uri": null}' -> None; b'{}' -> "no `messages` list"; b'[]' -> "not a JSON object"
    """
    body = parsed_page(response)
    if body is None:
        return "not a JSON object" if response.content else "an empty body"
    if not list_key:
        return None if body else "an empty object"
    if not isinstance(body.get(list_key), list):
        return f"no `{list_key}` list"
    if paged and "meta" not in body and "next_page_uri" not in body:
        return "no `next_page_uri` or `meta` paging envelope"
    return None


def next_page_link(body: Mapping[str, Any]) -> Optional[str]:
    """Twilio's link to the next page in either envelope: `next_page_uri` (2010 API, relative to the host) or
    `meta.next_page_url` (absolute); None on the last page."""
    if "meta" in body:
        return (body.get("meta") or {}).get("next_page_url") or None
    return body.get("next_page_uri") or None


# ---------------------------------------------------------------- accounts
# A 2010 API path names its account: /2010-04-01/Accounts/AC.../Calls.json (request URLs and Airbyte's state).
ACCOUNT_PATH = re.compile(r"/2010-04-01/Accounts/(AC[0-9a-fA-F]{32})/(.+)")


def account_of(partition: Mapping[str, Any]) -> Optional[str]:
    """The account of a partition, or of its parent's partition for substreams."""
    while partition:
        if partition.get("account_sid"):
            return cast(str, partition["account_sid"])
        partition = partition.get("parent_slice") or {}
    return None


# ---------------------------------------------------------------- Twilio's clock
# A complete window moves its account's state to where it ends, but never past Twilio's own clock at the moment the
# window's first page was served (the response's Date header) less CLOCK_MARGIN: a record Twilio dates before that
# instant existed when the page was served, whatever this machine's clock says (cursors.py, point 5).
CLOCK_MARGIN = timedelta(minutes=5)


def served_at(response: Any) -> Optional[datetime]:
    """Twilio's clock when it served `response` (its Date header), or None without a readable one."""
    headers = getattr(response, "headers", None) or {}
    value = headers.get("Date")
    if not value:
        return None
    try:
        instant = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return instant if instant.tzinfo else instant.replace(tzinfo=timezone.utc)
