"""`check`: one sentence saying whether the credentials work and, when not, which field to fix."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

import pytest
import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.test.mock_http import HttpMocker
from builders import (
    API,
    API_KEY_SECRET,
    API_KEY_SID,
    AUTH_TOKEN,
    CLOSED_SUBACCOUNT_SID,
    MAIN_ACCOUNT_SID,
    SUBACCOUNT_SID,
    ConfigBuilder,
    TwilioPage,
    accounts_list_request,
    accounts_page,
    an_account,
    basic_auth,
    error_response,
    parse_messages,
    probe_request,
    run_entrypoint,
    write_json,
)
from source_twilio.accounts import AccountDirectory
from source_twilio.config import TwilioUnavailable
from source_twilio.source import SourceTwilio


def _check(config: Dict[str, Any], tmp_path, capfd) -> Tuple[Optional[int], List[Dict[str, Any]], str]:
    exit_code = run_entrypoint(["check", "--config", write_json(str(tmp_path), "config.json", config)])
    out, err = capfd.readouterr()
    statuses = [message["connectionStatus"] for message in parse_messages(out) if message["type"] == "CONNECTION_STATUS"]
    return exit_code, statuses, out + err


@HttpMocker()
def test_given_valid_auth_token_when_check_then_succeeded(http_mocker: HttpMocker, tmp_path, capfd) -> None:
    """Accounts.json answers with the account list for the SID and token: the connection works."""
    http_mocker.get(
        accounts_list_request(credentials=(MAIN_ACCOUNT_SID, AUTH_TOKEN)),
        accounts_page(an_account(MAIN_ACCOUNT_SID), an_account(SUBACCOUNT_SID)),
    )
    http_mocker.get(probe_request(MAIN_ACCOUNT_SID), TwilioPage("incoming_phone_numbers").build())

    exit_code, statuses, _ = _check(ConfigBuilder().build(), tmp_path, capfd)

    assert exit_code is None
    assert [status["status"] for status in statuses] == ["SUCCEEDED"]
    assert "2 account(s)" in statuses[0]["message"]


@HttpMocker()
def test_given_rejected_auth_token_when_check_then_failed_names_auth_token(http_mocker: HttpMocker, tmp_path, capfd) -> None:
    """A 401 on Accounts.json means the SID/token pair is wrong: FAILED, naming auth_token, without the token itself."""
    http_mocker.get(accounts_list_request(), error_response(401))

    exit_code, statuses, printed = _check(ConfigBuilder().build(), tmp_path, capfd)

    assert exit_code is None
    assert len(statuses) == 1 and statuses[0]["status"] == "FAILED"
    assert "auth_token" in statuses[0]["message"]
    assert AUTH_TOKEN not in printed


@HttpMocker()
def test_given_standard_api_key_when_check_then_it_probes_a_list_the_key_can_read_and_succeeds_naming_the_key_type(
    http_mocker: HttpMocker, tmp_path, capfd
) -> None:
    """A Standard API key gets 401 on Accounts.json (and on Accounts/{AC}.json, which check never asks for); a list of
    its own account answers, so check succeeds and says what the key cannot read and how to read it."""
    key = (API_KEY_SID, API_KEY_SECRET)
    http_mocker.get(accounts_list_request(credentials=key), error_response(401))
    http_mocker.get(probe_request(MAIN_ACCOUNT_SID, credentials=key), TwilioPage("incoming_phone_numbers").build())

    exit_code, statuses, _ = _check(ConfigBuilder().with_api_key().build(), tmp_path, capfd)

    assert exit_code is None
    assert [status["status"] for status in statuses] == ["SUCCEEDED"]
    assert "Standard key" in statuses[0]["message"] and "Main API key" in statuses[0]["message"]


@HttpMocker()
def test_given_api_key_rejected_everywhere_when_check_then_failed_names_api_key_secret(http_mocker: HttpMocker, tmp_path, capfd) -> None:
    """When the key cannot read its own account either, the secret is wrong: FAILED, naming api_key_secret."""
    http_mocker.get(accounts_list_request(), error_response(401))
    http_mocker.get(probe_request(MAIN_ACCOUNT_SID), error_response(401))

    exit_code, statuses, printed = _check(ConfigBuilder().with_api_key().build(), tmp_path, capfd)

    assert exit_code is None
    assert len(statuses) == 1 and statuses[0]["status"] == "FAILED"
    assert "api_key_secret" in statuses[0]["message"]
    assert API_KEY_SECRET not in printed


@HttpMocker()
def test_given_only_closed_accounts_selected_when_check_then_failed_says_no_active_account(
    http_mocker: HttpMocker, tmp_path, capfd
) -> None:
    """A sync limited to closed accounts could read nothing: check says so instead of succeeding."""
    http_mocker.get(accounts_list_request(), accounts_page(an_account(MAIN_ACCOUNT_SID), an_account(CLOSED_SUBACCOUNT_SID, status="closed")))

    exit_code, statuses, _ = _check(ConfigBuilder().with_account_sids([CLOSED_SUBACCOUNT_SID]).build(), tmp_path, capfd)

    assert exit_code is None
    assert len(statuses) == 1 and statuses[0]["status"] == "FAILED"
    assert "account_sids" in statuses[0]["message"]


@pytest.mark.parametrize("status", [500, 503, 429])
def test_given_twilio_answering_5xx_or_429_every_time_when_check_then_it_says_what_twilio_answered(requests_mock, tmp_path, capfd, monkeypatch, status) -> None:
    """Twilio was reached: the message says what it answered and where, not "could not reach Twilio", and that the
    config is not what must change; a read gets the same sentence as a transient error, not a config error."""
    monkeypatch.setattr("source_twilio.accounts.time.sleep", lambda seconds: None)
    requests_mock.get(f"{API}/2010-04-01/Accounts.json", status_code=status, json={"code": 20500, "message": "Internal"})

    exit_code, statuses, printed = _check(ConfigBuilder().build(), tmp_path, capfd)

    assert exit_code is None
    assert len(statuses) == 1 and statuses[0]["status"] == "FAILED"
    assert f"Twilio answered {status}" in statuses[0]["message"] and "Accounts.json" in statuses[0]["message"]
    assert "reach" not in statuses[0]["message"] and "Traceback" not in printed

    with pytest.raises(TwilioUnavailable) as raised:
        AccountDirectory.access(SourceTwilio.prepare(ConfigBuilder().build()))
    assert raised.value.failure_type == FailureType.transient_error


def test_given_network_error_when_check_then_failed_without_secret(requests_mock, tmp_path, capfd, monkeypatch) -> None:
    """When Twilio cannot be reached, check fails with a message about the network, after backing off 1, 2, 4 ...
    s (at most 30 s a wait); no credential appears in any output, even when the underlying error text carries
    one."""
    waits = []
    monkeypatch.setattr("source_twilio.accounts.time.sleep", waits.append)
    leaky_error = requests.exceptions.ConnectionError(f"proxy refused Authorization: {basic_auth(MAIN_ACCOUNT_SID, AUTH_TOKEN)} token={AUTH_TOKEN}")
    requests_mock.get(f"{API}/2010-04-01/Accounts.json", exc=leaky_error)
    requests_mock.get(f"{API}/2010-04-01/Accounts/{MAIN_ACCOUNT_SID}/IncomingPhoneNumbers.json", exc=leaky_error)

    exit_code, statuses, printed = _check(ConfigBuilder().build(), tmp_path, capfd)

    assert exit_code is None
    assert len(statuses) == 1 and statuses[0]["status"] == "FAILED"
    assert "reach Twilio" in statuses[0]["message"]
    assert waits == [1, 2, 4, 8, 16, 30, 30]
    assert AUTH_TOKEN not in printed
    assert basic_auth(MAIN_ACCOUNT_SID, AUTH_TOKEN).split()[1] not in printed
