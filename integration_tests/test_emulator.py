"""Tests of the local Twilio emulator (integration_tests/emulator).

Run: .venv/bin/python -m pytest integration_tests/test_emulator.py -q
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from integration_tests.emulator import Emulator
from integration_tests.emulator.catalog import STREAM_KEYS
from integration_tests.emulator.client import EmulatorClient
from integration_tests.emulator.listing import FilterSpec
from integration_tests.emulator.routes import ROUTES, Route
from integration_tests.emulator.timefmt import iso, parse_when

NOW = "2024-06-01T12:00:00Z"
NOW_T = parse_when(NOW)[0]
SHAPES = Path(__file__).resolve().parents[1] / "reference" / "twilio-api" / "item_shapes.json"


# ----------------------------------------------------------------------------- helpers


def t2010(s: str | None) -> int | None:
    return None if s is None else int(parsedate_to_datetime(s).timestamp())


def tiso(s: str | None) -> int | None:
    return None if s is None else parse_when(s)[0]


def client(emu: Emulator, account_sid: str | None = None, password: str | None = None) -> EmulatorClient:
    sid, tok = emu.main_credentials
    return EmulatorClient(emu.url, account_sid or sid, password or tok)


def acc_path(acc: str) -> str:
    return f"/2010-04-01/Accounts/{acc}"


def readable_accounts(emu: Emulator) -> list[str]:
    return emu.world["readable_account_sids"]


# What a connector does per stream: (product, path template, list key, parent stream, parent -> path vars)
TOP = {
    "addresses": ("api", "{A}/Addresses.json", "addresses"),
    "applications": ("api", "{A}/Applications.json", "applications"),
    "calls": ("api", "{A}/Calls.json", "calls"),
    "conferences": ("api", "{A}/Conferences.json", "conferences"),
    "incoming_phone_numbers": ("api", "{A}/IncomingPhoneNumbers.json", "incoming_phone_numbers"),
    "keys": ("api", "{A}/Keys.json", "keys"),
    "messages": ("api", "{A}/Messages.json", "messages"),
    "notifications": ("api", "{A}/Notifications.json", "notifications"),
    "outgoing_caller_ids": ("api", "{A}/OutgoingCallerIds.json", "outgoing_caller_ids"),
    "queues": ("api", "{A}/Queues.json", "queues"),
    "recordings": ("api", "{A}/Recordings.json", "recordings"),
    "transcriptions": ("api", "{A}/Transcriptions.json", "transcriptions"),
    "usage_records": ("api", "{A}/Usage/Records/Daily.json", "usage_records"),
    "usage_triggers": ("api", "{A}/Usage/Triggers.json", "usage_triggers"),
    "alerts": ("monitor", "/v1/Alerts", "alerts"),
    "monitor_events": ("monitor", "/v1/Events", "events"),
    "conversations": ("conversations", "/v1/Conversations", "conversations"),
    "users": ("conversations", "/v1/Users", "users"),
    "conversation_services": ("conversations", "/v1/Services", "services"),
    "conversation_roles": ("conversations", "/v1/Roles", "roles"),
    "services": ("chat", "/v2/Services", "services"),
    "flows": ("studio", "/v2/Flows", "flows"),
    "verify_services": ("verify", "/v2/Services", "services"),
    "verify_attempts": ("verify", "/v2/Attempts", "attempts"),
    "messaging_services": ("messaging", "/v1/Services", "services"),
    "trunks": ("trunking", "/v1/Trunks", "trunks"),
    "event_types": ("events", "/v1/Types", "types"),
    "sinks": ("events", "/v1/Sinks", "sinks"),
    "subscriptions": ("events", "/v1/Subscriptions", "subscriptions"),
    "call_summaries": ("insights", "/v1/Voice/Summaries?StartTime=30d", "call_summaries"),
    "pricing_messaging_countries": ("pricing", "/v1/Messaging/Countries", "countries"),
    "pricing_voice_countries": ("pricing", "/v2/Voice/Countries", "countries"),
}
SUB = {
    "dependent_phone_numbers": ("addresses", "api", "{A}/Addresses/{sid}/DependentPhoneNumbers.json", "dependent_phone_numbers"),
    "conference_participants": ("conferences", "api", "{A}/Conferences/{sid}/Participants.json", "participants"),
    "message_media": ("messages", "api", "{A}/Messages/{sid}/Media.json", "media_list"),
    "conversation_messages": ("conversations", "conversations", "/v1/Conversations/{sid}/Messages", "messages"),
    "conversation_participants": ("conversations", "conversations", "/v1/Conversations/{sid}/Participants", "participants"),
    "user_conversations": ("users", "conversations", "/v1/Users/{sid}/Conversations", "conversations"),
    "roles": ("services", "chat", "/v2/Services/{sid}/Roles", "roles"),
    "executions": ("flows", "studio", "/v2/Flows/{sid}/Executions", "executions"),
}
GLOBAL = {"event_types", "pricing_messaging_countries", "pricing_voice_countries"}


def sync(emu: Emulator, stream: str) -> list[dict]:
    """Read a stream the way a connector must: the 2010 API of every readable account with the main
    account's credentials, product hosts with each active account's own credentials, every parent."""
    sid, tok = emu.main_credentials
    main = client(emu)
    out: list[dict] = []
    if stream == "accounts":
        return main.walk("api", "/2010-04-01/Accounts.json", "accounts")
    product = "studio" if stream == "step" else TOP.get(stream, SUB.get(stream, ("", "")))[1 if stream in SUB else 0]
    if stream in GLOBAL:
        accounts = readable_accounts(emu)[:1]
    elif product not in ("api", ""):
        accounts = emu.world["active_account_sids"]
    else:
        accounts = readable_accounts(emu)
    for acc in accounts:
        # 2010 API: the main account reads every subaccount; product hosts need the account's own credentials
        c = main if acc == sid or product in ("api", "") else EmulatorClient(emu.url, *emu.credentials(acc))
        A = acc_path(acc)
        if stream == "account_balance":
            status, body = c.get(f"/api{A}/Balance.json")
            assert status == 200
            out.append(body)
        elif stream == "available_phone_number_countries":
            status, body = c.get(f"/api{A}/AvailablePhoneNumbers.json")
            assert status == 200 and set(body) == {"countries", "uri"}
            out += [dict(x, account_sid=acc) for x in body["countries"]]
        elif stream.startswith("available_phone_numbers_"):
            kind = stream[len("available_phone_numbers_"):]
            _, body = c.get(f"/api{A}/AvailablePhoneNumbers.json")
            for country in body["countries"]:
                uri = country["subresource_uris"].get(kind)
                if uri:
                    status, nums = c.get("/api" + uri)
                    assert status == 200
                    out += [dict(x, account_sid=acc) for x in nums["available_phone_numbers"]]
        elif stream in TOP:
            product, path, key = TOP[stream]
            out += c.walk(product, path.format(A=A), key)
        elif stream in SUB:
            parent, product, path, key = SUB[stream]
            pproduct, ppath, pkey = TOP[parent]
            for p in c.walk(pproduct, ppath.format(A=A), pkey):
                if stream == "message_media" and p["num_media"] == "0":
                    continue
                out += c.walk(product, path.format(A=A, sid=p["sid"]), key)
        elif stream == "step":
            for f in c.walk("studio", "/v2/Flows", "flows"):
                for e in c.walk("studio", f"/v2/Flows/{f['sid']}/Executions", "executions"):
                    out += c.walk("studio", f"/v2/Flows/{f['sid']}/Executions/{e['sid']}/Steps", "steps")
        else:
            raise AssertionError(stream)
    return out


def keys_of(stream: str, items: list[dict]) -> list[tuple]:
    pk = STREAM_KEYS[stream][0]
    return [tuple(it[f] for f in pk) for it in items]


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


# ----------------------------------------------------------------------------- the OpenAPI contract

SPECS = Path(__file__).resolve().parents[1] / "reference" / "twilio-api" / "specs"
# emulator product (and API version) -> the vendored OpenAPI spec that defines it
SPEC_OF = {
    ("api", "2010-04-01"): "twilio_api_v2010.json", ("monitor", "v1"): "twilio_monitor_v1.json",
    ("conversations", "v1"): "twilio_conversations_v1.json", ("chat", "v2"): "twilio_chat_v2.json",
    ("studio", "v2"): "twilio_studio_v2.json", ("verify", "v2"): "twilio_verify_v2.json",
    ("messaging", "v1"): "twilio_messaging_v1.json", ("trunking", "v1"): "twilio_trunking_v1.json",
    ("events", "v1"): "twilio_events_v1.json", ("insights", "v1"): "twilio_insights_v1.json",
    ("pricing", "v1"): "twilio_pricing_v1.json", ("pricing", "v2"): "twilio_pricing_v2.json",
    ("taskrouter", "v1"): "twilio_taskrouter_v1.json",
}
_SPEC_CACHE: dict = {}


def _spec_paths(file: str) -> dict:
    if file not in _SPEC_CACHE:
        _SPEC_CACHE[file] = json.loads((SPECS / file).read_text())["paths"]
    return _SPEC_CACHE[file]


def contract_problems(route) -> list[str]:
    """Where a route departs from Twilio's OpenAPI spec (empty: it follows it)."""
    version = route.path.strip("/").split("/", 1)[0]
    file = SPEC_OF.get((route.product, version))
    if file is None:
        return [f"{route.product}{route.path}: no vendored spec for product {route.product!r} {version}"]
    op = _spec_paths(file).get(route.path, {}).get("get")
    if op is None:
        return [f"{route.product}{route.path}: not a GET path of {file}"]
    spec_params = {p["name"]: p for p in op.get("parameters", []) if p.get("in") == "query"}
    problems = [f"{route.product}{route.path}: accepts {name!r}, which {file} does not define"
                for name in route.params if name not in spec_params]
    if route.kind in ("list", "accounts", "numbers"):
        if "PageSize" not in route.params:
            problems.append(f"{route.product}{route.path}: a list that does not page")
        elif route.max_page_size != spec_params["PageSize"]["schema"]["maximum"]:
            problems.append(f"{route.product}{route.path}: PageSize maximum {route.max_page_size}, "
                            f"spec says {spec_params['PageSize']['schema']['maximum']}")
    return problems


def test_routes_follow_the_openapi_contract():
    """Every route is a GET path of its product's vendored spec, accepts only that path's query parameters, and pages with its PageSize maximum."""
    assert len(ROUTES) >= 50
    problems = [p for r in ROUTES for p in contract_problems(r)]
    assert problems == []
    maxima = {(r.product, r.path): r.max_page_size for r in ROUTES}
    assert maxima[("conversations", "/v1/Users")] == 50 and maxima[("chat", "/v2/Services")] == 100
    assert maxima[("api", "/2010-04-01/Accounts/{AccountSid}/Messages.json")] == 1000
    # the check bites: a path, a filter or a page size Twilio does not have is reported
    fake = [Route("conversations", "/v1/Nope", "users"),
            Route("studio", "/v2/Flows/{FlowSid}/Executions", "executions", filters=[FilterSpec("Status", "status")]),
            Route("monitor", "/v1/Alerts", "alerts", filters=[FilterSpec("DateCreated>", "date_created", "ge", "time")])]
    fake.append(Route("conversations", "/v1/Users", "users"))
    fake[-1].max_page_size = 1000
    assert [len(contract_problems(r)) for r in fake] == [1, 1, 1, 1]


# ----------------------------------------------------------------------------- world & truth


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


# ----------------------------------------------------------------------------- envelopes & paging


def test_2010_envelope_and_links(emu):
    """2010 envelope: Twilio's keys, relative links keeping the filters, PageToken next and previous pages."""
    c = client(emu)
    A = acc_path(emu.main_credentials[0])
    status, body = c.get(f"/api{A}/Messages.json?DateSent%3E=2024-05-01&PageSize=100")
    assert status == 200
    assert list(body) == ["first_page_uri", "end", "previous_page_uri", "messages", "uri", "page_size", "start",
                          "next_page_uri", "page"]
    assert body["page"] == 0 and body["page_size"] == 100 and body["start"] == 0 and body["end"] == 99
    assert body["first_page_uri"] == f"{A}/Messages.json?DateSent%3E=2024-05-01&PageSize=100&Page=0"
    nxt = body["next_page_uri"]
    assert nxt.startswith(f"{A}/Messages.json?DateSent%3E=2024-05-01&PageSize=100&Page=1&PageToken=PA")
    status, page2 = c.get("/api" + nxt)
    assert page2["start"] == 100 and page2["page"] == 1
    assert page2["previous_page_uri"] is not None
    status, back = c.get("/api" + page2["previous_page_uri"])
    assert [m["sid"] for m in back["messages"]] == [m["sid"] for m in body["messages"]]


def test_v1_envelope_absolute_links(emu):
    """v1/v2 envelope: meta with absolute links to the emulator."""
    c = client(emu)
    status, body = c.get("/monitor/v1/Alerts?PageSize=20")
    meta = body["meta"]
    assert list(meta) == ["page", "page_size", "first_page_url", "previous_page_url", "url", "next_page_url", "key"]
    assert meta["key"] == "alerts" and meta["page_size"] == 20
    assert meta["next_page_url"].startswith(emu.url + "/monitor/v1/Alerts?PageSize=20&Page=1&PageToken=PT")
    assert meta["first_page_url"] == emu.url + "/monitor/v1/Alerts?PageSize=20&Page=0"


@pytest.mark.parametrize("page_size", [1, 37, 1000])
def test_paging_with_tokens_visits_every_record_once(emu, page_size):
    """Token paging visits every record once at any page size; Messages come newest first."""
    c = client(emu)
    A = acc_path(emu.main_credentials[0])
    sids = [m["sid"] for m in c.walk("api", f"{A}/Messages.json", "messages", page_size)]
    assert len(sids) == len(set(sids)) == 600
    dates = [t2010(m["date_created"]) for m in c.walk("api", f"{A}/Messages.json", "messages", page_size)]
    assert dates == sorted(dates, reverse=True), "messages are newest first"


def test_page_size_limits_and_tokens(emu):
    """PageSize below 1 or above the path's spec maximum is a 400 (code 20001); Page>0 needs the PageToken."""
    c = client(emu)
    A = acc_path(emu.main_credentials[0])
    status, body = c.get(f"/api{A}/Calls.json?PageSize=1001")
    assert status == 400 and body["code"] == 20001
    status, body = c.get(f"/api{A}/Calls.json?PageSize=0")
    assert status == 400
    status, body = c.get(f"/api{A}/Calls.json?Page=3&PageSize=10")
    assert status == 400 and "PageToken" in body["message"]
    status, body = c.get(f"/api{A}/Calls.json?PageSize=10&Page=1&PageToken=PAnotatoken")
    assert status == 400
    for path, limit in (("/conversations/v1/Users", 50), ("/conversations/v1/Conversations", 100),
                        ("/chat/v2/Services", 100), ("/monitor/v1/Alerts", 1000)):
        status, body = c.get(f"{path}?PageSize={limit}")
        assert status == 200 and body["meta"]["page_size"] == limit, path
        status, body = c.get(f"{path}?PageSize={limit + 1}")
        assert status == 400 and body["code"] == 20001 and str(limit) in body["message"], path
    status, body = c.get(f"/api{A}/Calls.json")
    assert body["page_size"] == 50 and len(body["calls"]) == 50


def test_page_size_over_max_clamp_knob(fresh):
    """Knob page_size_over_max="clamp": a PageSize above the spec maximum serves the maximum and says so."""
    c = client(fresh)
    fresh.configure(page_size_over_max="clamp")
    status, body = c.get("/conversations/v1/Users?PageSize=1000")
    assert status == 200 and body["meta"]["page_size"] == 50
    status, body = c.get(f"/api{acc_path(fresh.main_credentials[0])}/Calls.json?PageSize=5000")
    assert status == 200 and body["page_size"] == 1000 and len(body["calls"]) == 200
    status, body = c.get("/conversations/v1/Users?PageSize=0")
    assert status == 400
    with pytest.raises(Exception):
        fresh.configure(page_size_over_max="sometimes")


def test_unknown_paths_are_twilio_404s(emu):
    """Unknown paths and parents are Twilio-style 404s (code 20404)."""
    c = client(emu)
    for path in ("/api/2010-04-01/Nope.json", "/nohost/v1/Things", f"/api{acc_path(emu.main_credentials[0])}/Messages/SMdeadbeef/Media.json",
                 f"/api{acc_path(emu.main_credentials[0])}/Messages/SM{'0' * 32}/Media.json", "/pricing/v1/Messaging/Countries/ZZ"):
        status, body = c.get(path)
        assert status == 404 and body["code"] == 20404 and body["status"] == 404 and "more_info" in body, path


def test_single_objects(emu):
    """Balance, account and pricing-country objects are bare JSON objects."""
    c = client(emu)
    sid = emu.main_credentials[0]
    status, bal = c.get(f"/api{acc_path(sid)}/Balance.json")
    assert status == 200 and set(bal) == {"account_sid", "balance", "currency"} and bal["account_sid"] == sid
    status, us = c.get("/pricing/v1/Messaging/Countries/US")
    assert status == 200 and us["outbound_sms_prices"] and us["inbound_sms_prices"]
    status, us = c.get("/pricing/v2/Voice/Countries/US")
    assert status == 200 and us["outbound_prefix_prices"] and us["inbound_call_prices"]
    status, acc = c.get(f"/api{acc_path(sid)}.json")
    assert status == 200 and acc["sid"] == sid


def test_media_matches_num_media(emu):
    """Media.json lists exactly num_media items of the message, created with it."""
    c = client(emu)
    A = acc_path(emu.main_credentials[0])
    msgs = c.walk("api", f"{A}/Messages.json", "messages")
    with_media = [m for m in msgs if m["num_media"] != "0"]
    assert with_media and len(with_media) < len(msgs)
    for m in with_media[:10] + [m for m in msgs if m["num_media"] == "0"][:3]:
        media = c.walk("api", f"{A}/Messages/{m['sid']}/Media.json", "media_list")
        assert len(media) == int(m["num_media"])
        assert all(x["parent_sid"] == m["sid"] and x["date_created"] == m["date_created"] for x in media)


def test_world_has_open_and_varied_records(emu):
    """Records vary like Twilio's: open messages and calls, every call status (failed/canceled without end_time), call scores, keyless participants."""
    msgs = sync(emu, "messages")
    open_msgs = [m for m in msgs if m["date_sent"] is None]
    assert open_msgs and {m["status"] for m in open_msgs} <= {"queued", "accepted"}
    assert {"delivered", "failed", "received"} <= {m["status"] for m in msgs}
    # Calls are open for 4 hours at most: a world with calls every few minutes has open ones of every status.
    with Emulator(seed=42, accounts=1, closed=0, suspended=0, messages_per_account=10, calls_per_account=600,
                  now=NOW, history_days=3) as busy:
        calls = sync(busy, "calls")
    statuses = {c["status"] for c in calls}
    assert {"queued", "ringing", "in-progress", "completed", "busy", "no-answer", "failed", "canceled"} <= statuses
    for c in calls:
        if c["status"] in ("failed", "canceled"):
            assert c["end_time"] is None and c["duration"] == "0"  # Twilio: empty unless completed successfully
        if c["status"] in ("busy", "no-answer", "completed"):
            assert c["end_time"] is not None
        if c["status"] in ("queued", "ringing"):
            assert c["start_time"] is None and c["end_time"] is None
        if c["status"] == "in-progress":
            assert c["start_time"] is not None and c["end_time"] is None and c["duration"] is None
        if c["status"] in ("queued", "ringing", "in-progress"):  # Twilio's default call limit: 4 hours
            assert t2010(c["date_created"]) >= NOW_T - 4 * 3600
    scores = {s["annotation"]["call_score"] for s in sync(emu, "call_summaries") if s["annotation"]}
    assert scores == {1, 2, 3, 4, 5}
    parts = sync(emu, "conference_participants")
    assert parts and all("sid" not in p for p in parts)
    assert all("account_sid" not in k for k in sync(emu, "keys"))


# ----------------------------------------------------------------------------- filters


def _messages(emu, query: str) -> list[dict]:
    return client(emu).walk("api", f"{acc_path(emu.main_credentials[0])}/Messages.json?{query}", "messages", 200)


def test_date_sent_filters(emu):
    """DateSent>= / DateSent<= / DateSent= select by date_sent; a date covers its day; null date_sent never matches."""
    everything = _messages(emu, "")
    lo, hi = parse_when("2024-05-10")[0], parse_when("2024-05-20T06:30:00Z")[0]

    def expect(pred):
        return sorted(m["sid"] for m in everything if m["date_sent"] and pred(t2010(m["date_sent"])))

    got = _messages(emu, "DateSent%3E=2024-05-10&DateSent%3C=2024-05-20T06:30:00Z")
    assert sorted(m["sid"] for m in got) == expect(lambda t: lo <= t <= hi)
    # date-only upper bound includes the whole day; raw (unencoded) operators work too
    got = _messages(emu, "DateSent<=2024-05-20")
    assert sorted(m["sid"] for m in got) == expect(lambda t: t < parse_when("2024-05-21")[0])
    got = _messages(emu, "DateSent=2024-05-20")
    day = parse_when("2024-05-20")[0]
    assert sorted(m["sid"] for m in got) == expect(lambda t: day <= t < day + 86400)
    # null date_sent never matches a range
    assert all(m["date_sent"] for m in _messages(emu, "DateSent%3E=2024-01-01"))


def _sids(items: list[dict]) -> set:
    return {x["sid"] for x in items}


def test_upper_bounds_read_each_parameter_as_its_spec_text(fresh):
    """Knob le_bound="spec" (default): DateSent<= and Usage EndDate include the bound ("on and before"), Calls StartTime</EndTime< exclude it ("before this date"), Conferences/Recordings/Media DateCreated< and Notifications MessageDate< stop at midnight of the date."""
    c = client(fresh)
    A = acc_path(fresh.main_credentials[0])
    msgs = c.walk("api", f"{A}/Messages.json", "messages")
    m = next(x for x in msgs if x["date_sent"])
    t = t2010(m["date_sent"])
    got = c.walk("api", f"{A}/Messages.json?DateSent%3C={iso(t)}", "messages")
    assert m["sid"] in _sids(got) and all(t2010(x["date_sent"]) <= t for x in got)
    day = iso(t)[:10]
    got = c.walk("api", f"{A}/Messages.json?DateSent%3C={day}", "messages")  # the whole day of the bound
    assert _sids(got) == {x["sid"] for x in msgs if x["date_sent"] and iso(t2010(x["date_sent"]))[:10] <= day}
    calls = c.walk("api", f"{A}/Calls.json", "calls")
    k = next(x for x in calls if x["start_time"])
    ts = t2010(k["start_time"])
    got = c.walk("api", f"{A}/Calls.json?StartTime%3C={iso(ts)}", "calls")
    assert k["sid"] not in _sids(got) and all(t2010(x["start_time"]) < ts for x in got)
    day = iso(ts)[:10]
    got = c.walk("api", f"{A}/Calls.json?StartTime%3C={day}", "calls")  # before the start of the date
    assert _sids(got) == {x["sid"] for x in calls if x["start_time"] and iso(t2010(x["start_time"]))[:10] < day}
    confs = c.walk("api", f"{A}/Conferences.json", "conferences")
    day = iso(t2010(confs[3]["date_created"]))[:10]
    got = c.walk("api", f"{A}/Conferences.json?DateCreated%3C={day}", "conferences")
    assert _sids(got) == {x["sid"] for x in confs if t2010(x["date_created"]) <= parse_when(day)[0]}
    usage = c.walk("api", f"{A}/Usage/Records/Daily.json?EndDate=2024-05-20", "usage_records")
    assert max(u["start_date"] for u in usage) == "2024-05-20"


def test_le_bound_knob(fresh):
    """Knob le_bound: "inclusive" makes every 2010 upper bound include its instant and the whole day of a date; "exclusive" stops before the instant and before midnight at the start of a date."""
    c = client(fresh)
    A = acc_path(fresh.main_credentials[0])
    calls = c.walk("api", f"{A}/Calls.json", "calls")
    k = next(x for x in calls if x["start_time"])
    ts = t2010(k["start_time"])
    msgs = c.walk("api", f"{A}/Messages.json", "messages")
    m = next(x for x in msgs if x["date_sent"])
    t = t2010(m["date_sent"])
    confs = c.walk("api", f"{A}/Conferences.json", "conferences")
    day = iso(t2010(confs[3]["date_created"]))[:10]
    fresh.configure(le_bound="inclusive")
    assert k["sid"] in _sids(c.walk("api", f"{A}/Calls.json?StartTime%3C={iso(ts)}", "calls"))
    got = c.walk("api", f"{A}/Conferences.json?DateCreated%3C={day}", "conferences")
    assert _sids(got) == {x["sid"] for x in confs if iso(t2010(x["date_created"]))[:10] <= day}
    assert max(u["start_date"] for u in c.walk("api", f"{A}/Usage/Records/Daily.json?EndDate=2024-05-20",
                                                  "usage_records")) == "2024-05-20"
    fresh.configure(le_bound="exclusive")
    got = c.walk("api", f"{A}/Messages.json?DateSent%3C={iso(t)}", "messages")
    assert m["sid"] not in _sids(got) and all(t2010(x["date_sent"]) < t for x in got)
    got = c.walk("api", f"{A}/Messages.json?DateSent%3C={iso(t)[:10]}", "messages")
    assert all(iso(t2010(x["date_sent"]))[:10] < iso(t)[:10] for x in got)
    assert max(u["start_date"] for u in c.walk("api", f"{A}/Usage/Records/Daily.json?EndDate=2024-05-20",
                                                  "usage_records")) == "2024-05-19"
    got = c.walk("api", f"{A}/Conferences.json?DateCreated%3C={day}", "conferences")
    assert _sids(got) == {x["sid"] for x in confs if iso(t2010(x["date_created"]))[:10] < day}


def test_studio_and_verify_bound_knobs(fresh):
    """Studio DateCreatedTo ("starting before") and Verify DateCreatedBefore/After ("created before/after") exclude the bound by default; knobs studio_date_created_to, verify_date_created_before and verify_date_created_after make them inclusive."""
    c = client(fresh)
    flow = c.walk("studio", "/v2/Flows", "flows")[0]["sid"]
    execs = c.walk("studio", f"/v2/Flows/{flow}/Executions", "executions")
    e = execs[len(execs) // 2]
    te = iso(tiso(e["date_created"]))
    attempts = c.walk("verify", "/v2/Attempts", "attempts")
    a = attempts[len(attempts) // 2]
    ta = iso(tiso(a["date_created"]))

    def studio():
        return _sids(c.walk("studio", f"/v2/Flows/{flow}/Executions?DateCreatedTo={te}", "executions"))

    def verify(param):
        return _sids(c.walk("verify", f"/v2/Attempts?{param}={ta}", "attempts"))

    assert e["sid"] not in studio() and a["sid"] not in verify("DateCreatedBefore") | verify("DateCreatedAfter")
    assert len(verify("DateCreatedBefore")) + len(verify("DateCreatedAfter")) == len(attempts) - 1
    fresh.configure(studio_date_created_to="inclusive", verify_date_created_before="inclusive",
                    verify_date_created_after="inclusive")
    assert e["sid"] in studio() and a["sid"] in verify("DateCreatedBefore") & verify("DateCreatedAfter")


def test_studio_keeps_executions_and_their_steps_30_days(emu):
    """Studio lists executions created within 30 days only, whatever DateCreatedFrom says, and an older execution's
    steps answer 404 (Studio User Guide, data retention)."""
    c = client(emu)
    flow = c.walk("studio", "/v2/Flows", "flows")[0]["sid"]
    floor = NOW_T - 30 * 86400
    listed = c.walk("studio", f"/v2/Flows/{flow}/Executions?DateCreatedFrom=2020-01-01T00:00:00Z", "executions")
    assert listed and all(tiso(x["date_created"]) >= floor for x in listed)
    assert emu.world["accounts"][0]["counts"]["executions:0"] > len(listed), "no execution is older than 30 days"
    oldest = emu.server.catalog.pc(emu.server.world.main).execution.sid(0)  # flow 0's first execution, 60+ days old
    assert c.get(f"{emu.url}/studio/v2/Flows/{flow}/Executions/{listed[0]['sid']}/Steps")[0] == 200
    assert c.get(f"{emu.url}/studio/v2/Flows/{flow}/Executions/{oldest}/Steps")[0] == 404


def test_to_from_filters(emu):
    """To filters messages by recipient."""
    everything = _messages(emu, "")
    to = everything[10]["to"]
    got = _messages(emu, "To=" + to.replace("+", "%2B"))
    assert got and sorted(m["sid"] for m in got) == sorted(m["sid"] for m in everything if m["to"] == to)


def test_calls_filters(emu):
    """Calls EndTime>=, StartTime>= and Status select as documented."""
    c = client(emu)
    A = acc_path(emu.main_credentials[0])
    everything = c.walk("api", f"{A}/Calls.json", "calls")
    since = parse_when("2024-05-25T00:00:00Z")[0]
    got = c.walk("api", f"{A}/Calls.json?EndTime%3E=2024-05-25T00:00:00Z", "calls")
    assert sorted(x["sid"] for x in got) == sorted(x["sid"] for x in everything if x["end_time"] and t2010(x["end_time"]) >= since)
    for status in ("queued", "ringing", "in-progress", "busy"):
        got = c.walk("api", f"{A}/Calls.json?Status={status}", "calls")
        assert sorted(x["sid"] for x in got) == sorted(x["sid"] for x in everything if x["status"] == status)
    got = c.walk("api", f"{A}/Calls.json?StartTime%3E=2024-05-30", "calls")
    assert sorted(x["sid"] for x in got) == sorted(
        x["sid"] for x in everything if x["start_time"] and t2010(x["start_time"]) >= parse_when("2024-05-30")[0])


def test_other_2010_filters(emu):
    """Conferences, Notifications, Usage Records and Recordings filters select as their spec text says."""
    c = client(emu)
    A = acc_path(emu.main_credentials[0])
    confs = c.walk("api", f"{A}/Conferences.json", "conferences")
    got = c.walk("api", f"{A}/Conferences.json?DateCreated%3E=2024-04-15", "conferences")
    assert sorted(x["sid"] for x in got) == sorted(x["sid"] for x in confs if t2010(x["date_created"]) >= parse_when("2024-04-15")[0])
    notes = c.walk("api", f"{A}/Notifications.json", "notifications")
    got = c.walk("api", f"{A}/Notifications.json?Log=0", "notifications")
    assert got and sorted(x["sid"] for x in got) == sorted(x["sid"] for x in notes if x["log"] == "0")
    got = c.walk("api", f"{A}/Notifications.json?MessageDate%3E=2024-05-01&MessageDate%3C=2024-05-15", "notifications")
    # "at or before midnight on a date": the bound day itself is out (knob le_bound="spec")
    assert sorted(x["sid"] for x in got) == sorted(
        x["sid"] for x in notes if parse_when("2024-05-01")[0] <= t2010(x["message_date"]) <= parse_when("2024-05-15")[0])
    usage = c.walk("api", f"{A}/Usage/Records/Daily.json?StartDate=2024-05-01&EndDate=2024-05-03", "usage_records")
    assert {u["start_date"] for u in usage} == {"2024-05-01", "2024-05-02", "2024-05-03"} and len(usage) == 3 * 8
    usage = c.walk("api", f"{A}/Usage/Records/Daily.json?Category=sms&StartDate=-7days", "usage_records")
    assert {u["category"] for u in usage} == {"sms"} and len(usage) == 8
    recs = c.walk("api", f"{A}/Recordings.json", "recordings")
    got = c.walk("api", f"{A}/Recordings.json?DateCreated%3E=2024-05-01T00:00:00Z", "recordings")
    assert sorted(x["sid"] for x in got) == sorted(x["sid"] for x in recs if t2010(x["date_created"]) >= parse_when("2024-05-01")[0])


def test_v1_filters(emu):
    """Alerts, Studio, Verify, Voice Insights and Conversations filters select as their spec text says."""
    c = client(emu)
    alerts = c.walk("monitor", "/v1/Alerts", "alerts")
    start = iso(NOW_T - 7 * 86400)
    got = c.walk("monitor", f"/v1/Alerts?StartDate={start}&LogLevel=error", "alerts")
    assert sorted(a["sid"] for a in got) == sorted(
        a["sid"] for a in alerts if tiso(a["date_generated"]) >= NOW_T - 7 * 86400 and a["log_level"] == "error")
    flows = c.walk("studio", "/v2/Flows", "flows")
    execs = c.walk("studio", f"/v2/Flows/{flows[0]['sid']}/Executions", "executions")
    mid = tiso(execs[len(execs) // 2]["date_created"])
    got = c.walk("studio", f"/v2/Flows/{flows[0]['sid']}/Executions?DateCreatedFrom={iso(mid)}", "executions")
    assert sorted(x["sid"] for x in got) == sorted(x["sid"] for x in execs if tiso(x["date_created"]) >= mid)
    attempts = c.walk("verify", "/v2/Attempts", "attempts")
    mid = tiso(attempts[len(attempts) // 2]["date_created"])
    got = c.walk("verify", f"/v2/Attempts?DateCreatedAfter={iso(mid)}&DateCreatedBefore={iso(NOW_T)}", "attempts")
    assert sorted(x["sid"] for x in got) == sorted(x["sid"] for x in attempts if tiso(x["date_created"]) > mid)
    # Voice Insights: without StartTime only the last 4 hours; with one, the requested window
    recent = c.walk("insights", "/v1/Voice/Summaries", "call_summaries")
    assert all(tiso(s["start_time"]) >= NOW_T - 4 * 3600 for s in recent)
    week = c.walk("insights", "/v1/Voice/Summaries?StartTime=7d", "call_summaries")
    iso_week = c.walk("insights", f"/v1/Voice/Summaries?StartTime={iso(NOW_T - 7 * 86400)}", "call_summaries")
    assert week == iso_week and len(week) > len(recent)
    convs = c.walk("conversations", "/v1/Conversations", "conversations")
    day = convs[2]["date_created"][:10]
    got = c.walk("conversations", f"/v1/Conversations?StartDate={day}", "conversations", 100)
    assert [x["sid"] for x in got] == [x["sid"] for x in reversed(convs) if x["date_created"][:10] >= day]


def test_retention_rules(emu):
    """Messages DateSent older than 400 days: 400 code 20004; Alerts/Events StartDate older than 30 days: 400."""
    c = client(emu)
    A = acc_path(emu.main_credentials[0])
    status, body = c.get(f"/api{A}/Messages.json?DateSent%3E=2023-01-01")
    assert status == 400 and body["code"] == 20004
    status, body = c.get(f"/api{A}/Messages.json?DateSent%3E=2023-06-01")  # 366 days back: fine
    assert status == 200
    status, body = c.get(f"/monitor/v1/Alerts?StartDate={iso(NOW_T - 31 * 86400)}")
    assert status == 400 and body["code"] == 20001
    status, body = c.get(f"/monitor/v1/Events?StartDate={iso(NOW_T - 40 * 86400)}")
    assert status == 400


def test_alerts_stop_at_the_10000th_result():
    """Monitor Alerts: pages up to the 10,000th result succeed; the page that would go beyond it is a 400 "Invalid page and pageSize combination, data is limited to 10,000 results"."""
    with Emulator(seed=3, accounts=0, closed=0, suspended=0, messages_per_account=10, calls_per_account=10,
                  alerts_per_account=12000, now=NOW) as e:
        c = client(e)
        url, got = "/monitor/v1/Alerts?PageSize=1000", []
        for _ in range(10):
            status, body = c.get(url)
            assert status == 200 and len(body["alerts"]) == 1000
            got += body["alerts"]
            url = body["meta"]["next_page_url"]
        assert url is not None  # Twilio still links the next page ...
        status, body = c.get(url)  # ... which is refused
        assert status == 400 and body["code"] == 20001
        assert body["message"] == "Invalid page and pageSize combination, data is limited to 10,000 results"
        dates = [tiso(a["date_generated"]) for a in got]
        assert dates == sorted(dates, reverse=True)  # knob alerts_order: newest first
        # a window of at most 10,000 results reads to its end; split windows give every alert once
        total = []
        for k in range(3):
            lo, hi = iso(NOW_T - (30 - 10 * k) * 86400), iso(NOW_T - (20 - 10 * k) * 86400 - 1)
            total += c.walk("monitor", f"/v1/Alerts?StartDate={lo}&EndDate={hi}", "alerts")
        sids = [a["sid"] for a in total]
        assert len(sids) == len(set(sids)) == e.truth("alerts")["count"] == 12000
        # the refusal depends on page and PageSize: page 33 of 300 would end at the 10,200th result
        status, body = c.get("/monitor/v1/Alerts?PageSize=300")
        for _ in range(32):  # pages 1..32 end at the 9,900th result
            status, body = c.get(body["meta"]["next_page_url"])
            assert status == 200
        status, body = c.get(body["meta"]["next_page_url"])
        assert status == 400 and "10,000" in body["message"]
        e.configure(alerts_max_results=500)
        status, body = c.get("/monitor/v1/Alerts?PageSize=500")
        assert status == 200 and body["meta"]["next_page_url"]
        status, body = c.get(body["meta"]["next_page_url"])
        assert status == 400 and body["message"].endswith("data is limited to 500 results")


def test_alerts_order_knob(fresh):
    """Knob alerts_order: Twilio does not document the order of Alerts; "desc" (default) is newest first, "asc" oldest first."""
    c = client(fresh)
    newest = [tiso(a["date_generated"]) for a in c.walk("monitor", "/v1/Alerts", "alerts")]
    assert newest == sorted(newest, reverse=True) and len(newest) == 200
    fresh.configure(alerts_order="asc")
    oldest = [tiso(a["date_generated"]) for a in c.walk("monitor", "/v1/Alerts", "alerts", 7)]
    assert oldest == sorted(oldest) and sorted(oldest) == sorted(newest)


def test_alerts_per_account_and_bursts():
    """World fields alerts_by_account and alert_bursts: 60,000 alerts in 30 days on one account, more than 10,000 within one day, read fast by day windows."""
    burst_day = NOW_T - 3 * 86400
    with Emulator(seed=4, accounts=2, closed=0, suspended=0, messages_per_account=10, calls_per_account=10,
                  alerts_by_account={0: 60000, 2: 5}, alert_bursts=[{"account": 0, "count": 12000, "days_ago": 3}],
                  now=NOW) as e:
        counts = [a["counts"]["alerts"] for a in e.world["accounts"]]
        assert counts == [72000, 200, 5]
        t0 = time.perf_counter()
        c = client(e)
        lo, hi = iso(burst_day), iso(burst_day + 86400 - 1)
        status, body = c.get(f"/monitor/v1/Alerts?StartDate={lo}&EndDate={hi}&PageSize=1000")
        assert status == 200 and len(body["alerts"]) == 1000
        # the burst day holds more than 10,000 alerts: a sync must split it into smaller windows
        got = []
        for h in range(0, 24, 4):
            lo, hi = iso(burst_day + h * 3600), iso(burst_day + (h + 4) * 3600 - 1)
            got += c.walk("monitor", f"/v1/Alerts?StartDate={lo}&EndDate={hi}", "alerts")
        assert len(got) == 12000 and len({a["sid"] for a in got}) == len(got)
        assert e.truth("alerts", keys=False)["count"] == 72000 + 200 + 5
        assert time.perf_counter() - t0 < 15


def test_messages_retention_error_is_twilios(emu):
    """Messages: a DateSent range reaching past the 400-day window is a 400 with code 20004 and Twilio's message."""
    c = client(emu)
    A = acc_path(emu.main_credentials[0])
    for q in ("DateSent%3E=2023-01-01", "DateSent%3C=2023-01-01", "DateSent%3E=2023-01-01&DateSent%3C=2024-01-01"):
        status, body = c.get(f"/api{A}/Messages.json?{q}")
        assert status == 400 and body["code"] == 20004, q
        assert body["message"] == "Date range specified in query is partially or entirely outside of retention window of 400 days"


def _summaries_world(**kw):
    return Emulator(seed=21, accounts=0, closed=0, suspended=0, messages_per_account=10, calls_per_account=3000,
                    history_days=1, now=NOW, counts={"call_summary_stride": 2}, **kw)


def test_call_summaries_processing_state():
    """Voice Insights: a call's summary is absent until 10 minutes after the call ended, "partial" until 30 minutes after, then "complete"; truth names the partial ones."""
    with _summaries_world() as e:
        c = client(e)
        A = acc_path(e.main_credentials[0])
        calls = {x["sid"]: x for x in c.walk("api", f"{A}/Calls.json", "calls")}
        summaries = c.walk("insights", "/v1/Voice/Summaries?StartTime=1d", "call_summaries")
        states = {s["call_sid"]: s["processing_state"] for s in summaries}
        assert set(states.values()) == {"partial", "complete"}
        for s in summaries:
            call = calls[s["call_sid"]]
            assert call["status"] not in ("queued", "ringing", "in-progress")
            if call["end_time"]:
                ended = t2010(call["end_time"])
                assert ended + 600 <= NOW_T
                assert s["processing_state"] == ("partial" if ended + 1800 > NOW_T else "complete")
        # every other settled call has a summary (call_summary_stride=2) unless it ended less than 10 minutes ago
        ordered = sorted(calls.values(), key=lambda x: t2010(x["date_created"]))
        missing = [x for x in ordered[::2] if x["end_time"] and x["sid"] not in states]
        assert missing and all(t2010(x["end_time"]) + 600 > NOW_T for x in missing)
        t = e.truth("call_summaries")
        assert {k["call_sid"] for k in t["partial_keys"]} == {k for k, v in states.items() if v == "partial"}
        assert t["partial_count"] + t["complete_count"] == t["count"] == len(summaries)
        # half an hour later the partial ones are complete, and the missing ones have appeared
        e.advance(minutes=30)
        later = {s["call_sid"]: s["processing_state"]
                 for s in c.walk("insights", "/v1/Voice/Summaries?StartTime=1d", "call_summaries")}
        assert all(later[k] == "complete" for k, v in states.items() if v == "partial")
        assert {x["sid"] for x in missing} <= set(later)


def test_call_summaries_processing_state_parameter_and_knob():
    """ProcessingState=completed|partial|all filters the summaries (other values: 400); knob insights_processing_state sets the default ("all")."""
    with _summaries_world() as e:
        c = client(e)

        def read(q=""):
            return c.walk("insights", f"/v1/Voice/Summaries?StartTime=1d{q}", "call_summaries")

        everything = read()
        assert {s["call_sid"] for s in read("&ProcessingState=all")} == {s["call_sid"] for s in everything}
        done = read("&ProcessingState=completed")
        partial = read("&ProcessingState=partial")
        assert done and partial and {s["processing_state"] for s in done} == {"complete"}
        assert {s["processing_state"] for s in partial} == {"partial"} and len(done) + len(partial) == len(everything)
        assert read("&ProcessingState=started") == []
        status, body = c.get("/insights/v1/Voice/Summaries?ProcessingState=finished")
        assert status == 400 and body["code"] == 20001
        e.configure(insights_processing_state="completed")
        assert {s["call_sid"] for s in read()} == {s["call_sid"] for s in done}


def test_call_summaries_keep_30_days(emu):
    """Voice Insights keeps 30 days: no summary of an older call; StartTime further back is a 400 code 17002 (knob insights_old_start="empty" accepts it); without StartTime the last 4 hours."""
    c = client(emu)
    got = c.walk("insights", "/v1/Voice/Summaries?StartTime=30d", "call_summaries")
    assert got and all(tiso(s["start_time"]) >= NOW_T - 30 * 86400 for s in got)
    assert len(got) == emu.truth("call_summaries", account=emu.main_credentials[0], keys=False)["count"]
    for old in ("31d", "5w", iso(NOW_T - 40 * 86400)):
        status, body = c.get(f"/insights/v1/Voice/Summaries?StartTime={old}")
        assert status == 400 and body["code"] == 17002, old
    recent = c.walk("insights", "/v1/Voice/Summaries", "call_summaries")
    assert all(tiso(s["start_time"]) >= NOW_T - 4 * 3600 for s in recent) and len(recent) < len(got)
    try:
        emu.configure(insights_old_start="empty")
        assert c.walk("insights", "/v1/Voice/Summaries?StartTime=90d", "call_summaries") == got
    finally:
        emu.configure(insights_old_start="400")


# ----------------------------------------------------------------------------- auth


def _status(emu, user: str, pwd: str, path: str) -> tuple[int, dict]:
    return EmulatorClient(emu.url, user, pwd).get(path)


def test_auth_account_credentials_on_the_2010_api(emu):
    """2010 API: the main account's SID + token reads every account that is not closed; a subaccount's own token reads only it; a parent's token never authenticates a subaccount SID."""
    w = emu.world
    main, sub, suspended, closed = w["accounts"]
    msgs = lambda acc: f"/api{acc_path(acc['sid'])}/Messages.json?PageSize=5"  # noqa: E731
    status, body = EmulatorClient(emu.url).get(msgs(main))
    assert status == 401 and body["code"] == 20003
    status, body = _status(emu, main["sid"], "wrong", msgs(main))
    assert status == 401 and body["code"] == 20003
    assert _status(emu, main["sid"], main["auth_token"], msgs(main))[0] == 200
    assert _status(emu, main["sid"], main["auth_token"], msgs(sub))[0] == 200  # a parent reads its subaccounts
    assert _status(emu, main["sid"], main["auth_token"], msgs(suspended))[0] == 200  # knob suspended_subaccount_reads
    status, body = _status(emu, main["sid"], main["auth_token"], msgs(closed))
    assert status == 404 and body["code"] == 20404
    assert _status(emu, sub["sid"], sub["auth_token"], msgs(sub))[0] == 200
    status, body = _status(emu, sub["sid"], main["auth_token"], msgs(sub))  # subaccount SID + the parent's token
    assert status == 401 and body["code"] == 20003
    for other in (main, suspended):  # a subaccount never reaches its parent or a sibling
        status, body = _status(emu, sub["sid"], sub["auth_token"], msgs(other))
        assert status == 401 and body["code"] == 20003
    for acc in (suspended, closed):  # a suspended or closed account's own credentials: 401 everywhere
        for path in (msgs(acc), "/monitor/v1/Alerts", "/pricing/v1/Messaging/Countries"):
            status, body = _status(emu, acc["sid"], acc["auth_token"], path)
            assert status == 401 and body["code"] == 20003, (acc["status"], path)
    accs = EmulatorClient(emu.url, *emu.main_credentials).walk("api", "/2010-04-01/Accounts.json", "accounts")
    assert [a["sid"] for a in accs] == [a["sid"] for a in w["accounts"]]
    assert [a["auth_token"] for a in accs] == [a["auth_token"] for a in w["accounts"]]
    accs = EmulatorClient(emu.url, sub["sid"], sub["auth_token"]).walk("api", "/2010-04-01/Accounts.json", "accounts")
    assert [a["sid"] for a in accs] == [sub["sid"]]
    accs = EmulatorClient(emu.url, *emu.main_credentials).walk("api", "/2010-04-01/Accounts.json?Status=closed", "accounts")
    assert [a["sid"] for a in accs] == [closed["sid"]]


def test_auth_product_hosts_read_the_credentials_own_account(emu):
    """Product hosts read the account the credentials belong to: a subaccount's data needs its own SID + token or its own key; the parent's credentials only ever read the parent."""
    w = emu.world
    main, sub = w["accounts"][:2]
    for user, pwd, owner in ((main["sid"], main["auth_token"], main["sid"]), (sub["sid"], sub["auth_token"], sub["sid"]),
                             (*emu.api_key(sub["sid"]), sub["sid"]), (*emu.api_key(), main["sid"]),
                             (*emu.api_key(type="main"), main["sid"])):
        for product, path, key in (("monitor", "/v1/Alerts", "alerts"), ("conversations", "/v1/Conversations", "conversations"),
                                   ("insights", "/v1/Voice/Summaries?StartTime=30d", "call_summaries")):
            items = EmulatorClient(emu.url, user, pwd).walk(product, path, key)
            assert items and {x["account_sid"] for x in items} == {owner}, (user, path)
    # global catalogues: any valid credentials
    for user, pwd in ((sub["sid"], sub["auth_token"]), emu.api_key(sub["sid"]), emu.api_key()):
        assert _status(emu, user, pwd, "/events/v1/Types")[0] == 200
        assert _status(emu, user, pwd, "/pricing/v2/Voice/Countries/US")[0] == 200


def test_auth_api_keys(emu):
    """API keys: a Standard key gets 401 (20003) on Accounts.json, Accounts/{AC}.json and Keys.json and is denied subaccounts; a Main key has the main account's rights."""
    w = emu.world
    main, sub, suspended, closed = w["accounts"]
    kinds = {(k["account_sid"], k["type"]) for k in w["api_keys"]}
    assert kinds == {(main["sid"], "standard"), (main["sid"], "main")} | {(a["sid"], "standard") for a in w["accounts"][1:]}
    assert all(k["sid"].startswith("SK") and len(k["secret"]) == 32 for k in w["api_keys"])
    assert w["api_key"]["sid"] == emu.api_key()[0]
    std, mkey, sub_key = emu.api_key(), emu.api_key(type="main"), emu.api_key(sub["sid"])
    A, S = acc_path(main["sid"]), acc_path(sub["sid"])
    for path in ("/2010-04-01/Accounts.json", f"{A}.json", f"{A}/Keys.json"):
        status, body = _status(emu, *std, "/api" + path)
        assert status == 401 and body["code"] == 20003, path
        status, body = _status(emu, *sub_key, "/api" + path.replace(A, S))
        assert status == 401 and body["code"] == 20003, path
    assert _status(emu, *std, f"/api{A}/Messages.json")[0] == 200
    assert _status(emu, *std, f"/api{A}/Balance.json")[0] == 200
    status, body = _status(emu, *std, f"/api{S}/Messages.json")  # knob key_subaccount_denial_status
    assert status == 401 and body["code"] == 20003
    assert _status(emu, *sub_key, f"/api{S}/Calls.json")[0] == 200
    status, body = _status(emu, *sub_key, f"/api{A}/Calls.json")
    assert status == 401 and body["code"] == 20003
    # the Main key: lists accounts (with their auth tokens), reads Keys and subaccounts
    accs = EmulatorClient(emu.url, *mkey).walk("api", "/2010-04-01/Accounts.json", "accounts")
    assert [(a["sid"], a["auth_token"]) for a in accs] == [(a["sid"], a["auth_token"]) for a in w["accounts"]]
    keys = EmulatorClient(emu.url, *mkey).walk("api", f"{A}/Keys.json", "keys")
    assert {std[0], mkey[0]} <= {k["sid"] for k in keys} and sub_key[0] not in {k["sid"] for k in keys}
    assert sub_key[0] in {k["sid"] for k in EmulatorClient(emu.url, *mkey).walk("api", f"{S}/Keys.json", "keys")}
    assert _status(emu, *mkey, f"/api{S}.json")[0] == 200
    assert _status(emu, *mkey, f"/api{acc_path(suspended['sid'])}/Messages.json")[0] == 200
    assert _status(emu, *mkey, f"/api{acc_path(closed['sid'])}/Messages.json")[0] == 404
    assert _status(emu, std[0], "nope", f"/api{A}/Messages.json")[0] == 401
    # keys of a suspended or closed account do not authenticate
    for acc in (suspended, closed):
        assert _status(emu, *emu.api_key(acc["sid"]), f"/api{acc_path(acc['sid'])}/Messages.json")[0] == 401


@pytest.mark.parametrize("status,code", [(403, 20403), (404, 20404), (401, 20003)])
def test_key_subaccount_denial_status_knob(fresh, status, code):
    """Knob key_subaccount_denial_status: the status (and code) a main-account Standard key gets on a subaccount's 2010 resources."""
    fresh.configure(key_subaccount_denial_status=status)
    sub = fresh.world["accounts"][1]["sid"]
    got, body = _status(fresh, *fresh.api_key(), f"/api{acc_path(sub)}/Messages.json")
    assert (got, body["code"]) == (status, code)
    assert _status(fresh, *fresh.api_key(type="main"), f"/api{acc_path(sub)}/Messages.json")[0] == 200


def test_suspended_subaccount_reads_knob(emu):
    """Knob suspended_subaccount_reads="401": the parent no longer reads a suspended subaccount's 2010 resources, and truth drops it."""
    suspended = emu.world["accounts"][2]
    path = f"/api{acc_path(suspended['sid'])}/Messages.json"
    before = emu.truth("messages", keys=False)["count"]
    try:
        emu.configure(suspended_subaccount_reads="401")
        status, body = _status(emu, *emu.main_credentials, path)
        assert status == 401 and body["code"] == 20003
        assert emu.truth("messages", keys=False)["count"] == before - suspended["counts"]["messages"]
    finally:
        emu.configure(suspended_subaccount_reads="readable")
    assert _status(emu, *emu.main_credentials, path)[0] == 200


def test_truth_covers_what_each_host_lets_a_sync_read(emu):
    """Truth: 2010 streams cover every account that is not closed; product streams only active accounts (a suspended account's own credentials fail and its parent's never reach product data)."""
    w = emu.world
    suspended = w["accounts"][2]["sid"]
    assert suspended in w["readable_account_sids"] and suspended not in w["active_account_sids"]
    assert emu.truth("messages", account=suspended, keys=False)["count"] > 0
    assert emu.truth("alerts", account=suspended, keys=False)["count"] == 0
    assert emu.truth("conversations", account=suspended, keys=False)["count"] == 0
    assert emu.truth("accounts", keys=False)["count"] == len(w["accounts"])


# ----------------------------------------------------------------------------- knobs


def test_429_knob_and_stats(fresh):
    """Knobs rate_429/retry_after/fault_streams/rate_5xx/drop_rate inject faults, and stats count them."""
    c = client(fresh)
    A = acc_path(fresh.main_credentials[0])
    fresh.configure(rate_429=1.0, retry_after=2, fault_streams=["messages"])
    status, headers, body = c.request(f"/api{A}/Messages.json")
    assert status == 429 and json.loads(body)["code"] == 20429 and headers.get("Retry-After") == "2"
    assert c.get(f"/api{A}/Calls.json")[0] == 200  # scoped to messages
    fresh.configure(rate_429=0.3, retry_after=None, fault_streams=None, fault_seed=5)
    codes = [c.get(f"/api{A}/Calls.json?PageSize=5")[0] for _ in range(200)]
    assert 30 < codes.count(429) < 100 and set(codes) == {200, 429}
    stats = fresh.stats()
    assert stats["injected_429"] == stats["429s"] >= 30 and stats["by_stream"]["calls"] >= 200
    fresh.configure(rate_429=0.0, rate_5xx=1.0)
    status, _ = c.request(f"/api{A}/Calls.json")[:2]
    assert status in (500, 502, 503)
    fresh.configure(rate_5xx=0.0, drop_rate=1.0)
    with pytest.raises(Exception):
        status, _, body = c.request(f"/api{A}/Calls.json?PageSize=1000")
        json.loads(body)
    fresh.configure(drop_rate=0.0)
    assert c.get(f"/api{A}/Calls.json")[0] == 200


def test_concurrency_limit(fresh):
    """Knob max_concurrency: requests in flight per account above it get 429."""
    fresh.configure(latency_ms=300, max_concurrency=2)
    sid, tok = fresh.main_credentials
    A = acc_path(sid)

    def one(_):
        return EmulatorClient(fresh.url, sid, tok).get(f"/api{A}/Calls.json?PageSize=5")[0]

    with ThreadPoolExecutor(6) as ex:
        codes = list(ex.map(one, range(6)))
    assert codes.count(429) >= 2 and codes.count(200) >= 2
    stats = fresh.stats()
    assert stats["concurrency_429"] >= 2 and stats["max_in_flight_per_account"][sid] <= 2
    fresh.configure(latency_ms=0, max_concurrency=0)


def test_forbidden_rule(fresh):
    """Knob forbidden: a stream answers 403/404 for an account."""
    sid, tok = fresh.main_credentials
    sub = fresh.world["accounts"][1]["sid"]
    fresh.configure(forbidden=[{"stream": "recordings", "account": sub, "status": 403},
                               {"stream": "alerts", "account": "*", "status": 404}])
    c = client(fresh)
    status, body = c.get(f"/api{acc_path(sub)}/Recordings.json")
    assert status == 403 and body["code"] == 20403
    assert c.get(f"/api{acc_path(sid)}/Recordings.json")[0] == 200
    assert c.get("/monitor/v1/Alerts")[0] == 404
    fresh.configure(forbidden=[])
    assert c.get("/monitor/v1/Alerts")[0] == 200


def test_no_auth_knob(fresh):
    """Knob auth=false: requests need no credentials."""
    fresh.configure(auth=False)
    status, body = EmulatorClient(fresh.url).get(f"/api{acc_path(fresh.main_credentials[0])}/Queues.json")
    assert status == 200 and body["queues"]


# ----------------------------------------------------------------------------- advance


def test_advance_completes_open_records_and_appends(fresh):
    """advance completes open messages/calls after the old now, appends new ones, and keeps token walks stable."""
    c = client(fresh)
    sid = fresh.main_credentials[0]
    A = acc_path(sid)
    before = {m["sid"]: m for m in c.walk("api", f"{A}/Messages.json", "messages")}
    calls_before = {x["sid"]: x for x in c.walk("api", f"{A}/Calls.json", "calls")}
    queued = [s for s, m in before.items() if m["date_sent"] is None]
    open_calls = [s for s, x in calls_before.items() if x["status"] in ("queued", "ringing", "in-progress")]
    assert queued and open_calls
    # start paging (oldest pages are untouched by new records at the top)
    status, first = c.get(f"/api{A}/Messages.json?PageSize=100")
    since = iso(NOW_T)
    res = fresh.advance(minutes=90, new_per_account=25)
    assert res["now"] == iso(NOW_T + 90 * 60)
    tail = []
    url = "/api" + first["next_page_uri"]
    while url:
        _, page = c.get(url)
        tail += page["messages"]
        url = "/api" + page["next_page_uri"] if page["next_page_uri"] else None
    assert len(first["messages"]) + len(tail) == len(before)  # token paging is stable across appends
    after = {m["sid"]: m for m in c.walk("api", f"{A}/Messages.json", "messages")}
    assert len(after) == len(before) + 25
    for s in queued:
        m = after[s]
        assert m["status"] in ("delivered", "sent", "undelivered", "failed") and m["date_sent"] is not None
        assert NOW_T < t2010(m["date_sent"]) <= NOW_T + 90 * 60
    new_open = [m for m in after.values() if m["date_sent"] is None]
    assert new_open and all(m["sid"] not in before for m in new_open)
    calls_after = {x["sid"]: x for x in c.walk("api", f"{A}/Calls.json", "calls")}
    for s in open_calls:
        x = calls_after[s]
        assert x["status"] in ("completed", "no-answer")
        assert x["end_time"] is not None and NOW_T < t2010(x["end_time"]) <= NOW_T + 90 * 60
        if x["status"] == "completed":
            assert x["price"] is not None and x["duration"] is not None
    # an incremental read from the old "now" finds the completed records, truth agrees
    got = c.walk("api", f"{A}/Messages.json?DateSent%3E={since}", "messages")
    t = fresh.truth("messages", since=since)
    mine = {k["sid"] for k in t["keys"]} & set(after)
    assert {m["sid"] for m in got} == mine and set(queued) <= mine
    assert {k["sid"] for k in t["open_keys"]} >= {m["sid"] for m in new_open}
    got = c.walk("api", f"{A}/Calls.json?EndTime%3E={since}", "calls")
    assert set(open_calls) <= {x["sid"] for x in got}
    full = fresh.truth("calls")
    assert full["count"] == sum(1 for _ in sync(fresh, "calls"))


# ----------------------------------------------------------------------------- scale & speed


def _rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def test_million_message_world_is_lazy_and_fast():
    """Scale: a million-message world starts lazily and serves date-filtered deep slices fast."""
    with Emulator(seed=11, accounts=2, closed=0, suspended=0, messages_per_account=334_000, calls_per_account=10_000,
                  now=NOW, history_days=90, subprocess=True) as e:
        w = e.world
        assert sum(a["counts"]["messages"] for a in w["accounts"]) == 1_002_000
        c = client(e)
        A = acc_path(w["accounts"][0]["sid"])
        # a slice deep in history, via a date filter, paged with tokens
        t0 = time.perf_counter()
        n = 0
        for body in c.pages("api", f"{A}/Messages.json?DateSent%3E=2024-03-10&DateSent%3C=2024-03-14"):
            n += len(body["messages"])
        dt = time.perf_counter() - t0
        assert 10_000 < n < 20_000
        assert n / dt > 10_000, f"only {n / dt:.0f} records/s"
        # straight unfiltered paging through 20 pages
        pages = c.pages("api", f"{A}/Messages.json")
        for _ in range(20):
            assert len(next(pages)["messages"]) == 1000
        assert _rss_mb(e.process.pid) < 300
        t = e.truth("messages", keys=False)
        assert t["count"] == 1_002_000


def test_two_hundred_subaccounts():
    """Scale: a world of 200 subaccounts is created and Accounts.json paged (main token and Main key) in well under a few seconds."""
    t0 = time.perf_counter()
    with Emulator(seed=8, accounts=200, closed=3, suspended=2, messages_per_account=20, calls_per_account=10,
                  alerts_per_account=5, now=NOW) as e:
        w = e.world
        assert len(w["accounts"]) == 201 and len(w["api_keys"]) == 202
        for creds in (e.main_credentials, e.api_key(type="main")):
            accs = EmulatorClient(e.url, *creds).walk("api", "/2010-04-01/Accounts.json", "accounts", 50)
            assert [a["sid"] for a in accs] == [a["sid"] for a in w["accounts"]]
        created = [t2010(a["date_created"]) for a in accs]
        assert created == sorted(created) and created[-1] < parse_when(w["history_start"])[0]
        assert e.truth("messages", keys=False)["count"] == 20 * (201 - 3)
        assert e.truth("alerts", keys=False)["count"] == 5 * (201 - 5)
        last = w["accounts"][-6]  # an active subaccount late in the list
        assert last["status"] == "active"
        got = EmulatorClient(e.url, last["sid"], last["auth_token"]).walk("monitor", "/v1/Alerts", "alerts")
        assert {a["account_sid"] for a in got} == {last["sid"]} and len(got) == 5
    assert time.perf_counter() - t0 < 10


def test_recent_subaccount_has_only_recent_records():
    """World field recent_subaccounts={idx: days}: that subaccount was created days ago; every record and object of it is dated after its creation."""
    with Emulator(seed=9, accounts=2, closed=0, suspended=0, messages_per_account=200, calls_per_account=100,
                  recent_subaccounts={2: 3}, now=NOW) as e:
        sub = e.world["accounts"][2]
        created = parse_when(sub["date_created"])[0]
        assert created == NOW_T - 3 * 86400
        c = client(e)
        A = acc_path(sub["sid"])
        for path, key in (("Messages.json", "messages"), ("Calls.json", "calls"), ("Addresses.json", "addresses"),
                          ("Recordings.json", "recordings"), ("Keys.json", "keys"), ("IncomingPhoneNumbers.json",
                                                                                    "incoming_phone_numbers")):
            items = c.walk("api", f"{A}/{path}", key)
            assert items, path
            assert all(created <= t2010(x["date_created"]) <= NOW_T for x in items), path
        usage = c.walk("api", f"{A}/Usage/Records/Daily.json", "usage_records")
        assert min(u["start_date"] for u in usage) == iso(parse_when(sub["history_start"])[0])[:10]
        own = EmulatorClient(e.url, sub["sid"], sub["auth_token"])
        for product, path, key in (("studio", "/v2/Flows", "flows"), ("conversations", "/v1/Users", "users"),
                                   ("monitor", "/v1/Alerts", "alerts"), ("events", "/v1/Sinks", "sinks")):
            items = own.walk(product, path, key)
            assert items and all(created <= tiso(x.get("date_created") or x.get("date_generated")) <= NOW_T
                                 for x in items), path
        old = c.walk("api", f"{acc_path(e.main_credentials[0])}/Messages.json", "messages")
        assert min(t2010(m["date_created"]) for m in old) < created


def test_subaccount_joins_after_world_creation(fresh):
    """Control call POST /__emulator/subaccounts: a subaccount joins between syncs, with its own token and key, listed by Accounts.json and truth, growing with advance."""
    c = client(fresh)
    before = c.walk("api", "/2010-04-01/Accounts.json", "accounts")
    acc = fresh.add_subaccount(minutes_ago=600, messages=40, calls=20, alerts=6, small=2)
    assert acc["status"] == "active" and acc["counts"]["messages"] == 40
    after = c.walk("api", "/2010-04-01/Accounts.json", "accounts")
    assert [a["sid"] for a in after] == [a["sid"] for a in before] + [acc["sid"]]
    assert after[-1]["auth_token"] == acc["auth_token"] == fresh.credentials(acc["sid"])[1]
    msgs = c.walk("api", f"{acc_path(acc['sid'])}/Messages.json", "messages")
    assert len(msgs) == 40 and all(t2010(m["date_created"]) >= NOW_T - 600 * 60 for m in msgs)
    assert fresh.truth("messages", account=acc["sid"], keys=False)["count"] == 40
    own = EmulatorClient(fresh.url, acc["sid"], acc["auth_token"])
    assert len(own.walk("monitor", "/v1/Alerts", "alerts")) == 6
    assert len(EmulatorClient(fresh.url, *fresh.api_key(acc["sid"])).walk("verify", "/v2/Attempts", "attempts")) == 2
    fresh.advance(minutes=30, new_per_account=10)
    assert fresh.truth("messages", account=acc["sid"], keys=False)["count"] == 50
    assert acc["sid"] in fresh.world["active_account_sids"]
    empty = fresh.add_subaccount()  # created a day ago, no dated records yet
    assert c.walk("api", f"{acc_path(empty['sid'])}/Messages.json", "messages") == []
    assert fresh.truth("calls", account=empty["sid"], keys=False)["count"] == 0


def test_years_of_sparse_history():
    """Scale: six years of sparse history (1,000 messages, 500 calls per account) serve fast; Messages show only their 400 days, calls and usage records all six years."""
    t0 = time.perf_counter()
    with Emulator(seed=10, accounts=2, closed=0, suspended=0, messages_per_account=1000, calls_per_account=500,
                  history_days=6 * 365, now=NOW) as e:
        c = client(e)
        msgs = sum(len(c.walk("api", f"{acc_path(a)}/Messages.json", "messages")) for a in readable_accounts(e))
        assert msgs == e.truth("messages", keys=False)["count"]
        assert 3 * 1000 * 400 / (6 * 365) * 0.9 < msgs < 3 * 1000 * 400 / (6 * 365) * 1.1  # the last 400 days only
        calls = c.walk("api", f"{acc_path(e.main_credentials[0])}/Calls.json", "calls")
        assert len(calls) == 500 and t2010(calls[-1]["date_created"]) < NOW_T - 5 * 365 * 86400
        usage = c.walk("api", f"{acc_path(e.main_credentials[0])}/Usage/Records/Daily.json", "usage_records")
        assert len(usage) == (6 * 365 + 1) * 8
        assert e.truth("usage_records", keys=False)["count"] == 3 * len(usage)
        status, body = c.get(f"/api{acc_path(e.main_credentials[0])}/Messages.json?DateSent%3E=2020-01-01")
        assert status == 400 and body["code"] == 20004
    assert time.perf_counter() - t0 < 15


def test_cli_prints_url_and_serves(tmp_path):
    """The command line prints EMULATOR_URL and serves."""
    root = Path(__file__).resolve().parents[1]
    env = dict(os.environ, PYTHONPATH=str(root))
    proc = subprocess.Popen([sys.executable, "-m", "integration_tests.emulator", "--port", "0", "--seed", "42",
                             "--accounts", "1", "--closed", "0", "--suspended", "0", "--messages-per-account", "50",
                             "--calls-per-account", "20", "--latency-ms", "0"], stdout=subprocess.PIPE, text=True,
                            cwd=str(root), env=env)
    try:
        line = proc.stdout.readline().strip()
        assert line.startswith("EMULATOR_URL=http://127.0.0.1:")
        url = line.split("=", 1)[1]
        status, world = EmulatorClient(url).get("/__emulator/world")
        assert status == 200 and len(world["accounts"]) == 2
        main = world["accounts"][0]
        status, body = EmulatorClient(url, main["sid"], main["auth_token"]).get(
            f"/api{acc_path(main['sid'])}/Messages.json?PageSize=100")
        assert status == 200 and len(body["messages"]) == 50
    finally:
        proc.terminate()
        proc.wait(10)
