"""Data Twilio might send that the schema does not foresee: the sync neither crashes nor drops anything."""

from __future__ import annotations

from airbyte_cdk.test.mock_http import HttpMocker
from builders import (
    MAIN_ACCOUNT_SID,
    NOW,
    ConfigBuilder,
    TwilioPage,
    a_record,
    api_request,
    given_accounts,
    next_page_request,
    read_stream,
    records_of,
)
from freezegun import freeze_time


@freeze_time(NOW)
class TestUnexpectedData:
    @HttpMocker()
    def test_given_unknown_fields_nulls_and_wrong_types_when_read_then_every_record_passes_through(self, http_mocker: HttpMocker) -> None:
        """Unknown fields are kept, nulls stay null, a value that cannot be typed is passed through as sent."""
        given_accounts(http_mocker)
        odd = [
            a_record("addresses", sid="AD" + "1" * 32, brand_new_field={"nested": [1, 2]}),
            a_record("addresses", sid="AD" + "2" * 32, date_created=None, city=None),
            a_record("addresses", sid="AD" + "3" * 32, date_created="not a date", validated="yes"),
        ]
        http_mocker.get(api_request(MAIN_ACCOUNT_SID, "Addresses.json"), TwilioPage("addresses").with_records(odd).build())

        output = read_stream("addresses", ConfigBuilder().build())

        records = {record["sid"]: record for record in records_of(output)}
        assert len(records) == 3 and not output.errors
        assert records["AD" + "1" * 32]["brand_new_field"] == {"nested": [1, 2]}
        assert records["AD" + "2" * 32].get("date_created") is None
        assert records["AD" + "3" * 32]["date_created"] == "not a date"

    @HttpMocker()
    def test_given_a_huge_field_when_read_then_it_arrives_whole(self, http_mocker: HttpMocker) -> None:
        """A 2 MB field (a long body or attributes document) is neither truncated nor a crash."""
        given_accounts(http_mocker)
        huge = "x" * 2_000_000
        http_mocker.get(
            api_request(MAIN_ACCOUNT_SID, "Addresses.json"),
            TwilioPage("addresses").with_record(a_record("addresses", sid="AD" + "4" * 32, street=huge)).build(),
        )

        output = read_stream("addresses", ConfigBuilder().build())

        assert [len(record["street"]) for record in records_of(output)] == [2_000_000]

    @HttpMocker()
    def test_given_an_empty_page_with_a_next_link_when_read_then_the_next_page_is_still_read(self, http_mocker: HttpMocker) -> None:
        """Twilio can send an empty page that still links to more: the link is followed."""
        next_uri = f"/2010-04-01/Accounts/{MAIN_ACCOUNT_SID}/Addresses.json?PageSize=1000&Page=1&PageToken=PAempty"
        given_accounts(http_mocker)
        http_mocker.get(api_request(MAIN_ACCOUNT_SID, "Addresses.json"), TwilioPage("addresses").with_next_page_uri(next_uri).build())
        http_mocker.get(next_page_request(next_uri), TwilioPage("addresses").with_record(a_record("addresses", sid="AD" + "5" * 32)).build())

        output = read_stream("addresses", ConfigBuilder().build())

        assert [record["sid"] for record in records_of(output)] == ["AD" + "5" * 32]
