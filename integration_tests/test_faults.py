"""Faults against the emulator: the sync finishes with every record, or stops with a clear reason."""

from __future__ import annotations

import pytest

from integration_tests.conftest import config_for
from integration_tests.connector import configured_catalog, run_connector
from integration_tests.emulator import Emulator

STREAMS = ["messages", "calls", "addresses", "conversations", "alerts", "usage_records"]


@pytest.fixture(scope="module")
def world():
    with Emulator(seed=11, accounts=2, closed=0, suspended=1, messages_per_account=1200, calls_per_account=600) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def catalog(discovered):
    return configured_catalog(discovered, STREAMS, incremental=False)


def _assert_complete(world, output):
    assert output.returncode == 0, output.stderr[-2000:]
    assert output.errors == []
    for stream in STREAMS:
        truth = world.truth(stream, since=world.world["history_start"]) if stream in ("messages", "calls") else world.truth(stream)
        key = truth["primary_key"]
        # Messages and calls still open (truth's open_keys) come from the open-records pass.
        expected = {tuple(k[f] for f in key) for k in truth["keys"] + truth.get("open_keys", [])}
        got = [tuple(r.get(f) for f in key) for r in output.records_of(stream)]
        assert set(got) == expected, f"{stream}: {len(expected - set(got))} missing, {len(set(got) - expected)} extra"
        assert len(got) == len(set(got)), f"{stream}: duplicates"


@pytest.mark.parametrize(
    "knobs",
    [
        pytest.param({"rate_429": 0.33, "retry_after": 0.2}, id="429-storm-with-retry-after"),
        # Without Retry-After the waits double (1, 2, 4 ... s): a lighter storm on two streams keeps the test short.
        pytest.param({"rate_429": 0.15, "fault_streams": ["messages", "conversations"]}, id="429-storm-without-retry-after"),
        pytest.param({"rate_5xx": 0.2}, id="500-502-503"),
        pytest.param({"drop_rate": 0.1}, id="connections-dropped-mid-body"),
        pytest.param({"garbage_rate": 0.1}, id="truncated-json"),
    ],
)
def test_given_faults_when_full_sync_then_every_record_arrives_once(world, catalog, knobs):
    """Throttling, server errors, dropped connections and unreadable bodies are retried with backoff until the
    page arrives; the sync returns exactly the truth."""
    world.configure(**knobs)
    try:
        # Monthly windows keep the request count (and so the backoff waits) small.
        output = run_connector("read", world.url, config_for(world, slice_step_duration="P30D"), catalog)
    finally:
        world.configure(rate_429=0, retry_after=None, rate_5xx=0, drop_rate=0, garbage_rate=0, fault_streams=None)
    _assert_complete(world, output)
    stats_text = " ".join(output.logs())
    assert "retry" in stats_text.lower() or "throttl" in stats_text.lower() or "backing off" in stats_text.lower()


def test_given_one_account_forbidden_on_a_stream_when_sync_then_others_still_sync(world, catalog):
    """A 403 on one account's stream skips that stream for that account with a warning; the rest syncs."""
    blocked = world.world["readable_account_sids"][1]
    world.configure(forbidden=[{"stream": "addresses", "account": blocked, "status": 403}, {"stream": "conversations", "account": blocked, "status": 404}])
    try:
        output = run_connector("read", world.url, config_for(world), catalog)
    finally:
        world.configure(forbidden=[])
    assert output.returncode == 0 and output.errors == []
    accounts_with_addresses = {r["account_sid"] for r in output.records_of("addresses")}
    assert blocked not in accounts_with_addresses and accounts_with_addresses
    warnings = " ".join(output.logs("WARN"))
    assert "Skipping addresses" in warnings and blocked in warnings
    messages = world.truth("messages", since=world.world["history_start"])
    assert len(output.records_of("messages")) == messages["count"] + messages["open_count"]


def test_given_token_rotated_mid_sync_when_read_then_config_error_and_no_secret(world, catalog):
    """A token that stops working (401) ends the sync with one config error naming the credentials; no token
    appears in the output."""
    _, token = world.main_credentials
    output = run_connector("read", world.url, config_for(world, auth_token="f" * 32), catalog)
    assert output.returncode != 0
    assert len(output.errors) == 1 and output.errors[0]["failure_type"] == "config_error"
    assert "auth_token" in output.errors[0]["message"]
    assert "Traceback" not in output.stdout + output.stderr
    assert "f" * 32 not in output.stdout + output.stderr and token not in output.stdout
