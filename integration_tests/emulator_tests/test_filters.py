"""Filters and their bounds, as Twilio documents them."""
from __future__ import annotations


from integration_tests.emulator import Emulator
from integration_tests.emulator.timefmt import iso, parse_when
from integration_tests.emulator_tests.helpers import (
    NOW,
    NOW_T,
    acc_path,
    client,
    t2010,
    tiso,
)


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


def _first_dated(c, account_path: str, resource: str, key: str, field: str) -> tuple:
    """The whole list, its first record with `field` set, and that instant."""
    items = c.walk("api", f"{account_path}/{resource}", key)
    first = next(x for x in items if x[field])
    return items, first, t2010(first[field])


def test_upper_bounds_read_each_parameter_as_its_spec_text(fresh):
    """Knob le_bound="spec" (default): DateSent<= and Usage EndDate include the bound ("on and before"), Calls StartTime</EndTime< exclude it ("before this date"), Conferences/Recordings/Media DateCreated< and Notifications MessageDate< stop at midnight of the date."""
    c = client(fresh)
    A = acc_path(fresh.main_credentials[0])
    msgs, m, t = _first_dated(c, A, "Messages.json", "messages", "date_sent")
    got = c.walk("api", f"{A}/Messages.json?DateSent%3C={iso(t)}", "messages")
    assert m["sid"] in _sids(got) and all(t2010(x["date_sent"]) <= t for x in got)
    day = iso(t)[:10]
    got = c.walk("api", f"{A}/Messages.json?DateSent%3C={day}", "messages")  # the whole day of the bound
    assert _sids(got) == {x["sid"] for x in msgs if x["date_sent"] and iso(t2010(x["date_sent"]))[:10] <= day}
    calls, k, ts = _first_dated(c, A, "Calls.json", "calls", "start_time")
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
    _, k, ts = _first_dated(c, A, "Calls.json", "calls", "start_time")
    _, m, t = _first_dated(c, A, "Messages.json", "messages", "date_sent")
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
    """World fields alerts_by_account and alert_bursts: 60,000 alerts in 30 days on one account, more than 10,000 within one day, read whole by narrower windows (time is not asserted: see integration_tests/emulator/bench.py)."""
    burst_day = NOW_T - 3 * 86400
    with Emulator(seed=4, accounts=2, closed=0, suspended=0, messages_per_account=10, calls_per_account=10,
                  alerts_by_account={0: 60000, 2: 5}, alert_bursts=[{"account": 0, "count": 12000, "days_ago": 3}],
                  now=NOW) as e:
        counts = [a["counts"]["alerts"] for a in e.world["accounts"]]
        assert counts == [72000, 200, 5]
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
