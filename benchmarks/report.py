"""The dated section of RUNS.md: the command, the machine, then per scenario its tables and verdicts."""

from __future__ import annotations

import argparse
import statistics
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List, Mapping, Sequence

from benchmarks.contenders import Contenders, Run
from benchmarks.targets import Section, spread

HEADER = ("# Benchmark runs\n\nEvery `benchmarks/run.py` run, appended as it ran, with the hand-written notes on them; RESULTS.md, "
          "made from this\nfile by `benchmarks/summary.py`, shows the latest run of each scenario and a history table.\n\n")


def med(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def fmt_int(n: float) -> str:
    return "-" if n != n else f"{n:,.0f}"


def groups(runs: Sequence[Run]) -> Dict[str, List[Run]]:
    """Runs by their summary row (Run.group), in the order the rows first ran."""
    out: Dict[str, List[Run]] = {}
    for r in runs:
        out.setdefault(r.group, []).append(r)
    return out


def summary_table(runs: Sequence[Run]) -> List[str]:
    """One row per contender: medians over its rounds, and the spread of its records/s."""
    out = ["| contender | runs | records | records/s: median (min - max) | spread | wall s | CPU s (sys) | "
           "voluntary context switches | max RSS MB | requests | checks |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for name, rs in groups(runs).items():
        s = spread([r.rate for r in rs])
        spread_text = f"{s['spread'] * 100:.0f}%" if len(rs) > 1 else "-"
        out.append(f"| {name}{' (' + rs[0].note + ')' if rs[0].note else ''} | {len(rs)} | {fmt_int(med([r.total for r in rs]))} | "
                   f"{fmt_int(s['median'])} ({fmt_int(s['min'])} - {fmt_int(s['max'])}) | {spread_text} | "
                   f"{med([r.wall for r in rs]):.1f} | {med([r.cpu for r in rs]):.1f} ({med([r.sys_cpu for r in rs]):.1f}) | "
                   f"{fmt_int(med([r.ctx_switches for r in rs]))} | {max(r.maxrss_mb for r in rs):.0f} | "
                   f"{fmt_int(med([r.requests for r in rs]))} | {'; '.join(sorted(set(r.check() for r in rs)))} |")
    return out


def raw_table(runs: Sequence[Run]) -> List[str]:
    out = ["| run | records | records/s | wall s | CPU s (sys) | voluntary context switches | max RSS MB | requests | "
           "429s | max in flight | emulator CPU s | check |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in runs:
        per = ", ".join(f"{k} {v:,}" for k, v in r.records.items())
        out.append(f"| {r.label}{' (' + r.note + ')' if r.note else ''} | {r.total:,} ({per}) | {r.rate:,.0f} | {r.wall:.1f} | "
                   f"{r.cpu:.1f} ({r.sys_cpu:.1f}) | {r.ctx_switches:,} | {r.maxrss_mb:.0f} | {r.requests:,} | "
                   f"{r.stats.get('429s', 0)} | {r.stats.get('max_in_flight')} | {r.emulator_cpu:.1f} | {r.check()} |")
    return out


def requests_table(rows: Sequence[Mapping[str, Any]], floor: Mapping[tuple, int] = None) -> List[str]:
    """Requests per account and stream from the counting proxy (proxy.CountingProxy.rows), by kind of query;
    `floor` adds the fewest requests for that account and stream."""
    head = "| account | stream | date windows | status queries | unfiltered | pages after a query's first | total |"
    sep = "|---|---|---:|---:|---:|---:|---:|"
    if floor is not None:
        head, sep = head + " floor |", sep + "---:|"
    out = [head, sep]
    for row in rows:
        line = (f"| {row['account']} | {row['stream']} | {row['window']} | {row['status']} | {row['unfiltered']} | "
                f"{row['next']} | {row['total']} |")
        if floor is not None:
            line += f" {floor.get((row['account'], row['stream']), '-')} |"
        out.append(line)
    return out


def render(args: argparse.Namespace, argv: List[str], c: Contenders, facts: Dict[str, str], sections: List[Section],
           elapsed: float, expected_minutes: float) -> str:
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    cmd = "python benchmarks/run.py" + ("" if not argv else " " + " ".join(argv))
    scale = ' (quick)' if args.quick else f' (scale {args.scale:g})' if args.scale != 1 else ''
    L = [f"## {now}{scale}", "",
         f"Command: `{cmd}` (interpreter: `{sys.executable}`), {elapsed / 60:.1f} minutes in all "
         f"(expected about {expected_minutes:.0f}).", "",
         f"Code: {facts['code']}.", "",
         f"Machine: nproc {facts['nproc']}, {facts['cpu']}, {facts['memory']} RAM, Linux {facts['kernel']}, "
         f"Python {facts['python']}, load average at start {facts['loadavg']}. The emulator runs on the same machine "
         "as a child process and competes with the contender for the 2 cores (its CPU is in the tables); nothing is "
         "pinned.", "",
         f"- A: this connector at its defaults (num_workers {c.a_workers} = source_twilio.config.DEFAULT_NUM_WORKERS, "
         "slice_step_duration empty, so each account's windows are sized by a probe (source_twilio/windows.py); "
         "config: account_sid, auth_token, start_date), "
         f"`{Path(sys.executable).name} main.py read`.",
         f"- C: benchmarks/fetcher.py, {c.a_workers} threads (A's default num_workers), unwindowed: one chain of "
         "PageSize=1000 pages per account and stream. The baseline of every ratio unless a target says otherwise.",
         f"- D (many-accounts only): benchmarks/bare_cdk.py, airbyte-cdk as it ships reading the same pages with "
         f"nothing else (no cursor, no windows, the accounts given in its config), num_workers {c.a_workers}: the "
         "floor under any airbyte-cdk source.",
         ""]
    for s in sections:
        L += [f"### {s.title}", "", f"World: {s.world}", ""]
        if s.runs:
            L += ["Summary (median over each contender's runs):", "", *summary_table(s.runs), "",
                  "Raw runs, in the order they ran:", "", *raw_table(s.runs), ""]
        if s.lines:
            L += [*s.lines, ""]
        if s.targets:
            L += ["Verdicts:", "", *(t.line() for t in s.targets), ""]
    targets = [t for s in sections for t in s.targets]
    if targets:
        L += ["### Targets", "", "| scenario | target | verdict | figures |", "|---|---|---|---|"]
        for t in targets:
            verdict = f"**{t.verdict}**" if t.met is False else t.verdict
            L.append(f"| {t.scenario} | {t.name} | {verdict} | {t.figures} |")
        L.append("")
    return "\n".join(L) + "\n"


def append(path: Path, text: str) -> None:
    """Appends the section to RUNS.md (created with its header if missing); earlier sections stay as they are."""
    if not path.exists():
        path.write_text(HEADER)
    with open(path, "a") as f:
        f.write("\n" + text)
