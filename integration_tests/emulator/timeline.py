"""Record times for append-only streams, computed instead of stored.

A stream of N records (messages, calls, alerts, ...) is a list of *segments*: the
initial history plus one segment per ``advance``.  Inside a segment of ``n`` records
spread over ``[t0, t1]`` record ``j`` gets ``t0 + floor((j + u_j) * (t1 - t0) / n)``
with a per-record jitter ``u_j`` in [0, 1).  That is non-decreasing in the record
index, so a date filter is resolved by binary search over the index and a page is
generated on demand -- a million-record stream costs a few hundred bytes.

The second half of this module is the *settle log* for records that start "open"
(queued messages without ``date_sent``, ringing / in-progress calls without
``end_time``) and are completed by a later ``advance``.
"""
from __future__ import annotations

from bisect import bisect_right
from typing import NamedTuple

from .ids import mix64


class Segment(NamedTuple):
    i0: int  # first record index of the segment
    n: int  # records in the segment
    t0: int  # earliest time (epoch seconds)
    t1: int  # latest time


class Timeline:
    """Immutable: ``appended`` returns a new Timeline (readers keep a stable snapshot)."""

    __slots__ = ("segments", "_starts", "n", "salt")

    def __init__(self, segments: tuple[Segment, ...], salt: int):
        self.segments = segments
        self._starts = [s.i0 for s in segments]
        self.n = segments[-1].i0 + segments[-1].n if segments else 0
        self.salt = salt

    @classmethod
    def spread(cls, n: int, t0: int, t1: int, salt: int) -> "Timeline":
        return cls((Segment(0, n, t0, max(t0, t1)),) if n > 0 else (), salt)

    @classmethod
    def from_parts(cls, parts: list[tuple[int, int, int]], salt: int) -> "Timeline":
        """Consecutive segments ``(n, t0, t1)``, in time order and not overlapping (a burst inside a spread)."""
        segs, i0, last = [], 0, None
        for n, t0, t1 in sorted(parts, key=lambda p: p[1]):
            if n <= 0:
                continue
            if last is not None and t0 < last:
                raise ValueError(f"timeline parts overlap: {parts}")
            segs.append(Segment(i0, n, t0, max(t0, t1)))
            i0 += n
            last = max(t0, t1)
        return cls(tuple(segs), salt)

    def appended(self, n: int, t0: int, t1: int) -> "Timeline":
        if n <= 0:
            return self
        return Timeline(self.segments + (Segment(self.n, n, t0, max(t0, t1)),), self.salt)

    def __len__(self) -> int:
        return self.n

    def time(self, i: int) -> int:
        segs = self.segments
        seg = segs[0] if len(segs) == 1 else segs[bisect_right(self._starts, i) - 1]
        u = (mix64(self.salt ^ i) & 0xFFFF) / 65536.0
        return seg.t0 + int((i - seg.i0 + u) * (seg.t1 - seg.t0) / seg.n)

    def lower_bound(self, t: int) -> int:
        """First index whose time is >= t (n if none)."""
        lo, hi = 0, self.n
        while lo < hi:
            mid = (lo + hi) >> 1
            if self.time(mid) < t:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def upper_bound(self, t: int) -> int:
        """First index whose time is > t (n if none)."""
        lo, hi = 0, self.n
        while lo < hi:
            mid = (lo + hi) >> 1
            if self.time(mid) <= t:
                lo = mid + 1
            else:
                hi = mid
        return lo


class SettleRange(NamedTuple):
    lo: int
    hi: int  # exclusive
    t_prev: int | None  # "now" before the advance that settled them; None = settled at creation
    t_settle: int  # "now" at the moment they were settled


class SettleLog:
    """Which records of a stream are settled, and when.

    Records ``[0, settled_upto)`` are settled (final status, date_sent / end_time set);
    the rest, the newest ones, are still open.  ``ranges`` tell when each block was
    settled: a block with ``t_prev`` set was open at ``t_prev`` and completed by
    ``t_settle`` -- its completion time falls in ``(t_prev, t_settle]``, exactly like a
    queued message that is sent later.
    """

    __slots__ = ("ranges", "_los", "settled_upto")

    def __init__(self, ranges: tuple[SettleRange, ...], settled_upto: int):
        self.ranges = ranges
        self._los = [r.lo for r in ranges]
        self.settled_upto = settled_upto

    @classmethod
    def initial(cls, n: int, open_tail: int, now: int) -> "SettleLog":
        upto = max(0, n - open_tail)
        return cls((SettleRange(0, upto, None, now),) if upto else (), upto)

    def advanced(self, n_old: int, n_new: int, open_tail: int, t_prev: int, t_now: int) -> "SettleLog":
        upto = max(self.settled_upto, n_new - min(open_tail, n_new - n_old))
        ranges = list(self.ranges)
        if upto > self.settled_upto:
            mid = min(upto, n_old)
            if mid > self.settled_upto:  # formerly open records, completed now
                ranges.append(SettleRange(self.settled_upto, mid, t_prev, t_now))
            if upto > mid:  # new records that are already final when first seen
                ranges.append(SettleRange(mid, upto, None, t_now))
        return SettleLog(tuple(ranges), upto)

    def info(self, i: int) -> SettleRange | None:
        if i >= self.settled_upto:
            return None
        rs = self.ranges
        return rs[0] if len(rs) == 1 else rs[bisect_right(self._los, i) - 1]

    def late_ranges(self) -> list[SettleRange]:
        """Blocks settled by an advance after having been open."""
        return [r for r in self.ranges if r.t_prev is not None]
