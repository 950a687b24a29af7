"""Records a sync reads again at its state's edge are not emitted again when nothing in them changed (edges.py):
the digests a complete window adds to its account's state, the records the next sync drops and those it keeps."""

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
    ConfigBuilder,
    TwilioPage,
    a_record,
    api_request,
    final_state,
    given_accounts,
    read_stream,
    records_of,
)
from freezegun import freeze_time

from source_twilio.edges import EDGE_KEY, EDGE_MAX, Edges, digest, incoming_edges

UTC = datetime.timezone.utc
SERVED = datetime.datetime(2024, 1, 10, 0, 0, tzinfo=UTC)  # Twilio's clock at the stream's first page
BEHIND = datetime.timedelta(minutes=15)  # digested: records dated from 23:45 on
LOOKBACK = datetime.timedelta(0)


def key_of(partition: Dict[str, Any]) -> str:
    return str(partition.get("account_sid"))


def a_recording(sid: str, created: str, duration: str = "10") -> Dict[str, Any]:
    return {"sid": sid, "date_created": created, "duration": duration}


def edges(incoming: Dict[str, Any] = None) -> Edges:  # type: ignore[assignment]
    made = Edges(incoming or {}, BEHIND, LOOKBACK, key_of)
    made.note_clock(SERVED)
    return made


def kept(made: Edges, window: str, *records: Dict[str, Any]) -> List[str]:
    return [record["sid"] for record in made.keep("AC1", window, list(records), "date_created")]


def test_given_a_complete_window_then_the_edge_names_its_records_from_the_cursor_on() -> None:
    made = edges()
    old, edge = a_recording("RE1", "2024-01-09T12:00:00Z"), a_recording("RE2", "2024-01-09T23:56:00Z")
    assert kept(made, "w1", old, edge) == ["RE1", "RE2"]  # nothing is dropped without an incoming edge

    made.closed("AC1", "w1", complete=True)

    assert made.entry_edge("AC1", "2024-01-09T23:55:00Z") == [digest(edge)]
    assert made.entry_edge("AC1", "2024-01-09T23:57:00Z") == []  # the record lies behind this cursor: not read again


def test_given_a_window_refused_or_unfinished_then_its_records_join_no_edge() -> None:
    made = edges()
    kept(made, "w1", a_recording("RE2", "2024-01-09T23:56:00Z"))
    made.closed("AC1", "w1", complete=False)

    kept(made, "w2", a_recording("RE3", "2024-01-09T23:57:00Z"))  # read, never closed

    assert made.entry_edge("AC1", "2024-01-09T23:55:00Z") == []


@pytest.mark.parametrize(
    "cursor",
    [
        "2024-01-09T23:40:00Z",  # the next sync starts before what this one digested: the edge could not be complete
        "2024-01-09",  # a day cursor: the next sync reads the whole day again
        None,
    ],
)
def test_given_a_cursor_the_edge_cannot_cover_then_the_entry_keeps_none(cursor: Any) -> None:
    made = edges()
    kept(made, "w1", a_recording("RE2", "2024-01-09T23:56:00Z"))
    made.closed("AC1", "w1", complete=True)

    assert made.entry_edge("AC1", cursor) is None


def test_given_more_records_at_the_edge_than_it_keeps_then_it_keeps_none() -> None:
    made = edges()
    kept(made, "w1", *(a_recording(f"RE{i}", "2024-01-09T23:56:00Z") for i in range(EDGE_MAX + 1)))
    made.closed("AC1", "w1", complete=True)

    assert made.entry_edge("AC1", "2024-01-09T23:55:00Z") is None


def test_given_an_incoming_edge_then_the_same_record_is_dropped_and_a_changed_or_open_one_is_kept() -> None:
    same, changed = a_recording("RE2", "2024-01-09T23:56:00Z"), a_recording("RE3", "2024-01-09T23:56:30Z")
    made = edges({"AC1": ("2024-01-09T23:55:00Z", [digest(same), digest(changed)])})
    changed_now = a_recording("RE3", "2024-01-09T23:56:30Z", duration="42")  # its data changed since
    open_one = {"sid": "RE4", "date_created": None}

    assert kept(made, "w1", same, changed_now, open_one) == ["RE3", "RE4"]
    assert made.dropped == 1
    made.closed("AC1", "w1", complete=True)
    # the dropped record stays in the edge: it was emitted before the state this sync started from
    assert set(made.entry_edge("AC1", "2024-01-09T23:55:00Z") or ()) == {digest(same), digest(changed_now)}


def test_given_an_account_not_read_since_its_state_then_its_edge_is_kept_as_it_was() -> None:
    made = edges({"AC9": ("2024-01-09T23:55:00Z", ["abc"])})

    assert made.entry_edge("AC9", "2024-01-09T23:55:00Z") == ["abc"]
    # another cursor: that edge says nothing about it, and nothing read since is recent
    assert made.entry_edge("AC9", "2024-01-09T23:58:00Z") == []


def test_given_a_saved_state_then_each_entry_with_an_edge_is_read_with_its_cursor() -> None:
    state = {"states": [
        {"partition": {"account_sid": "AC1"}, "cursor": {"date_created": "2024-01-09T23:55:00Z"}, EDGE_KEY: ["abc"]},
        {"partition": {"account_sid": "AC2"}, "cursor": {"date_created": "2024-01-09T23:55:00Z"}},
    ]}

    assert incoming_edges(state, key_of, "date_created") == {"AC1": ("2024-01-09T23:55:00Z", ["abc"])}


def test_given_records_with_keys_in_another_order_then_their_digest_is_the_same() -> None:
    assert digest({"a": 1, "b": [1, 2]}) == digest({"b": [1, 2], "a": 1}) != digest({"a": 1, "b": [2, 1]})


def recordings_page(*records: Dict[str, Any]) -> Any:
    page = TwilioPage("recordings")
    for record in records:
        page.with_record(a_record("recordings", **record))
    return page.build()


class TestTwoSyncs:
    """A sync at 2024-01-10T00:00Z saves the state at its newest record (23:56, within five minutes of Twilio's
    clock) and an edge naming that record; the next one, half an hour later, reads from 23:56 again."""

    EDGE = {"sid": "RE" + "2" * 32, "date_created": "Tue, 09 Jan 2024 23:56:00 +0000", "duration": "10"}
    OLDER = {"sid": "RE" + "1" * 32, "date_created": "Tue, 09 Jan 2024 12:00:00 +0000", "duration": "10"}

    @HttpMocker()
    def test_given_the_state_of_a_sync_then_the_next_emits_what_is_new_or_changed_and_not_the_unchanged_edge(
        self, http_mocker: HttpMocker
    ) -> None:
        with freeze_time(NOW):
            given_accounts(http_mocker)
            http_mocker.get(
                api_request(MAIN_ACCOUNT_SID, "Recordings.json", {"DateCreated>": "2024-01-09T00:00:00Z", "DateCreated<": "2024-01-10T00:00:00Z"}),
                recordings_page(self.OLDER, self.EDGE),
            )
            first = read_stream("recordings", ConfigBuilder().with_start_date("2024-01-09").build(), SyncMode.incremental)
        state = final_state(first)
        entry = state["states"][0]
        assert entry["cursor"] == {"date_created": "2024-01-09T23:56:00Z"} and len(entry[EDGE_KEY]) == 1

        later = {"sid": "RE" + "3" * 32, "date_created": "Wed, 10 Jan 2024 00:10:00 +0000", "duration": "10"}
        with freeze_time("2024-01-10T00:30:00Z"):
            http_mocker.get(
                api_request(MAIN_ACCOUNT_SID, "Recordings.json", {"DateCreated>": "2024-01-09T23:56:00Z", "DateCreated<": "2024-01-10T00:30:00Z"}),
                recordings_page(later, self.EDGE),
            )
            second = read_stream(
                "recordings", ConfigBuilder().with_start_date("2024-01-09").build(), SyncMode.incremental,
                state=StateBuilder().with_stream_state("recordings", state).build(),
            )

        assert [record["sid"] for record in records_of(second)] == [later["sid"]]
        assert not second.errors

    @HttpMocker()
    def test_given_a_record_at_the_edge_that_changed_then_the_next_sync_emits_it(self, http_mocker: HttpMocker) -> None:
        with freeze_time(NOW):
            given_accounts(http_mocker)
            http_mocker.get(
                api_request(MAIN_ACCOUNT_SID, "Recordings.json", {"DateCreated>": "2024-01-09T00:00:00Z", "DateCreated<": "2024-01-10T00:00:00Z"}),
                recordings_page(self.EDGE),
            )
            state = final_state(read_stream("recordings", ConfigBuilder().with_start_date("2024-01-09").build(), SyncMode.incremental))

        with freeze_time("2024-01-10T00:30:00Z"):
            http_mocker.get(
                api_request(MAIN_ACCOUNT_SID, "Recordings.json", {"DateCreated>": "2024-01-09T23:56:00Z", "DateCreated<": "2024-01-10T00:30:00Z"}),
                recordings_page({**self.EDGE, "duration": "11"}),
            )
            second = read_stream(
                "recordings", ConfigBuilder().with_start_date("2024-01-09").build(), SyncMode.incremental,
                state=StateBuilder().with_stream_state("recordings", state).build(),
            )

        assert [(record["sid"], record["duration"]) for record in records_of(second)] == [(self.EDGE["sid"], 11)]
