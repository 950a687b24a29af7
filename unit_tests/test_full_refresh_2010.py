"""Full-refresh streams of the 2010-04-01 API: one request chain per account, paged by `next_page_uri`."""

from __future__ import annotations

from airbyte_cdk.test.mock_http import HttpMocker
from builders import (
    CLOSED_SUBACCOUNT_SID,
    MAIN_ACCOUNT_SID,
    NOW,
    SECOND_SUBACCOUNT_SID,
    SUBACCOUNT_SID,
    ConfigBuilder,
    TwilioPage,
    a_record,
    accounts_list_request,
    accounts_page,
    an_account,
    api_request,
    given_accounts,
    next_page_request,
    read_stream,
    read_streams,
    records_of,
)
from freezegun import freeze_time


@freeze_time(NOW)
class TestAddresses:
    @HttpMocker()
    def test_given_one_page_when_read_then_every_address_is_emitted(self, http_mocker: HttpMocker) -> None:
        """A page without `next_page_uri` is the last one: its records are emitted and nothing more is requested."""
        given_accounts(http_mocker)
        http_mocker.get(
            api_request(MAIN_ACCOUNT_SID, "Addresses.json"),
            TwilioPage("addresses").with_record(a_record("addresses", sid="ADaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1")).build(),
        )

        output = read_stream("addresses", ConfigBuilder().build())

        assert [record["sid"] for record in records_of(output)] == ["ADaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1"]
        assert not output.errors

    @HttpMocker()
    def test_given_next_page_uri_when_read_then_the_next_page_is_requested_as_twilio_wrote_it(self, http_mocker: HttpMocker) -> None:
        """`next_page_uri` is relative to the host and carries PageToken: the second request is exactly that URI."""
        next_uri = f"/2010-04-01/Accounts/{MAIN_ACCOUNT_SID}/Addresses.json?PageSize=1000&Page=1&PageToken=PAADaaaa1"
        given_accounts(http_mocker)
        http_mocker.get(
            api_request(MAIN_ACCOUNT_SID, "Addresses.json"),
            TwilioPage("addresses").with_record(a_record("addresses", sid="AD" + "1" * 32)).with_next_page_uri(next_uri).build(),
        )
        http_mocker.get(
            next_page_request(next_uri),
            TwilioPage("addresses").with_record(a_record("addresses", sid="AD" + "2" * 32)).build(),
        )

        output = read_stream("addresses", ConfigBuilder().build())

        assert [record["sid"] for record in records_of(output)] == ["AD" + "1" * 32, "AD" + "2" * 32]


@freeze_time(NOW)
class TestKeys:
    @HttpMocker()
    def test_given_key_items_without_account_sid_when_read_then_each_record_carries_its_account(self, http_mocker: HttpMocker) -> None:
        """Keys.json items have no account_sid on the wire; every record is tagged with the account it was read from."""
        given_accounts(http_mocker, an_account(MAIN_ACCOUNT_SID), an_account(SUBACCOUNT_SID))
        key = a_record("keys")
        assert "account_sid" not in key
        http_mocker.get(api_request(MAIN_ACCOUNT_SID, "Keys.json"), TwilioPage("keys").with_record(dict(key, sid="SK" + "1" * 32)).build())
        http_mocker.get(api_request(SUBACCOUNT_SID, "Keys.json"), TwilioPage("keys").with_record(dict(key, sid="SK" + "2" * 32)).build())

        output = read_stream("keys", ConfigBuilder().build())

        assert {record["sid"]: record["account_sid"] for record in records_of(output)} == {
            "SK" + "1" * 32: MAIN_ACCOUNT_SID,
            "SK" + "2" * 32: SUBACCOUNT_SID,
        }


@freeze_time(NOW)
class TestAccounts:
    @HttpMocker()
    def test_given_main_two_subaccounts_and_a_closed_one_when_read_addresses_then_each_active_account_is_read_once(
        self, http_mocker: HttpMocker
    ) -> None:
        """Every active account is read exactly once, each record keeps its account; a closed account is never requested."""
        given_accounts(
            http_mocker,
            an_account(MAIN_ACCOUNT_SID),
            an_account(SUBACCOUNT_SID),
            an_account(SECOND_SUBACCOUNT_SID),
            an_account(CLOSED_SUBACCOUNT_SID, status="closed"),
        )
        expected, requests = {}, []
        for index, account in enumerate((MAIN_ACCOUNT_SID, SUBACCOUNT_SID, SECOND_SUBACCOUNT_SID)):
            sid = f"AD{index}" + "0" * 31
            expected[sid] = account
            requests.append(api_request(account, "Addresses.json"))
            http_mocker.get(requests[-1], TwilioPage("addresses").with_record(a_record("addresses", sid=sid, account_sid=account)).build())

        output = read_stream("addresses", ConfigBuilder().build())

        records = records_of(output)
        assert sorted(record["sid"] for record in records) == sorted(expected)
        assert {record["sid"]: record["account_sid"] for record in records} == expected
        for request in requests:
            http_mocker.assert_number_of_calls(request, 1)

    @HttpMocker()
    def test_given_accounts_list_on_two_pages_when_read_then_subaccounts_of_the_second_page_are_read(self, http_mocker: HttpMocker) -> None:
        """Accounts.json pages like any 2010 list: subaccounts listed on its second page are read too."""
        next_uri = "/2010-04-01/Accounts.json?PageSize=1000&Page=1&PageToken=PAACbbbb"
        http_mocker.get(accounts_list_request(), TwilioPage("accounts").with_record(an_account(MAIN_ACCOUNT_SID)).with_next_page_uri(next_uri).build())
        http_mocker.get(next_page_request(next_uri), accounts_page(an_account(SUBACCOUNT_SID)))
        for account in (MAIN_ACCOUNT_SID, SUBACCOUNT_SID):
            http_mocker.get(api_request(account, "Addresses.json"), TwilioPage("addresses").with_record(a_record("addresses", account_sid=account)).build())

        output = read_stream("addresses", ConfigBuilder().build())

        assert sorted(record["account_sid"] for record in records_of(output)) == [MAIN_ACCOUNT_SID, SUBACCOUNT_SID]

    @HttpMocker()
    def test_given_two_streams_in_one_sync_when_read_then_accounts_are_listed_once(self, http_mocker: HttpMocker) -> None:
        """Accounts.json is listed once per sync and shared by every stream, not once per stream."""
        accounts = accounts_list_request()
        http_mocker.get(accounts, accounts_page(an_account(MAIN_ACCOUNT_SID), an_account(SUBACCOUNT_SID)))
        for account in (MAIN_ACCOUNT_SID, SUBACCOUNT_SID):
            http_mocker.get(api_request(account, "Addresses.json"), TwilioPage("addresses").with_record(a_record("addresses", account_sid=account)).build())
            http_mocker.get(api_request(account, "Keys.json"), TwilioPage("keys").with_record(a_record("keys")).build())

        output = read_streams(["addresses", "keys"], ConfigBuilder().build())

        assert len(records_of(output)) == 4
        http_mocker.assert_number_of_calls(accounts, 1)

    @HttpMocker()
    def test_given_account_sids_when_read_then_only_those_accounts_are_read(self, http_mocker: HttpMocker) -> None:
        """`account_sids` narrows the sync to the listed accounts (main or subaccounts)."""
        given_accounts(http_mocker, an_account(MAIN_ACCOUNT_SID), an_account(SUBACCOUNT_SID), an_account(SECOND_SUBACCOUNT_SID))
        http_mocker.get(
            api_request(SUBACCOUNT_SID, "Addresses.json"),
            TwilioPage("addresses").with_record(a_record("addresses", account_sid=SUBACCOUNT_SID)).build(),
        )

        output = read_stream("addresses", ConfigBuilder().with_account_sids([SUBACCOUNT_SID]).build())

        assert [record["account_sid"] for record in records_of(output)] == [SUBACCOUNT_SID]

    @HttpMocker()
    def test_given_accounts_stream_when_read_then_no_auth_token_reaches_the_records(self, http_mocker: HttpMocker) -> None:
        """Twilio's Accounts.json carries every account's auth_token; the accounts stream never emits it."""
        given_accounts(http_mocker, an_account(MAIN_ACCOUNT_SID), an_account(SUBACCOUNT_SID))

        output = read_stream("accounts", ConfigBuilder().build())

        records = records_of(output)
        assert sorted(record["sid"] for record in records) == [MAIN_ACCOUNT_SID, SUBACCOUNT_SID]
        assert all("auth_token" not in record for record in records)
        assert {record["sid"]: record["account_sid"] for record in records} == {MAIN_ACCOUNT_SID: MAIN_ACCOUNT_SID, SUBACCOUNT_SID: SUBACCOUNT_SID}
