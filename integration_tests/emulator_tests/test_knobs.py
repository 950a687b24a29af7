"""Knobs: the readings Twilio's docs leave open, faults, limits."""
from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from integration_tests.emulator.client import EmulatorClient
from integration_tests.emulator_tests.helpers import acc_path, client


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
