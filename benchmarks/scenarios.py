"""The benchmark's phases, one function each."""

from __future__ import annotations

import argparse
import json
from datetime import datetime, timedelta
from typing import Any, Dict, List

from benchmarks.common import AIRBYTE_DEFAULT_WORKERS, SLICE, WORK, iso, log
from benchmarks.contenders import Contenders, Run
from benchmarks.proxy import CountingProxy
from benchmarks.worlds import World


def throughput(args: argparse.Namespace, c: Contenders, world: World, start: datetime) -> Dict[str, Any]:
    runs: List[Run] = []
    sweep: List[Run] = []
    b_best = None
    b_start = start if args.airbyte_days <= 0 else (world.now - timedelta(days=args.airbyte_days)).replace(
        hour=0, minute=0, second=0, microsecond=0)
    if not args.skip_airbyte:
        if args.airbyte_workers:
            b_best = args.airbyte_workers
        else:
            sweep_start = (world.now - timedelta(days=args.sweep_days)).replace(hour=0, minute=0, second=0, microsecond=0)
            log(f"B pre-pass: num_workers in {args.sweep} on the newest {args.sweep_days} days (from {iso(sweep_start)})")
            for n in args.sweep:
                sweep.append(c.run_b(world, "sweep B", sweep_start, n))
            best = max(sweep, key=lambda r: r.rate if r.ok or r.exit_code == 0 else 0)
            b_best = int(best.note.split("=")[1])
            log(f"B's best num_workers in the pre-pass: {b_best}")
    for r in range(1, args.rounds + 1):
        runs.append(c.run_a(world, f"r{r} A", start))
        if not args.skip_airbyte:
            runs.append(c.run_b(world, f"r{r} B-default", b_start, None))
            if b_best != AIRBYTE_DEFAULT_WORKERS:
                runs.append(c.run_b(world, f"r{r} B-best", b_start, b_best))
        runs.append(c.run_c(world, f"r{r} C", start))
        if not args.skip_airbyte and b_start != start:
            runs.append(c.run_a(world, f"r{r} {SLICE}", b_start, tag="slice"))
    return {"runs": runs, "sweep": sweep, "b_best": b_best, "b_start": b_start, "start": start}


def incremental(args: argparse.Namespace, c: Contenders, world: World, start: datetime) -> Dict[str, Any]:
    first = c.run_a(world, "incremental 1st (from start_date)", start, mode="incremental", tag="inc")
    state_path = WORK / "state-incremental.json"
    state_path.write_text(json.dumps(list(first.states.values()), indent=1))
    proxy = CountingProxy(world.emu.url)
    try:
        second = c.run_a(world, "incremental 2nd (final state, nothing new)", start, mode="incremental",
                         state=state_path, base_url=proxy.url, tag="inc", check=False)
    finally:
        proxy.shutdown()
        proxy.server_close()
    return {"first": first, "second": second, "per_account": dict(sorted(proxy.counts.items())), "state": first.states}


def memory(args: argparse.Namespace, c: Contenders, world: World, start: datetime) -> Dict[str, Any]:
    run = c.run_a(world, "memory A messages", start, streams=("messages",), tag="mem")
    return {"run": run}
