"""Scale and serving speed."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from integration_tests.emulator import Emulator
from integration_tests.emulator.client import EmulatorClient
from integration_tests.emulator.timefmt import iso, parse_when
from integration_tests.emulator_tests.helpers import (
    NOW,
    NOW_T,
    acc_path,
    client,
    readable_accounts,
    t2010,
    tiso,
)


def _rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def test_million_message_world_serves_deep_slices_in_bounded_memory():
    """Scale: a million-message world starts lazily, serves a date-filtered slice deep in its history whole, pages
    unfiltered, and stays under 300 MB (its serving speed is measured by `python -m integration_tests.emulator.bench`,
    not asserted here: a busy CI machine would fail a timed test)."""
    with Emulator(seed=11, accounts=2, closed=0, suspended=0, messages_per_account=334_000, calls_per_account=10_000,
                  now=NOW, history_days=90, subprocess=True) as e:
        w = e.world
        assert sum(a["counts"]["messages"] for a in w["accounts"]) == 1_002_000
        c = client(e)
        A = acc_path(w["accounts"][0]["sid"])
        # a slice deep in history, via a date filter, paged with tokens
        n = 0
        for body in c.pages("api", f"{A}/Messages.json?DateSent%3E=2024-03-10&DateSent%3C=2024-03-14"):
            n += len(body["messages"])
        assert 10_000 < n < 20_000
        # straight unfiltered paging through 20 pages
        pages = c.pages("api", f"{A}/Messages.json")
        for _ in range(20):
            assert len(next(pages)["messages"]) == 1000
        assert _rss_mb(e.process.pid) < 300
        t = e.truth("messages", keys=False)
        assert t["count"] == 1_002_000


def test_two_hundred_subaccounts():
    """Scale: a world of 200 subaccounts is created and Accounts.json paged whole, in creation order, with the main token
    and with a Main key."""
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
    """Scale: six years of sparse history (1,000 messages, 500 calls per account): Messages show only their 400 days, calls and usage records all six years."""
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


def test_cli_prints_url_and_serves(tmp_path):
    """The command line prints EMULATOR_URL and serves."""
    root = Path(__file__).resolve().parents[2]
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
