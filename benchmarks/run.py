#!/usr/bin/env python3
"""Speed, requests and memory of source-twilio against the local Twilio emulator, scenario by scenario.

    python benchmarks/run.py                          # every scenario at full size (make benchmark)
    python benchmarks/run.py --quick --skip-airbyte   # every scenario at about 1/5 of the size, no contender B
    python benchmarks/run.py --only sparse            # one scenario (or a comma-separated list)

Scenarios (scenarios.py): dense, incremental, sparse, many-accounts, real-latency, memory; profile with --profile;
many-accounts-history (history.py: the whole catalog, three syncs, requests per stream) with --only.
Contenders (contenders.py): A this connector at its defaults, C the plain fetcher (fetcher.py), the baseline of the
ratios; B Airbyte's published source in its own venv, dense world only, optional (--skip-airbyte).
Everything is set up and torn down here: benchmarks/.work/ (configs, catalogs, logs, the Airbyte venv), each world's
emulator as a child process on a free port. Each run appends a dated section to RUNS.md and remakes RESULTS.md from it. See README.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import List, Optional, Set

REPO = Path(__file__).resolve().parents[1]
# Run as a script, sys.path[0] is benchmarks/ itself: replace it with the repo root, so the modules here are
# imported as the package `benchmarks` and none of them shadows a top-level module of the same name.
if sys.path and Path(sys.path[0] or ".").resolve() == REPO / "benchmarks":
    sys.path[0] = str(REPO)
elif str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.common import BENCH, WORK, code_version, config_constants, log, machine_facts  # noqa: E402
from benchmarks.contenders import Contenders  # noqa: E402
from benchmarks.report import append, render  # noqa: E402
from benchmarks.summary import remake  # noqa: E402
from benchmarks.scenarios import DEFAULT, SCENARIOS, Bench, expected_minutes, run_scenarios  # noqa: E402

ALIASES = {"throughput": "dense", "many": "many-accounts", "latency": "real-latency"}


def selected_scenarios(args: argparse.Namespace) -> Set[str]:
    if not args.only:
        return set(DEFAULT) | ({"profile"} if args.profile else set())
    chosen = {ALIASES.get(x.strip(), x.strip()) for x in args.only.split(",") if x.strip()}
    unknown = chosen - set(SCENARIOS)
    if unknown:
        raise SystemExit(f"--only: unknown scenario(s) {sorted(unknown)}; choose from {', '.join(SCENARIOS)}")
    return chosen


def parse_args(argv: List[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Benchmark source-twilio against the local Twilio emulator (see benchmarks/README.md).")
    p.add_argument("--quick", action="store_true", help="every scenario at 1/5 of its size (--scale 0.2, a few minutes)")
    p.add_argument("--scale", type=float, default=None, help="records per account (and many-accounts' subaccounts) "
                   "times this (default 1; --quick 0.2); the smoke test uses a tiny one")
    p.add_argument("--only", metavar="SCENARIO", help=f"one scenario or a comma-separated list: {', '.join(SCENARIOS)}")
    p.add_argument("--skip-airbyte", action="store_true", help="no contender B (no Airbyte venv, no pip)")
    p.add_argument("--rounds", type=int, default=3, help="rounds of the dense world (default 3; many-accounts and "
                   "real-latency run min(2, rounds))")
    p.add_argument("--profile", action="store_true", help="also profile one run of A on the dense world with py-spy")
    p.add_argument("--latency-ms", type=float, default=80.0, help="latency per request of every world but real-latency")
    p.add_argument("--real-latency-ms", type=float, default=1000.0, help="latency per request of the real-latency world")
    p.add_argument("--history-accounts", type=int, default=21, help="accounts of many-accounts-history (default 21: "
                   "main + 20 subaccounts; 201 for the large variant, about an hour)")
    p.add_argument("--max-concurrency", type=int, default=100, help="the emulator's per-account concurrency limit (429 above)")
    p.add_argument("--airbyte-days", type=float, default=8,
                   help="B reads the newest N days of the dense world (default 8); 0 = the whole world")
    p.add_argument("--airbyte-workers", type=int, default=None, help="B-best's num_workers; skips the pre-pass sweep")
    p.add_argument("--sweep", default="3,10,20,40", help="num_workers values of B's pre-pass")
    p.add_argument("--sweep-days", type=float, default=3, help="B's pre-pass reads the newest N days (default 3)")
    p.add_argument("--airbyte-python", default=None, help="interpreter for the Airbyte venv (default: this one)")
    p.add_argument("--results", default=str(BENCH / "RUNS.md"),
                   help="file the dated section is appended to, RESULTS.md beside it then remade from it ('-': stdout only)")
    args = p.parse_args(argv)
    args.sweep = [int(x) for x in args.sweep.split(",") if x.strip()]
    if args.scale is None:
        args.scale = 0.2 if args.quick else 1.0
    if not 0 < args.scale <= 1:
        p.error("--scale must be in (0, 1]")
    if args.rounds < 1:
        p.error("--rounds must be at least 1")
    return args


def main(argv: Optional[List[str]] = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    selected = selected_scenarios(args)
    t0 = time.perf_counter()
    facts = machine_facts()
    facts["code"] = code_version()
    WORK.mkdir(parents=True, exist_ok=True)
    c = Contenders(args, config_constants())
    expected = expected_minutes(args, selected)
    log(f"scenarios: {', '.join(s for s in SCENARIOS if s in selected)}; expected duration about {expected:.0f} minutes "
        f"on a 2-core machine{'' if args.skip_airbyte or 'dense' not in selected else ' (B included)'}")
    if "dense" in selected and not args.skip_airbyte:
        c.setup_airbyte()
    sections = run_scenarios(Bench(args, c), selected)
    text = render(args, argv, c, facts, sections, time.perf_counter() - t0, expected)
    print(text)
    if args.results != "-":
        path = Path(args.results)
        append(path, text)
        remake(path, path.with_name("RESULTS.md"))
        log(f"appended to {path}; {path.with_name('RESULTS.md')} remade from it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
