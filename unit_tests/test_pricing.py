"""Pricing: the list of countries, then one detail request per country; price lists are the same for every account."""

from __future__ import annotations

from typing import List

from airbyte_cdk.test.mock_http import HttpMocker
from builders import (
    ConfigBuilder,
    json_response,
    product_request,
    read_stream,
    records_of,
    template,
)

MESSAGING_COUNTRIES = "https://pricing.twilio.com/v1/Messaging/Countries"
VOICE_COUNTRIES = "https://pricing.twilio.com/v2/Voice/Countries"


def country_list(resource: str, base_url: str, iso_countries: List[str]):
    body = template(resource)
    body["countries"] = [{"country": iso, "iso_country": iso, "url": f"{base_url}/{iso}"} for iso in iso_countries]
    return json_response(body)


def country_detail(resource: str, iso_country: str):
    body = template(resource)
    body["iso_country"] = iso_country
    return json_response(body)


class TestMessagingPricing:
    @HttpMocker()
    def test_given_two_countries_when_read_then_each_country_detail_is_a_record(self, http_mocker: HttpMocker) -> None:
        """The list gives the countries; each record is the country's detail (its SMS price lists), read once per
        country and never per account (Accounts.json is not requested)."""
        http_mocker.get(product_request(MESSAGING_COUNTRIES), country_list("pricing_messaging_country_list", MESSAGING_COUNTRIES, ["US", "GB"]))
        for iso in ("US", "GB"):
            http_mocker.get(product_request(f"{MESSAGING_COUNTRIES}/{iso}", page_size=False), country_detail("pricing_messaging_countries", iso))

        output = read_stream("pricing_messaging_countries", ConfigBuilder().build())

        records = records_of(output)
        assert sorted(record["iso_country"] for record in records) == ["GB", "US"]
        assert all(record["outbound_sms_prices"] and record["inbound_sms_prices"] for record in records)

    @HttpMocker()
    def test_given_list_with_next_page_url_when_read_then_every_country_of_every_page_is_detailed(self, http_mocker: HttpMocker) -> None:
        """The country list pages by `meta.next_page_url` like every v1/v2 list."""
        next_url = f"{MESSAGING_COUNTRIES}?PageSize=1000&Page=1&PageToken=PTUS"
        first_page = template("pricing_messaging_country_list")
        first_page["countries"] = [{"country": "United States", "iso_country": "US", "url": f"{MESSAGING_COUNTRIES}/US"}]
        first_page["meta"]["next_page_url"] = next_url
        http_mocker.get(product_request(MESSAGING_COUNTRIES), json_response(first_page))
        http_mocker.get(product_request(next_url, page_size=False), country_list("pricing_messaging_country_list", MESSAGING_COUNTRIES, ["GB"]))
        for iso in ("US", "GB"):
            http_mocker.get(product_request(f"{MESSAGING_COUNTRIES}/{iso}", page_size=False), country_detail("pricing_messaging_countries", iso))

        output = read_stream("pricing_messaging_countries", ConfigBuilder().build())

        assert sorted(record["iso_country"] for record in records_of(output)) == ["GB", "US"]


class TestVoicePricing:
    @HttpMocker()
    def test_given_a_country_when_read_then_its_detail_carries_prefix_and_inbound_prices(self, http_mocker: HttpMocker) -> None:
        """Voice pricing reads /v2/Voice/Countries then /v2/Voice/Countries/{IsoCountry}."""
        http_mocker.get(product_request(VOICE_COUNTRIES), country_list("pricing_voice_country_list", VOICE_COUNTRIES, ["US"]))
        http_mocker.get(product_request(f"{VOICE_COUNTRIES}/US", page_size=False), country_detail("pricing_voice_countries", "US"))

        output = read_stream("pricing_voice_countries", ConfigBuilder().build())

        records = records_of(output)
        assert [record["iso_country"] for record in records] == ["US"]
        assert len(records[0]["outbound_prefix_prices"]) == 4
        assert len(records[0]["inbound_call_prices"]) == 2
