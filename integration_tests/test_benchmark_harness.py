"""Smoke test of the benchmark harness (benchmarks/), so it cannot rot unnoticed while the connector changes.

The arithmetic of the targets is checked directly; then the harness runs its smallest configuration of two scenarios
(many-accounts and incremental, --scale 0.002, no latency, one round, no contender B) end to end against tiny
emulator worlds and must append a section with a verdict for every target.
"""

from __future__ import annotations

import math
import re
from types import SimpleNamespace

import pytest

from benchmarks import run as bench_run
from benchmarks.proxy import classify, timeline_line, timeline_summary
from benchmarks.scenarios import SPECS, scaled
from benchmarks.targets import (Target, bound_target, check_target, nothing_new_bound, open_pass_requests, ratio_target,
                                request_floor, spread, spread_target)

AC1, AC2 = "AC" + "1" * 32, "AC" + "2" * 32


def test_request_floor_counts_pages_pass_and_accounts_listing():
    records = {(AC1, "messages"): 2500, (AC1, "calls"): 0, (AC2, "messages"): 1000, (AC2, "calls"): 1001}
    floor = request_floor(records, {"messages": 1, "calls": 7}, accounts=2)
    # pages: 3 + 1 (an empty list still costs a request) + 1 + 2; pass: 2 x (1 + 7); Accounts.json: 1
    assert floor == {"pages": 7, "pass": 16, "accounts_json": 1, "total": 24}
    assert request_floor({}, {}, accounts=1001)["accounts_json"] == 2


def test_open_pass_is_read_from_the_connectors_table():
    from source_twilio.open_records import OPEN_RECORD_PASSES

    counts = open_pass_requests()
    assert set(counts) == set(OPEN_RECORD_PASSES)
    for name, p in OPEN_RECORD_PASSES.items():
        assert counts[name] == len(p.in_flight) + len(p.settled) >= 1


def test_nothing_new_bound():
    # per account: messages (1 window + 1 pass) + calls (1 + 7) + one more messages page; plus Accounts.json
    assert nothing_new_bound(3, ("messages", "calls"), {"messages": 1, "calls": 7}) == 3 * 11 + 1
    assert nothing_new_bound(2, ("calls",), {"calls": 7}) == 2 * 8 + 1


def test_ratio_and_bound_verdicts():
    t = ratio_target("dense", "A >= 50% of C", 5000, 10000, at_least=0.5, what="records/s")
    assert t.met is True and "0.50x" in t.figures and t.line().startswith("- A >= 50% of C: **met**")
    t = ratio_target("sparse", "requests", 1896, 51, at_most=1.2, labels=("A", "floor"))
    assert t.met is False and "37.18x" in t.figures and "**NOT met**" in t.line()
    assert ratio_target("x", "y", 1.0, 0.0, at_least=1).met is None
    with pytest.raises(ValueError):
        ratio_target("x", "y", 1.0, 1.0)
    assert bound_target("memory", "RSS", 299.9, 300, "MB", strict=True).met is True
    assert bound_target("memory", "RSS", 300, 300, "MB", strict=True).met is False
    assert bound_target("incremental", "requests", 34, 34, "requests").met is True


def test_spread_and_its_verdict():
    s = spread([100, 130, 110])
    assert (s["min"], s["max"], s["median"]) == (100, 130, 110) and math.isclose(s["spread"], 0.30)
    assert spread_target("dense", "rounds", [100, 130, 110], 0.30).met is True
    assert spread_target("dense", "rounds", [100, 131], 0.30).met is False
    assert spread_target("dense", "rounds", [100], 0.30).met is None


def test_check_verdict():
    ok = SimpleNamespace(label="r1 A", ok=True, total=10, subset=False, check=lambda: "ok")
    bad = SimpleNamespace(label="r2 A", ok=False, total=9, subset=False, check=lambda: "MISMATCH: messages -1")
    assert check_target("dense", "A", [ok]).met is True
    t = check_target("dense", "A", [ok, bad])
    assert t.met is False and "r2 A: MISMATCH: messages -1" in t.figures
    assert check_target("dense", "A", []) == Target("dense", "A: every record exactly once", None, "no run")


def test_proxy_classifies_windows_pass_and_next_pages():
    base = f"/api/2010-04-01/Accounts/{AC1}"
    assert classify(f"{base}/Messages.json?PageSize=1000&DateSent%3E=2024-01-01T00:00:00Z&DateSent%3C=2024-01-07T23:59:59Z") == \
        (AC1, "messages", "window", False)
    assert classify(f"{base}/Calls.json?PageSize=1000&Status=ringing") == (AC1, "calls", "status", False)
    assert classify(f"{base}/Messages.json?PageSize=1000&PageToken=PA1&Page=1") == (AC1, "messages", "unfiltered", True)
    assert classify("/api/2010-04-01/Accounts.json?PageSize=1000") == ("-", "accounts", "unfiltered", False)


def test_timeline_tells_start_up_windows_and_pass():
    t0 = 100.0  # the process started at perf_counter 100
    timeline = [(t0 + 2, t0 + 3, "-", "accounts", "unfiltered"),
                (t0 + 3, t0 + 4, AC1, "messages", "window"), (t0 + 3, t0 + 4, AC2, "messages", "window"),
                (t0 + 4, t0 + 5, AC1, "messages", "unfiltered"), (t0 + 5, t0 + 6, AC2, "messages", "unfiltered")]
    s = timeline_summary(timeline, t0, wall=6.5)
    assert (s["first"], s["last"], s["exit"], s["requests"]) == (2, 6, 6.5, 5)
    assert s["in_flight"] == 5 / 4
    assert s["streams"]["messages"]["windows"] == (3, 4, 2)
    assert s["streams"]["messages"]["pass"] == (4, 6, 2, 4.5, 5)
    line = timeline_line("A", s, 10)
    assert "first request at 2.0 s" in line and "the last at 5.0 s" in line
    assert timeline_summary([], t0, 1.0) == {}


def test_quick_is_a_fifth_of_each_world():
    quick = {name: scaled(spec, 0.2) for name, spec in SPECS.items()}
    assert (quick["dense"].messages, quick["dense"].calls) == (20_000, 10_000)
    assert quick["many-accounts"].accounts == 41 and quick["sparse"].history_days == 6 * 365
    assert SPECS["memory"].messages * SPECS["memory"].accounts >= 1_000_000


def test_smallest_configuration_reports_every_target(tmp_path):
    runs = tmp_path / "RUNS.md"
    argv = ["--only", "many-accounts,incremental", "--scale", "0.002", "--rounds", "1", "--latency-ms", "0",
            "--skip-airbyte", "--results", str(runs)]
    assert bench_run.main(argv) == 0
    text = runs.read_text()
    assert text.startswith("# Benchmark runs")
    assert re.search(r"^## \d{4}-\d\d-\d\d \d\d:\d\d UTC \(scale 0.002\)$", text, re.MULTILINE)
    assert "Command: `python benchmarks/run.py --only many-accounts,incremental" in text
    assert "### Many accounts: wall time of A vs C" in text and "### Incremental with nothing new" in text
    verdicts = re.findall(r"^- (.+?): \*\*(met|NOT met|n/a)\*\*", text, re.MULTILINE)
    names = [name for name, _ in verdicts]
    assert "A's wall time within 1.5x of C's (medians)" in names
    assert "nothing new: at most a few requests per account and stream" in names
    # every record exactly once, whatever the speed: a failure here is the harness's or the connector's correctness
    checks = [(name, verdict) for name, verdict in verdicts if "record" in name]
    assert {name for name, _ in checks} == {"A: every record exactly once", "C: every record exactly once",
                                            "A, 1st sync: every record exactly once",
                                            "A, 2nd sync: no record unexpected or twice"}
    assert all(verdict == "met" for _, verdict in checks), text
    assert "| scenario | target | verdict | figures |" in text
    # RESULTS.md beside it is remade from it: each scenario's latest section, and the run in the history table
    results = (tmp_path / "RESULTS.md").read_text()
    assert "## many-accounts" in results and "## incremental" in results and "### Many accounts: wall time of A vs C" in results
    assert re.search(r"^\| \d{4}-\d\d-\d\d \d\d:\d\d UTC \(scale 0.002\) \| ", results, re.MULTILINE), results


def test_results_keep_each_scenarios_latest_run_and_every_run_in_the_history():
    """summary.render: a scenario's section comes from the newest run that has it; older runs stay in the history."""
    from benchmarks.summary import parse, render

    def run(when: str, scenario: str, title: str, ratio: str) -> str:
        return (f"## {when}\n\nCommand: `python benchmarks/run.py --only {scenario}`\n\n### {title}\n\nfigures of {when}\n\n"
                f"### Targets\n\n| scenario | target | verdict | figures |\n|---|---|---|---|\n"
                f"| {scenario} | a target | met | A 1 vs C 2 = {ratio} (target >= 0.50x) |\n")

    text = ("# Benchmark runs\n\n" + run("2026-01-01 10:00 UTC", "dense", "Dense world: records/s", "0.40x")
            + "\n## A note (hand-written)\n\nwords\n\n" + run("2026-01-02 10:00 UTC", "sparse", "Sparse world: requests", "1.00x")
            + run("2026-01-03 10:00 UTC", "dense", "Dense world: records/s", "0.60x"))
    results = render(parse(text))
    dense = results.split("## dense", 1)[1].split("## sparse", 1)[0]
    assert "figures of 2026-01-03" in dense and "figures of 2026-01-01" not in dense
    assert "figures of 2026-01-02" in results.split("## sparse", 1)[1]
    history = results.split("## History", 1)[1]
    assert "| 2026-01-03 10:00 UTC | 0.60x met | - |" in history and "| 2026-01-01 10:00 UTC | 0.40x met | - |" in history
    assert "A note" not in results and "words" not in results


def test_many_accounts_history_floor_names_each_term():
    """The floor of a later sync per stream (benchmarks/history.py): one request per account for a dated list plus
    its pages and open-records pass; one per parent for a child listed per parent; a list per Workspace, a fetch per
    changed record and one for the record at the saved second for tasks."""
    from benchmarks.history import Counts, stream_floor

    counts = Counts(records={(AC1, "calls"): 2500, (AC2, "calls"): 0, (AC1, "taskrouter_tasks"): 3},
                    every={(AC1, "addresses"): 2, (AC2, "addresses"): 1, (AC1, "taskrouter_workspaces"): 2,
                           (AC1, "taskrouter_tasks"): 10, (AC1, "dependent_phone_numbers"): 5})
    sizes = {"calls": 1000, "taskrouter_task_list": 1000}
    assert stream_floor("calls", [AC1, AC2], counts, sizes, {"calls": 7}) == {
        "one request per account": 2, "pages of 1000 new or changed records": 2,
        "open-records pass (source_twilio/open_records.py)": 14}
    assert stream_floor("dependent_phone_numbers", [AC1, AC2], counts, sizes, {}) == {
        "one request per addresses record (listed per parent)": 3}
    assert stream_floor("taskrouter_tasks", [AC1], counts, sizes, {}) == {
        "the list, one request per Workspace": 2, "one single fetch per new or changed record (attributes)": 3}
    assert stream_floor("taskrouter_tasks", [AC1], Counts(every=counts.every), sizes, {}) == {
        "the list, one request per Workspace": 2, "one fetch per Workspace of its record at the saved second": 2}
    assert stream_floor("taskrouter_tasks", [AC1], Counts(records=counts.every, every=counts.every), sizes, {},
                        first=True) == {"the list, one request per Workspace": 2,
                                        "one single fetch per new or changed record (attributes)": 10}
