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

from source_twilio.windows import FILL, MAX_PAGES_PER_WINDOW, ONE_DAY, MIN_PAGES_PER_WINDOW, SHORTEST_WINDOW, Plan, plan_from_probe

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
    def test_given_a_busy_account_when_read_then_its_windows_hold_a_few_pages_at_the_probes_density_newest_first(
        self, http_mocker: HttpMocker
    ) -> None:
        """A full page of 10 messages spanning the newest 20 hours, with more pages: about 48 pages in the 40 days;
        with one worker a window holds 10 pages (0.9 x 10 x 10 = 90 messages, 7 days 12 hours). Each window is read
        once, the newest first, and the probe's page is not reused."""
        start = "2023-12-01T00:00:00Z"
        given_accounts(http_mocker)
        given_no_open_records(http_mocker, "Messages.json")
        newest = [at(NOW) - datetime.timedelta(hours=hours) for hours in range(2, 21, 2)]  # 2h .. 20h ago
        probe = api_request(MAIN_ACCOUNT_SID, "Messages.json", {"DateSent>": start, "DateSent<": NOW})
        http_mocker.get(probe, messages(MAIN_ACCOUNT_SID, *newest).with_next_page_uri("/never").build())
        step = datetime.timedelta(seconds=round((at(NOW) - newest[-1]).total_seconds() * FILL * MAX_PAGES_PER_WINDOW))
        bounds: List[datetime.datetime] = [at(start)]
        while bounds[-1] + step < at(NOW):
            bounds.append(bounds[-1] + step)
        bounds.append(at(NOW))
        windows = [api_request(MAIN_ACCOUNT_SID, "Messages.json", {"DateSent>": iso(lower), "DateSent<": iso(upper)})
                   for lower, upper in zip(bounds, bounds[1:])]
        for index, window in enumerate(windows):
            http_mocker.get(window, messages(MAIN_ACCOUNT_SID, bounds[index] + datetime.timedelta(hours=1)).build())

        output = read_stream("messages", ConfigBuilder().with_start_date(start).with_field("num_workers", 1).build(), SyncMode.incremental)

        assert not output.errors
        ten_pages_at_the_newest_density = datetime.timedelta(days=7, hours=12)  # a window length, not a timing
        assert step == ten_pages_at_the_newest_density
        http_mocker.assert_number_of_calls(probe, 1)
        for window in windows:
            http_mocker.assert_number_of_calls(window, 1)
        assert len(records_of(output)) == len(windows) == 6
        assert state_of(output) == {MAIN_ACCOUNT_SID: SETTLED}
        sent = [record["date_sent"] for record in records_of(output)]
        assert sent[0] == max(sent) and sent[1:] == sorted(sent[1:])  # one worker: the newest window first, then in order

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
        # a full page (2) spanning the newest 4 days of 10, more pages: about 2.5 pages, at most 2 + 0.5: one window
        (FakeResponse(page("Wed, 10 Jan 2024 10:00:00 +0000", "Sun, 07 Jan 2024 00:00:00 +0000", next_uri="/n")), Plan(step=None)),
        # 1,000 records in the newest 10 minutes: 1,440 pages; 10 workers: windows of 10 pages at 0.9, 90 minutes
        (FakeResponse({"messages": [{"date_sent": "2024-01-10T23:50:00Z"}] * 1000, "next_page_uri": "/n"}), Plan(step=datetime.timedelta(minutes=90))),
        # 1,000 records in the newest 2 days: 5 pages; 10 workers: windows of 2 pages at 0.9, 3.6 days
        (FakeResponse({"messages": [{"date_sent": "2024-01-09T00:00:00Z"}] * 1000, "next_page_uri": "/n"}), Plan(step=datetime.timedelta(days=3.6))),
        # all on the same second: the shortest window
        (FakeResponse({"messages": [{"date_sent": "2024-01-10T23:59:59Z"}] * 1000, "next_page_uri": "/n"}), Plan(step=SHORTEST_WINDOW)),
        # a page without a date to measure: the configured windows
        (FakeResponse({"messages": [{"date_sent": None}] * 3, "next_page_uri": "/n"}), None),
        (None, None),
    ],
)
def test_given_a_probe_page_then_the_plan_is_one_window_or_windows_of_a_few_pages(response: Any, expected: Any) -> None:
    plan = plan_from_probe(response, "messages", "date_sent", LOWER, UPPER, workers=10)

    if expected is None:
        assert plan is None
    else:
        assert plan is not None and plan.step == expected.step
        assert (plan.first_page is response) == plan.one_window


def test_given_the_window_bounds_then_a_window_holds_a_few_whole_pages() -> None:
    assert 1 <= MIN_PAGES_PER_WINDOW <= MAX_PAGES_PER_WINDOW and 0.5 < FILL < 1


@pytest.mark.parametrize("pages", [20.2, 25.0, 39.9, 55.0, 99.0])
def test_given_a_busy_account_then_it_gets_at_least_a_window_per_worker(pages: float) -> None:
    """Pages per window round down: 20.2 estimated pages and 10 workers make windows of 2 pages (11 windows), not of
    3 (7 windows: 3 workers idle on a one-account sync, and chains of 3 pages at the end of a sync)."""
    span = (UPPER - LOWER) / pages  # the probe's full page spans this much of the newest range
    oldest = (UPPER - span).strftime("%Y-%m-%dT%H:%M:%SZ")
    response = FakeResponse({"messages": [{"date_sent": oldest}] * 1000, "next_page_uri": "/n"})

    plan = plan_from_probe(response, "messages", "date_sent", LOWER, UPPER, workers=10)

    assert plan is not None and plan.step is not None
    windows = (UPPER - LOWER) / plan.step
    assert 10 <= windows <= 2 * 10 / FILL  # a window per worker at least, and never pages cut in half


@pytest.mark.parametrize(
    "response, rows",
    [
        (FakeResponse(page("Wed, 10 Jan 2024 10:00:00 +0000", "Tue, 09 Jan 2024 10:00:00 +0000")), 2),  # one page: counted
        (FakeResponse(page()), 0),
        (FakeResponse({"code": 20403}, 403), 0),  # refused: nothing to read
        # 1,000 records in the newest 2 days of 10: about 5 pages like it, 5,000 records
        (FakeResponse({"messages": [{"date_sent": "2024-01-09T00:00:00Z"}] * 1000, "next_page_uri": "/n"}), 5000),
    ],
)
def test_given_a_probe_page_then_the_plan_counts_or_estimates_the_records_of_the_range(response: Any, rows: int) -> None:
    """The rows behind a stream's ESTIMATE trace: exact when one page holds the range, else the pages the page's
    density makes times its records."""
    plan = plan_from_probe(response, "messages", "date_sent", LOWER, UPPER, workers=10)

    assert plan is not None and plan.rows == rows


@pytest.mark.parametrize(
    "oldest, days",
    [
        ("2024-01-09T00:00:00Z", 3),  # 5 pages, windows of 2 pages at 0.9: 3.6 days, cut to 3 whole days
        ("2024-01-10T23:50:00Z", 1),  # 90 minutes would do: never less than a day
    ],
)
def test_given_a_filter_of_dates_only_then_the_windows_are_whole_days(oldest: str, days: int) -> None:
    """Conferences, notifications and usage records are filtered by day (`DateCreated>=2024-01-01`): a window sized
    by density is a whole number of days, at least one, shortened rather than lengthened (a window stays within its
    pages)."""
    response = FakeResponse({"messages": [{"date_sent": oldest}] * 1000, "next_page_uri": "/n"})

    plan = plan_from_probe(response, "messages", "date_sent", LOWER, UPPER, workers=10, whole_days=True)

    assert plan is not None and plan.step is not None
    # the plan's window length in days (a length it computed from dates, not a timing): exactly `days`, no remainder
    assert plan.step / ONE_DAY == days
