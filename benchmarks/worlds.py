"""The emulator worlds the contenders read, and the fewest requests that read them."""

from __future__ import annotations

import argparse
import bisect
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Optional, Set, Tuple

from benchmarks.common import PAGE, REPO, iso, log, parse_iso
from integration_tests.emulator import Emulator


@dataclass
class World:
    name: str
    emu: Emulator
    accounts: List[str]
    main_sid: str
    token: str
    now: datetime
    history_start: datetime
    _truth: Dict[Tuple[str, str], Tuple[Set[bytes], Set[bytes]]] = field(default_factory=dict)

    @classmethod
    def start(cls, name: str, accounts: int, messages: int, calls: int, args: argparse.Namespace) -> "World":
        log(f"starting emulator '{name}': {accounts} accounts x ({messages:,} messages, {calls:,} calls), "
            f"latency {args.latency_ms} ms, max concurrency {args.max_concurrency}/account")
        # cache_mb=0: every page is rendered per request, as the real API would cost it, so repeated runs of the
        # same pages do not get cheaper for the emulator (which shares the machine's two cores with the contender).
        emu = Emulator(seed=42, accounts=accounts - 1, closed=0, suspended=0, messages_per_account=messages,
                       calls_per_account=calls, subprocess=True, latency_ms=args.latency_ms,
                       max_concurrency=args.max_concurrency, cache_mb=0).start()
        w = emu.world
        main_sid, token = emu.main_credentials
        return cls(name, emu, list(w["readable_account_sids"]), main_sid, token, parse_iso(w["now"]),
                   parse_iso(w["history_start"]))

    def stop(self) -> None:
        self.emu.stop()

    @property
    def pid(self) -> int:
        return self.emu.process.pid

    def truth(self, stream: str, since: datetime) -> Tuple[Set[bytes], Set[bytes]]:
        """(keys whose cursor is on or after `since`, keys whose cursor is still null)."""
        key = (stream, iso(since))
        if key not in self._truth:
            t = self.emu.truth(stream, since=iso(since))
            self._truth[key] = ({k["sid"].encode() for k in t["keys"]}, {k["sid"].encode() for k in t.get("open_keys") or []})
        return self._truth[key]


def windows(start: datetime, end: datetime, step: timedelta) -> List[Tuple[datetime, datetime]]:
    """The connector's date windows: DatetimeBasedCursor slices [s, s + step - 1s] up to `end` (granularity PT1S)."""
    out, s = [], start
    while s <= end:
        e = min(s + step - timedelta(seconds=1), end)
        out.append((s, e))
        s = e + timedelta(seconds=1)
    return out


def open_pass_requests() -> Dict[str, int]:
    """Fewest requests of the open-records pass per account, by stream: one per query the manifest lists for it
    (`open_queries` and `settled_queries` of the stream's $parameters)."""
    import yaml  # the CDK's dependency; the benchmark runs in the connector's interpreter

    streams = yaml.safe_load((REPO / "source_twilio" / "manifest.yaml").read_text())["definitions"]["streams"]
    counts = {}
    for name, definition in streams.items():
        parameters = definition.get("$parameters") or {}
        queries = len(parameters.get("open_queries") or []) + len(parameters.get("settled_queries") or [])
        if queries:
            counts[name] = queries
    return counts


OPEN_PASS_REQUESTS = open_pass_requests()


def minimum_requests(buckets: Dict[Tuple[str, str, str], int], start: Optional[datetime],
                     step: Optional[timedelta]) -> Dict[str, Any]:
    """Fewest requests that read the records a run returned.

    windowed: in the connector's windows (DatetimeBasedCursor slices [s, s + step - 1s] from start_date to now, per
    account and stream), the sum over windows of max(1, ceil(records in window / 1000)): the full pages plus each
    window's last page (an empty window still costs one request); plus one Accounts.json.
    unwindowed: ceil(records / 1000) per account and stream, plus one Accounts.json.
    Both include the open-records pass each account's newest window is followed by (records no date filter can
    match): one request for messages (the open ones are the newest, on the first page), one per status for calls
    (queued, ringing, in-progress; canceled, failed, busy, no-answer, which may lack end_time).

    `buckets` counts the run's records per (stream, account, cursor hour "YYYY-MM-DDTHH"), taken from its stdout;
    the check column says whether those records are the emulator's truth. Windows start on whole hours here (the
    start_date is a midnight and the default step P7D), so hour buckets fall entirely inside one window.
    """
    per_stream_account: Dict[Tuple[str, str], Dict[str, int]] = {}
    for (stream, account, hour), n in buckets.items():
        hours = per_stream_account.setdefault((stream, account), {})
        hours[hour] = hours.get(hour, 0) + n
    open_pass = sum(OPEN_PASS_REQUESTS.get(stream, 0) for stream, _ in per_stream_account)
    unwindowed = 1 + open_pass + sum(max(1, math.ceil(sum(h.values()) / PAGE)) for h in per_stream_account.values())
    result: Dict[str, Any] = {"unwindowed": unwindowed}
    if start is None or step is None:
        return result
    if start.minute or start.second or step.total_seconds() % 3600:
        return result  # hour buckets would straddle windows; not needed for the benchmark's configs
    now = datetime.now(timezone.utc).replace(microsecond=0)
    wins = windows(start, now, step)
    bounds = [iso(s)[:13] for s, _ in wins]
    windowed = 1 + open_pass
    for hours in per_stream_account.values():
        per_window = [0] * len(wins)
        for hour, n in hours.items():
            i = bisect.bisect_right(bounds, hour) - 1
            per_window[max(i, 0)] += n
        windowed += sum(max(1, math.ceil(n / PAGE)) for n in per_window)
    result.update({"windows_per_account": len(wins), "windowed": windowed})
    return result
