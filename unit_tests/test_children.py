"""Child streams: one request chain per parent record, under the parent's account."""

from __future__ import annotations

from airbyte_cdk.models import SyncMode
from airbyte_cdk.test.mock_http import HttpMocker
from builders import (
    MAIN_ACCOUNT_SID,
    NOW,
    SUBACCOUNT_SID,
    ConfigBuilder,
    TwilioPage,
    a_record,
    an_account,
    api_request,
    discover_streams,
    given_accounts,
    given_no_open_records,
    read_stream,
    records_of,
)
from freezegun import freeze_time

CONFERENCE_1 = "CF" + "1" * 32
CONFERENCE_2 = "CF" + "2" * 32
ONE_WINDOW = {"DateCreated>": "2024-01-08", "DateCreated<": "2024-01-11"}


def test_given_discover_when_listing_child_streams_then_their_primary_keys_identify_a_child_without_sid() -> None:
    """Participants and available numbers have no `sid`: their keys are the fields that identify them."""
    catalog = discover_streams(ConfigBuilder().build()).catalog.catalog
    keys = {stream.name: stream.source_defined_primary_key for stream in catalog.streams}

    assert keys["conference_participants"] == [["conference_sid"], ["call_sid"]]
    assert keys["available_phone_numbers_local"] == [["account_sid"], ["iso_country"], ["phone_number"]]
    assert keys["message_media"] == [["sid"]]


@freeze_time(NOW)
class TestConferenceParticipants:
    @HttpMocker()
    def test_given_two_conferences_when_read_participants_then_each_conference_is_read_under_its_account(
        self, http_mocker: HttpMocker
    ) -> None:
        """Participants are read per conference, at /Accounts/{AC}/Conferences/{CF}/Participants.json."""
        given_accounts(http_mocker)
        http_mocker.get(
            api_request(MAIN_ACCOUNT_SID, "Conferences.json", ONE_WINDOW),
            TwilioPage("conferences")
            .with_record(a_record("conferences", sid=CONFERENCE_1, date_created="Mon, 08 Jan 2024 10:00:00 +0000"))
            .with_record(a_record("conferences", sid=CONFERENCE_2, date_created="Tue, 09 Jan 2024 10:00:00 +0000"))
            .build(),
        )
        for conference, call in ((CONFERENCE_1, "CA" + "1" * 32), (CONFERENCE_2, "CA" + "2" * 32)):
            http_mocker.get(
                api_request(MAIN_ACCOUNT_SID, f"Conferences/{conference}/Participants.json"),
                TwilioPage("conference_participants")
                .with_record(a_record("conference_participants", conference_sid=conference, call_sid=call, date_created="Tue, 09 Jan 2024 10:00:00 +0000"))
                .build(),
            )

        output = read_stream("conference_participants", ConfigBuilder().with_start_date("2024-01-08").build(), SyncMode.incremental)

        assert sorted((record["conference_sid"], record["call_sid"]) for record in records_of(output)) == [
            (CONFERENCE_1, "CA" + "1" * 32),
            (CONFERENCE_2, "CA" + "2" * 32),
        ]
        assert {record["account_sid"] for record in records_of(output)} == {MAIN_ACCOUNT_SID}


@freeze_time(NOW)
class TestMessageMedia:
    @HttpMocker()
    def test_given_messages_with_and_without_media_when_read_media_then_only_messages_with_media_are_requested(
        self, http_mocker: HttpMocker
    ) -> None:
        """Media.json is requested only for messages whose num_media is above 0 (most messages have none)."""
        given_accounts(http_mocker)
        given_no_open_records(http_mocker, "Messages.json")
        http_mocker.get(
            api_request(MAIN_ACCOUNT_SID, "Messages.json", {"DateSent>": "2024-01-08T00:00:00Z", "DateSent<": "2024-01-10T00:00:00Z"}),
            TwilioPage("messages")
            .with_record(a_record("messages", sid="MM" + "1" * 32, num_media="2", date_sent="Tue, 09 Jan 2024 10:00:00 +0000"))
            .with_record(a_record("messages", sid="SM" + "2" * 32, num_media="0", date_sent="Tue, 09 Jan 2024 09:00:00 +0000"))
            .build(),
        )
        http_mocker.get(
            api_request(MAIN_ACCOUNT_SID, f"Messages/{'MM' + '1' * 32}/Media.json"),
            TwilioPage("message_media")
            .with_record(a_record("message_media", sid="ME" + "1" * 32, parent_sid="MM" + "1" * 32, date_created="Tue, 09 Jan 2024 10:00:00 +0000"))
            .with_record(a_record("message_media", sid="ME" + "2" * 32, parent_sid="MM" + "1" * 32, date_created="Tue, 09 Jan 2024 10:00:00 +0000"))
            .build(),
        )

        output = read_stream("message_media", ConfigBuilder().with_start_date("2024-01-08T00:00:00Z").build())

        assert sorted(record["sid"] for record in records_of(output)) == ["ME" + "1" * 32, "ME" + "2" * 32]
        assert not output.errors


@freeze_time(NOW)
class TestDependentPhoneNumbers:
    @HttpMocker()
    def test_given_addresses_in_two_accounts_when_read_then_each_address_is_read_under_its_own_account(
        self, http_mocker: HttpMocker
    ) -> None:
        """Dependent numbers of an address are read under the address's account, and carry that account."""
        given_accounts(http_mocker, an_account(MAIN_ACCOUNT_SID), an_account(SUBACCOUNT_SID))
        addresses = {MAIN_ACCOUNT_SID: "AD" + "1" * 32, SUBACCOUNT_SID: "AD" + "2" * 32}
        for account, address in addresses.items():
            http_mocker.get(
                api_request(account, "Addresses.json"),
                TwilioPage("addresses").with_record(a_record("addresses", sid=address, account_sid=account)).build(),
            )
            http_mocker.get(
                api_request(account, f"Addresses/{address}/DependentPhoneNumbers.json"),
                TwilioPage("dependent_phone_numbers")
                .with_record(a_record("dependent_phone_numbers", sid="PN" + address[2:], account_sid=account))
                .build(),
            )

        output = read_stream("dependent_phone_numbers", ConfigBuilder().build())

        assert {record["sid"]: record["account_sid"] for record in records_of(output)} == {
            "PN" + "1" * 32: MAIN_ACCOUNT_SID,
            "PN" + "2" * 32: SUBACCOUNT_SID,
        }


@freeze_time(NOW)
class TestAvailablePhoneNumbers:
    @HttpMocker()
    def test_given_two_countries_when_read_local_numbers_then_each_country_is_requested(self, http_mocker: HttpMocker) -> None:
        """Local numbers are listed per country the account may buy in; each record carries its account."""
        given_accounts(http_mocker)
        http_mocker.get(
            api_request(MAIN_ACCOUNT_SID, "AvailablePhoneNumbers.json"),
            TwilioPage("available_phone_number_countries")
            .with_record(a_record("available_phone_number_countries", country_code="DK", country="Denmark"))
            .with_record(a_record("available_phone_number_countries", country_code="US", country="United States"))
            .build(),
        )
        for country, number in (("DK", "+4570000000"), ("US", "+18089251571")):
            http_mocker.get(
                api_request(MAIN_ACCOUNT_SID, f"AvailablePhoneNumbers/{country}/Local.json"),
                TwilioPage("available_phone_numbers_local")
                .with_record(a_record("available_phone_numbers_local", iso_country=country, phone_number=number))
                .build(),
            )

        output = read_stream("available_phone_numbers_local", ConfigBuilder().build())

        assert sorted((record["iso_country"], record["phone_number"], record["account_sid"]) for record in records_of(output)) == [
            ("DK", "+4570000000", MAIN_ACCOUNT_SID),
            ("US", "+18089251571", MAIN_ACCOUNT_SID),
        ]
