"""The emulator worlds the contenders read, their truth, and the fewest requests that read them."""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Optional, Set, Tuple

from benchmarks.common import iso, log, parse_iso
from benchmarks.targets import PAGE, open_pass_requests, request_floor
from integration_tests.emulator import Emulator


@dataclass(frozen=True)
class WorldSpec:
    """One emulator world: `accounts` readable accounts (the main one and accounts - 1 subaccounts, none closed or
    suspended), that many messages and calls each, spread over `history_days` up to now."""

    name: str
    accounts: int
    messages: int
    calls: int
    history_days: int = 90
    latency_ms: float = 80.0
    max_concurrency: int = 100

    def describe(self) -> str:
        subs = self.accounts - 1
        parts = [f"{self.messages * self.accounts:,} messages"] + ([f"{self.calls * self.accounts:,} calls"] if self.calls else [])
        per = f"{self.messages:,}" + (f" + {self.calls:,}" if self.calls else "")
        return (f"{self.accounts} accounts (main + {subs} subaccount{'s' if subs != 1 else ''}, none closed or suspended), "
                f"{' and '.join(parts)} ({per} per account) over {self.history_days:,} days; {self.latency_ms:g} ms "
                f"latency per request; 429 (code 20429) above {self.max_concurrency} concurrent requests per account; "
                f"page cache off")


@dataclass
class World:
    name: str
    spec: WorldSpec
    emu: Emulator
    accounts: List[str]
    main_sid: str
    token: str
    now: datetime
    history_start: datetime
    _truth: Dict[Tuple[str, str], Tuple[Set[bytes], Set[bytes]]] = field(default_factory=dict)

    @classmethod
    def start(cls, spec: WorldSpec) -> "World":
        log(f"starting emulator '{spec.name}': {spec.accounts} accounts x ({spec.messages:,} messages, {spec.calls:,} "
            f"calls) over {spec.history_days} days, latency {spec.latency_ms:g} ms, max concurrency "
            f"{spec.max_concurrency}/account")
        # cache_mb=0: every page is rendered per request, as the real API would cost it, so repeated runs of the
        # same pages do not get cheaper for the emulator (which shares the machine's two cores with the contender).
        emu = Emulator(seed=42, accounts=spec.accounts - 1, closed=0, suspended=0, messages_per_account=spec.messages,
                       calls_per_account=spec.calls, history_days=spec.history_days, subprocess=True,
                       latency_ms=spec.latency_ms, max_concurrency=spec.max_concurrency, cache_mb=0).start()
        w = emu.world
        main_sid, token = emu.main_credentials
        return cls(spec.name, spec, emu, list(w["readable_account_sids"]), main_sid, token, parse_iso(w["now"]),
                   parse_iso(w["history_start"]))

    def stop(self) -> None:
        self.emu.stop()

    def __enter__(self) -> "World":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def pid(self) -> int:
        return self.emu.process.pid

    @property
    def start_date(self) -> datetime:
        """The contenders' start_date: midnight of the first day of the world's history."""
        return self.history_start.replace(hour=0, minute=0, second=0, microsecond=0)

    def describe(self) -> str:
        return f"{self.spec.describe()}; up to {iso(self.now)}, start_date {iso(self.start_date)}"

    def truth(self, stream: str, since: datetime) -> Tuple[Set[bytes], Set[bytes]]:
        """(keys whose cursor is on or after `since`, keys whose cursor is still null and that were created on or after
        `since`). The emulator's `open_keys` lists every record without a cursor, whenever created: a call that failed a
        month before start_date has none for good, and a sync from start_date does not return it (open_records.py keeps
        settled records created since the sync's start); in-flight records are minutes old. With `since` at the
        world's first day, as in every scenario but `A on B's slice`, nothing is left out."""
        key = (stream, iso(since))
        if key not in self._truth:
            t = self.emu.truth(stream, since=iso(since))
            open_keys = {k["sid"].encode() for k in t.get("open_keys") or []}
            if open_keys and since > self.history_start:
                created = self.emu.truth(stream, since=iso(since), cursor="date_created")
                open_keys &= {k["sid"].encode() for k in created["keys"]}
            self._truth[key] = ({k["sid"].encode() for k in t["keys"]}, open_keys)
        return self._truth[key]

    def records_by_account(self, streams: Tuple[str, ...], since: datetime) -> Dict[Tuple[str, str], int]:
        """{(account, stream): records a full sync from `since` returns}, open ones included, from the truth."""
        out = {}
        for account in self.accounts:
            for stream in streams:
                t = self.emu.truth(stream, since=iso(since), account=account)
                out[(account, stream)] = len(t["keys"]) + len(t.get("open_keys") or [])
        return out

    def floor(self, streams: Tuple[str, ...], since: Optional[datetime] = None) -> Dict[str, int]:
        """targets.request_floor of this world: ceil(records / 1000) per account and stream, the open-records pass,
        Accounts.json."""
        records = self.records_by_account(streams, since or self.start_date)
        return request_floor(records, open_pass_requests(), len(self.accounts))


def windows(start: datetime, end: datetime, step: timedelta) -> List[Tuple[datetime, datetime]]:
    """The connector's date windows: DatetimeBasedCursor slices [s, s + step - 1s] up to `end` (granularity PT1S)."""
    out, s = [], start
    while s <= end:
        e = min(s + step - timedelta(seconds=1), end)
        out.append((s, e))
        s = e + timedelta(seconds=1)
    return out


def minimum_requests(buckets: Dict[Tuple[str, str, str], int], start: Optional[datetime],
                     step: Optional[timedelta]) -> Dict[str, Any]:
    """Fewest requests that read the records a run returned.

    windowed: in the connector's windows (DatetimeBasedCursor slices [s, s + step - 1s] from start_date to now, per
    account and stream), the sum over windows of max(1, ceil(records in window / 1000)): the full pages plus each
    window's last page (an empty window still costs one request); plus one Accounts.json.
    unwindowed: ceil(records / 1000) per account and stream, plus one Accounts.json.
    Both include the open-records pass each account's newest window is followed by (records no date filter can
    match): one request per query of source_twilio/open_records.py's table (targets.open_pass_requests).

    `buckets` counts the run's records per (stream, account, cursor hour "YYYY-MM-DDTHH"), taken from its stdout;
    the check column says whether those records are the emulator's truth. Windows start on whole hours here (the
    start_date is a midnight and the default step P7D), so hour buckets fall entirely inside one window. Only exact
    while every window lies within what Twilio keeps (messages: 400 days), as in the dense world.
    """
    open_pass = open_pass_requests()
    per_stream_account: Dict[Tuple[str, str], Dict[str, int]] = {}
    for (stream, account, hour), n in buckets.items():
        hours = per_stream_account.setdefault((stream, account), {})
        hours[hour] = hours.get(hour, 0) + n
    passes = sum(open_pass.get(stream, 0) for stream, _ in per_stream_account)
    unwindowed = 1 + passes + sum(max(1, math.ceil(sum(h.values()) / PAGE)) for h in per_stream_account.values())
    result: Dict[str, Any] = {"unwindowed": unwindowed}
    if start is None or step is None:
        return result
    if start.minute or start.second or step.total_seconds() % 3600:
        return result  # hour buckets would straddle windows; not needed for the benchmark's configs
    now = datetime.now(timezone.utc).replace(microsecond=0)
    wins = windows(start, now, step)
    bounds = [iso(s)[:13] for s, _ in wins]
    windowed = 1 + passes
    for hours in per_stream_account.values():
        per_window = [0] * len(wins)
        for hour, n in hours.items():
            i = bisect.bisect_right(bounds, hour) - 1
            per_window[max(i, 0)] += n
        windowed += sum(max(1, math.ceil(n / PAGE)) for n in per_window)
    result.update({"windows_per_account": len(wins), "windowed": windowed})
    return result
