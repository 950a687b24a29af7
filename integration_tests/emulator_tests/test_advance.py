"""Moving the world's clock on: new records, settled ones."""
from __future__ import annotations

from integration_tests.emulator.timefmt import iso
from integration_tests.emulator_tests.helpers import (
    NOW_T,
    acc_path,
    client,
    sync,
    t2010,
)


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
