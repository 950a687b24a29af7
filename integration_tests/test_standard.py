"""airbyte-cdk's standard source tests (spec, check, discover, read), in process, against the emulator.

The scenarios come from acceptance-test-config.yml; its configs hold the credentials of the emulator's
deterministic seed-42 world, which the fixture below starts. The image tests (`image_tests` mark) need a
Docker engine: `make image-test` builds and runs the image with podman instead.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from airbyte_cdk.test.standard_tests import SourceTestSuiteBase
from airbyte_cdk.test.standard_tests.pytest_hooks import pytest_generate_tests  # noqa: F401  (parametrizes `scenario`)

from integration_tests.emulator import Emulator
from source_twilio import SourceTwilio
from source_twilio.accounts import AccountDirectory

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module", autouse=True)
def emulator():
    with Emulator(seed=42, accounts=3, closed=1, suspended=1, messages_per_account=200, calls_per_account=100) as world:
        previous = os.environ.get("TWILIO_API_BASE_URL")
        os.environ["TWILIO_API_BASE_URL"] = world.url
        AccountDirectory.clear()
        try:
            yield world
        finally:
            AccountDirectory.clear()
            if previous is None:
                os.environ.pop("TWILIO_API_BASE_URL", None)
            else:
                os.environ["TWILIO_API_BASE_URL"] = previous


class TestSourceTwilio(SourceTestSuiteBase):
    connector = SourceTwilio

    @classmethod
    def get_connector_root_dir(cls) -> Path:
        return REPO

    @classmethod
    def create_connector(cls, scenario):
        # The source normalises its config when it is built (run.py builds it with the config file, as the
        # platform does); the suite builds it without one, so give it the scenario's config here.
        AccountDirectory.clear()
        config = scenario.get_config_dict(connector_root=REPO, empty_if_missing=True) if scenario else None
        return SourceTwilio(config=config or None)
