"""Incremental streams of the 2010-04-01 API: date windows filtered by Twilio (`DateSent>=`, `EndTime<=` ...), one
cursor per account, and a next sync that starts where the last one ended (minus the lookback window)."""

from __future__ import annotations

from typing import Any, Dict

import pytest
from airbyte_cdk.models import AirbyteStateMessageSerializer, SyncMode
from airbyte_cdk.test.mock_http import HttpMocker
from airbyte_cdk.test.state_builder import StateBuilder
from builders import (
    MAIN_ACCOUNT_SID,
    NOW,
    OPEN_CALL_STATUSES,
    SETTLED_CALL_STATUSES_WITHOUT_END,
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

from source_twilio.cursors import WindowCheckpointCursor
from source_twilio.state import open_pass_since


def cursors_by_account(state: Dict[str, Any], cursor_field: str) -> Dict[str, Any]:
    """{account_sid: cursor value} from a per-account stream state."""
    return {entry["partition"]["account_sid"]: entry["cursor"][cursor_field] for entry in state["states"]}


def stream_state_of(message: Any) -> Dict[str, Any]:
    return AirbyteStateMessageSerializer.dump(message.state)["stream"]["stream_state"]


def per_account_state(stream: str, cursor_field: str, cursors: Dict[str, str]):
    return (
        StateBuilder()
        .with_stream_state(
            stream,
            {"states": [{"partition": {"account_sid": account}, "cursor": {cursor_field: value}} for account, value in cursors.items()]},
        )
        .build()
    )


def messages_page(*date_sent: str, account: str = MAIN_ACCOUNT_SID) -> TwilioPage:
    page = TwilioPage("messages")
    for index, value in enumerate(date_sent):
        page.with_record(a_record("messages", sid=f"SM{account[-4:]}{index:028d}", account_sid=account, date_sent=value, num_media="0"))
    return page


@freeze_time(NOW)
class TestMessages:
    @HttpMocker()
    def test_given_start_date_nine_days_ago_when_read_then_two_seven_day_windows_are_filtered_by_date_sent(
        self, http_mocker: HttpMocker
    ) -> None:
        """With slice_step_duration P7D, history is read in P7D windows from start_date to now; each window is a
        `DateSent>=`/`DateSent<=` filter."""
        given_accounts(http_mocker)
        given_no_open_records(http_mocker, "Messages.json")
        http_mocker.get(
            api_request(MAIN_ACCOUNT_SID, "Messages.json", {"DateSent>": "2024-01-01T00:00:00Z", "DateSent<": "2024-01-08T00:00:00Z"}),
            messages_page("Fri, 05 Jan 2024 10:00:00 +0000").build(),
        )
        http_mocker.get(
            api_request(MAIN_ACCOUNT_SID, "Messages.json", {"DateSent>": "2024-01-08T00:00:00Z", "DateSent<": "2024-01-10T00:00:00Z"}),
            messages_page("Tue, 09 Jan 2024 08:00:00 +0000").build(),
        )

        output = read_stream("messages", ConfigBuilder().with_slice_step_duration("P7D").build(), SyncMode.incremental)

        assert sorted(record["date_sent"] for record in records_of(output)) == ["2024-01-05T10:00:00Z", "2024-01-09T08:00:00Z"]
        assert not output.errors

    @HttpMocker()
    def test_given_slice_step_duration_p3d_when_read_then_windows_are_three_days_long(self, http_mocker: HttpMocker) -> None:
        """`slice_step_duration` sets the window length."""
        given_accounts(http_mocker)
        given_no_open_records(http_mocker, "Messages.json")
        http_mocker.get(
            api_request(MAIN_ACCOUNT_SID, "Messages.json", {"DateSent>": "2024-01-04T12:00:00Z", "DateSent<": "2024-01-07T12:00:00Z"}),
            messages_page().build(),
        )
        http_mocker.get(
            api_request(MAIN_ACCOUNT_SID, "Messages.json", {"DateSent>": "2024-01-07T12:00:00Z", "DateSent<": "2024-01-10T00:00:00Z"}),
            messages_page().build(),
        )

        output = read_stream(
            "messages", ConfigBuilder().with_start_date("2024-01-04T12:00:00Z").with_slice_step_duration("P3D").build(), SyncMode.incremental
        )

        assert not output.errors

    @HttpMocker()
    def test_given_end_date_when_read_then_the_last_window_ends_at_end_date(self, http_mocker: HttpMocker) -> None:
        """end_date caps the windows: nothing after it is requested, even though now is later."""
        given_accounts(http_mocker)
        http_mocker.get(
            api_request(MAIN_ACCOUNT_SID, "Messages.json", {"DateSent>": "2024-01-01T00:00:00Z", "DateSent<": "2024-01-05T00:00:00Z"}),
            messages_page("Thu, 04 Jan 2024 10:00:00 +0000").build(),
        )

        output = read_stream("messages", ConfigBuilder().with_end_date("2024-01-05T00:00:00Z").build(), SyncMode.incremental)

        assert [record["date_sent"] for record in records_of(output)] == ["2024-01-04T10:00:00Z"]
        assert not output.errors  # and no open-records pass: the range is closed

    @HttpMocker()
    def test_given_sync_last_n_days_when_read_then_the_first_window_starts_n_days_before_today_at_midnight(
        self, http_mocker: HttpMocker
    ) -> None:
        """sync_last_n_days=2 replaces start_date with midnight UTC two days before the sync."""
        given_accounts(http_mocker)
        given_no_open_records(http_mocker, "Messages.json")
        http_mocker.get(
            api_request(MAIN_ACCOUNT_SID, "Messages.json", {"DateSent>": "2024-01-08T00:00:00Z", "DateSent<": "2024-01-10T00:00:00Z"}),
            messages_page().build(),
        )

        output = read_stream("messages", ConfigBuilder().with_field("sync_last_n_days", 2).build(), SyncMode.incremental)

        assert not output.errors

    @HttpMocker()
    def test_given_window_with_two_pages_when_read_then_the_next_page_keeps_the_window_filter(self, http_mocker: HttpMocker) -> None:
        """Inside a window, the next page is Twilio's `next_page_uri`, which already carries the window's filter."""
        given_accounts(http_mocker)
        given_no_open_records(http_mocker, "Messages.json")
        next_uri = (
            f"/2010-04-01/Accounts/{MAIN_ACCOUNT_SID}/Messages.json?DateSent%3E=2024-01-08T00%3A00%3A00Z"
            "&DateSent%3C=2024-01-10T00%3A00%3A00Z&PageSize=1000&Page=1&PageToken=PASMaaaa"
        )
        http_mocker.get(
            api_request(MAIN_ACCOUNT_SID, "Messages.json", {"DateSent>": "2024-01-08T00:00:00Z", "DateSent<": "2024-01-10T00:00:00Z"}),
            messages_page("Tue, 09 Jan 2024 08:00:00 +0000").with_next_page_uri(next_uri).build(),
        )
        http_mocker.get(next_page_request(next_uri), messages_page("Mon, 08 Jan 2024 08:00:00 +0000").build())

        output = read_stream("messages", ConfigBuilder().with_start_date("2024-01-08T00:00:00Z").build(), SyncMode.incremental)

        assert sorted(record["date_sent"] for record in records_of(output)) == ["2024-01-08T08:00:00Z", "2024-01-09T08:00:00Z"]

    @HttpMocker()
    def test_given_two_accounts_when_read_then_each_accounts_state_is_where_its_complete_windows_end(self, http_mocker: HttpMocker) -> None:
        """State is kept per account, at the end of the account's complete windows: an account read to now is at
        now, one that starts from an older state and is refused (here, a 403) stays where it was."""
        given_accounts(http_mocker, an_account(MAIN_ACCOUNT_SID), an_account(SUBACCOUNT_SID))
        given_no_open_records(http_mocker, "Messages.json", MAIN_ACCOUNT_SID)
        config = ConfigBuilder().with_start_date("2024-01-08T00:00:00Z").build()
        http_mocker.get(
            api_request(MAIN_ACCOUNT_SID, "Messages.json", {"DateSent>": "2024-01-09T00:00:00Z", "DateSent<": "2024-01-10T00:00:00Z"}),
            messages_page("Tue, 09 Jan 2024 08:00:00 +0000").build(),
        )
        http_mocker.get(
            api_request(SUBACCOUNT_SID, "Messages.json", {"DateSent>": "2024-01-08T06:00:00Z", "DateSent<": "2024-01-10T00:00:00Z"}),
            json_response({"code": 20403, "message": "Permission denied", "status": 403}, 403),
        )
        state = per_account_state("messages", "date_sent", {MAIN_ACCOUNT_SID: "2024-01-09T00:00:00Z", SUBACCOUNT_SID: "2024-01-08T06:00:00Z"})

        output = read_stream("messages", config, SyncMode.incremental, state=state)

        assert [record["date_sent"] for record in records_of(output)] == ["2024-01-09T08:00:00Z"]
        assert cursors_by_account(final_state(output), "date_sent") == {
            MAIN_ACCOUNT_SID: "2024-01-09T23:55:00Z",
            SUBACCOUNT_SID: "2024-01-08T06:00:00Z",
        }

    @HttpMocker()
    def test_given_three_windows_when_read_then_a_state_follows_each_window(self, http_mocker: HttpMocker) -> None:
        """A STATE is emitted when each window closes (the CDK's own cursor waits ten minutes between them), so a
        sync killed after any window resumes after it."""
        given_accounts(http_mocker)
        given_no_open_records(http_mocker, "Messages.json")
        windows = [
            ("2023-12-25T00:00:00Z", "2024-01-01T00:00:00Z", "Sat, 30 Dec 2023 08:00:00 +0000"),
            ("2024-01-01T00:00:00Z", "2024-01-08T00:00:00Z", "Fri, 05 Jan 2024 08:00:00 +0000"),
            ("2024-01-08T00:00:00Z", "2024-01-10T00:00:00Z", "Tue, 09 Jan 2024 08:00:00 +0000"),
        ]
        for start, end, date_sent in windows:
            http_mocker.get(
                api_request(MAIN_ACCOUNT_SID, "Messages.json", {"DateSent>": start, "DateSent<": end}), messages_page(date_sent).build()
            )

        config = ConfigBuilder().with_start_date("2023-12-25T00:00:00Z").with_slice_step_duration("P7D").build()
        output = read_stream("messages", config, SyncMode.incremental)

        cursors = [
            cursors_by_account(stream_state_of(message), "date_sent").get(MAIN_ACCOUNT_SID) for message in output.state_messages
        ]
        per_window = [cursor for cursor in cursors[:-1] if cursor]
        assert len(per_window) >= len(windows) - 1, cursors
        assert per_window == sorted(per_window)
        assert set(per_window) <= {"2023-12-25T00:00:00Z", "2024-01-01T00:00:00Z", "2024-01-08T00:00:00Z", "2024-01-09T23:55:00Z"}
        assert cursors[-1] == "2024-01-09T23:55:00Z"

    @HttpMocker()
    def test_given_a_long_window_when_read_then_a_state_follows_every_few_thousand_records(
        self, http_mocker: HttpMocker, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Inside a window the cursor cannot move (newest first), but a STATE still follows every
        RECORDS_PER_STATE records (here 2), so Airbyte can commit what came before it."""
        monkeypatch.setattr(WindowCheckpointCursor, "RECORDS_PER_STATE", 2)
        given_accounts(http_mocker)
        given_no_open_records(http_mocker, "Messages.json")
        dates = [f"Tue, 09 Jan 2024 0{hour}:00:00 +0000" for hour in range(5, 0, -1)]
        http_mocker.get(
            api_request(MAIN_ACCOUNT_SID, "Messages.json", {"DateSent>": "2024-01-08T00:00:00Z", "DateSent<": "2024-01-10T00:00:00Z"}),
            messages_page(*dates).build(),
        )

        output = read_stream("messages", ConfigBuilder().with_start_date("2024-01-08T00:00:00Z").build(), SyncMode.incremental)

        assert len(records_of(output)) == 5
        # 2 mid-window (after records 2 and 4), 1 when the window closes, 1 at the end.
        assert len(output.state_messages) >= 4
        assert cursors_by_account(final_state(output), "date_sent") == {MAIN_ACCOUNT_SID: "2024-01-09T23:55:00Z"}

    @HttpMocker()
    def test_given_state_when_read_then_the_first_window_starts_at_the_accounts_cursor(self, http_mocker: HttpMocker) -> None:
        """A sync from state asks Twilio only for messages sent since the account's cursor, not since start_date."""
        given_accounts(http_mocker)
        given_no_open_records(http_mocker, "Messages.json")
        http_mocker.get(
            api_request(MAIN_ACCOUNT_SID, "Messages.json", {"DateSent>": "2024-01-09T06:00:00Z", "DateSent<": "2024-01-10T00:00:00Z"}),
            messages_page("Tue, 09 Jan 2024 18:00:00 +0000").build(),
        )
        state = per_account_state("messages", "date_sent", {MAIN_ACCOUNT_SID: "2024-01-09T06:00:00Z"})

        output = read_stream("messages", ConfigBuilder().build(), SyncMode.incremental, state=state)

        assert [record["date_sent"] for record in records_of(output)] == ["2024-01-09T18:00:00Z"]
        assert cursors_by_account(final_state(output), "date_sent") == {MAIN_ACCOUNT_SID: "2024-01-09T23:55:00Z"}

    @HttpMocker()
    def test_given_state_and_lookback_window_when_read_then_the_filter_starts_lookback_minutes_before_the_cursor(
        self, http_mocker: HttpMocker
    ) -> None:
        """lookback_window=N re-reads the N minutes before the cursor: `DateSent>=` is the state minus N minutes."""
        given_accounts(http_mocker)
        given_no_open_records(http_mocker, "Messages.json")
        http_mocker.get(
            api_request(MAIN_ACCOUNT_SID, "Messages.json", {"DateSent>": "2024-01-09T05:00:00Z", "DateSent<": "2024-01-10T00:00:00Z"}),
            messages_page("Tue, 09 Jan 2024 05:30:00 +0000").build(),
        )
        state = per_account_state("messages", "date_sent", {MAIN_ACCOUNT_SID: "2024-01-09T06:00:00Z"})

        output = read_stream("messages", ConfigBuilder().with_lookback_window(60).build(), SyncMode.incremental, state=state)

        assert [record["date_sent"] for record in records_of(output)] == ["2024-01-09T05:30:00Z"]
        assert cursors_by_account(final_state(output), "date_sent") == {MAIN_ACCOUNT_SID: "2024-01-09T23:55:00Z"}

    @HttpMocker()
    def test_given_state_for_main_account_only_when_a_subaccount_is_new_then_it_starts_at_start_date(self, http_mocker: HttpMocker) -> None:
        """An account without a cursor (a subaccount created since the last sync) is read from start_date."""
        given_accounts(http_mocker, an_account(MAIN_ACCOUNT_SID), an_account(SUBACCOUNT_SID))
        given_no_open_records(http_mocker, "Messages.json", MAIN_ACCOUNT_SID, SUBACCOUNT_SID)
        http_mocker.get(
            api_request(MAIN_ACCOUNT_SID, "Messages.json", {"DateSent>": "2024-01-09T06:00:00Z", "DateSent<": "2024-01-10T00:00:00Z"}),
            messages_page().build(),
        )
        http_mocker.get(
            api_request(SUBACCOUNT_SID, "Messages.json", {"DateSent>": "2024-01-08T00:00:00Z", "DateSent<": "2024-01-10T00:00:00Z"}),
            messages_page("Mon, 08 Jan 2024 12:00:00 +0000", account=SUBACCOUNT_SID).build(),
        )
        state = per_account_state("messages", "date_sent", {MAIN_ACCOUNT_SID: "2024-01-09T06:00:00Z"})

        output = read_stream("messages", ConfigBuilder().with_start_date("2024-01-08T00:00:00Z").build(), SyncMode.incremental, state=state)

        assert [record["account_sid"] for record in records_of(output)] == [SUBACCOUNT_SID]


@freeze_time(NOW)
class TestCalls:
    @HttpMocker()
    def test_given_calls_when_read_then_windows_filter_on_end_time_and_state_follows_end_time(self, http_mocker: HttpMocker) -> None:
        """Calls are windowed on `EndTime>=`/`EndTime<=` (a call is final once ended); the cursor is end_time, saved
        where the account's complete windows end."""
        given_accounts(http_mocker)
        given_no_open_records(http_mocker, "Calls.json")
        http_mocker.get(
            api_request(MAIN_ACCOUNT_SID, "Calls.json", {"EndTime>": "2024-01-08T00:00:00Z", "EndTime<": "2024-01-10T00:00:00Z"}),
            TwilioPage("calls")
            .with_record(a_record("calls", sid="CA" + "1" * 32, end_time="Tue, 09 Jan 2024 12:00:00 +0000"))
            .with_record(a_record("calls", sid="CA" + "2" * 32, end_time="Mon, 08 Jan 2024 12:00:00 +0000"))
            .build(),
        )

        output = read_stream("calls", ConfigBuilder().with_start_date("2024-01-08T00:00:00Z").build(), SyncMode.incremental)

        assert len(records_of(output)) == 2
        assert cursors_by_account(final_state(output), "end_time") == {MAIN_ACCOUNT_SID: "2024-01-09T23:55:00Z"}

    @HttpMocker()
    def test_given_state_and_lookback_window_when_read_then_end_time_filter_starts_lookback_before_the_state(
        self, http_mocker: HttpMocker
    ) -> None:
        """`EndTime>=` is the saved end_time minus lookback_window minutes."""
        given_accounts(http_mocker)
        given_no_open_records(http_mocker, "Calls.json")
        http_mocker.get(
            api_request(MAIN_ACCOUNT_SID, "Calls.json", {"EndTime>": "2024-01-08T23:30:00Z", "EndTime<": "2024-01-10T00:00:00Z"}),
            TwilioPage("calls").build(),
        )
        state = per_account_state("calls", "end_time", {MAIN_ACCOUNT_SID: "2024-01-09T00:00:00Z"})

        output = read_stream("calls", ConfigBuilder().with_lookback_window(30).build(), SyncMode.incremental, state=state)

        assert not output.errors


@freeze_time(NOW)
class TestOpenRecords:
    """A queued message has no date_sent and a call in progress no end_time: no date window can return them. After
    each account's newest window the connector asks for them directly (TwilioPagination)."""

    WINDOW = {"DateSent>": "2024-01-08T00:00:00Z", "DateSent<": "2024-01-10T00:00:00Z"}
    CALLS_WINDOW = {"EndTime>": "2024-01-08T00:00:00Z", "EndTime<": "2024-01-10T00:00:00Z"}
    QUEUED = "SM" + "9" * 32

    def config(self, **fields: Any) -> Dict[str, Any]:
        builder = ConfigBuilder().with_start_date("2024-01-08T00:00:00Z")
        for name, value in fields.items():
            builder.with_field(name, value)
        return builder.build()

    @HttpMocker()
    def test_given_a_queued_message_when_read_then_it_is_emitted_once_and_does_not_move_the_state(self, http_mocker: HttpMocker) -> None:
        """The open pass reads the newest messages unfiltered and keeps only those without date_sent: the queued
        message arrives once, the sent one (also on that page) only from its window, and the state is where the
        window ends: the queued message has no date_sent to move it further."""
        given_accounts(http_mocker)
        sent = a_record("messages", sid="SM" + "1" * 32, date_sent="Tue, 09 Jan 2024 08:00:00 +0000", num_media="0")
        queued = a_record("messages", sid=self.QUEUED, date_sent=None, status="queued", num_media="0")
        http_mocker.get(api_request(MAIN_ACCOUNT_SID, "Messages.json", self.WINDOW), TwilioPage("messages").with_record(sent).build())
        http_mocker.get(
            api_request(MAIN_ACCOUNT_SID, "Messages.json"), TwilioPage("messages").with_record(queued).with_record(sent).build()
        )

        output = read_stream("messages", self.config(), SyncMode.incremental)

        assert sorted((record["sid"], record["status"]) for record in records_of(output)) == [
            ("SM" + "1" * 32, sent["status"]),
            (self.QUEUED, "queued"),
        ]
        assert cursors_by_account(final_state(output), "date_sent") == {MAIN_ACCOUNT_SID: "2024-01-09T23:55:00Z"}
        assert not output.errors

    @HttpMocker()
    def test_given_open_messages_on_two_pages_when_read_then_the_pass_stops_at_the_first_page_without_one(
        self, http_mocker: HttpMocker
    ) -> None:
        """Open messages are the newest: the pass follows next_page_uri while a page holds one, and stops at the
        first page without (its next page is never asked for: an unexpected request would fail the read)."""
        given_accounts(http_mocker)
        http_mocker.get(api_request(MAIN_ACCOUNT_SID, "Messages.json", self.WINDOW), TwilioPage("messages").build())
        page_2 = f"/2010-04-01/Accounts/{MAIN_ACCOUNT_SID}/Messages.json?PageSize=1000&Page=1&PageToken=PASM2"
        page_3 = f"/2010-04-01/Accounts/{MAIN_ACCOUNT_SID}/Messages.json?PageSize=1000&Page=2&PageToken=PASM3"
        http_mocker.get(
            api_request(MAIN_ACCOUNT_SID, "Messages.json"),
            TwilioPage("messages").with_record(a_record("messages", sid=self.QUEUED, date_sent=None, num_media="0"))
            .with_next_page_uri(page_2).build(),
        )
        http_mocker.get(
            next_page_request(page_2),
            TwilioPage("messages").with_record(a_record("messages", sid="SM" + "8" * 32, date_sent="", num_media="0"))
            .with_record(a_record("messages", sid="SM" + "7" * 32, date_sent="Sat, 06 Jan 2024 08:00:00 +0000", num_media="0"))
            .with_next_page_uri(page_3).build(),
        )
        http_mocker.get(
            next_page_request(page_3),
            TwilioPage("messages")
            .with_record(a_record("messages", sid="SM" + "6" * 32, date_sent="Fri, 05 Jan 2024 08:00:00 +0000", num_media="0"))
            .with_next_page_uri(page_3 + "4").build(),
        )

        output = read_stream("messages", self.config(), SyncMode.incremental)

        assert sorted(record["sid"] for record in records_of(output)) == ["SM" + "8" * 32, self.QUEUED]
        assert not output.errors

    @HttpMocker()
    def test_given_calls_in_progress_when_read_then_each_open_status_is_asked_for(self, http_mocker: HttpMocker) -> None:
        """Twilio filters calls by status: the pass asks for queued, ringing and in-progress calls (then for the
        settled statuses that may lack end_time, here with nothing)."""
        given_accounts(http_mocker)
        http_mocker.get(
            api_request(MAIN_ACCOUNT_SID, "Calls.json", self.CALLS_WINDOW),
            TwilioPage("calls").with_record(a_record("calls", sid="CA" + "1" * 32, end_time="Tue, 09 Jan 2024 12:00:00 +0000")).build(),
        )
        for status in OPEN_CALL_STATUSES:
            http_mocker.get(
                api_request(MAIN_ACCOUNT_SID, "Calls.json", {"Status": status}),
                TwilioPage("calls").with_record(a_record("calls", sid=f"CA{status[:2]}" + "0" * 30, status=status, end_time=None)).build(),
            )
        for status in SETTLED_CALL_STATUSES_WITHOUT_END:
            http_mocker.get(api_request(MAIN_ACCOUNT_SID, "Calls.json", {"Status": status}), TwilioPage("calls").build())

        output = read_stream("calls", self.config(), SyncMode.incremental)

        statuses = sorted(record["status"] for record in records_of(output))
        assert statuses == sorted([a_record("calls")["status"], "queued", "ringing", "in-progress"])
        assert cursors_by_account(final_state(output), "end_time") == {MAIN_ACCOUNT_SID: "2024-01-09T23:55:00Z"}

    @HttpMocker()
    def test_given_failed_calls_without_end_time_when_read_then_those_created_since_the_accounts_cursor_arrive(
        self, http_mocker: HttpMocker
    ) -> None:
        """Twilio leaves end_time empty when a call did not complete successfully: no EndTime window returns it.
        The pass asks for each such status and keeps calls created since the account's cursor less an hour,
        paging only while a page's oldest call is still kept (an unmatched request would fail the read)."""
        given_accounts(http_mocker)
        window = {"EndTime>": "2024-01-09T06:00:00Z", "EndTime<": "2024-01-10T00:00:00Z"}
        http_mocker.get(api_request(MAIN_ACCOUNT_SID, "Calls.json", window), TwilioPage("calls").build())
        for status in OPEN_CALL_STATUSES + ("no-answer",):
            http_mocker.get(api_request(MAIN_ACCOUNT_SID, "Calls.json", {"Status": status}), TwilioPage("calls").build())

        def call(sid: str, status: str, created: str, end_time: Any = None) -> Dict[str, Any]:
            return a_record("calls", sid="CA" + sid * 32, status=status, date_created=created, end_time=end_time)

        never = "/2010-04-01/Accounts/" + MAIN_ACCOUNT_SID + "/Calls.json?Status={}&PageSize=1000&Page=1&PageToken=PANEVER"
        http_mocker.get(  # the older call is before the cursor less an hour (05:00): read already, and paging stops
            api_request(MAIN_ACCOUNT_SID, "Calls.json", {"Status": "canceled"}),
            TwilioPage("calls").with_record(call("a", "canceled", "Tue, 09 Jan 2024 08:00:00 +0000"))
            .with_record(call("b", "canceled", "Tue, 09 Jan 2024 04:00:00 +0000")).with_next_page_uri(never.format("canceled")).build(),
        )
        page_2 = "/2010-04-01/Accounts/" + MAIN_ACCOUNT_SID + "/Calls.json?Status=failed&PageSize=1000&Page=1&PageToken=PAFAILED2"
        http_mocker.get(
            api_request(MAIN_ACCOUNT_SID, "Calls.json", {"Status": "failed"}),
            TwilioPage("calls").with_record(call("c", "failed", "Tue, 09 Jan 2024 07:00:00 +0000")).with_next_page_uri(page_2).build(),
        )
        http_mocker.get(next_page_request(page_2), TwilioPage("calls").with_record(call("d", "failed", "Mon, 08 Jan 2024 07:00:00 +0000"))
                        .with_next_page_uri(never.format("failed")).build())
        http_mocker.get(  # Twilio gave these an end_time: their windows return them, the pass does not
            api_request(MAIN_ACCOUNT_SID, "Calls.json", {"Status": "busy"}),
            TwilioPage("calls").with_record(call("e", "busy", "Tue, 09 Jan 2024 09:00:00 +0000", "Tue, 09 Jan 2024 09:00:30 +0000"))
            .with_next_page_uri(never.format("busy")).build(),
        )
        state = per_account_state("calls", "end_time", {MAIN_ACCOUNT_SID: "2024-01-09T06:00:00Z"})

        output = read_stream("calls", self.config(), SyncMode.incremental, state=state)

        assert not output.errors
        assert sorted(record["sid"] for record in records_of(output)) == ["CA" + "a" * 32, "CA" + "c" * 32]
        assert cursors_by_account(final_state(output), "end_time") == {MAIN_ACCOUNT_SID: "2024-01-09T23:55:00Z"}

    def test_given_our_and_airbyte_state_shapes_then_the_failed_calls_bound_is_each_accounts_cursor_less_lookback_and_an_hour(
        self,
    ) -> None:
        """The bound comes from the incoming state, whichever connector saved it."""
        states = {
            "calls": {
                "states": [
                    {"partition": {"account_sid": MAIN_ACCOUNT_SID}, "cursor": {"end_time": "2024-01-09T06:00:00Z"}},
                    {"partition": {"subresource_uri": f"/2010-04-01/Accounts/{SUBACCOUNT_SID}/Calls.json", "parent_slice": {}},
                     "cursor": {"end_time": "2024-01-08"}},
                ]
            }
        }

        assert open_pass_since(states, 30) == {"calls": {MAIN_ACCOUNT_SID: "2024-01-09T04:30:00Z", SUBACCOUNT_SID: "2024-01-07T22:30:00Z"}}

    @HttpMocker()
    def test_given_no_state_when_read_then_failed_calls_since_start_date_arrive(self, http_mocker: HttpMocker) -> None:
        """A first sync keeps failed calls created since start_date."""
        given_accounts(http_mocker)
        http_mocker.get(api_request(MAIN_ACCOUNT_SID, "Calls.json", self.CALLS_WINDOW), TwilioPage("calls").build())
        for status in OPEN_CALL_STATUSES + ("canceled", "busy", "no-answer"):
            http_mocker.get(api_request(MAIN_ACCOUNT_SID, "Calls.json", {"Status": status}), TwilioPage("calls").build())
        failed, no_end = {"Status": "failed"}, {"status": "failed", "end_time": None}
        http_mocker.get(
            api_request(MAIN_ACCOUNT_SID, "Calls.json", failed),
            TwilioPage("calls")
            .with_record(a_record("calls", sid="CA" + "f" * 32, **no_end, date_created="Mon, 08 Jan 2024 07:00:00 +0000"))
            .with_record(a_record("calls", sid="CA" + "0" * 32, **no_end, date_created="Sun, 07 Jan 2024 23:00:00 +0000"))
            .build(),
        )

        output = read_stream("calls", self.config(), SyncMode.incremental)

        assert [record["sid"] for record in records_of(output)] == ["CA" + "f" * 32]

    @HttpMocker()
    def test_given_call_status_filter_when_read_then_only_that_open_status_is_asked_for(self, http_mocker: HttpMocker) -> None:
        """With call_status=ringing every request carries Status=ringing; the pass asks for ringing calls only."""
        given_accounts(http_mocker)
        http_mocker.get(
            api_request(MAIN_ACCOUNT_SID, "Calls.json", {**self.CALLS_WINDOW, "Status": "ringing"}),
            TwilioPage("calls").build(),
        )
        http_mocker.get(api_request(MAIN_ACCOUNT_SID, "Calls.json", {"Status": "ringing"}), TwilioPage("calls").build())

        output = read_stream("calls", self.config(call_status="ringing"), SyncMode.incremental)

        assert not output.errors

    @HttpMocker()
    def test_given_completed_call_status_filter_when_read_then_no_open_pass(self, http_mocker: HttpMocker) -> None:
        """call_status=completed cannot match an open call: only the windows are read."""
        given_accounts(http_mocker)
        http_mocker.get(
            api_request(MAIN_ACCOUNT_SID, "Calls.json", {**self.CALLS_WINDOW, "Status": "completed"}),
            TwilioPage("calls").build(),
        )

        output = read_stream("calls", self.config(call_status="completed"), SyncMode.incremental)

        assert not output.errors

    @HttpMocker()
    def test_given_to_filter_when_read_then_the_open_pass_keeps_it(self, http_mocker: HttpMocker) -> None:
        """The open pass asks for the same number the windows ask for."""
        given_accounts(http_mocker)
        to = {"To": "+15558675310"}
        http_mocker.get(api_request(MAIN_ACCOUNT_SID, "Messages.json", {**self.WINDOW, **to}), TwilioPage("messages").build())
        http_mocker.get(api_request(MAIN_ACCOUNT_SID, "Messages.json", to), TwilioPage("messages").build())

        output = read_stream("messages", self.config(to_phone_number="+15558675310"), SyncMode.incremental)

        assert not output.errors

    @HttpMocker()
    def test_given_older_windows_when_read_then_only_the_newest_is_followed_by_the_pass(self, http_mocker: HttpMocker) -> None:
        """Two windows, one open pass (mocked once: a second pass would be an unmatched request)."""
        given_accounts(http_mocker)
        open_pass = api_request(MAIN_ACCOUNT_SID, "Messages.json")
        http_mocker.get(open_pass, messages_page().build())
        http_mocker.get(
            api_request(MAIN_ACCOUNT_SID, "Messages.json", {"DateSent>": "2024-01-01T00:00:00Z", "DateSent<": "2024-01-08T00:00:00Z"}),
            messages_page().build(),
        )
        http_mocker.get(
            api_request(MAIN_ACCOUNT_SID, "Messages.json", {"DateSent>": "2024-01-08T00:00:00Z", "DateSent<": "2024-01-10T00:00:00Z"}),
            messages_page().build(),
        )

        output = read_stream("messages", ConfigBuilder().with_slice_step_duration("P7D").build(), SyncMode.incremental)

        assert not output.errors
        http_mocker.assert_number_of_calls(open_pass, 1)


@freeze_time(NOW)
class TestRecordings:
    @HttpMocker()
    def test_given_recording_dated_with_an_offset_when_read_then_record_and_state_are_in_utc(self, http_mocker: HttpMocker) -> None:
        """Recordings filter on `DateCreated>=`/`DateCreated<=`; a +0100 date_created becomes UTC in record and state."""
        given_accounts(http_mocker)
        http_mocker.get(
            api_request(MAIN_ACCOUNT_SID, "Recordings.json", {"DateCreated>": "2024-01-08T00:00:00Z", "DateCreated<": "2024-01-10T00:00:00Z"}),
            TwilioPage("recordings").with_record(a_record("recordings", date_created="Mon, 08 Jan 2024 22:23:00 +0100")).build(),
        )

        output = read_stream("recordings", ConfigBuilder().with_start_date("2024-01-08").build(), SyncMode.incremental)

        assert [record["date_created"] for record in records_of(output)] == ["2024-01-08T21:23:00Z"]
        assert cursors_by_account(final_state(output), "date_created") == {MAIN_ACCOUNT_SID: "2024-01-09T23:55:00Z"}


@freeze_time(NOW)
class TestConferences:
    @HttpMocker()
    def test_given_conferences_when_read_then_windows_are_whole_days_filtered_by_date_created(self, http_mocker: HttpMocker) -> None:
        """Twilio filters conferences by date only: windows are `DateCreated>=YYYY-MM-DD`/`DateCreated<=YYYY-MM-DD`,
        consecutive ones sharing their boundary day, the last one ending the day after today (today is read under either
        reading of `<=`)."""
        given_accounts(http_mocker)
        http_mocker.get(
            api_request(MAIN_ACCOUNT_SID, "Conferences.json", {"DateCreated>": "2024-01-01", "DateCreated<": "2024-01-08"}),
            TwilioPage("conferences").with_record(a_record("conferences", sid="CF" + "1" * 32, date_created="Fri, 05 Jan 2024 11:23:45 +0000")).build(),
        )
        http_mocker.get(
            api_request(MAIN_ACCOUNT_SID, "Conferences.json", {"DateCreated>": "2024-01-08", "DateCreated<": "2024-01-11"}),
            TwilioPage("conferences").build(),
        )

        output = read_stream("conferences", ConfigBuilder().with_slice_step_duration("P7D").build(), SyncMode.incremental)

        assert [record["date_created"] for record in records_of(output)] == ["2024-01-05T11:23:45Z"]

    @HttpMocker()
    def test_given_no_slice_step_when_read_then_one_request_over_whole_days_reads_a_sparse_history(self, http_mocker: HttpMocker) -> None:
        """Without slice_step_duration, whole-day windows are sized like any others (windows.py): the probe asks for
        the account's whole range of days, and a page without a next one is all of it, read with that one request."""
        given_accounts(http_mocker)
        http_mocker.get(
            api_request(MAIN_ACCOUNT_SID, "Conferences.json", {"DateCreated>": "2024-01-01", "DateCreated<": "2024-01-11"}),
            TwilioPage("conferences").with_record(a_record("conferences", sid="CF" + "1" * 32, date_created="Fri, 05 Jan 2024 11:23:45 +0000")).build(),
        )

        output = read_stream("conferences", ConfigBuilder().build(), SyncMode.incremental)

        assert [record["date_created"] for record in records_of(output)] == ["2024-01-05T11:23:45Z"]
        # saved as the last day of the window by Twilio's clock less five minutes (still yesterday, as for usage below)
        assert cursors_by_account(final_state(output), "date_created") == {MAIN_ACCOUNT_SID: "2024-01-09"}

    @HttpMocker()
    def test_given_state_when_read_then_the_date_filter_starts_at_the_saved_day(self, http_mocker: HttpMocker) -> None:
        """A sync from state asks for conferences created on or after the saved day."""
        given_accounts(http_mocker)
        http_mocker.get(
            api_request(MAIN_ACCOUNT_SID, "Conferences.json", {"DateCreated>": "2024-01-09", "DateCreated<": "2024-01-11"}),
            TwilioPage("conferences").build(),
        )
        state = per_account_state("conferences", "date_created", {MAIN_ACCOUNT_SID: "2024-01-09"})

        output = read_stream("conferences", ConfigBuilder().build(), SyncMode.incremental, state=state)

        assert not output.errors


@freeze_time(NOW)
class TestUsageRecords:
    @HttpMocker()
    def test_given_usage_records_when_read_then_windows_use_start_date_and_end_date_days(self, http_mocker: HttpMocker) -> None:
        """Daily usage is windowed with `StartDate=YYYY-MM-DD&EndDate=YYYY-MM-DD`; the cursor is the record's start_date,
        saved as the last day of the complete windows by Twilio's clock (here yesterday: Twilio's Date, less five
        minutes, is still yesterday), which the next sync reads again."""
        given_accounts(http_mocker)
        http_mocker.get(
            api_request(MAIN_ACCOUNT_SID, "Usage/Records/Daily.json", {"StartDate": "2024-01-01", "EndDate": "2024-01-08"}),
            TwilioPage("usage_records").with_record(a_record("usage_records", start_date="2024-01-05", end_date="2024-01-05")).build(),
        )
        http_mocker.get(
            api_request(MAIN_ACCOUNT_SID, "Usage/Records/Daily.json", {"StartDate": "2024-01-08", "EndDate": "2024-01-11"}),
            TwilioPage("usage_records").with_record(a_record("usage_records", start_date="2024-01-09", end_date="2024-01-09")).build(),
        )

        output = read_stream("usage_records", ConfigBuilder().with_slice_step_duration("P7D").build(), SyncMode.incremental)

        assert sorted(record["start_date"] for record in records_of(output)) == ["2024-01-05", "2024-01-09"]
        assert cursors_by_account(final_state(output), "start_date") == {MAIN_ACCOUNT_SID: "2024-01-09"}

    @HttpMocker()
    def test_given_state_when_read_then_start_date_filter_is_the_saved_day(self, http_mocker: HttpMocker) -> None:
        """The next sync re-reads from the saved day: today's usage grows until the day ends."""
        given_accounts(http_mocker)
        http_mocker.get(
            api_request(MAIN_ACCOUNT_SID, "Usage/Records/Daily.json", {"StartDate": "2024-01-09", "EndDate": "2024-01-11"}),
            TwilioPage("usage_records").build(),
        )
        state = per_account_state("usage_records", "start_date", {MAIN_ACCOUNT_SID: "2024-01-09"})

        output = read_stream("usage_records", ConfigBuilder().build(), SyncMode.incremental, state=state)

        assert not output.errors
