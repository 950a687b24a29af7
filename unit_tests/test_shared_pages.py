"""A page of a small list asked for twice in one sync is asked of Twilio once (source_twilio/shared_pages.py): the
stream and its copy as a parent get one request, each reader its own copy of the response; an error or a request
that raised is not shared."""

from __future__ import annotations

import threading
import time
from typing import Any, List

import pytest
import requests
from airbyte_cdk.models import SyncMode
from airbyte_cdk.test.mock_http import HttpMocker
from builders import (
    MAIN_ACCOUNT_SID,
    ConfigBuilder,
    TwilioPage,
    a_record,
    api_request,
    NOW,
    given_accounts,
    read_streams,
)
from freezegun import freeze_time

from source_twilio.twilio import parsed_page
from source_twilio.shared_pages import SharedPages


def a_response(status: int = 200, body: bytes = b'{"addresses": [{"sid": "AD1"}]}') -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = body
    response.headers["Date"] = "Wed, 10 Jan 2024 12:00:00 GMT"
    return response


def readers(n: int, budget: int = 1 << 20) -> SharedPages:
    pages = SharedPages(budget)
    for _ in range(n):
        pages.register("addresses")
    return pages


def test_given_readers_asking_for_one_page_at_once_then_it_is_sent_once_and_each_gets_a_copy_of_its_own() -> None:
    pages, sent, got = readers(6), [], []

    def send() -> requests.Response:
        sent.append(1)
        time.sleep(0.05)  # the others ask while this request is under way
        return a_response()

    threads = [threading.Thread(target=lambda: got.append(pages.get("addresses", "AC1 Addresses.json", send))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(sent) == 1 and pages.shared == 3
    assert len({id(response) for response in got}) == 4  # one object each
    bodies = [parsed_page(response) for response in got]
    assert bodies == [{"addresses": [{"sid": "AD1"}]}] * 4
    bodies[0]["addresses"][0]["sid"] = "changed in place"  # what a normalizer does to a reader's records
    assert parsed_page(pages.get("addresses", "AC1 Addresses.json", send)) == {"addresses": [{"sid": "AD1"}]}
    assert got[1].headers["Date"] == "Wed, 10 Jan 2024 12:00:00 GMT"


def test_given_another_page_then_it_is_sent_on_its_own() -> None:
    pages, sent = readers(2), []

    def send() -> requests.Response:
        sent.append(1)
        return a_response()

    pages.get("addresses", "AC1 Addresses.json", send)
    pages.get("addresses", "AC2 Addresses.json", send)

    assert len(sent) == 2 and pages.shared == 0


@pytest.mark.parametrize("status", [401, 404, 429, 500])
def test_given_an_error_answer_then_it_is_not_shared_and_the_next_reader_asks_for_itself(status: int) -> None:
    pages, answers = readers(2), [a_response(status), a_response()]
    sent: List[int] = []

    def send() -> requests.Response:
        sent.append(1)
        return answers[len(sent) - 1]

    assert pages.get("addresses", "AC1 Addresses.json", send).status_code == status
    assert pages.get("addresses", "AC1 Addresses.json", send).status_code == 200
    assert len(sent) == 2 and pages.shared == 0


def test_given_a_request_that_raised_then_a_reader_waiting_for_it_asks_for_itself() -> None:
    pages, sent, got, errors = readers(2), [], [], []
    started = threading.Event()

    def send() -> requests.Response:
        sent.append(1)
        if len(sent) == 1:
            started.set()
            time.sleep(0.05)
            raise requests.ConnectionError("reset")
        return a_response()

    def first() -> None:
        try:
            pages.get("addresses", "AC1 Addresses.json", send)
        except requests.ConnectionError as error:
            errors.append(error)

    thread = threading.Thread(target=first)
    thread.start()
    started.wait()
    got.append(pages.get("addresses", "AC1 Addresses.json", send))  # waits for the first, which raises
    thread.join()

    assert len(errors) == 1 and len(sent) == 2 and got[0].status_code == 200


@freeze_time(NOW)
class TestAStreamAndItsCopyAsAParent:
    @HttpMocker()
    def test_given_addresses_and_dependent_phone_numbers_when_read_then_addresses_is_listed_once(self, http_mocker: HttpMocker) -> None:
        """`addresses` itself and the parent copy `dependent_phone_numbers` lists its numbers under ask for the same
        page: one request, and both streams get every record."""
        given_accounts(http_mocker)
        addresses = api_request(MAIN_ACCOUNT_SID, "Addresses.json")
        address = "AD" + "1" * 32
        http_mocker.get(addresses, TwilioPage("addresses").with_record(a_record("addresses", sid=address)).build())
        http_mocker.get(
            api_request(MAIN_ACCOUNT_SID, f"Addresses/{address}/DependentPhoneNumbers.json"),
            TwilioPage("dependent_phone_numbers").with_record(a_record("dependent_phone_numbers", sid="PN" + "1" * 32)).build(),
        )

        output = read_streams(["addresses", "dependent_phone_numbers"], ConfigBuilder().build(), SyncMode.incremental)

        http_mocker.assert_number_of_calls(addresses, 1)
        assert {(m.record.stream, m.record.data["sid"]) for m in output.records} == {
            ("addresses", address), ("dependent_phone_numbers", "PN" + "1" * 32)
        }
        assert not output.errors


def counting_send(sent: List[int]) -> Any:
    def send() -> requests.Response:
        sent.append(1)
        return a_response()

    return send


def test_given_every_reader_had_the_page_then_it_is_no_longer_kept() -> None:
    pages, sent = readers(2), []
    send = counting_send(sent)

    pages.get("addresses", "AC1", send)
    assert pages.kept_bytes > 0
    pages.get("addresses", "AC1", send)  # the second and last reader: served, and the page dropped

    assert len(sent) == 1 and pages.kept_bytes == 0
    pages.get("addresses", "AC1", send)  # asked again (a retried window): asked of Twilio again
    assert len(sent) == 2


def test_given_a_stream_with_one_reader_then_nothing_is_kept() -> None:
    pages, sent = readers(1), []
    send = counting_send(sent)

    pages.get("addresses", "AC1", send)
    pages.get("addresses", "AC1", send)

    assert len(sent) == 2 and pages.kept_bytes == 0


def test_given_pages_past_the_budget_then_they_are_not_kept_for_readers_still_to_come() -> None:
    pages, sent = readers(2, budget=10), []  # smaller than a page
    send = counting_send(sent)

    pages.get("addresses", "AC1", send)
    pages.get("addresses", "AC1", send)

    assert len(sent) == 2 and pages.kept_bytes == 0 and pages.shared == 0


@freeze_time(NOW)
@pytest.mark.parametrize(
    "streams, readers",
    [
        (["addresses"], {"addresses": 1}),  # its parent copy is built, but dependent_phone_numbers is not read
        (["addresses", "dependent_phone_numbers"], {"addresses": 2}),
        (["dependent_phone_numbers"], {"addresses": 1}),
    ],
)
def test_given_a_catalog_then_only_the_requesters_it_reads_count_as_readers(
    streams: List[str], readers: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every stream of the manifest is built, the catalog's or not: a page is kept for the requesters that will ask
    for it only, or a sync of `messages` alone would keep its pages for a `message_media` that never reads."""
    registered: List[str] = []
    monkeypatch.setattr(SharedPages, "register", lambda self, stream: registered.append(stream))
    with HttpMocker() as http_mocker:
        given_accounts(http_mocker)
        http_mocker.get(api_request(MAIN_ACCOUNT_SID, "Addresses.json"), TwilioPage("addresses").build())
        read_streams(streams, ConfigBuilder().build(), SyncMode.incremental)

    assert {stream: registered.count(stream) for stream in set(registered)} == readers
