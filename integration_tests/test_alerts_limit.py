"""Monitor Alerts serve at most 10,000 results per query ("The maximum number of Alert resources you can fetch per
request to this API is 10,000"): a window with more is read as several narrower queries, and every alert arrives once,
also when one day holds more than 10,000 of them, in either order Twilio may list them."""

from __future__ import annotations

import pytest

from integration_tests.conftest import config_for
from integration_tests.connector import configured_catalog, run_connector
from integration_tests.emulator import Emulator

# 60,000 alerts in 30 days on the main account, 12,000 of them within 20 hours ten days ago.
ALERTS = 48_000
BURST = {"account": 0, "count": 12_000, "days_ago": 10, "hours": 20}


@pytest.fixture(scope="module")
def world():
    with Emulator(seed=23, accounts=1, closed=0, suspended=0, messages_per_account=10, calls_per_account=10,
                  alerts_by_account={0: ALERTS, 1: 0}, alert_bursts=[BURST]) as emulator:
        yield emulator


@pytest.mark.parametrize("order", ["desc", "asc"])
def test_given_60000_alerts_in_30_days_when_synced_then_each_arrives_exactly_once(world, discovered, order):
    """Windows of 30 days hold far more than 10,000 alerts; Twilio refuses the page past the 10,000th result, so the
    connector goes on with a narrower query before reaching it: all 60,000 arrive, none twice, no request refused."""
    world.configure(alerts_order=order)
    world.reset_stats()
    catalog = configured_catalog(discovered, ["alerts"], incremental=True)
    try:
        output = run_connector("read", world.url, config_for(world, slice_step_duration="P30D"), catalog)
    finally:
        world.configure(alerts_order="desc")
    assert output.returncode == 0 and output.errors == [], output.stderr[-2000:]
    expected = {key["sid"] for key in world.truth("alerts")["keys"]}
    got = [record["sid"] for record in output.records_of("alerts")]
    assert len(expected) == ALERTS + BURST["count"]
    assert len(got) == len(set(got)), f"{len(got) - len(set(got))} alerts emitted twice"
    assert set(got) == expected, f"{len(expected - set(got))} missing"
    assert world.stats()["by_status"].get("400", 0) == 0


def test_given_an_answer_no_rule_covers_when_synced_then_the_stream_fails_naming_twilios_status_code_message_and_url(world, discovered):
    """A 400 the connector has no rule for (here on Recordings.json) ends the stream loudly, with Twilio's status,
    code, message and the URL, instead of a silently empty stream."""
    account = world.world["main_account_sid"]
    world.configure(forbidden=[{"stream": "recordings", "account": account, "status": 400, "code": 21601, "message": "Something Twilio says"}])
    try:
        output = run_connector("read", world.url, config_for(world), configured_catalog(discovered, ["recordings", "addresses"]))
    finally:
        world.configure(forbidden=[])
    assert output.returncode != 0
    message = " ".join(error["message"] for error in output.errors)
    assert "400" in message and "21601" in message and "Something Twilio says" in message and f"/Accounts/{account}/Recordings.json" in message
    assert output.records_of("addresses"), "the other stream still syncs"
