"""What each credential type reads (Twilio's API key and subaccount docs; the emulator README's auth rows): a Standard
API key reads its own account only, and the sync says what it skips and how to read it."""

from __future__ import annotations

from integration_tests.conftest import config_for
from integration_tests.connector import (
    configured_catalog,
    duplicates,
    keys_of,
    primary_keys,
    run_connector,
    surely_read_since,
)

GLOBAL_STREAMS = {"pricing_messaging_countries", "pricing_voice_countries", "intelligence_operator_types"}


def test_given_standard_key_when_check_then_it_succeeds_and_says_what_the_key_cannot_read(world):
    """A Standard key gets 401 on the Accounts API; check succeeds on a list the key may read and names the limits."""
    output = run_connector("check", world.url, config_for(world, "standard_key"))
    status = output.of_type("CONNECTION_STATUS")[0]["connectionStatus"]
    assert status["status"] == "SUCCEEDED"
    assert "Standard key" in status["message"] and "Main API key" in status["message"]


def test_given_standard_key_when_full_sync_then_the_main_accounts_streams_are_exact_and_the_rest_skipped_with_one_warning(
    world, discovered
):
    """With a Standard key every stream of the main account arrives exactly as the truth holds it; accounts, keys and
    the subaccounts are not read, and one warning names the key type and the fix."""
    main = world.world["main_account_sid"]
    config = config_for(world, "standard_key")
    output = run_connector("read", world.url, config, configured_catalog(discovered, incremental=False))
    assert output.returncode == 0 and output.errors == [], output.stderr[-3000:]
    warnings = [w for w in output.logs("WARN") if "Standard key" in w]
    assert len(warnings) == 1 and "Main API key" in warnings[0] and "accounts and keys" in warnings[0]
    assert output.records_of("accounts") == [] and output.records_of("keys") == []
    problems = {}
    for stream, pk in sorted(primary_keys(discovered).items()):
        if stream in ("accounts", "keys"):
            continue
        key_fields = ["type"] if stream == "event_types" else list(world.truth(stream, keys=False)["primary_key"])
        scope = {} if stream in GLOBAL_STREAMS else {"account": main}
        truth = world.truth(stream, since=world.world["history_start"], **scope) if stream in ("messages", "calls") else world.truth(stream, **scope)
        expected = {tuple(k[f] for f in key_fields) for k in truth["keys"] + truth.get("open_keys", [])}
        # records Twilio keeps a limited time: those of the days the world and the real clock disagree on may come or not
        since = surely_read_since(stream, output)
        surely = {tuple(k[f] for f in key_fields) for k in world.truth(stream, since=since, **scope)["keys"]} if since else expected
        got = keys_of(output.records_of(stream), key_fields)
        if duplicates(keys_of(output.records_of(stream), pk)) or not surely <= set(got) <= expected:
            problems[stream] = f"{len(surely - set(got))} missing, {len(set(got) - expected)} extra"
    assert problems == {}
    # Twilio's own lists carry no account: prices and operator types (GLOBAL_STREAMS), pre-built operators (author Twilio)
    accounts = {r["data"].get("account_sid") for r in output.records if r["stream"] not in GLOBAL_STREAMS and r["data"].get("author") != "Twilio"}
    assert accounts == {main}
