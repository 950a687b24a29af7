"""A sync killed (SIGKILL) right after any of its STATE messages and resumed from the last state of each stream it
had sent: together with what was emitted before the kill, the resumed sync holds every record of the truth, at 3
accounts and at 21 with fewer workers than accounts. Records sent twice (re-read after the resume) are counted and
bounded by what the killed sync had sent: a resume re-reads at most what followed its last checkpoint."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Dict, List, Mapping, Set, Tuple

import pytest

from integration_tests.conftest import config_for
from integration_tests.connector import REPO, configured_catalog, run_connector
from integration_tests.emulator import Emulator

STREAMS = ["messages", "calls", "usage_records", "conversations", "conversation_messages", "alerts", "recordings"]


@pytest.fixture(scope="module", params=[(2, 2), (20, 4)], ids=["3-accounts", "21-accounts-4-workers"])
def world(request):
    subaccounts, workers = request.param
    with Emulator(seed=29, accounts=subaccounts, closed=0, suspended=0, messages_per_account=200, calls_per_account=80,
                  alerts_per_account=20, history_days=30) as emulator:
        emulator.workers = workers
        yield emulator


@pytest.fixture(scope="module")
def catalog(discovered):
    return configured_catalog(discovered, STREAMS, incremental=True)


def truth(world: Emulator) -> Dict[str, Set[tuple]]:
    keys = {}
    for stream in STREAMS:
        got = world.truth(stream, since=world.world["history_start"]) if stream in ("messages", "calls") else world.truth(stream)
        keys[stream] = {tuple(k[f] for f in got["primary_key"]) for k in got["keys"] + got.get("open_keys", [])}
    return keys


def primary_keys(catalog: Mapping) -> Dict[str, List[str]]:
    return {s["stream"]["name"]: [path[0] for path in s["primary_key"]] for s in catalog["streams"]}


def killed_after(world: Emulator, catalog: Mapping, config: Mapping, states_before_kill: int) -> Tuple[Counter, List[Mapping], int]:
    """Runs a read and kills it right after its `states_before_kill`-th STATE: the records it sent (stream and key),
    the last STATE of each stream, and how many STATEs it sent."""
    keys = primary_keys(catalog)
    records: Counter = Counter()
    last_states: Dict[str, Mapping] = {}
    seen = 0
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "config.json").write_text(json.dumps(config))
        (Path(tmp) / "catalog.json").write_text(json.dumps(catalog))
        env = dict(os.environ, TWILIO_API_BASE_URL=world.url)
        process = subprocess.Popen(
            [sys.executable, str(REPO / "main.py"), "read", "--config", f"{tmp}/config.json", "--catalog", f"{tmp}/catalog.json"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=REPO,
        )
        assert process.stdout is not None
        for line in process.stdout:
            message = json.loads(line) if line.startswith("{") else {}
            if message.get("type") == "RECORD":
                record = message["record"]
                records[(record["stream"], tuple(record["data"].get(f) for f in keys[record["stream"]]))] += 1
            elif message.get("type") == "STATE":
                state = message["state"]
                last_states[state["stream"]["stream_descriptor"]["name"]] = state
                seen += 1
                if seen == states_before_kill:
                    process.send_signal(signal.SIGKILL)
                    break
        process.wait()
    return records, list(last_states.values()), seen


def test_given_a_sync_killed_after_any_state_when_resumed_then_no_record_is_lost(world, catalog):
    config = config_for(world, num_workers=world.workers, slice_step_duration="P5D")
    whole = run_connector("read", world.url, config, catalog)
    assert whole.returncode == 0 and whole.errors == []
    total_states = len(whole.of_type("STATE"))
    expected = truth(world)
    assert total_states > 8, "too few checkpoints for the kills to mean anything"
    points = sorted({1, 2, total_states // 3, 2 * total_states // 3, total_states - 1})
    if len(world.world["accounts"]) > 3:
        points = [total_states // 3, 2 * total_states // 3]
    keys = primary_keys(catalog)
    report = []
    for point in points:
        before, states, seen = killed_after(world, catalog, config, point)
        assert seen == point, f"the sync ended before its STATE {point}"
        resumed = run_connector("read", world.url, config, catalog, state=states)
        assert resumed.returncode == 0 and resumed.errors == [], resumed.stderr[-2000:]
        after: Counter = Counter()
        for stream in STREAMS:
            for record in resumed.records_of(stream):
                after[(stream, tuple(record.get(f) for f in keys[stream]))] += 1
        lost = {stream: len(expected[stream] - {key for (s, key) in before | after if s == stream}) for stream in STREAMS}
        assert {stream: n for stream, n in lost.items() if n} == {}, f"killed after STATE {point} of {total_states}: lost {lost}"
        twice = sum(min(before[key], after[key]) for key in after if key in before)
        assert twice <= sum(before.values())
        report.append(f"STATE {point}/{total_states}: {sum(before.values())} before the kill, {sum(after.values())} after, {twice} twice")
    print("\n".join(report))
