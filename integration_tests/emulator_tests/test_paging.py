"""Twilio's envelopes and paging, as the emulator serves them."""
from __future__ import annotations

import pytest

from integration_tests.emulator import Emulator
from integration_tests.emulator_tests.helpers import (
    NOW,
    NOW_T,
    acc_path,
    client,
    sync,
    t2010,
)


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
