"""List resources as index-addressable collections, and Twilio's list filters.

Every list endpoint is served from a ``Collection``: ``len()`` records, record ``i``
built on demand as ``(item, attrs)`` -- ``item`` is the JSON object Twilio returns,
``attrs`` holds the same facts as Python values (epoch seconds, plain strings) for
filtering and for the truth endpoint.  Collections whose records are ordered by a
time (``sort_time``) can turn a date filter into an index range by binary search;
attributes that trail the sort time by a bounded lag (a message's ``date_sent`` is a
few seconds after ``date_created``) are narrowed the same way, and the exact test is
then applied record by record.

Filters imitate Twilio's query syntax: range parameters are the field name followed by
``>`` or ``<`` and are sent as ``DateSent>=2024-01-01`` (on or after) or
``DateSent<=...``; the bare name (``DateSent=2024-01-01``) matches a day or an exact
instant.  A record whose filtered field is null never matches a range.

Whether an upper bound includes records exactly at it is read from each parameter's
description in Twilio's spec (``FilterSpec.reading``), and a knob can override it:
* "inclusive": a date covers its whole day, an instant is included
  (Messages ``DateSent<``: "on and before a specific date"; Usage ``EndDate``);
* "exclusive": before the start of the date, or strictly before the instant
  (Calls ``StartTime<``/``EndTime<``: "started before this date"; Studio
  ``DateCreatedTo``: "starting before"; Verify ``DateCreatedBefore``: "created before");
* "midnight": at or before 00:00:00 of the date, an instant included (Conferences,
  Recordings, Media ``DateCreated<``, Conferences ``DateUpdated<``: "on or before
  midnight of this date"; Notifications ``MessageDate<``: "at or before midnight").
Lower bounds are "on or after", except Verify ``DateCreatedAfter`` ("created after this
datetime": exclusive unless the knob says otherwise).
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Callable, Iterable

from .timefmt import DAY, BadDate, parse_relative_or_iso, parse_usage_date, parse_when
from .timeline import Timeline

Record = tuple[dict, dict]


class Collection:
    """Base class: subclasses provide __len__, record() and optionally sort_time()."""

    key = "items"
    order = "asc"  # "desc" for Messages and Calls (newest first)
    lags: dict[str, tuple[int, int]] = {}  # attr -> (min, max) offset from sort_time

    def __len__(self) -> int:  # pragma: no cover - abstract
        raise NotImplementedError

    def record(self, i: int) -> Record:  # pragma: no cover - abstract
        raise NotImplementedError

    def attrs(self, i: int) -> dict:
        return self.record(i)[1]

    def has_times(self) -> bool:
        return False

    def index_bounds(self, t_lo: int | None, t_hi: int | None) -> tuple[int, int]:
        """Index range [lo, hi) whose sort_time lies in [t_lo, t_hi]."""
        return 0, len(self)

    def narrow(self, ranges: dict, equals: dict) -> tuple[int, int]:
        lo, hi = 0, len(self)
        if not self.has_times():
            return lo, hi
        for attr, (a, b) in ranges.items():
            lag = self.lags.get(attr)
            if lag is None:
                continue
            t_lo = None if a is None else a - lag[1]
            t_hi = None if b is None else b - lag[0]
            l2, h2 = self.index_bounds(t_lo, t_hi)
            lo, hi = max(lo, l2), min(hi, h2)
        return lo, hi


class ListCollection(Collection):
    """A materialised list (small resources, sub-resources, global catalogues)."""

    def __init__(self, key: str, records: list[Record], times: list[int] | None = None,
                 lags: dict | None = None, order: str = "asc"):
        self.key = key
        self.records = records
        self.times = times  # sorted ascending, parallel to records, or None
        self.lags = lags or {}
        self.order = order

    def __len__(self) -> int:
        return len(self.records)

    def record(self, i: int) -> Record:
        return self.records[i]

    def has_times(self) -> bool:
        return self.times is not None

    def index_bounds(self, t_lo, t_hi):
        lo = 0 if t_lo is None else bisect_left(self.times, t_lo)
        hi = len(self.times) if t_hi is None else bisect_right(self.times, t_hi)
        return lo, hi


class TimelineIndexed(Collection):
    """A collection whose record i is created at ``self.tl.time(i)``, ascending: time filters by binary search."""

    tl: Timeline

    def __len__(self) -> int:
        return self.tl.n

    def has_times(self) -> bool:
        return True

    def index_bounds(self, t_lo, t_hi):
        lo = 0 if t_lo is None else self.tl.lower_bound(t_lo)
        hi = self.tl.n if t_hi is None else self.tl.upper_bound(t_hi)
        return lo, hi


class TimelineCollection(TimelineIndexed):
    """Records generated from a Timeline: ``make(i, t)`` builds record i created at t."""

    def __init__(self, key: str, timeline: Timeline, make: Callable[[int, int], Record],
                 lags: dict | None = None, order: str = "asc"):
        self.key = key
        self.tl = timeline
        self.make = make
        self.lags = lags or {}
        self.order = order

    def record(self, i: int) -> Record:
        return self.make(i, self.tl.time(i))


# --------------------------------------------------------------------------- filters


class FilterError(ValueError):
    """Bad filter value -> HTTP 400 (code 20001 unless given)."""

    def __init__(self, message: str, code: int = 20001):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class FilterSpec:
    """One accepted query parameter.

    kind: "time"  date or date-time (date-only values cover the whole day)
          "date"  date only (a date-time is truncated to its day)
          "usage" usage-record dates: YYYY-MM-DD or "-30days"
          "span"  Voice Insights: "4h", "7d" ... before now, or ISO
          "str"   exact string match
          "list"  one of the values: comma-separated, or the parameter repeated (TaskRouter AssignmentStatus)
          "flag"  a boolean: "true", "1" or "yes" is true, anything else false (TaskRouter Available)
          "raw"   not a filter by itself: kept in Query.raw for a route hook (TaskRouter Events Minutes)
    op:   "ge", "le" or "eq"
    reading: how the spec's text reads the bound: "inclusive", "exclusive" or "midnight"
    knob: the knob that may override the reading ("spec" in the knob keeps it)
    """

    param: str
    attr: str
    op: str = "eq"
    kind: str = "str"
    reading: str = "inclusive"
    knob: str | None = None


def time_filters(name: str, attr: str, kind: str = "time", le_reading: str = "inclusive",
                 bare: bool = True) -> list[FilterSpec]:
    """The 2010 triple ``Name``, ``Name>`` (sent as ``Name>=``) and ``Name<`` (reading: knob le_bound)."""
    specs = [FilterSpec(name + ">", attr, "ge", kind),
             FilterSpec(name + "<", attr, "le", kind, le_reading, "le_bound")]
    if bare:
        specs.append(FilterSpec(name, attr, "eq", kind))
    return specs


class Query:
    """Parsed filters of one request: ``ranges`` {attr: (lo, hi)} and ``equals``."""

    def __init__(self):
        self.ranges: dict[str, tuple[int | None, int | None]] = {}
        self.equals: dict[str, str] = {}
        self.one_of: dict[str, set] = {}
        self.raw: dict[str, str] = {}  # param -> value as sent (for validators)
        self.order: str | None = None  # set by a route hook to override the collection order

    def add_range(self, attr: str, lo: int | None, hi: int | None) -> None:
        a, b = self.ranges.get(attr, (None, None))
        if lo is not None:
            a = lo if a is None else max(a, lo)
        if hi is not None:
            b = hi if b is None else min(b, hi)
        self.ranges[attr] = (a, b)

    @property
    def empty(self) -> bool:
        return not self.ranges and not self.equals and not self.one_of

    @property
    def sparse(self) -> bool:
        """Filters that may match few records (equality, one-of), tested on cheap attrs first."""
        return bool(self.equals or self.one_of)

    def matches(self, attrs: dict) -> bool:
        for attr, (a, b) in self.ranges.items():
            v = attrs.get(attr)
            if v is None or (a is not None and v < a) or (b is not None and v > b):
                return False
        for attr, want in self.equals.items():
            if attrs.get(attr) != want:
                return False
        for attr, allowed in self.one_of.items():
            if attrs.get(attr) not in allowed:
                return False
        return True


def _bound(spec: FilterSpec, t: int, date_only: bool, knobs) -> tuple[int | None, int | None]:
    """The (lo, hi) range of epoch seconds one range parameter admits."""
    reading = spec.reading
    if spec.knob and knobs is not None and getattr(knobs, spec.knob) != "spec":
        reading = getattr(knobs, spec.knob)
    if spec.op == "ge":
        return (t + 1 if reading == "exclusive" else t), None
    if reading == "exclusive":
        return None, t - 1
    if reading == "midnight":
        return None, t
    return None, (t + DAY - 1 if date_only else t)


def parse_filters(params: Iterable[tuple[str, str]], specs: list[FilterSpec], now: int, knobs=None) -> Query:
    by_param = {s.param: s for s in specs}
    q = Query()
    for name, value in params:
        spec = by_param.get(name)
        if spec is None:
            continue  # Twilio ignores parameters it does not know
        q.raw[name] = value
        if spec.kind == "str":
            q.equals[spec.attr] = value
            continue
        if spec.kind == "list":
            q.one_of.setdefault(spec.attr, set()).update(v.strip() for v in value.split(",") if v.strip())
            continue
        if spec.kind == "flag":
            q.equals[spec.attr] = value.strip().lower() in ("true", "1", "yes")
            continue
        if spec.kind == "raw":
            continue
        try:
            if spec.kind == "usage":
                t, date_only = parse_usage_date(value, now), True
            elif spec.kind == "span":
                t, date_only = parse_relative_or_iso(value, now)
            else:
                t, date_only = parse_when(value)
                if spec.kind == "date" and not date_only:
                    t, date_only = t - t % DAY, True
        except BadDate:
            raise FilterError(f"Invalid value for {name}: '{value}' is not a valid date") from None
        if spec.op == "eq":
            q.add_range(spec.attr, t, t + DAY - 1 if date_only else t)
        else:
            q.add_range(spec.attr, *_bound(spec, t, date_only, knobs))
    return q
