"""Who may read what, per credential type."""
from __future__ import annotations

import pytest

from integration_tests.emulator.client import EmulatorClient
from integration_tests.emulator_tests.helpers import acc_path


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
