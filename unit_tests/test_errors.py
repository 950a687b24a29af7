"""How Twilio's errors end: throttling and server errors are retried, rejected credentials stop the sync with a
config error, and a product an account may not read is skipped for that account only."""

from __future__ import annotations

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
