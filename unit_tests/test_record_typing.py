"""Records are typed as their schema says: Twilio's RFC 2822 dates become ISO 8601 UTC, numeric strings become numbers,
and a value that is not what it should be is passed through rather than dropped.

One sync reads a page of messages, one message per rule (keyed by its sid); each test states a rule about its message.
"""

from __future__ import annotations

from typing import Any, Dict

import pytest
from airbyte_cdk.test.mock_http import HttpMocker
from builders import (
    MAIN_ACCOUNT_SID,
    NOW,
    ConfigBuilder,
    TwilioPage,
    a_record,
    accounts_list_request,
    accounts_page,
    an_account,
    api_request,
    given_no_open_records,
    json_response,
    product_request,
    read_stream,
    records_of,
    template,
)
from freezegun import freeze_time

from source_twilio.accounts import AccountDirectory

# sid -> the fields of that message on the wire (every message is sent inside the one window the sync reads)
WIRE_MESSAGES: Dict[str, Dict[str, Any]] = {
    "SM" + "1" * 32: {
        "date_created": "Tue, 09 Jan 2024 09:59:58 +0000",
        "date_sent": "Tue, 09 Jan 2024 10:00:00 +0000",
        "date_updated": "Tue, 09 Jan 2024 10:00:01 +0000",
    },
    "SM" + "2" * 32: {"date_sent": "Tue, 09 Jan 2024 12:00:00 +0200", "date_created": "Mon, 08 Jan 2024 23:30:00 -0800"},
    "SM" + "3" * 32: {"date_updated": None},
    "SM" + "4" * 32: {"price": "-0.00750", "num_segments": "1", "num_media": "0"},
    "SM" + "5" * 32: {"price": "", "price_unit": "USD"},
    "SM" + "6" * 32: {"num_segments": "n/a"},
    "SM" + "7" * 32: {"body": "12345", "to": "+18182008801"},
}


@pytest.fixture(scope="module")
def messages(tmp_path_factory) -> Dict[str, Dict[str, Any]]:
    """The emitted records of WIRE_MESSAGES, by sid."""
    window = {"DateSent>": "2024-01-08T00:00:00Z", "DateSent<": "2024-01-10T00:00:00Z"}
    page = TwilioPage("messages")
    for sid, fields in WIRE_MESSAGES.items():
        item = a_record("messages", sid=sid, date_sent="Tue, 09 Jan 2024 10:00:00 +0000", num_media="0")
        item.update(fields)
        page.with_record(item)
    AccountDirectory.clear()
    with pytest.MonkeyPatch.context() as monkeypatch, freeze_time(NOW), HttpMocker() as http_mocker:
        monkeypatch.setenv("REQUEST_CACHE_PATH", str(tmp_path_factory.mktemp("cache")))
        accounts, messages_request = accounts_list_request(), api_request(MAIN_ACCOUNT_SID, "Messages.json", window)
        http_mocker.get(accounts, accounts_page(an_account(MAIN_ACCOUNT_SID)))
        http_mocker.get(messages_request, page.build())
        given_no_open_records(http_mocker, "Messages.json")

        output = read_stream("messages", ConfigBuilder().with_start_date("2024-01-08T00:00:00Z").build())

        http_mocker.assert_number_of_calls(messages_request, 1)
    AccountDirectory.clear()
    assert not output.errors
    records = {record["sid"]: record for record in records_of(output)}
    assert sorted(records) == sorted(WIRE_MESSAGES)
    return records


class TestDates:
    def test_given_rfc_2822_dates_when_read_then_they_are_iso_8601_utc(self, messages) -> None:
        """`Tue, 09 Jan 2024 10:00:00 +0000` -> `2024-01-09T10:00:00Z`, for every date field of the record."""
        record = messages["SM" + "1" * 32]

        assert (record["date_created"], record["date_sent"], record["date_updated"]) == (
            "2024-01-09T09:59:58Z",
            "2024-01-09T10:00:00Z",
            "2024-01-09T10:00:01Z",
        )

    def test_given_a_date_with_a_plus_0200_offset_when_read_then_it_is_converted_to_utc(self, messages) -> None:
        """`Tue, 09 Jan 2024 12:00:00 +0200` is 10:00 UTC (and -0800 is eight hours behind): offsets are applied, not dropped."""
        record = messages["SM" + "2" * 32]

        assert record["date_sent"] == "2024-01-09T10:00:00Z"
        assert record["date_created"] == "2024-01-09T07:30:00Z"

    def test_given_a_null_date_when_read_then_it_stays_null(self, messages) -> None:
        """A date Twilio has not set yet is null, not a made-up date."""
        # The Airbyte protocol serializer leaves top-level nulls out of a record: absent and null are the same to a destination.
        assert messages["SM" + "3" * 32].get("date_updated") is None


class TestNumbers:
    def test_given_price_and_counts_as_strings_when_read_then_they_are_numbers(self, messages) -> None:
        """price "-0.00750" -> -0.0075, num_segments "1" -> 1, num_media "0" -> 0."""
        record = messages["SM" + "4" * 32]

        assert record["price"] == -0.0075 and isinstance(record["price"], float)
        assert record["num_segments"] == 1 and isinstance(record["num_segments"], int)
        assert record["num_media"] == 0 and isinstance(record["num_media"], int)

    def test_given_an_empty_string_for_a_number_when_read_then_it_is_null(self, messages) -> None:
        """Twilio sends "" for a price not known yet; it becomes null, not 0."""
        record = messages["SM" + "5" * 32]

        assert record.get("price") is None  # null (left out of the record by the protocol serializer), not 0
        assert record["price_unit"] == "USD"

    def test_given_an_unparseable_number_when_read_then_it_is_passed_through_unchanged(self, messages) -> None:
        """A value that is not a number after all is emitted as sent, never dropped or zeroed."""
        assert messages["SM" + "6" * 32]["num_segments"] == "n/a"

    def test_given_a_numeric_looking_text_field_when_read_then_it_stays_a_string(self, messages) -> None:
        """Only fields the schema types as numbers are converted: a body of digits and a phone number stay text."""
        record = messages["SM" + "7" * 32]

        assert record["body"] == "12345"
        assert record["to"] == "+18182008801"


class TestNestedPrices:
    @HttpMocker()
    def test_given_pricing_detail_when_read_then_prices_nested_in_lists_are_numbers(self, http_mocker: HttpMocker) -> None:
        """Pricing keeps prices as strings inside lists of objects (and lists in those); each one becomes a number."""
        countries = "https://pricing.twilio.com/v1/Messaging/Countries"
        detail = template("pricing_messaging_countries")
        detail["outbound_sms_prices"][0]["prices"] = [{"base_price": "0.0079", "current_price": "0.00750", "number_type": "mobile"}]
        detail["inbound_sms_prices"] = [{"base_price": "0.05", "current_price": "", "number_type": "local"}]
        http_mocker.get(product_request(countries), json_response(template("pricing_messaging_country_list")))
        http_mocker.get(product_request(f"{countries}/US", page_size=False), json_response(detail))

        records = records_of(read_stream("pricing_messaging_countries", ConfigBuilder().build()))

        assert records[0]["outbound_sms_prices"][0]["prices"] == [{"base_price": 0.0079, "current_price": 0.0075, "number_type": "mobile"}]
        assert records[0]["inbound_sms_prices"] == [{"base_price": 0.05, "current_price": None, "number_type": "local"}]
        assert records[0]["outbound_sms_prices"][0]["mcc"] == "foo"


@pytest.mark.parametrize(
    "wire, typed",
    [("1", 1), ("-3", -3), ("+4", 4), ("-0.00750", -0.0075), ("1.0", 1.0), ("1e3", 1000.0), ("", None), ("n/a", "n/a"), ("-", "-"), (7, 7)],
)
def test_given_a_wire_number_then_it_is_an_int_when_written_as_one_and_a_float_otherwise(wire, typed) -> None:
    """Counts stay integers ("1" -> 1, never 1.0), prices become floats, and what is no number passes through."""
    from source_twilio.record_types import _to_number

    assert _to_number(wire) == typed and type(_to_number(wire)) is type(typed)
