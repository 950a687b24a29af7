"""Emulator worlds for the emulator's tests."""
from __future__ import annotations

import pytest

from integration_tests.emulator import Emulator
from integration_tests.emulator_tests.helpers import NOW


@pytest.fixture(scope="module")
def emu():
    with Emulator(seed=42, accounts=3, messages_per_account=600, calls_per_account=300, alerts_per_account=150,
                  now=NOW, history_days=90) as e:
        yield e


@pytest.fixture()
def fresh():
    """An emulator the test may reconfigure or advance."""
    with Emulator(seed=7, accounts=2, closed=0, suspended=0, messages_per_account=300, calls_per_account=200,
                  now=NOW, history_days=30) as e:
        yield e
