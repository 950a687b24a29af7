"""The scenarios, one function each: its world, its runs, its targets. See benchmarks/README.md.

Each returns a targets.Section; `run_scenarios` runs the chosen ones in order (dense first: real-latency compares
with the dense world's A rate) and starts and stops their emulator worlds.
"""

from __future__ import annotations

import argparse
import json
import math
import traceback
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any, List, Optional, Set

from benchmarks.common import AIRBYTE_DEFAULT_WORKERS, AIRBYTE_PACKAGE, AIRBYTE_VERSION, SLICE, STREAMS, WORK, iso, log
from benchmarks.contenders import Contenders, Run
from benchmarks.proxy import CountingProxy, timeline_line, timeline_summary
from benchmarks.report import fmt_int, groups, med, raw_table, requests_table
from benchmarks.targets import (Section, Target, bound_target, check_target, nothing_new_bound, open_pass_requests,
                                ratio_target, spread_target)
from benchmarks.worlds import World, WorldSpec

SCENARIOS = ("dense", "incremental", "sparse", "many-accounts", "real-latency", "memory", "many-accounts-history", "profile")
# profile only with --profile or --only profile; many-accounts-history (the whole catalog, three syncs) with --only
DEFAULT = SCENARIOS[:-2]
SIX_YEARS = 6 * 365

# Full sizes; --quick (--scale 0.2) multiplies the records per account, and the subaccounts of many-accounts, by 0.2.
SPECS = {
    "dense": WorldSpec("dense", 3, 100_000, 50_000),
    "sparse": WorldSpec("sparse", 5, 1_000, 500, history_days=SIX_YEARS),
    "many-accounts": WorldSpec("many-accounts", 201, 500, 0),
    "real-latency": WorldSpec("real-latency", 3, 20_000, 0),
    "memory": WorldSpec("memory", 3, 333_334, 0),
}
# Minutes each scenario takes on the 2-core machine, measured (RESULTS.md); "B" is what contender B adds to dense.
MINUTES = {"full": {"dense": 4, "incremental": 1, "sparse": 0.5, "many-accounts": 1.6, "real-latency": 1.3,
                    "memory": 2, "profile": 1.5, "B": 7, "many-accounts-history": 30},
           "quick": {"dense": 1, "incremental": 0.35, "sparse": 0.5, "many-accounts": 0.4, "real-latency": 0.55,
                     "memory": 0.5, "profile": 0.4, "B": 1.7, "many-accounts-history": 25}}


@dataclass
class Bench:
    args: argparse.Namespace
    c: Contenders

    def spec(self, name: str) -> WorldSpec:
        spec = replace(SPECS[name], latency_ms=self.args.latency_ms, max_concurrency=self.args.max_concurrency)
        if name == "real-latency":
            spec = replace(spec, latency_ms=self.args.real_latency_ms)
        return scaled(spec, self.args.scale)

    @property
    def side_rounds(self) -> int:
        """Rounds of the scenarios other than dense (many-accounts, real-latency): 2, or fewer with --rounds 1."""
        return max(1, min(2, self.args.rounds))


def scaled(spec: WorldSpec, scale: float) -> WorldSpec:
    """The spec with its records per account (at least 1 each) and, in many-accounts, its subaccounts times `scale`."""
    if scale == 1:
        return spec
    accounts = 1 + max(1, round((spec.accounts - 1) * scale)) if spec.name == "many-accounts" else spec.accounts
    return replace(spec, accounts=accounts, messages=max(1, round(spec.messages * scale)),
                   calls=max(1, round(spec.calls * scale)) if spec.calls else 0)


def expected_minutes(args: argparse.Namespace, selected: Set[str]) -> float:
    """From MINUTES (measured), interpolated for other --scale values (start-up and latency-bound parts stay)."""
    full, quick = MINUTES["full"], MINUTES["quick"]
    keys = set(selected) | ({"B"} if "dense" in selected and not args.skip_airbyte else set())
    out = 0.0
    for k in keys:
        out += quick[k] + (full[k] - quick[k]) * max(0.0, args.scale - 0.2) / 0.8 if args.scale >= 0.2 else quick[k] * args.scale / 0.2
    return out


# --------------------------------------------------------------------------------------------- dense
def dense(b: Bench, world: World) -> Section:
    """A vs C (and B, optional) on the dense world, alternating, for --rounds rounds."""
    args, c, start = b.args, b.c, world.start_date
    sec = Section("dense", "Dense world: records/s of A vs C", world.describe() + "; streams messages + calls, full refresh.")
    sweep: List[Run] = []
    b_best: Optional[int] = None
    b_start = start if args.airbyte_days <= 0 else (world.now - timedelta(days=args.airbyte_days)).replace(
        hour=0, minute=0, second=0, microsecond=0)
    if not args.skip_airbyte:
        if args.airbyte_workers:
            b_best = args.airbyte_workers
        else:
            sweep_start = (world.now - timedelta(days=args.sweep_days)).replace(hour=0, minute=0, second=0, microsecond=0)
            log(f"B pre-pass: num_workers in {args.sweep} on the newest {args.sweep_days} days (from {iso(sweep_start)})")
            for n in args.sweep:
                sweep.append(c.run_b(world, f"dense sweep B {n}", sweep_start, n, group=f"B num_workers={n}"))
            best = max(sweep, key=lambda r: r.rate if r.exit_code == 0 else 0)
            b_best = int(best.note.split("=")[1])
            log(f"B's best num_workers in the pre-pass: {b_best}")
    for r in range(1, args.rounds + 1):
        sec.runs.append(c.run_a(world, f"dense r{r} A", start))
        if not args.skip_airbyte:
            sec.runs.append(c.run_b(world, f"dense r{r} B-default", b_start, None, group="B-default"))
            if b_best != AIRBYTE_DEFAULT_WORKERS:
                sec.runs.append(c.run_b(world, f"dense r{r} B-best", b_start, b_best, group="B-best"))
        sec.runs.append(c.run_c(world, f"dense r{r} C", start))
        if not args.skip_airbyte and b_start != start:
            sec.runs.append(c.run_a(world, f"dense r{r} {SLICE}", b_start, tag="slice", group=SLICE))

    g = groups(sec.runs)
    rate = {name: med([r.rate for r in rs]) for name, rs in g.items()}
    a_runs, c_runs = g.get("A", []), g.get("C", [])
    sec.data["a_rate"] = rate.get("A")
    sec.targets += [
        ratio_target("dense", "A's records/s at least 50% of C's (medians)", rate.get("A", math.nan),
                     rate.get("C", math.nan), at_least=0.5, what="records/s"),
        spread_target("dense", "every round of A within 30% of the others", [r.rate for r in a_runs], 0.30),
        check_target("dense", "A", a_runs),
        check_target("dense", "C", c_runs),
    ]
    if a_runs:
        mr = a_runs[0].min_requests or {}
        req = med([r.requests for r in a_runs])
        if "windowed" in mr:
            sec.lines.append(f"A's requests: {req:,.0f}; the fewest for {mr['windows_per_account']} fixed {c.a_step} windows "
                             f"per account and stream (slice_step_duration {c.a_step}) are {mr['windowed']:,} "
                             f"({(req / mr['windowed'] - 1) * 100:+.1f}%), the "
                             f"unwindowed floor {mr['unwindowed']:,} ({(req / mr['unwindowed'] - 1) * 100:+.1f}%); C: "
                             f"{fmt_int(med([r.requests for r in c_runs]))}.")
    if not args.skip_airbyte:
        sec.lines += ["", f"B: {AIRBYTE_PACKAGE}=={AIRBYTE_VERSION} (airbyte-cdk {c.airbyte_versions[1]}), default "
                      f"num_workers {AIRBYTE_DEFAULT_WORKERS}, best {b_best}"
                      + (" (--airbyte-workers)" if args.airbyte_workers else " (pre-pass below)") + ". "
                      + ("B reads the whole world." if b_start == start else
                         f"B reads the newest {args.airbyte_days:g} days (start_date {iso(b_start)}); row `{SLICE}` is A "
                         "on the same slice. Not targets, for comparison:")]
        for name in ("B-default", "B-best"):
            if name in rate:
                line = f"- A / {name} = {rate['A'] / rate[name]:.1f}x (records/s)"
                if SLICE in rate:
                    line += f"; {SLICE} / {name} = {rate[SLICE] / rate[name]:.1f}x"
                sec.lines.append(line)
        sec.lines.append(f"- B-default: {check_target('dense', 'B', g.get('B-default', [])).figures}")
        if sweep:
            sec.lines += ["", f"B pre-pass (num_workers sweep, newest {args.sweep_days:g} days):", "", *raw_table(sweep)]
    return sec


# --------------------------------------------------------------------------------------------- incremental
def incremental(b: Bench, world: World) -> Section:
    """A incremental from start_date, then again from its final state with nothing new (through the proxy)."""
    c, start = b.c, world.start_date
    sec = Section("incremental", "Incremental with nothing new: requests of A's second sync",
                  world.describe() + "; streams messages + calls, incremental, twice.")
    first = c.run_a(world, "incremental 1st (from start_date)", start, mode="incremental", tag="inc", group="1st (from start_date)")
    state_path = WORK / "state-incremental.json"
    state_path.write_text(json.dumps(list(first.states.values()), indent=1))
    proxy = CountingProxy(world.emu.url)
    try:
        second = c.run_a(world, "incremental 2nd (final state, nothing new)", start, mode="incremental",
                         state=state_path, base_url=proxy.url, tag="inc", subset=True,
                         group="2nd (final state, nothing new)")
    finally:
        proxy.close()
    sec.runs += [first, second]
    bound = nothing_new_bound(len(world.accounts), STREAMS, open_pass_requests())
    opass = open_pass_requests()
    sec.lines += [f"Second sync: {second.requests} requests, {second.total} records (those whose cursor equals the "
                  "saved state, and the open ones). Bound: per account, each stream's last window (1) and its "
                  f"open-records pass ({', '.join(f'{k} {v}' for k, v in opass.items())}, source_twilio/open_records.py), "
                  f"one more page of messages; plus Accounts.json: {bound} for {len(world.accounts)} accounts. "
                  "Per account and stream (counting proxy):", "", *requests_table(proxy.rows())]
    sec.targets += [
        bound_target("incremental", "nothing new: at most a few requests per account and stream", second.requests,
                     bound, "requests"),
        check_target("incremental", "A, 1st sync", [first]),
        check_target("incremental", "A, 2nd sync", [second]),
    ]
    return sec


# --------------------------------------------------------------------------------------------- sparse
def sparse(b: Bench) -> Section:
    """Six years of thin history: A's requests against the floor (A through the counting proxy)."""
    c = b.c
    with World.start(b.spec("sparse")) as world:
        start = world.start_date
        sec = Section("sparse", "Sparse world: A's requests vs the floor", world.describe()
                      + "; streams messages + calls, full refresh (Twilio lists messages for 400 days only).")
        per_floor = world.records_by_account(STREAMS, start)
        floor = world.floor(STREAMS, start)
        proxy = CountingProxy(world.emu.url)
        try:
            a = c.run_a(world, "sparse A", start, base_url=proxy.url)
        finally:
            proxy.close()
        cc = c.run_c(world, "sparse C", start)
        sec.runs += [a, cc]
    opass = open_pass_requests()
    floor_cell = {key: max(1, math.ceil(n / 1000)) + opass.get(key[1], 0) for key, n in per_floor.items()}
    floor_cell[("-", "accounts")] = floor["accounts_json"]
    by_stream = a.stats.get("by_stream", {})
    sec.lines += [
        f"Floor: {floor['total']:,} requests = {floor['pages']:,} pages (ceil(records / 1000), at least 1, per account and "
        f"stream) + {floor['pass']:,} for the open-records pass ({', '.join(f'{k} {v}' for k, v in opass.items())} per "
        "account, from source_twilio/open_records.py) "
        f"+ {floor['accounts_json']} Accounts.json. Records per account and stream (truth, open ones included): "
        + ", ".join(f"{s} {min(n for (_, st), n in per_floor.items() if st == s):,}-{max(n for (_, st), n in per_floor.items() if st == s):,}"
                    for s in STREAMS) + ".",
        f"A's requests by stream (emulator): {by_stream}; C's: {cc.stats.get('by_stream', {})}.",
        timeline_line("A's requests over time", timeline_summary(proxy.timeline, a.started, a.wall), c.a_workers), "",
        "A's requests per account and stream (counting proxy):", "", *requests_table(proxy.rows(), floor_cell)]
    sec.targets += [
        ratio_target("sparse", "A's requests at most 1.2x the floor", a.requests, floor["total"], at_most=1.2,
                     what="requests", labels=("A", "floor")),
        check_target("sparse", "A", [a]),
        check_target("sparse", "C", [cc]),
    ]
    return sec


# --------------------------------------------------------------------------------------------- many accounts
def many_accounts(b: Bench) -> Section:
    """The main account and many subaccounts, messages only: A's wall time vs C's."""
    c = b.c
    streams = ("messages",)
    with World.start(b.spec("many-accounts")) as world:
        start = world.start_date
        sec = Section("many-accounts", "Many accounts: wall time of A vs C",
                      world.describe() + "; stream messages, full refresh.")
        floor = world.floor(streams, start)
        for r in range(1, b.side_rounds + 1):
            sec.runs.append(c.run_a(world, f"many-accounts r{r} A", start, streams=streams))
            sec.runs.append(c.run_c(world, f"many-accounts r{r} C", start, streams=streams))
            sec.runs.append(c.run_d(world, f"many-accounts r{r} D", start, streams=streams))
        n = len(world.accounts)
    g = groups(sec.runs)
    wall = {name: med([r.wall for r in rs]) for name, rs in g.items()}
    cpu = {name: med([r.cpu for r in rs]) for name, rs in g.items()}
    req = {name: med([r.requests for r in rs]) for name, rs in g.items()}
    sec.lines.append(f"Requests (median): A {req['A']:,.0f} ({req['A'] / n:.1f} per account), C {req['C']:,.0f} "
                     f"({req['C'] / n:.1f} per account), D {req['D']:,.0f}; floor {floor['total']:,} (pages "
                     f"{floor['pages']:,}, open-records pass {floor['pass']:,}, Accounts.json {floor['accounts_json']}).")
    sec.lines.append(f"The floor of airbyte-cdk (D: the CDK as it ships reading the same pages, one request per account, "
                     f"no cursor, no windows, no Accounts.json; benchmarks/bare_cdk.py): wall {wall['D']:.1f} s = "
                     f"{wall['D'] / wall['C']:.2f}x C's, CPU {cpu['D']:.1f} s; A {wall['A'] / wall['D']:.2f}x D's wall, "
                     f"CPU {cpu['A']:.1f} s. A's target (1.5x C's wall) is within reach on airbyte-cdk only if D's wall "
                     f"is: {'it is' if wall['D'] <= 1.5 * wall['C'] else 'it is not'}.")
    sec.targets += [
        ratio_target("many-accounts", "A's wall time within 1.5x of C's (medians)", wall["A"], wall["C"], at_most=1.5,
                     what="s", digits=1),
        check_target("many-accounts", "A", g.get("A", [])),
        check_target("many-accounts", "C", g.get("C", [])),
    ]
    return sec


# --------------------------------------------------------------------------------------------- real latency
def real_latency(b: Bench, dense_rate: Optional[float]) -> Section:
    """A second per request: A's records/s against min(the dense world's A rate, num_workers x 1,000 records/s)."""
    args, c = b.args, b.c
    streams = ("messages",)
    spec = b.spec("real-latency")
    with World.start(spec) as world:
        start = world.start_date
        sec = Section("real-latency", f"Real latency ({spec.latency_ms:g} ms per request): records/s of A",
                      world.describe() + "; stream messages, full refresh.")
        # A goes through the counting proxy (a millisecond or two against a second per request) for its timeline.
        proxy = CountingProxy(world.emu.url)
        timelines = []
        try:
            for r in range(1, b.side_rounds + 1):
                proxy.reset()
                run = c.run_a(world, f"real-latency r{r} A", start, streams=streams, base_url=proxy.url)
                sec.runs.append(run)
                timelines.append(timeline_line(f"- r{r} A", timeline_summary(list(proxy.timeline), run.started, run.wall),
                                               c.a_workers))
                sec.runs.append(c.run_c(world, f"real-latency r{r} C", start, streams=streams))
        finally:
            proxy.close()
        source = "the dense world's A (median, this run)"
        if dense_rate is None:
            # The dense world did not run (--only real-latency): A on this world at the dense world's latency stands in.
            world.emu.configure(latency_ms=args.latency_ms)
            ref = c.run_a(world, f"real-latency A at {args.latency_ms:g} ms (CPU-bound reference)", start,
                          streams=streams, group=f"A at {args.latency_ms:g} ms")
            world.emu.configure(latency_ms=spec.latency_ms)
            sec.runs.append(ref)
            dense_rate, source = ref.rate, f"A on this world at {args.latency_ms:g} ms (the dense world did not run)"
    g = groups(sec.runs)
    a_rate = med([r.rate for r in g["A"]])
    cap = c.a_workers * 1000.0
    reference = min(dense_rate, cap)
    a_req = med([r.requests for r in g["A"]])
    sec.lines.append(f"Reference: min({source} {dense_rate:,.0f}, num_workers {c.a_workers} x 1,000 = {cap:,.0f}) = "
                     f"{reference:,.0f} records/s. A made {a_req:,.0f} requests: at {spec.latency_ms:g} ms each and "
                     f"{c.a_workers} in flight, at least {a_req * spec.latency_ms / 1000 / c.a_workers:.1f} s of waiting. "
                     f"C (one chain per account, not a target here): {med([r.rate for r in g['C']]):,.0f} records/s.")
    sec.lines += ["", "Where A's time goes (its requests through the counting proxy):", "", *timelines]
    sec.targets += [
        ratio_target("real-latency", "A's records/s at least 80% of min(dense A, num_workers x 1,000)", a_rate,
                     reference, at_least=0.8, what="records/s", labels=("A", "reference")),
        check_target("real-latency", "A", g.get("A", [])),
        check_target("real-latency", "C", g.get("C", [])),
    ]
    return sec


# --------------------------------------------------------------------------------------------- memory
def memory(b: Bench) -> Section:
    """A's peak RSS on a full refresh of many messages."""
    spec = b.spec("memory")
    with World.start(spec) as world:
        sec = Section("memory", "Memory: A's peak RSS", world.describe() + "; stream messages, full refresh.")
        run = b.c.run_a(world, "memory A", world.start_date, streams=("messages",), tag="mem")
        sec.runs.append(run)
    sec.targets += [
        bound_target("memory", f"A's peak RSS under 300 MB ({run.total / 1e6:.2f}M messages; the full run reads 1M)",
                     run.maxrss_mb, 300, "MB", strict=True),
        check_target("memory", "A", [run]),
    ]
    return sec


# --------------------------------------------------------------------------------------------- all of them
def _guard(name: str, fn: Any, *a: Any) -> Section:
    """Runs a scenario; a harness failure becomes a section with the traceback, so the others still report."""
    try:
        return fn(*a)
    except Exception as exc:  # noqa: BLE001
        log(f"scenario {name} failed: {exc!r}")
        tb = traceback.format_exc()
        sec = Section(name, f"{name}: the harness failed", "-")
        sec.lines += ["```", tb.strip()[-3000:], "```"]
        sec.targets.append(Target(name, "scenario ran", False, f"{type(exc).__name__}: {exc}"[:300]))
        return sec


def run_scenarios(b: Bench, selected: Set[str]) -> List[Section]:
    from benchmarks.profiling import profile_section

    sections: List[Section] = []
    dense_rate = None
    if selected & {"dense", "incremental", "profile"}:
        with World.start(b.spec("dense")) as world:
            if "dense" in selected:
                sec = _guard("dense", dense, b, world)
                sections.append(sec)
                dense_rate = sec.data.get("a_rate")
            if "incremental" in selected:
                sections.append(_guard("incremental", incremental, b, world))
            if "profile" in selected:
                sections.append(_guard("profile", profile_section, b.c, world))
    if "sparse" in selected:
        sections.append(_guard("sparse", sparse, b))
    if "many-accounts" in selected:
        sections.append(_guard("many-accounts", many_accounts, b))
    if "real-latency" in selected:
        sections.append(_guard("real-latency", real_latency, b, dense_rate))
    if "memory" in selected:
        sections.append(_guard("memory", memory, b))
    if "many-accounts-history" in selected:
        from benchmarks.history import many_accounts_history

        sections.append(_guard("many-accounts-history", many_accounts_history, b))
    return [s for s in sections if s is not None]
