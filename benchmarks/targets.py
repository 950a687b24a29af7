"""The arithmetic of the targets: request floors, spreads, ratios and their verdicts, and what a scenario hands to
the report. Pure functions, so integration_tests/test_benchmark_harness.py checks them without running anything."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

PAGE = 1000  # Twilio's PageSize maximum on Messages.json, Calls.json and Accounts.json


@dataclass(frozen=True)
class Target:
    """One verdict line: `met` is True, False, or None when the run could not measure it (say, one round only)."""

    scenario: str
    name: str
    met: Optional[bool]
    figures: str

    @property
    def verdict(self) -> str:
        return "n/a" if self.met is None else "met" if self.met else "NOT met"

    def line(self) -> str:
        return f"- {self.name}: **{self.verdict}**. {self.figures}"


@dataclass
class Section:
    """What a scenario hands to the report: its runs, extra lines (tables, notes) and its verdicts."""

    key: str  # the --only name
    title: str
    world: str  # one line describing the emulator world and what is read
    runs: List[Any] = field(default_factory=list)  # contenders.Run, in the order they ran
    lines: List[str] = field(default_factory=list)  # markdown shown after the raw runs
    targets: List[Target] = field(default_factory=list)
    data: Dict[str, Any] = field(default_factory=dict)  # figures other scenarios use (the dense world's A rate)


def open_pass_requests() -> Dict[str, int]:
    """Requests of the open-records pass per account, by stream: one per query of source_twilio/open_records.py's
    table (`in_flight` + `settled`): messages 1 (the unfiltered list, newest first), calls 7 (3 in-flight statuses,
    4 settled ones that may lack end_time)."""
    from source_twilio.open_records import OPEN_RECORD_PASSES

    return {name: len(p.in_flight) + len(p.settled) for name, p in OPEN_RECORD_PASSES.items()}


def request_floor(records: Mapping[Tuple[str, str], int], open_pass: Mapping[str, int], accounts: int) -> Dict[str, int]:
    """The fewest requests that read `records` ({(account, stream): records, open ones included}) page by page.

    Per account and stream, ceil(records / 1000) pages, at least one (an empty list still takes a request to know it
    is empty), plus the open-records pass of that stream (`open_pass`); plus the pages of Accounts.json that list the
    `accounts`. Returns {"total", "pages", "pass", "accounts_json"}.
    """
    pages = sum(max(1, math.ceil(n / PAGE)) for n in records.values())
    passes = sum(open_pass.get(stream, 0) for (_, stream) in records)
    listing = max(1, math.ceil(accounts / PAGE))
    return {"total": pages + passes + listing, "pages": pages, "pass": passes, "accounts_json": listing}


def nothing_new_bound(accounts: int, streams: Sequence[str], open_pass: Mapping[str, int]) -> int:
    """At most this many requests for an incremental sync with nothing new: per account and stream its last window
    (1) and its open-records pass, plus one page per account for the page after the one holding the open messages
    (read to make sure), plus Accounts.json."""
    per_account = sum(1 + open_pass.get(stream, 0) for stream in streams) + (1 if "messages" in streams else 0)
    return accounts * per_account + 1


def spread(values: Iterable[float]) -> Dict[str, float]:
    """min, max, median and max/min - 1 (the spread) of a contender's rounds."""
    xs = [float(v) for v in values]
    if not xs:
        nan = float("nan")
        return {"n": 0, "min": nan, "max": nan, "median": nan, "spread": nan}
    lo, hi = min(xs), max(xs)
    return {"n": len(xs), "min": lo, "max": hi, "median": statistics.median(xs), "spread": hi / lo - 1 if lo > 0 else float("inf")}


def fmt(x: float, digits: int = 0) -> str:
    if x != x:
        return "-"
    return f"{x:,.{digits}f}"


def ratio_target(scenario: str, name: str, value: float, reference: float, *, at_least: Optional[float] = None,
                 at_most: Optional[float] = None, what: str = "", labels: Tuple[str, str] = ("A", "C"),
                 digits: int = 0) -> Target:
    """value / reference against a bound, e.g. A's records/s at least 0.5x C's, or A's requests at most 1.2x the
    floor. The figures name both values, the ratio and the bound."""
    if (at_least is None) == (at_most is None):
        raise ValueError("give exactly one of at_least, at_most")
    bound = at_least if at_least is not None else at_most
    sign = ">=" if at_least is not None else "<="
    unit = f" {what}" if what else ""
    head = f"{labels[0]} {fmt(value, digits)}{unit} vs {labels[1]} {fmt(reference, digits)}{unit}"
    if not reference or reference != reference or value != value:
        return Target(scenario, name, None, f"{head}: no ratio (target {sign} {bound:.2f}x)")
    ratio = value / reference
    met = ratio >= at_least if at_least is not None else ratio <= at_most
    return Target(scenario, name, met, f"{head} = {ratio:.2f}x (target {sign} {bound:.2f}x)")


def spread_target(scenario: str, name: str, rates: Sequence[float], max_spread: float, what: str = "records/s") -> Target:
    """Every round within `max_spread` of the others: max/min - 1 <= max_spread."""
    s = spread(rates)
    if s["n"] < 2:
        return Target(scenario, name, None, f"{s['n']} round(s): no spread to measure (run with --rounds 2 or more)")
    met = s["spread"] <= max_spread + 1e-9  # 130/100 - 1 is 0.30000000000000004
    return Target(scenario, name, met, f"{what} over {s['n']} rounds: min {fmt(s['min'])}, median {fmt(s['median'])}, "
                                       f"max {fmt(s['max'])}; max/min - 1 = {s['spread'] * 100:.1f}% "
                                       f"(target <= {max_spread * 100:.0f}%)")


def bound_target(scenario: str, name: str, value: float, bound: float, what: str, below: bool = True,
                 strict: bool = False) -> Target:
    """An absolute bound: value <= bound (or < with strict), e.g. peak RSS under 300 MB."""
    met = (value < bound if strict else value <= bound) if below else (value > bound if strict else value >= bound)
    sign = ("<" if strict else "<=") if below else (">" if strict else ">=")
    return Target(scenario, name, met, f"{fmt(value)} {what} (target {sign} {fmt(bound)} {what})")


def check_target(scenario: str, contender: str, runs: Sequence[Any]) -> Target:
    """Every record exactly once, against the emulator's truth, in every run of `contender` (Run.check())."""
    """(An incremental sync that reads only what changed is checked as a subset: nothing unexpected, nothing twice.)"""
    subset = bool(runs) and all(getattr(r, "subset", False) for r in runs)
    name = f"{contender}: {'no record unexpected or twice' if subset else 'every record exactly once'}"
    if not runs:
        return Target(scenario, name, None, "no run")
    bad = [f"{r.label}: {r.check()}" for r in runs if not r.ok]
    totals = sorted({r.total for r in runs})
    detail = "; ".join(bad) if bad else (f"{len(runs)} run(s) of {' / '.join(f'{t:,}' for t in totals)} records, each "
                                         + ("within the truth, none twice" if subset else "expected record once"))
    return Target(scenario, name, not bad, detail)
