"""A full sync of every stream, through the real entry point, against the emulator's ground truth."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request

import pytest

from integration_tests.conftest import config_for
from integration_tests.connector import (
    configured_catalog,
    duplicates,
    keys_of,
    primary_keys,
    run_connector,
    surely_read_since,
)

# Twilio's own price lists and event types are the same for every account: the truth lists them once, the
# connector reads event types per account (key account_sid + type) and prices once.
KEY_OVERRIDES = {"event_types": ["type"]}


@pytest.fixture(scope="module", params=["auth_token", "main_key"])
def full_sync(request, world, discovered):
    """A full sync of every stream with the auth token, and again with a Main API key (the main account's rights:
    it lists accounts and their tokens, and reads subaccounts)."""
    output = run_connector("read", world.url, config_for(world, request.param), configured_catalog(discovered, incremental=False))
    assert output.returncode == 0, output.stderr[-3000:]
    return output


def test_given_emulator_when_spec_then_one_spec_message():
    """`spec` prints exactly one SPEC message and needs no config."""
    output = run_connector("spec", None)
    assert output.returncode == 0
    assert len(output.of_type("SPEC")) == 1
    assert "account_sid" in output.of_type("SPEC")[0]["spec"]["connectionSpecification"]["properties"]


def test_given_emulator_when_check_then_succeeded(world):
    """`check` with the main account's token succeeds."""
    output = run_connector("check", world.url, config_for(world))
    assert [m["connectionStatus"]["status"] for m in output.of_type("CONNECTION_STATUS")] == ["SUCCEEDED"]


def test_given_wrong_token_when_check_then_failed_naming_auth_token(world):
    """A wrong token fails check with one sentence naming auth_token, and no secret in the output."""
    output = run_connector("check", world.url, config_for(world, auth_token="0" * 32))
    statuses = output.of_type("CONNECTION_STATUS")
    assert [s["connectionStatus"]["status"] for s in statuses] == ["FAILED"]
    assert "auth_token" in statuses[0]["connectionStatus"]["message"]
    assert "0" * 32 not in output.stdout + output.stderr


def test_given_emulator_when_discover_then_every_stream_listed(discovered):
    """Discover lists all 62 streams, each with a primary key."""
    names = {stream["name"] for stream in discovered["streams"]}
    assert len(names) == 62
    assert all(stream["source_defined_primary_key"] for stream in discovered["streams"])


def test_given_full_sync_when_read_then_no_error_and_every_stream_has_records(full_sync, discovered):
    """Every listed stream really syncs: no error trace, records in each."""
    assert full_sync.errors == []
    counts = full_sync.record_counts()
    assert {s["name"] for s in discovered["streams"]} - set(counts) == set()


def expected_keys(world, stream: str, key_fields) -> set:
    """The truth's keys. For messages and calls the truth lists the records still open separately (a message not
    yet sent has no date_sent, a call not yet ended no end_time): a full sync returns those too."""
    if stream not in OPEN_RECORD_STREAMS:
        return {tuple(key[f] for f in key_fields) for key in world.truth(stream)["keys"]}
    truth = world.truth(stream, since=world.world["history_start"])
    assert truth["open_keys"], f"the world has no open {stream}: the open-records pass would go untested"
    return {tuple(key[f] for f in key_fields) for key in truth["keys"] + truth["open_keys"]}


OPEN_RECORD_STREAMS = {"messages", "calls"}



def test_given_full_sync_then_media_of_open_messages_included(full_sync, world):
    """The media of a message still queued are part of the full sync (the truth of message_media holds them)."""
    open_messages = world.truth("messages", since=world.world["history_start"])["open_keys"]
    media = {(m["sid"],) for message in open_messages for m in media_of(world, message["sid"])}
    assert media <= set(keys_of(full_sync.records_of("message_media"), ["sid"]))


def media_of(world, message_sid: str) -> list:
    """The Media list of a message, asked of the emulator the way Twilio is asked."""
    sid, token = world.main_credentials
    auth = "Basic " + base64.b64encode(f"{sid}:{token}".encode()).decode()
    for account in world.world["readable_account_sids"]:
        url = f"{world.url}/api/2010-04-01/Accounts/{account}/Messages/{message_sid}/Media.json"
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers={"Authorization": auth})) as response:
                return json.load(response)["media_list"]
        except urllib.error.HTTPError:
            continue
    return []


def test_given_full_sync_when_compared_with_truth_then_every_record_exactly_once(full_sync, discovered, world):
    """Each stream returns exactly the records the emulator holds for the readable accounts: none missing,
    none extra, none twice."""
    pks = primary_keys(discovered)
    problems = {}
    for stream, pk in sorted(pks.items()):
        key_fields = KEY_OVERRIDES.get(stream, list(world.truth(stream)["primary_key"]))
        expected = expected_keys(world, stream, key_fields)
        got = keys_of(full_sync.records_of(stream), key_fields)
        if stream not in KEY_OVERRIDES:
            dupes = duplicates(keys_of(full_sync.records_of(stream), pk))
            if dupes:
                problems[stream] = f"{len(dupes)} duplicated keys, e.g. {next(iter(dupes))}"
                continue
        # records Twilio keeps a limited time: those of the days the world and the real clock disagree on may come or not
        since = surely_read_since(stream, full_sync)
        surely = {tuple(k[f] for f in key_fields) for k in world.truth(stream, since=since)["keys"]} if since else expected
        missing, extra = surely - set(got), set(got) - expected
        if missing or extra:
            problems[stream] = f"{len(missing)} missing (e.g. {sorted(missing)[:2]}), {len(extra)} extra (e.g. {sorted(extra)[:2]})"
    assert problems == {}


def test_given_full_sync_then_every_record_carries_its_account_and_no_secret(full_sync, world):
    """Every per-account record has account_sid of a readable account (Twilio's own lists, prices, operator types and
    pre-built operators, have none); no auth token appears anywhere."""
    readable = set(world.world["readable_account_sids"])
    global_streams = {"pricing_messaging_countries", "pricing_voice_countries", "intelligence_operator_types"}
    for record in full_sync.records:
        if record["stream"] in global_streams or (record["stream"] == "intelligence_operators" and record["data"].get("author") == "Twilio"):
            assert not record["data"].get("account_sid"), record["stream"]
            continue
        assert record["data"].get("account_sid"), record["stream"]
        if record["stream"] != "accounts":
            assert record["data"]["account_sid"] in readable, record["stream"]
    tokens = [account["auth_token"] for account in world.world["accounts"]]
    assert not any(token in full_sync.stdout or token in full_sync.stderr for token in tokens)


def test_given_full_sync_then_dates_are_iso_and_prices_numbers(full_sync):
    """2010 API dates arrive as ISO 8601 UTC and prices as numbers, never as RFC 2822 or strings."""
    messages = full_sync.records_of("messages")
    assert messages
    for message in messages[:500]:
        assert message["date_created"].endswith("Z") and message["date_created"][10] == "T"
        assert message.get("price") is None or isinstance(message["price"], (int, float))
        assert isinstance(message["num_segments"], int)
    for call in full_sync.records_of("calls")[:500]:
        assert call.get("duration") is None or isinstance(call["duration"], int)  # null values leave the message without the key
