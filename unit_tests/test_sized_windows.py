"""Windows as long as each account's history needs (source_twilio/windows.py): one probe of the account's whole range
decides between one window, read from the probe's own page, and windows of the measured length.

Every request a test does not mock fails the read, and each mocked one is counted: the tests say how many requests
a sync makes, not only what it returns."""

from __future__ import annotations

import datetime
from typing import Any, Dict, List

import pytest
from airbyte_cdk.models import SyncMode
from airbyte_cdk.test.mock_http import HttpMocker
from airbyte_cdk.test.state_builder import StateBuilder
from builders import (
    MAIN_ACCOUNT_SID,
    NOW,
    SUBACCOUNT_SID,
    ConfigBuilder,
    TwilioPage,
    a_record,
    an_account,
    api_request,
    final_state,
    given_accounts,
    given_no_open_records,
    json_response,
    next_page_request,
    read_stream,
    records_of,
)
from freezegun import freeze_time

from source_twilio.windows import MOST_RECORDS_IN_ONE_WINDOW, RECORDS_PER_WINDOW, SHORTEST_WINDOW, Plan, plan_from_probe

START = "2023-01-01T00:00:00Z"  # a year and nine days before NOW: 54 windows of P7D
WHOLE = {"DateSent>": START, "DateSent<": NOW}
SETTLED = "2024-01-09T23:55:00Z"  # NOW (Twilio's Date header) less CLOCK_MARGIN: where a complete range's state ends


def iso(instant: datetime.datetime) -> str:
    return instant.strftime("%Y-%m-%dT%H:%M:%SZ")


def at(value: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))


def rfc2822(instant: datetime.datetime) -> str:
    return instant.strftime("%a, %d %b %Y %H:%M:%S +0000")


def messages(account: str, *sent: datetime.datetime) -> TwilioPage:
    page = TwilioPage("messages")
    for index, instant in enumerate(sent):
        page.with_record(a_record("messages", sid=f"SM{account[-4:]}{index:028d}", account_sid=account, date_sent=rfc2822(instant), num_media="0"))
    return page


def state_of(output: Any) -> Dict[str, str]:
    return {entry["partition"]["account_sid"]: entry["cursor"]["date_sent"] for entry in final_state(output)["states"]}


@freeze_time(NOW)
class TestOneWindow:
    @pytest.mark.parametrize("workers", [1, 10])
    def test_given_sparse_accounts_when_read_then_each_costs_one_request_read_from_the_probe(self, workers: int) -> None:
        """Two accounts with a few messages over a year: the probe of each account's whole range is its only page,
        so it is the one window, served from the probe's own response (mocked once, asked once), even with one
        worker."""
        spread = [at(NOW) - datetime.timedelta(days=days) for days in (3, 90, 200, 360)]
        with HttpMocker() as http_mocker:
            given_accounts(http_mocker, an_account(MAIN_ACCOUNT_SID), an_account(SUBACCOUNT_SID))
            given_no_open_records(http_mocker, "Messages.json", MAIN_ACCOUNT_SID, SUBACCOUNT_SID)
            probes = [api_request(account, "Messages.json", WHOLE) for account in (MAIN_ACCOUNT_SID, SUBACCOUNT_SID)]
            for account, probe in zip((MAIN_ACCOUNT_SID, SUBACCOUNT_SID), probes):
                http_mocker.get(probe, messages(account, *spread).build())

            output = read_stream(
                "messages", ConfigBuilder().with_start_date(START).with_field("num_workers", workers).build(), SyncMode.incremental
            )

            for probe in probes:
                http_mocker.assert_number_of_calls(probe, 1)
        assert not output.errors
        assert len(records_of(output)) == 8 and len({record["sid"] for record in records_of(output)}) == 8
        assert state_of(output) == {MAIN_ACCOUNT_SID: SETTLED, SUBACCOUNT_SID: SETTLED}

    @HttpMocker()
    def test_given_an_account_without_messages_when_read_then_one_request_and_the_state_moves_to_now(self, http_mocker: HttpMocker) -> None:
        """An empty account costs one request, and its state moves to where its complete windows end: the next sync
        does not read the year again."""
        given_accounts(http_mocker)
        given_no_open_records(http_mocker, "Messages.json")
        probe = api_request(MAIN_ACCOUNT_SID, "Messages.json", WHOLE)
        http_mocker.get(probe, TwilioPage("messages").build())

        output = read_stream("messages", ConfigBuilder().with_start_date(START).build(), SyncMode.incremental)

        http_mocker.assert_number_of_calls(probe, 1)
        assert records_of(output) == [] and state_of(output) == {MAIN_ACCOUNT_SID: SETTLED}

    @HttpMocker()
    def test_given_two_pages_that_hold_the_whole_range_when_read_then_the_window_goes_on_from_the_probes_page(
        self, http_mocker: HttpMocker
    ) -> None:
        """The probe's page has a next page, but its records say the range holds few: one window, whose second page
        follows the probe's own next_page_uri."""
        given_accounts(http_mocker)
        given_no_open_records(http_mocker, "Messages.json")
        next_uri = (  # Twilio's next_page_uri carries the window's filters
            f"/2010-04-01/Accounts/{MAIN_ACCOUNT_SID}/Messages.json?DateSent%3E=2023-01-01T00%3A00%3A00Z"
            "&DateSent%3C=2024-01-10T00%3A00%3A00Z&PageSize=1000&Page=1&PageToken=PASM2"
        )
        probe = api_request(MAIN_ACCOUNT_SID, "Messages.json", WHOLE)
        http_mocker.get(probe, messages(MAIN_ACCOUNT_SID, at(NOW) - datetime.timedelta(days=10), at(NOW) - datetime.timedelta(days=200))
                        .with_next_page_uri(next_uri).build())
        http_mocker.get(next_page_request(next_uri), messages("AC" + "9" * 32, at(NOW) - datetime.timedelta(days=300)).build())

        output = read_stream("messages", ConfigBuilder().with_start_date(START).build(), SyncMode.incremental)

        http_mocker.assert_number_of_calls(probe, 1)
        assert len(records_of(output)) == 3

    @HttpMocker()
    def test_given_a_refused_account_when_read_then_one_request_and_its_state_does_not_move(self, http_mocker: HttpMocker) -> None:
        """A 403 on the probe is the one window's answer (handled as any window's: skipped with a notice); the
        account's state stays where it was, so nothing is skipped for good."""
        given_accounts(http_mocker)
        window = {"DateSent>": "2023-06-01T00:00:00Z", "DateSent<": NOW}
        probe = api_request(MAIN_ACCOUNT_SID, "Messages.json", window)
        http_mocker.get(probe, json_response({"code": 20403, "message": "Permission denied", "status": 403}, 403))
        state = (
            StateBuilder()
            .with_stream_state("messages", {"states": [{"partition": {"account_sid": MAIN_ACCOUNT_SID}, "cursor": {"date_sent": "2023-06-01T00:00:00Z"}}]})
            .build()
        )

        output = read_stream("messages", ConfigBuilder().with_start_date(START).build(), SyncMode.incremental, state=state)

        http_mocker.assert_number_of_calls(probe, 1)
        assert not output.errors
        assert state_of(output) == {MAIN_ACCOUNT_SID: "2023-06-01T00:00:00Z"}


@freeze_time(NOW)
class TestMeasuredWindows:
    @HttpMocker()
    def test_given_a_busy_account_when_read_then_its_windows_are_as_long_as_ten_thousand_records_at_the_probes_density(
        self, http_mocker: HttpMocker
    ) -> None:
        """Ten messages in the newest ten minutes, with more pages: about 57,600 in the 40 days, so windows of
        10 minutes x 10,000 / 10 = 6 days 22:40, each read (and the probe's page not reused)."""
        start = "2023-12-01T00:00:00Z"
        given_accounts(http_mocker)
        given_no_open_records(http_mocker, "Messages.json")
        newest = [at(NOW) - datetime.timedelta(minutes=minutes) for minutes in range(1, 11)]
        probe = api_request(MAIN_ACCOUNT_SID, "Messages.json", {"DateSent>": start, "DateSent<": NOW})
        http_mocker.get(probe, messages(MAIN_ACCOUNT_SID, *newest).with_next_page_uri("/never").build())
        step = datetime.timedelta(seconds=round((at(NOW) - newest[-1]).total_seconds() * RECORDS_PER_WINDOW / 10))
        bounds: List[datetime.datetime] = [at(start)]
        while bounds[-1] + step < at(NOW):
            bounds.append(bounds[-1] + step)
        bounds.append(at(NOW))
        windows = [api_request(MAIN_ACCOUNT_SID, "Messages.json", {"DateSent>": iso(lower), "DateSent<": iso(upper)})
                   for lower, upper in zip(bounds, bounds[1:])]
        for index, window in enumerate(windows):
            http_mocker.get(window, messages(MAIN_ACCOUNT_SID, bounds[index] + datetime.timedelta(hours=1)).build())

        output = read_stream("messages", ConfigBuilder().with_start_date(start).build(), SyncMode.incremental)

        assert not output.errors
        assert step == datetime.timedelta(days=6, hours=22, minutes=40)
        http_mocker.assert_number_of_calls(probe, 1)
        for window in windows:
            http_mocker.assert_number_of_calls(window, 1)
        assert len(records_of(output)) == len(windows) == 6
        assert state_of(output) == {MAIN_ACCOUNT_SID: SETTLED}

    @HttpMocker()
    def test_given_slice_step_duration_when_read_then_no_probe_and_every_window_that_long(self, http_mocker: HttpMocker) -> None:
        """A slice_step_duration of the user's is kept as it is: P30D windows, no probe (an unmocked probe would fail)."""
        given_accounts(http_mocker)
        given_no_open_records(http_mocker, "Messages.json")
        for lower, upper in (("2023-12-01T00:00:00Z", "2023-12-31T00:00:00Z"), ("2023-12-31T00:00:00Z", NOW)):
            http_mocker.get(api_request(MAIN_ACCOUNT_SID, "Messages.json", {"DateSent>": lower, "DateSent<": upper}), TwilioPage("messages").build())

        output = read_stream(
            "messages", ConfigBuilder().with_start_date("2023-12-01T00:00:00Z").with_slice_step_duration("P30D").build(), SyncMode.incremental
        )

        assert not output.errors


LOWER, UPPER = at("2024-01-01T00:00:00Z"), at("2024-01-11T00:00:00Z")


class FakeResponse:
    def __init__(self, body: Dict[str, Any], status: int = 200) -> None:
        import json

        self.content = json.dumps(body).encode()
        self.status_code = status
        self.ok = status < 400


def page(*sent: str, next_uri: str = "") -> Dict[str, Any]:
    return {"messages": [{"date_sent": value} for value in sent], "next_page_uri": next_uri or None}


@pytest.mark.parametrize(
    "response, expected",
    [
        (FakeResponse(page("Wed, 10 Jan 2024 10:00:00 +0000")), Plan(step=None)),  # the last page: one window
        (FakeResponse(page()), Plan(step=None)),  # nothing at all: one window
        (FakeResponse({"code": 20403}, 403), Plan(step=None)),  # let through by the error handler: one window, that answer
        # 2 records in the newest day, more pages: about 20 in ten days, at most MOST_RECORDS_IN_ONE_WINDOW: one window
        (FakeResponse(page("Wed, 10 Jan 2024 10:00:00 +0000", "Wed, 10 Jan 2024 00:00:00 +0000", next_uri="/n")), Plan(step=None)),
        # 1,000 records in the newest 10 minutes: 1,440,000 in the range; windows of 100 minutes
        (FakeResponse({"messages": [{"date_sent": "2024-01-10T23:50:00Z"}] * 1000, "next_page_uri": "/n"}), Plan(step=datetime.timedelta(minutes=100))),
        # all on the same second: the shortest window
        (FakeResponse({"messages": [{"date_sent": "2024-01-10T23:59:59Z"}] * 1000, "next_page_uri": "/n"}), Plan(step=SHORTEST_WINDOW)),
        # a page without a date to measure: the configured windows
        (FakeResponse({"messages": [{"date_sent": None}] * 3, "next_page_uri": "/n"}), None),
        (None, None),
    ],
)
def test_given_a_probe_page_then_the_plan_is_one_window_or_windows_of_ten_thousand_records(response: Any, expected: Any) -> None:
    plan = plan_from_probe(response, "messages", "date_sent", LOWER, UPPER)

    if expected is None:
        assert plan is None
    else:
        assert plan is not None and plan.step == expected.step
        assert (plan.first_page is response) == plan.one_window


def test_given_the_thresholds_then_one_window_covers_at_most_a_window_and_a_half_of_records() -> None:
    assert RECORDS_PER_WINDOW < MOST_RECORDS_IN_ONE_WINDOW <= 2 * RECORDS_PER_WINDOW


@freeze_time(NOW)
class TestTwilioClock:
    """A complete range's state never passes Twilio's clock (the Date header of its window's first page) less
    CLOCK_MARGIN: a record Twilio dates before this machine's now, but after its own, is listed later."""

    @pytest.mark.parametrize(
        "date_header, expected",
        [
            ("Tue, 09 Jan 2024 22:00:00 GMT", "2024-01-09T21:55:00Z"),  # Twilio two hours behind this machine
            ("Wed, 10 Jan 2024 03:00:00 GMT", NOW),  # Twilio ahead: the window's end
            (None, "2024-01-09T08:00:00Z"),  # no Date header: the CDK's rule, the newest record
        ],
    )
    def test_given_twilios_clock_when_a_window_completes_then_the_state_stops_before_it(self, date_header: Any, expected: str) -> None:
        from airbyte_cdk.test.mock_http import HttpResponse

        body = messages(MAIN_ACCOUNT_SID, at("2024-01-09T08:00:00Z")).build().body
        with HttpMocker() as http_mocker:
            given_accounts(http_mocker)
            given_no_open_records(http_mocker, "Messages.json")
            http_mocker.get(
                api_request(MAIN_ACCOUNT_SID, "Messages.json", {"DateSent>": "2024-01-08T00:00:00Z", "DateSent<": NOW}),
                HttpResponse(body, 200, {"Date": date_header} if date_header else {}),
            )
            output = read_stream("messages", ConfigBuilder().with_start_date("2024-01-08T00:00:00Z").build(), SyncMode.incremental)

        assert state_of(output) == {MAIN_ACCOUNT_SID: expected}
