"""No secret in output: auth tokens, API key secrets, every subaccount's token and the Basic-auth header values
derived from them never appear in records, logs, traces or errors, even with --debug and faults."""

from __future__ import annotations

import base64

import pytest

from integration_tests.conftest import config_for
from integration_tests.connector import configured_catalog, run_connector
from integration_tests.emulator import Emulator

STREAMS = ["accounts", "messages", "calls", "addresses", "keys", "conversations", "flows", "alerts"]


@pytest.fixture(scope="module")
def world():
    with Emulator(seed=5, accounts=3, closed=1, suspended=0, messages_per_account=300, calls_per_account=100) as emulator:
        yield emulator


def _basic(username: str, password: str) -> str:
    return base64.b64encode(f"{username}:{password}".encode()).decode()


def _secrets(world):
    """Every account's token and every API key's secret, and the Basic-auth values made from them (an account with
    its own token or its parent's, a key with its secret)."""
    _, main_token = world.main_credentials
    values = []
    for account in world.world["accounts"]:
        values += [account["auth_token"], _basic(account["sid"], account["auth_token"]), _basic(account["sid"], main_token)]
    for key in world.world["api_keys"]:
        values += [key["secret"], _basic(key["sid"], key["secret"])]
    return values


def _assert_no_secret(world, output):
    text = output.stdout + output.stderr
    leaked = [secret[:4] + "..." for secret in _secrets(world) if secret in text]
    assert leaked == []


@pytest.mark.parametrize("credential", ["auth_token", "main_key", "standard_key"])
def test_given_debug_sync_with_faults_when_output_searched_then_no_secret(world, discovered, credential):
    """--debug logs every request and response; with 429s, 5xx and drops injected, nothing secret shows: not the
    credentials configured, nor the subaccount tokens the account list returns and product hosts are read with."""
    config = config_for(world, credential)
    world.configure(rate_429=0.1, retry_after=0.1, rate_5xx=0.05, drop_rate=0.05)
    try:
        output = run_connector("read", world.url, config, configured_catalog(discovered, STREAMS), extra_env={"LOG_LEVEL": "DEBUG"})
        debug = run_connector(["read", "--debug"], world.url, config, configured_catalog(discovered, ["accounts", "conversations", "flows"]))
    finally:
        world.configure(rate_429=0, retry_after=None, rate_5xx=0, drop_rate=0)
    assert output.returncode == 0, output.stderr[-2000:]
    assert output.records
    _assert_no_secret(world, output)
    _assert_no_secret(world, debug)
    for record in output.records_of("accounts"):
        assert "auth_token" not in record


def test_given_debug_flag_when_read_then_headers_and_bodies_are_masked(world, discovered):
    """With --debug the CDK logs request headers and response bodies (Accounts.json carries every subaccount's
    token): those values are masked."""
    output = run_connector(
        ["read", "--debug"], world.url, config_for(world), configured_catalog(discovered, ["accounts", "addresses", "flows"])
    )
    assert output.returncode == 0
    assert "Authorization" in output.stdout  # the debug log really shows headers
    _assert_no_secret(world, output)


@pytest.mark.parametrize("field", ["auth_token", "api_key_secret"])
def test_given_bad_config_when_check_then_message_has_no_secret(world, field):
    """Errors about credentials name the field, never its value."""
    config = config_for(world, **{field: "s3cr3t-value-that-must-not-leak"})
    if field == "api_key_secret":
        config["api_key_sid"] = "SK" + "0" * 32
    output = run_connector("check", world.url, config)
    assert "s3cr3t-value-that-must-not-leak" not in output.stdout + output.stderr
    assert output.of_type("CONNECTION_STATUS")[0]["connectionStatus"]["status"] == "FAILED"
