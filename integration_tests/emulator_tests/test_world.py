"""The emulated world and its ground truth."""
from __future__ import annotations

import json

import pytest

from integration_tests.emulator import Emulator
from integration_tests.emulator.catalog import STREAM_KEYS
from integration_tests.emulator_tests.helpers import (
    GLOBAL,
    NOW,
    NOW_T,
    SHAPES,
    acc_path,
    client,
    keys_of,
    readable_accounts,
    sync,
    t2010,
    tiso,
)


def test_world_description(emu):
    """The world describes its accounts (main, active, suspended, closed), their tokens and API keys."""
    w = emu.world
    assert w["now"] == NOW
    statuses = [a["status"] for a in w["accounts"]]
    assert statuses == ["active", "active", "suspended", "closed"]
    for a in w["accounts"]:
        assert a["sid"].startswith("AC") and len(a["sid"]) == 34
        assert len(a["auth_token"]) == 32
    assert w["api_key"]["sid"].startswith("SK")
    assert w["closed_account_sids"] == [w["accounts"][3]["sid"]]


def test_given_any_response_then_its_date_header_is_the_worlds_clock(emu):
    """Twilio dates its records by its own clock and sends that clock as `Date` (RFC 9110, 6.6.1): here the world's
    now, whatever this machine's clock says, on a list page and on an error alike."""
    import email.utils

    main = emu.world["main_account_sid"]
    answers = [client(emu).request(path) for path in ("/api" + acc_path(main) + "/Messages.json?PageSize=1", "/api/nothing")]
    assert [status for status, _, _ in answers] == [200, 404]
    for _, headers, _ in answers:
        assert email.utils.parsedate_to_datetime(headers["Date"]).timestamp() == emu.world["now_epoch"]


@pytest.mark.parametrize("stream", sorted(STREAM_KEYS))
def test_truth_matches_full_walk(emu, stream):
    """Truth lists exactly the keys a sync reads from every host with the credentials each host accepts."""
    items = sync(emu, stream)
    got = keys_of(stream, items)
    assert len(got) == len(set(got)) or stream in GLOBAL, "duplicate primary keys within one sync"
    truth = emu.truth(stream)
    want = [tuple(k[f] for f in truth["primary_key"]) for k in truth["keys"]]
    assert truth["count"] == len(want)
    assert set(got) == set(want)
    assert len(want) > 0, f"stream {stream} is empty in the world"


def test_truth_since_and_account(emu):
    """Truth with since/account matches an incremental DateSent>= read per account; open records come apart."""
    total = emu.truth("messages", keys=False)["count"]
    per_account = [emu.truth("messages", account=a, keys=False)["count"] for a in readable_accounts(emu)]
    assert sum(per_account) == total == 1800
    since = "2024-05-25T00:00:00Z"
    t = emu.truth("messages", since=since)
    got = set()
    for acc in readable_accounts(emu):
        c = client(emu)  # the main account reads every subaccount's messages
        got |= {m["sid"] for m in c.walk("api", f"{acc_path(acc)}/Messages.json?DateSent%3E={since}", "messages")}
    assert got == {k["sid"] for k in t["keys"]} and t["count"] == len(got)
    assert t["open_count"] == len(t["open_keys"]) > 0 and not got & {k["sid"] for k in t["open_keys"]}
    assert emu.truth("accounts", account=readable_accounts(emu)[1])["keys"] == [{"sid": readable_accounts(emu)[1]}]


def test_every_record_is_dated_no_later_than_now(emu):
    """Every date is at or before now: RFC 2822 "+0000" on the 2010 API, ISO "Z" on product hosts."""
    for stream in ("messages", "calls", "recordings", "conferences", "notifications", "transcriptions", "usage_records"):
        for it in sync(emu, stream):
            for f in ("date_created", "date_updated", "date_sent", "start_time", "end_time", "message_date"):
                if it.get(f):
                    assert t2010(it[f]) <= NOW_T, (stream, f, it[f])
                    assert it[f].endswith(" +0000")
    for stream in ("alerts", "monitor_events", "conversations", "verify_attempts", "executions", "call_summaries",
                   "conversation_messages"):
        for it in sync(emu, stream):
            for f in ("date_created", "date_updated", "date_generated", "event_date", "start_time", "end_time"):
                if it.get(f):
                    assert it[f].endswith("Z") and tiso(it[f]) <= NOW_T, (stream, f, it[f])


def test_items_carry_every_field_twilio_returns(emu):
    """Items carry every field of Twilio's recorded item shapes; counts and prices are strings as Twilio sends them."""
    shapes = json.loads(SHAPES.read_text())
    mapping = {
        "accounts": "accounts", "addresses": "addresses", "applications": "applications", "calls": "calls",
        "conferences": "conferences", "conference_participants": "conference_participants",
        "dependent_phone_numbers": "dependent_phone_numbers", "incoming_phone_numbers": "incoming_phone_numbers",
        "keys": "keys", "messages": "messages", "message_media": "message_media", "notifications": "notifications",
        "outgoing_caller_ids": "outgoing_caller_ids", "queues": "queues", "recordings": "recordings",
        "transcriptions": "transcriptions", "usage_records": "usage_records_daily", "usage_triggers": "usage_triggers",
        "alerts": "alerts", "monitor_events": "monitor_events", "conversations": "conversations",
        "conversation_messages": "conversation_messages", "conversation_participants": "conversation_participants",
        "users": "conversation_users", "user_conversations": "conversation_user_conversations",
        "conversation_services": "conversation_services", "conversation_roles": "conversation_roles",
        "flows": "studio_v2_flows", "executions": "studio_v2_executions", "step": "studio_v2_execution_steps",
        "verify_services": "verify_services", "verify_attempts": "verify_attempts", "trunks": "trunks",
        "event_types": "events_types", "sinks": "events_sinks", "subscriptions": "events_subscriptions",
        "available_phone_number_countries": "available_phone_number_countries",
        "available_phone_numbers_local": "available_phone_numbers_local",
    }
    for stream, shape in mapping.items():
        items = sync(emu, stream)
        want = set(shapes[shape])
        for it in items[:50]:
            missing = want - set(it)
            assert not missing, (stream, sorted(missing))
    msg = sync(emu, "messages")[5]
    assert isinstance(msg["num_media"], str) and isinstance(msg["num_segments"], str)
    assert msg["price"] is None or msg["price"].startswith("-0.0")
    call = next(c for c in sync(emu, "calls") if c["status"] == "completed")
    assert isinstance(call["duration"], str) and call["price"].startswith("-")
    usage = sync(emu, "usage_records")[0]
    assert len(usage["start_date"]) == 10 and usage["start_date"] == usage["end_date"]


def test_world_is_deterministic(emu):
    """The same seed gives the same accounts and records."""
    with Emulator(seed=42, accounts=3, messages_per_account=600, calls_per_account=300, alerts_per_account=150,
                  now=NOW, history_days=90) as again:
        assert again.world["accounts"] == emu.world["accounts"]
        assert again.truth("messages")["keys"] == emu.truth("messages")["keys"]
