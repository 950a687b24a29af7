#!/usr/bin/env python3
"""Throughput, memory and incremental benchmark of source-twilio against the local Twilio emulator.

    python benchmarks/run.py                      # the full default run (~15 minutes on 2 cores)
    python benchmarks/run.py --quick              # a small world, a couple of minutes
    python benchmarks/run.py --skip-airbyte       # no Airbyte venv, no contender B
    python benchmarks/run.py --only memory|incremental|throughput

Contenders, run alternately (A B C A B C ...) for --rounds rounds on one emulator world:
  A   this connector at its defaults: `<this python> main.py read --config C --catalog K`
  B   Airbyte's published airbyte-source-twilio==0.16.0 in its own venv (benchmarks/.work/airbyte-venv), pointed
      at the emulator by a start-up hook (airbyte_redirect.py); at its default num_workers and at its best
  C   benchmarks/fetcher.py, a plain threaded requests + orjson fetcher, at A's default num_workers

Everything is set up and torn down here: benchmarks/.work/ (configs, catalogs, logs, the Airbyte venv), the
emulator as a child process on a free port. See benchmarks/README.md for what each number means.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional

REPO = Path(__file__).resolve().parents[1]
# Run as a script, sys.path[0] is benchmarks/ itself: replace it with the repo root, so the modules here are
# imported as the package `benchmarks` and none of them shadows a top-level module of the same name.
if sys.path and Path(sys.path[0] or ".").resolve() == REPO / "benchmarks":
    sys.path[0] = str(REPO)
elif str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.common import BENCH, WORK, code_version, config_constants, iso, log, machine_facts  # noqa: E402
from benchmarks.contenders import Contenders  # noqa: E402
from benchmarks.profiling import profile  # noqa: E402
from benchmarks.report import report  # noqa: E402
from benchmarks.scenarios import incremental, memory, throughput  # noqa: E402
from benchmarks.worlds import World  # noqa: E402


def parse_args(argv: List[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Benchmark source-twilio against the local Twilio emulator (see benchmarks/README.md).")
    p.add_argument("--rounds", type=int, default=2, help="rounds of A B C (default 2)")
    p.add_argument("--quick", action="store_true", help="a small world (10k messages + 5k calls per account; 100k-message memory world)")
    p.add_argument("--skip-airbyte", action="store_true", help="no contender B (no Airbyte venv)")
    p.add_argument("--only", choices=("throughput", "memory", "incremental", "profile"), help="run one part only")
    p.add_argument("--profile", action="store_true", help="also profile one run of A with py-spy (where its CPU goes)")
    p.add_argument("--latency-ms", type=float, default=80.0)
    p.add_argument("--max-concurrency", type=int, default=100, help="the emulator's per-account concurrency limit (429 above)")
    p.add_argument("--airbyte-days", type=float, default=None,
                   help="B reads the newest N days of the world (default 8, quick: the whole world); 0 = the whole world")
    p.add_argument("--airbyte-workers", type=int, default=None, help="B-best's num_workers; skips the pre-pass sweep")
    p.add_argument("--sweep", default="3,10,20,40", help="num_workers values of B's pre-pass")
    p.add_argument("--sweep-days", type=float, default=None, help="the pre-pass reads the newest N days (default 3)")
    p.add_argument("--airbyte-python", default=None, help="interpreter for the Airbyte venv (default: this one)")
    p.add_argument("--results", default=str(BENCH / "RESULTS.md"), help="file the dated section is appended to ('-': stdout only)")
    args = p.parse_args(argv)
    args.sweep = [int(x) for x in args.sweep.split(",") if x.strip()]
    if args.airbyte_days is None:
        args.airbyte_days = 0 if args.quick else 8
    if args.sweep_days is None:
        args.sweep_days = 10 if args.quick else 3
    return args


def main(argv: Optional[List[str]] = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    t0 = time.perf_counter()
    facts = machine_facts()
    facts["code"] = code_version()
    WORK.mkdir(parents=True, exist_ok=True)
    consts = config_constants()
    c = Contenders(args, consts)
    parts = {args.only} if args.only else {"throughput", "memory", "incremental"} | ({"profile"} if args.profile else set())
    if args.quick:
        msgs, calls, mem_msgs = 10_000, 5_000, 33_334
    else:
        msgs, calls, mem_msgs = 100_000, 50_000, 333_334
    if "throughput" in parts and not args.skip_airbyte:
        c.setup_airbyte()

    worlds: Dict[str, str] = {}
    tp = inc = mem = prof = None
    if parts & {"throughput", "incremental", "profile"}:
        world = World.start("throughput", 3, msgs, calls, args)
        start = world.history_start.replace(hour=0, minute=0, second=0, microsecond=0)
        worlds["throughput"] = (f"3 accounts (main + 2 subaccounts, none closed or suspended), {3 * msgs:,} messages and "
                                f"{3 * calls:,} calls ({msgs:,}/{calls:,} per account) over {(world.now - world.history_start).days} "
                                f"days up to {iso(world.now)}; {args.latency_ms:g} ms latency per request; 429 (code 20429) above "
                                f"{args.max_concurrency} concurrent requests per account; page cache off; start_date {iso(start)}; "
                                f"streams messages + calls, full refresh.")
        try:
            if "throughput" in parts:
                tp = throughput(args, c, world, start)
            if "incremental" in parts:
                inc = incremental(args, c, world, start)
            if "profile" in parts:
                prof = profile(args, c, world, start)
        finally:
            world.stop()
    if "memory" in parts:
        world = World.start("memory", 3, mem_msgs, 100, args)
        start = world.history_start.replace(hour=0, minute=0, second=0, microsecond=0)
        worlds["memory"] = (f"3 accounts x {mem_msgs:,} messages = {3 * mem_msgs:,} messages, same latency and limit; "
                            "stream messages, full refresh.")
        try:
            mem = memory(args, c, world, start)
        finally:
            world.stop()

    text = report(args, argv, c, facts, worlds, tp, inc, mem, prof, time.perf_counter() - t0)
    print(text)
    if args.results != "-":
        path = Path(args.results)
        if not path.exists():
            path.write_text("# Benchmark results\n\nEach section is one `benchmarks/run.py` run, appended; see README.md for how to read it.\n\n")
        with open(path, "a") as f:
            f.write("\n" + text)
        log(f"appended to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
