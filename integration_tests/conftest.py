"""Fixtures for the end-to-end tests: a Twilio emulator world and the connector's config for it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Dict, List

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from integration_tests.connector import run_connector  # noqa: E402
from integration_tests.emulator import Emulator  # noqa: E402


# `make test` runs the modules on 4 processes, a module whole in one of them (--dist loadfile), in the order they are
# collected (--no-loadscope-reorder): these first, longest first (wall seconds on 2 cores, 2026-12-08), then the rest of
# the end-to-end tests, then the unit tests, many short modules that fill the processes' ends. Started last, two of
# these ran on in one process for 40 s after the others had finished. Only the order depends on this list.
LONGEST_FIRST = [
    "test_transport_faults.py", "test_intelligence.py", "test_transport_faults_21.py", "test_many_accounts.py",
    "test_readings.py", "test_resume.py", "test_faults.py", "test_full_sync.py", "test_transport_faults_21_bodies.py",
    "test_benchmark_harness.py", "test_account_faults.py", "test_incremental.py", "test_alerts_limit.py",
]


def pytest_collection_modifyitems(items: List[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        path = item.path
        if path.name in LONGEST_FIRST and path.parent.name == "integration_tests":
            return LONGEST_FIRST.index(path.name)
        return len(LONGEST_FIRST) + (0 if "integration_tests" in path.parts else 1)

    items.sort(key=rank)  # stable: a module's tests keep their order


def config_for(emulator: Emulator, credential: str = "auth_token", **overrides: Any) -> Dict[str, Any]:
    """The user's config for the emulator's main account, history from before the world began, with its auth token
    (`credential="auth_token"`) or one of its API keys ("main_key", "standard_key")."""
    sid, token = emulator.main_credentials
    config = {"account_sid": sid, "start_date": emulator.world["history_start"][:10]}
    if credential == "auth_token":
        config["auth_token"] = token
    else:
        key_sid, secret = emulator.api_key(type=credential.split("_")[0])
        config.update(api_key_sid=key_sid, api_key_secret=secret)
    config.update(overrides)
    return config


@pytest.fixture(scope="session")
def world():
    """A small deterministic world: main account, 4 subaccounts (two active, one suspended, one closed), every stream."""
    with Emulator(seed=42, accounts=4, closed=1, suspended=1, messages_per_account=1000, calls_per_account=500) as emulator:
        yield emulator


@pytest.fixture(scope="session")
def discovered() -> Dict[str, Any]:
    """The catalog `discover` prints, through the entry point, once per test session: it is the same for every world
    (discover makes no request), so every module builds its configured catalogs from it."""
    config = {"account_sid": "AC" + "0" * 32, "auth_token": "0" * 32, "start_date": "2024-01-01"}
    output = run_connector("discover", None, config)
    assert output.returncode == 0, output.stderr[-2000:]
    return output.of_type("CATALOG")[0]["catalog"]
