"""Twilio paging: PageSize / Page / PageToken and the two page envelopes.

* ``PageSize`` 1..1000 (default 50); above 1000 is a 400.  Some v1/v2 endpoints have
  a lower maximum (Conversations 100, Conversation Users 50, ...): Twilio's specs
  declare it and the emulator clamps to it (the envelope then reports the real size).
* ``PageToken`` carries the position.  Here it encodes the index of the record where
  the next page starts (plus a direction bit for ``previous_page_uri``), so a deep
  page costs the same as the first one and records appended meanwhile do not shift
  pages.  ``Page`` is client state echoed back; ``Page > 0`` without a token is a 400
  (knob ``require_page_token``).
* 2010-04-01 envelope: list key + ``first_page_uri``, ``end``, ``previous_page_uri``,
  ``uri``, ``page_size``, ``start``, ``next_page_uri``, ``page``; the URIs are relative
  ("/2010-04-01/Accounts/AC.../Messages.json?DateSent%3E=...&PageSize=1000&Page=1&PageToken=PA...")
  and ``next_page_uri`` is null on the last page.
* v1/v2 envelope: list key + ``meta {page, page_size, first_page_url,
  previous_page_url, url, next_page_url, key}`` with absolute URLs (here: the
  emulator's own base URL + "/{product}").
The original filters are repeated in every link, encoded the way Twilio does
(``DateSent%3E=2024-01-01``, ``StartDate=2024-01-01T00%3A00%3A00Z``).
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from .ids import mix64, unmix64
from .listing import Collection, FilterError, Query

DEFAULT_PAGE_SIZE = 50  # every spec's PageSize description: "The default is 50"
_TOKEN_SALT = 0x5DEECE66DA3B9F21
PAGING_PARAMS = ("PageSize", "Page", "PageToken")


class PagingError(FilterError):
    pass


def encode_token(prefix: str, cursor: int, backward: bool) -> str:
    return "%s%016x" % (prefix, mix64(((cursor << 1) | int(backward)) ^ _TOKEN_SALT))


def decode_token(token: str) -> tuple[int, bool]:
    try:
        v = unmix64(int(token[2:], 16)) ^ _TOKEN_SALT
    except ValueError:
        raise PagingError(f"Invalid PageToken: '{token}'") from None
    if len(token) != 18 or v >> 42:
        raise PagingError(f"Invalid PageToken: '{token}'")
    return v >> 1, bool(v & 1)


@dataclass
class PageParams:
    size: int
    page: int
    token: str | None


def parse_paging(params: dict[str, str], max_size: int, require_token: bool, over_max: str = "400") -> PageParams:
    """PageSize, Page and PageToken of a request.

    ``max_size`` is the spec's ``PageSize`` maximum for the path.  Below 1 is a 400 (the
    spec's ``minimum: 1``); above the maximum is undocumented: ``over_max="400"`` answers
    400 code 20001, ``"clamp"`` serves the maximum (and the envelope shows it).
    """
    raw = params.get("PageSize")
    if raw is None or raw == "":
        size = DEFAULT_PAGE_SIZE
    else:
        try:
            size = int(raw)
        except ValueError:
            raise PagingError(f"Invalid PageSize: '{raw}' is not an integer") from None
        if size < 1:
            raise PagingError("PageSize must be at least 1")
        if size > max_size:
            if over_max != "clamp":
                raise PagingError(f"PageSize must be less than or equal to {max_size}")
            size = max_size
    raw_page = params.get("Page") or "0"
    try:
        page = int(raw_page)
    except ValueError:
        raise PagingError(f"Invalid Page: '{raw_page}'") from None
    if page < 0:
        raise PagingError("Page must be >= 0")
    token = params.get("PageToken") or None
    if page > 0 and token is None and require_token:
        raise PagingError("PageToken is required when Page > 0: follow next_page_uri / meta.next_page_url")
    return PageParams(size, page, token)


@dataclass
class Slice:
    records: list  # items (JSON objects) of this page
    next_cursor: int | None
    prev_cursor: int | None


def select(coll: Collection, q: Query, lo: int, hi: int, size: int, cursor: int | None,
           backward: bool, page: int) -> Slice:
    """Pick one page of matching records from index range [lo, hi).

    Forward scanning follows the collection order (descending indices for
    newest-first collections).  ``cursor`` is the first index to examine.
    """
    desc = coll.order == "desc"
    step = -1 if desc != backward else 1
    if cursor is None:
        i = hi - 1 if step < 0 else lo
    else:
        i = min(cursor, hi - 1) if step < 0 else max(cursor, lo)
    items, idx = [], []
    record, attrs, matches = coll.record, coll.attrs, q.matches
    peek = None
    if q.empty or not q.sparse:
        # no filter, or only date ranges (already narrowed to [lo, hi)): nearly every
        # record matches, so build it once and test its attrs
        check = not q.empty
        while lo <= i < hi:
            item, a = record(i)
            if not check or matches(a):
                if len(items) == size:
                    peek = i
                    break
                items.append(item)
                idx.append(i)
            i += step
    else:
        # equality filters (To, Status, LogLevel...) can be sparse: test cheap attrs first
        while lo <= i < hi:
            if matches(attrs(i)):
                if len(items) == size:
                    peek = i
                    break
                items.append(record(i)[0])
                idx.append(i)
            i += step
    if not backward:
        prev = (idx[0] - step) if (page > 0 and idx) else None
        return Slice(items, peek, prev)
    # a previous page: we scanned against the collection order, so flip it back
    items.reverse()
    idx.reverse()
    fstep = -step
    nxt = idx[-1] + fstep if idx else cursor
    prev = (idx[0] - fstep) if (peek is not None and idx) else None
    return Slice(items, nxt, prev)


def filter_qs(params: list[tuple[str, str]]) -> str:
    """The request's non-paging parameters, in order, encoded like Twilio."""
    return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in params if k not in PAGING_PARAMS)


def _link(path: str, fqs: str, size: int, page: int, token: str | None) -> str:
    q = f"{fqs}&" if fqs else ""
    q += f"PageSize={size}&Page={page}"
    if token:
        q += f"&PageToken={token}"
    return f"{path}?{q}"


def envelope_2010(key: str, items: list, path: str, fqs: str, pp: PageParams, sl: Slice) -> dict:
    """Envelope of the 2010-04-01 API (relative URIs, start/end offsets)."""
    nxt = _link(path, fqs, pp.size, pp.page + 1, encode_token("PA", sl.next_cursor, False)) if sl.next_cursor is not None else None
    prev = _link(path, fqs, pp.size, pp.page - 1, encode_token("PA", sl.prev_cursor, True)) if sl.prev_cursor is not None else None
    start = pp.page * pp.size
    return {
        "first_page_uri": _link(path, fqs, pp.size, 0, None),
        "end": start + len(items) - 1 if items else start,
        "previous_page_uri": prev,
        key: items,
        "uri": _link(path, fqs, pp.size, pp.page, pp.token),
        "page_size": pp.size,
        "start": start,
        "next_page_uri": nxt,
        "page": pp.page,
    }


def envelope_v1(key: str, items: list, url_base: str, fqs: str, pp: PageParams, sl: Slice) -> dict:
    """Envelope of the v1/v2 product APIs (absolute URLs in ``meta``)."""
    nxt = _link(url_base, fqs, pp.size, pp.page + 1, encode_token("PT", sl.next_cursor, False)) if sl.next_cursor is not None else None
    prev = _link(url_base, fqs, pp.size, pp.page - 1, encode_token("PT", sl.prev_cursor, True)) if sl.prev_cursor is not None else None
    return {
        key: items,
        "meta": {
            "page": pp.page,
            "page_size": pp.size,
            "first_page_url": _link(url_base, fqs, pp.size, 0, None),
            "previous_page_url": prev,
            "url": _link(url_base, fqs, pp.size, pp.page, pp.token),
            "next_page_url": nxt,
            "key": key,
        },
    }
