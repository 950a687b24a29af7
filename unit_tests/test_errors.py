"""How Twilio's errors end: throttling and server errors are retried, rejected credentials stop the sync with a
config error, and a product an account may not read is skipped for that account only."""

from __future__ import annotations

from pathlib import Path

import requests
from airbyte_cdk.models import SyncMode
from airbyte_cdk.test.mock_http import HttpMocker
from builders import (
    AUTH_TOKEN,
    MAIN_ACCOUNT_SID,
    NOW,
    SUBACCOUNT_SID,
    ConfigBuilder,
    ProductPage,
    TwilioPage,
    a_record,
    accounts_list_request,
    an_account,
    api_request,
    as_account,
    config_errors,
    configured_catalog,
    error_response,
    given_accounts,
    json_response,
    next_page_request,
    parse_messages,
    product_request,
    read_stream,
    records_of,
    run_entrypoint,
    warnings_of,
    write_json,
)
from freezegun import freeze_time

from source_twilio.errors import MAX_WAIT_SECONDS, POLICY, CappedWait

TRUNKS = "https://trunking.twilio.com/v1/Trunks"


def addresses_page(sid: str = "AD" + "1" * 32, account: str = MAIN_ACCOUNT_SID) -> TwilioPage:
    return TwilioPage("addresses").with_record(a_record("addresses", sid=sid, account_sid=account))


@freeze_time(NOW)
class TestRetries:
    @HttpMocker()
    def test_given_429_then_200_when_read_then_the_request_is_retried_and_the_sync_succeeds(self, http_mocker: HttpMocker) -> None:
        """429 (Twilio's concurrency limit, code 20429) is retried after Retry-After; the records of the retry arrive."""
        given_accounts(http_mocker)
        request = api_request(MAIN_ACCOUNT_SID, "Addresses.json")
        http_mocker.get(request, [error_response(429, {"Retry-After": "1"}), addresses_page().build()])

        output = read_stream("addresses", ConfigBuilder().build())

        assert [record["sid"] for record in records_of(output)] == ["AD" + "1" * 32]
        assert not output.errors
        http_mocker.assert_number_of_calls(request, 2)

    @HttpMocker()
    def test_given_429_without_retry_after_when_read_then_it_is_retried_with_backoff(self, http_mocker: HttpMocker) -> None:
        """Without Retry-After, a 429 is retried with exponential backoff, not given up."""
        given_accounts(http_mocker)
        request = api_request(MAIN_ACCOUNT_SID, "Addresses.json")
        http_mocker.get(request, [error_response(429), error_response(429), addresses_page().build()])

        output = read_stream("addresses", ConfigBuilder().build())

        assert len(records_of(output)) == 1
        assert not output.errors
        http_mocker.assert_number_of_calls(request, 3)

    @HttpMocker()
    def test_given_500_then_200_when_read_then_the_request_is_retried_and_the_sync_succeeds(self, http_mocker: HttpMocker) -> None:
        """A server error is transient: retried with backoff, then the page's records arrive."""
        given_accounts(http_mocker)
        request = api_request(MAIN_ACCOUNT_SID, "Addresses.json")
        http_mocker.get(request, [error_response(500), addresses_page().build()])

        output = read_stream("addresses", ConfigBuilder().build())

        assert [record["sid"] for record in records_of(output)] == ["AD" + "1" * 32]
        assert not output.errors
        http_mocker.assert_number_of_calls(request, 2)


@freeze_time(NOW)
class TestRejectedCredentials:
    @HttpMocker()
    def test_given_401_on_a_later_page_when_read_then_the_sync_stops_with_a_config_error_naming_the_credentials(
        self, http_mocker: HttpMocker
    ) -> None:
        """A token rotated mid-sync (401) is the user's to fix: a config_error that says to enter current credentials,
        without the token in it."""
        next_uri = f"/2010-04-01/Accounts/{MAIN_ACCOUNT_SID}/Addresses.json?PageSize=1000&Page=1&PageToken=PAAD1"
        given_accounts(http_mocker)
        http_mocker.get(api_request(MAIN_ACCOUNT_SID, "Addresses.json"), addresses_page().with_next_page_uri(next_uri).build())
        http_mocker.get(next_page_request(next_uri), error_response(401))

        output = read_stream("addresses", ConfigBuilder().build(), expecting_exception=True)

        messages = config_errors(output)
        assert messages, [error.trace.error.message for error in output.errors]
        assert any("credentials" in message and ("auth token" in message.lower() or "auth_token" in message) for message in messages)
        assert all(AUTH_TOKEN not in message for message in messages)


    @HttpMocker()
    def test_given_rejected_token_on_accounts_list_when_read_then_one_config_error_naming_auth_token_and_no_stack_trace(
        self, http_mocker: HttpMocker, tmp_path, capfd
    ) -> None:
        """A wrong or rotated token is found when the accounts are listed: the sync ends like any bad config, with one
        config_error trace naming auth_token, a non-zero exit and no stack trace, whatever the number of streams."""
        http_mocker.get(accounts_list_request(), error_response(401))
        config_path = write_json(str(tmp_path), "config.json", ConfigBuilder().build())
        catalog_path = write_json(str(tmp_path), "catalog.json", configured_catalog("addresses", "keys"))

        exit_code = run_entrypoint(["read", "--config", config_path, "--catalog", catalog_path])

        out, err = capfd.readouterr()
        errors = [message["trace"]["error"] for message in parse_messages(out) if message["type"] == "TRACE" and message["trace"]["type"] == "ERROR"]
        assert exit_code not in (None, 0)
        assert len(errors) == 1, [error["message"] for error in errors]
        assert errors[0]["failure_type"] == "config_error"
        assert errors[0]["message"].startswith("auth_token:")
        assert "Traceback" not in out + err
        assert AUTH_TOKEN not in out + err


@freeze_time(NOW)
class TestSkippedAccounts:
    @HttpMocker()
    def test_given_403_for_one_account_when_read_then_that_account_is_skipped_with_a_warning_and_the_other_is_read(
        self, http_mocker: HttpMocker
    ) -> None:
        """403 on one account's resource skips that account with a warning naming the stream; the sync goes on."""
        given_accounts(http_mocker, an_account(MAIN_ACCOUNT_SID), an_account(SUBACCOUNT_SID))
        http_mocker.get(api_request(MAIN_ACCOUNT_SID, "Addresses.json"), error_response(403))
        http_mocker.get(api_request(SUBACCOUNT_SID, "Addresses.json"), addresses_page("AD" + "2" * 32, SUBACCOUNT_SID).build())

        output = read_stream("addresses", ConfigBuilder().build())

        assert [record["account_sid"] for record in records_of(output)] == [SUBACCOUNT_SID]
        assert not output.errors
        assert any("addresses" in warning for warning in warnings_of(output)), warnings_of(output)

    @HttpMocker()
    def test_given_404_for_one_account_on_a_product_host_when_read_then_that_account_is_skipped_with_a_warning(
        self, http_mocker: HttpMocker
    ) -> None:
        """404 (product not enabled for the account) skips that account with a warning naming the stream."""
        given_accounts(http_mocker, an_account(MAIN_ACCOUNT_SID), an_account(SUBACCOUNT_SID))
        http_mocker.get(product_request(TRUNKS, authorization=as_account(MAIN_ACCOUNT_SID)), error_response(404))
        http_mocker.get(
            product_request(TRUNKS, authorization=as_account(SUBACCOUNT_SID)),
            ProductPage("trunks").with_record(a_record("trunks", account_sid=SUBACCOUNT_SID)).build(),
        )

        output = read_stream("trunks", ConfigBuilder().build())

        assert [record["account_sid"] for record in records_of(output)] == [SUBACCOUNT_SID]
        assert not output.errors
        assert any("trunks" in warning for warning in warnings_of(output)), warnings_of(output)


@freeze_time(NOW)
class TestPolicyRows:
    """Each row of the error policy (errors.POLICY), with the request as Twilio would see it."""

    @HttpMocker()
    def test_given_401_on_a_suspended_subaccounts_path_when_read_then_that_account_is_skipped_with_a_warning(self, http_mocker: HttpMocker) -> None:
        """Twilio may refuse a suspended subaccount's data to its parent: that account is skipped, the sync goes on."""
        given_accounts(http_mocker, an_account(MAIN_ACCOUNT_SID), an_account(SUBACCOUNT_SID, status="suspended"))
        http_mocker.get(api_request(MAIN_ACCOUNT_SID, "Addresses.json"), addresses_page().build())
        http_mocker.get(api_request(SUBACCOUNT_SID, "Addresses.json"), error_response(401))

        output = read_stream("addresses", ConfigBuilder().build())

        assert [record["sid"] for record in records_of(output)] == ["AD" + "1" * 32]
        assert not output.errors
        assert any("suspended" in warning and SUBACCOUNT_SID in warning for warning in warnings_of(output))

    @HttpMocker()
    def test_given_401_with_a_subaccounts_own_credentials_when_read_then_that_account_is_skipped_with_a_warning(self, http_mocker: HttpMocker) -> None:
        """A subaccount token rotated since the account list was read: that account's product stream is skipped."""
        given_accounts(http_mocker, an_account(MAIN_ACCOUNT_SID), an_account(SUBACCOUNT_SID))
        http_mocker.get(product_request(TRUNKS, authorization=as_account(MAIN_ACCOUNT_SID)), ProductPage("trunks").build())
        http_mocker.get(product_request(TRUNKS, authorization=as_account(SUBACCOUNT_SID)), error_response(401))

        output = read_stream("trunks", ConfigBuilder().build())

        assert not output.errors
        assert any("subaccount's own credentials" in warning for warning in warnings_of(output))

    @HttpMocker()
    def test_given_400_code_20004_when_read_messages_then_the_stream_stops_with_a_config_error_naming_start_date(self, http_mocker: HttpMocker) -> None:
        """Code 20004: the account keeps messages fewer days than the sync reaches back. Skipping the window would lose
        its newer messages, so the stream stops and says which field to change."""
        given_accounts(http_mocker)
        http_mocker.get(  # the first request: the probe of the account's whole range (source_twilio/windows.py)
            api_request(MAIN_ACCOUNT_SID, "Messages.json", {"DateSent>": "2024-01-01T00:00:00Z", "DateSent<": "2024-01-10T00:00:00Z"}),
            json_response({"code": 20004, "message": "Date range specified in query is partially or entirely outside of retention window", "status": 400}, 400),
        )

        output = read_stream("messages", ConfigBuilder().build(), SyncMode.incremental, expecting_exception=True)

        errors = config_errors(output)
        assert errors and "start_date" in errors[0] and "20004" in errors[0]

    @HttpMocker()
    def test_given_a_400_no_rule_covers_when_read_then_the_stream_fails_naming_status_code_message_and_url(self, http_mocker: HttpMocker) -> None:
        """Any other 400 is not understood: the stream fails loudly, never an empty stream."""
        given_accounts(http_mocker)
        http_mocker.get(
            api_request(MAIN_ACCOUNT_SID, "Addresses.json"),
            json_response({"code": 21601, "message": "Phone number is not a valid SMS-capable number", "status": 400}, 400),
        )

        output = read_stream("addresses", ConfigBuilder().build(), expecting_exception=True)

        messages = " ".join(message.trace.error.message for message in output.errors)
        assert "400" in messages and "21601" in messages and "not a valid SMS-capable" in messages
        assert f"/2010-04-01/Accounts/{MAIN_ACCOUNT_SID}/Addresses.json" in messages
        assert not records_of(output)


def behavior_error_rules() -> list:
    """The `rule` column of BEHAVIOR.md's Errors table."""
    text = (Path(__file__).resolve().parents[1] / "BEHAVIOR.md").read_text()
    table = text[text.index("## Errors"):text.index("Besides the table")]
    return [line.split("|")[1].strip() for line in table.splitlines() if line.startswith("| ") and not line.startswith("| rule") and not line.startswith("| ---")]


def test_given_behavior_md_then_its_error_table_is_the_policy_in_order():
    """BEHAVIOR.md's Errors table names exactly the rules of errors.POLICY, in order, then the answer no rule covers."""
    assert behavior_error_rules() == [rule.name for rule in POLICY] + ["(no rule)"]


class TestWaitCap:
    """CappedWait: the manifest's waits (Retry-After, else exponential), never above MAX_WAIT_SECONDS, said in a log line."""

    @staticmethod
    def a_429(retry_after: str) -> requests.Response:
        response = requests.Response()
        response.status_code = 429
        response.headers["Retry-After"] = retry_after
        response._content = b'{"code": 20429, "message": "Too Many Requests"}'
        return response

    @staticmethod
    def wait() -> CappedWait:
        from airbyte_cdk.sources.declarative.requesters.error_handlers.backoff_strategies import (
            ExponentialBackoffStrategy,
            WaitTimeFromHeaderBackoffStrategy,
        )

        header = WaitTimeFromHeaderBackoffStrategy(header="Retry-After", config={}, parameters={})
        exponential = ExponentialBackoffStrategy(factor=1, config={}, parameters={})
        return CappedWait([header, exponential], "messages")

    def test_given_a_day_long_retry_after_then_the_wait_is_capped_and_said(self, caplog) -> None:
        with caplog.at_level("WARNING", logger="airbyte"):
            assert self.wait().backoff_time(self.a_429("86400"), attempt_count=1) == MAX_WAIT_SECONDS
        assert any("wait 86400 s" in record.getMessage() and f"waiting {MAX_WAIT_SECONDS} s" in record.getMessage() for record in caplog.records)

    def test_given_a_short_retry_after_then_it_is_waited_as_sent(self, caplog) -> None:
        with caplog.at_level("WARNING", logger="airbyte"):
            assert self.wait().backoff_time(self.a_429("7"), attempt_count=1) == 7
        assert not caplog.records
