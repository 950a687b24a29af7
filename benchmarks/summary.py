"""RESULTS.md from RUNS.md: the latest run of each scenario, and a short history of every run's verdicts.

RUNS.md holds every `benchmarks/run.py` run as it was appended (a `## <date> UTC` section each, with hand-written
notes between them); RESULTS.md is made from it after every run, so a reader finds the current figures first and
the raw runs one link away. `python benchmarks/summary.py` remakes it by hand (after editing a note, say).

A run's scenarios are the first column of its `### Targets` table; the latest run that has a scenario gives that
scenario's section: its `###` tables (matched by title, `SCENARIO_TITLES`) and its verdicts.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

BENCH = Path(__file__).resolve().parent
RUNS = BENCH / "RUNS.md"
RESULTS = BENCH / "RESULTS.md"

# scenario -> how its tables' `###` titles start (older runs used other titles: they show their verdicts only)
SCENARIO_TITLES: Dict[str, tuple] = {
    "dense": ("Dense world",),
    "incremental": ("Incremental with nothing new",),
    "sparse": ("Sparse world",),
    "many-accounts": ("Many accounts:",),
    "many-accounts-history": ("Many accounts with years of history",),
    "real-latency": ("Real latency",),
    "memory": ("Memory",),
}
RATIO = re.compile(r"= ([0-9.]+x)|(\d[\d,]* MB)|(\d[\d,]* requests \(target)")


@dataclass
class Run:
    heading: str  # "2026-11-29 23:06 UTC" (+ " (quick)")
    preamble: List[str] = field(default_factory=list)  # command, code, machine lines
    tables: Dict[str, List[str]] = field(default_factory=dict)  # `###` title -> its lines
    targets: List[List[str]] = field(default_factory=list)  # rows of the Targets table: scenario, target, verdict, figures

    @property
    def scenarios(self) -> List[str]:
        return list(dict.fromkeys(row[0] for row in self.targets))

    def line(self, prefix: str) -> Optional[str]:
        return next((line for line in self.preamble if line.startswith(prefix)), None)


def parse(text: str) -> List[Run]:
    """The runs of RUNS.md, oldest first; hand-written sections (no Targets table, or a "(hand-written)" title) are
    left to RUNS.md."""
    runs: List[Run] = []
    run: Optional[Run] = None
    title: Optional[str] = None
    for line in text.splitlines():
        if line.startswith("## "):
            run, title = Run(line[3:].strip()), None
            runs.append(run)
        elif run is None:
            continue
        elif line.startswith("### "):
            title = line[4:].strip()
            run.tables[title] = []
        elif title is None:
            run.preamble.append(line)
        elif title == "Targets":
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if line.startswith("|") and len(cells) == 4 and cells[0] not in ("scenario", "---"):
                run.targets.append(cells)
        else:
            run.tables[title].append(line)
    return [run for run in runs if run.targets]


def headline(rows: List[List[str]]) -> str:
    """A scenario's first target's figure: its ratio (`0.54x`), size (`205 MB`) or request count, and the verdict."""
    if not rows:
        return ""
    scenario, target, verdict, figures = rows[0]
    match = RATIO.search(figures)
    figure = next((group for group in match.groups() if group), "") if match else ""
    figure = figure.replace(" (target", "")
    return f"{figure} {verdict}".strip()


def render(runs: List[Run]) -> str:
    latest: Dict[str, Run] = {}
    for run in runs:
        for scenario in run.scenarios:
            latest[scenario] = run
    scenarios = [s for s in SCENARIO_TITLES if s in latest] + [s for s in latest if s not in SCENARIO_TITLES]
    out = ["# Benchmark results", "",
           "The latest run of each scenario, then every run's headline figures. Every run, whole and as it was "
           "appended, with the hand-written notes on it, is in [RUNS.md](RUNS.md); see [README.md](README.md) for how "
           "to read the figures. Made by `benchmarks/summary.py` after each `benchmarks/run.py` run. Runs of the harness "
           "before 2026-11-29 20:00 UTC had other targets and tables: they are in RUNS.md only.", ""]
    for scenario in scenarios:
        run = latest[scenario]
        out += [f"## {scenario}", "", f"Run of {run.heading}. {run.line('Command:') or ''}", ""]
        code = run.line("Code:")
        if code:
            out += [code, ""]
        for title, lines in run.tables.items():
            if title.startswith(SCENARIO_TITLES.get(scenario, ("\0",))):
                out += [f"### {title}", *lines]
        out += ["Verdicts:", "", "| target | verdict | figures |", "|---|---|---|"]
        out += [f"| {t} | {v} | {f} |" for s, t, v, f in run.targets if s == scenario]
        out.append("")
    out += ["## History", "", "Each run's first target per scenario (its figure and verdict); RUNS.md has the rest.", "",
            "| run | " + " | ".join(scenarios) + " |", "|---|" + "---|" * len(scenarios)]
    for run in reversed(runs):
        cells = [headline([row for row in run.targets if row[0] == scenario]) or "-" for scenario in scenarios]
        out.append(f"| {run.heading} | " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


def remake(runs_path: Path = RUNS, results_path: Path = RESULTS) -> None:
    results_path.write_text(render(parse(runs_path.read_text())))


if __name__ == "__main__":
    remake(*(Path(arg) for arg in sys.argv[1:3]))
