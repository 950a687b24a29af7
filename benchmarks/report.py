"""The dated section of RESULTS.md."""

from __future__ import annotations

import argparse
import statistics
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional

from benchmarks.common import AIRBYTE_DEFAULT_WORKERS, AIRBYTE_PACKAGE, AIRBYTE_VERSION, SLICE, STREAMS, iso
from benchmarks.contenders import Contenders, Run
from benchmarks.worlds import OPEN_PASS_REQUESTS


def med(values: List[float]) -> float:
    return statistics.median(values) if values else float("nan")


def fmt_int(n: float) -> str:
    return "-" if n != n else f"{n:,.0f}"


def raw_table(runs: List[Run]) -> List[str]:
    out = ["| run | records | records/s | wall s | CPU s (sys) | voluntary context switches | max RSS MB | requests | min requests (windowed / unwindowed) | 429s | max in flight | emulator CPU s | check |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in runs:
        mr = r.min_requests or {}
        mins = f"{mr.get('windowed', '-')} / {mr.get('unwindowed', '-')}" if r.contender == "A" else f"- / {mr.get('unwindowed', '-')}"
        per = ", ".join(f"{k} {v:,}" for k, v in r.records.items())
        out.append(f"| {r.label}{' (' + r.note + ')' if r.note else ''} | {r.total:,} ({per}) | {r.rate:,.0f} | {r.wall:.1f} | {r.cpu:.1f} ({r.sys_cpu:.1f}) | "
                   f"{r.ctx_switches:,} | {r.maxrss_mb:.0f} | {r.requests} | {mins} | {r.stats.get('429s', 0)} | {r.stats.get('max_in_flight')} | "
                   f"{r.emulator_cpu:.1f} | {r.check()} |")
    return out


def report(args: argparse.Namespace, argv: List[str], c: Contenders, facts: Dict[str, str], worlds: Dict[str, Any],
           tp: Optional[Dict[str, Any]], inc: Optional[Dict[str, Any]], mem: Optional[Dict[str, Any]],
           prof: Optional[Dict[str, Any]], elapsed: float) -> str:
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    cmd = "python benchmarks/run.py" + ("" if not argv else " " + " ".join(argv))
    L = [f"## {now}{' (quick)' if args.quick else ''}", "",
         f"Command: `{cmd}` (interpreter: `{sys.executable}`), {elapsed / 60:.1f} minutes in all.", "",
         f"Code: {facts['code']}.", "",
         f"Machine: nproc {facts['nproc']}, {facts['cpu']}, {facts['memory']} RAM, Linux {facts['kernel']}, "
         f"Python {facts['python']}, load average at start {facts['loadavg']}. The emulator runs on the same machine "
         "as a child process and competes with the contender for the 2 cores (its CPU is in the table); nothing is pinned.", ""]
    for name, desc in worlds.items():
        L.append(f"- World `{name}`: {desc}")
    L.append(f"- A: this connector, defaults (num_workers {c.a_workers} from source_twilio/config.py DEFAULT_NUM_WORKERS, "
             f"slice_step_duration {c.a_step}), `{Path(sys.executable).name} main.py read`.")
    if tp and not args.skip_airbyte:
        L.append(f"- B: {AIRBYTE_PACKAGE}=={AIRBYTE_VERSION} (airbyte-cdk {c.airbyte_versions[1]}) in benchmarks/.work/airbyte-venv, "
                 f"default num_workers {AIRBYTE_DEFAULT_WORKERS}, best {tp['b_best']}"
                 + (" (given with --airbyte-workers)" if args.airbyte_workers else " (pre-pass below)") + ". "
                 + ("B reads the whole world." if tp["b_start"] == tp["start"] else
                    f"B reads the newest {args.airbyte_days} days (start_date {iso(tp['b_start'])}): at its speed the whole "
                    "world would take over 10 minutes per run; its records/s is compared with A's full run and with A "
                    "on the same slice (row `A on B's slice`)."))
    if tp:
        L.append(f"- C: benchmarks/fetcher.py, {c.a_workers} threads (A's default num_workers), unwindowed "
                 f"(one chain per account and stream, so at most {len(STREAMS) * 3} requests in flight with 3 accounts).")
    L.append("")

    if tp:
        runs: List[Run] = tp["runs"]
        groups: Dict[str, List[Run]] = {}
        for r in runs:
            groups.setdefault(r.label.split(" ", 1)[1], []).append(r)
        L += ["### Throughput (median of rounds)", "",
              "| contender | records | records/s | records/s, min - max | wall s | CPU s | voluntary context switches | max RSS MB | requests | checks |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
        for name, rs in groups.items():
            L.append(f"| {name}{' (' + rs[0].note + ')' if rs[0].note else ''} | {fmt_int(med([r.total for r in rs]))} | "
                     f"{fmt_int(med([r.rate for r in rs]))} | {fmt_int(min(r.rate for r in rs))} - {fmt_int(max(r.rate for r in rs))} | "
                     f"{med([r.wall for r in rs]):.1f} | {med([r.cpu for r in rs]):.1f} | {fmt_int(med([r.ctx_switches for r in rs]))} | "
                     f"{med([r.maxrss_mb for r in rs]):.0f} | {fmt_int(med([r.requests for r in rs]))} | "
                     f"{'; '.join(sorted(set(r.check() for r in rs)))} |")
        L.append("")
        rate = {name: med([r.rate for r in rs]) for name, rs in groups.items()}
        a = rate.get("A", float("nan"))
        targets = []
        L += ["Ratios (records/s, medians):", ""]
        if "B-default" in rate:
            x = a / rate["B-default"]
            line = f"- A / B-default = {x:.1f}x"
            if SLICE in rate:
                line += f" (A on B's slice / B-default = {rate[SLICE] / rate['B-default']:.1f}x)"
            L.append(line)
            targets.append(("A >= 5x B-default", x >= 5, f"{x:.1f}x"))
            best = rate.get("B-best", rate["B-default"])
            y = a / best
            line = f"- A / B-best (num_workers {tp['b_best']}) = {y:.1f}x"
            if SLICE in rate:
                line += f" (A on B's slice / B-best = {rate[SLICE] / best:.1f}x)"
            L.append(line)
            targets.append(("A ahead of B-best", y > 1, f"{y:.1f}x"))
        if "C" in rate:
            z = a / rate["C"]
            L.append(f"- A / C = {z:.2f} ({z * 100:.0f}% of the plain fetcher)")
            targets.append(("A >= 50% of C", z >= 0.5, f"{z * 100:.0f}%"))
        a_runs = groups.get("A", [])
        if a_runs:
            mr = a_runs[0].min_requests
            req = med([r.requests for r in a_runs])
            over = req / mr["windowed"] - 1
            L.append(f"- A's requests: {req:.0f} vs the minimum {mr['windowed']} for its {mr['windows_per_account']} windows per "
                     f"account and stream ({over * 100:+.1f}%); the unwindowed floor is {mr['unwindowed']} "
                     f"({(req / mr['unwindowed'] - 1) * 100:+.1f}%).")
            targets.append(("A's requests within 5% of the minimum", abs(over) <= 0.05, f"{over * 100:+.1f}%"))
            bad = [r for r in a_runs if not r.ok]
            targets.append(("A's records equal the truth", not bad, a_runs[0].check()))
        L.append("")
        if tp["sweep"]:
            L += ["B pre-pass (num_workers sweep, newest " f"{args.sweep_days} days):", ""] + raw_table(tp["sweep"]) + [""]
        L += ["Raw runs, in the order they ran:", ""] + raw_table(runs) + [""]
        tp["targets"] = targets

    if mem:
        r: Run = mem["run"]
        L += ["### Memory: A, full refresh of messages only", "", *raw_table([r]), "",
              f"Peak RSS of A: {r.maxrss_mb:.0f} MB for {r.total:,} messages (target < 300 MB).", ""]
        (tp or {}).setdefault("targets", [])
        mem["target"] = (f"A's peak RSS < 300 MB at {r.total / 1e6:.1f}M messages", r.maxrss_mb < 300, f"{r.maxrss_mb:.0f} MB")

    if inc:
        first, second = inc["first"], inc["second"]
        L += ["### Incremental with nothing new: A, messages + calls", "", *raw_table([first, second]), ""]
        L.append(f"Second run (state of the first, no new data): {second.requests} requests, {second.total} records. Per account and stream:")
        L.append("")
        L += ["| account | stream | requests |", "|---|---|---:|"]
        for (account, stream), n in inc["per_account"].items():
            L.append(f"| {account} | {stream} | {n} |")
        L.append("")
        # Per account: each stream's last window (1) and its open-records pass, plus the page after messages' first
        # (that one holds the open messages); plus Accounts.json.
        per_account = sum(1 + OPEN_PASS_REQUESTS.get(stream, 0) for stream in ("messages", "calls")) + 1
        inc["target"] = ("incremental with nothing new: a handful of requests", second.requests <= 3 * per_account + 1,
                         f"{second.requests} requests")

    if prof:
        total = max(prof["total"], 1)
        L += ["### Where A's CPU goes (py-spy, samples of the thread holding the GIL)", "",
              f"One extra full-refresh run of A on the throughput world under `py-spy record --gil --rate 100 --format raw` "
              f"({prof['total']:,} samples, {prof['wall']:.0f} s with the profiler attached; raw stacks in "
              f"benchmarks/.work/{prof['raw'].name}). Each sample counts for the innermost frame of a known package "
              "(stdlib helpers count for their caller: `_strptime` called by the CDK's cursor is the CDK's).", "",
              "| where | share |", "|---|---:|"]
        for name, n in sorted(prof["groups"].items(), key=lambda kv: -kv[1]):
            L.append(f"| {name} | {n / total * 100:.1f}% |")
        L += ["", "| function (innermost frame) | share |", "|---|---:|"]
        for name, n in sorted(prof["functions"].items(), key=lambda kv: -kv[1])[:20]:
            L.append(f"| `{name}` | {n / total * 100:.1f}% |")
        L += ["", "Inclusive (the function and what it calls; thread and entry-point wrappers above 60% left out):", "",
              "| function (anywhere in the stack) | share |", "|---|---:|"]
        shown = [(k, v) for k, v in prof["inclusive"].items() if v / total <= 0.6]
        for name, n in sorted(shown, key=lambda kv: -kv[1])[:25]:
            L.append(f"| `{name}` | {n / total * 100:.1f}% |")
        L.append("")

    targets = list((tp or {}).get("targets", []))
    for part in (mem, inc):
        if part and "target" in part:
            targets.append(part["target"])
    if targets:
        L += ["### Targets", "", "| target | met | value |", "|---|---|---|"]
        for name, met, value in targets:
            L.append(f"| {name} | {'yes' if met else '**NO**'} | {value} |")
        L.append("")
    return "\n".join(L) + "\n"
