"""Incremental syncs against the emulator: new and changed records arrive, little is re-read, a killed sync
resumes without loss, and a state saved by Airbyte's Twilio source is continued."""

from __future__ import annotations

import time

import pytest

from integration_tests.conftest import config_for
from integration_tests.connector import configured_catalog, run_connector
from integration_tests.emulator import Emulator

# Streams whose server-side filter or date_updated makes them incremental, with a truth cursor to compare on.
# Statuses of records that are not final yet (messages and calls).
OPEN_STATUSES = {"queued", "accepted", "scheduled", "sending", "ringing", "in-progress"}
WINDOWED = ["messages", "calls", "recordings", "conferences", "notifications", "alerts", "monitor_events", "verify_attempts", "executions", "call_summaries", "taskrouter_events"]


@pytest.fixture(scope="module")
def world():
    # The world's clock starts three hours behind the real one, so that advancing it stays in the past: the
    # connector reads up to the real "now".
    now = int(time.time()) - 3 * 3600
    with Emulator(seed=7, accounts=2, closed=0, suspended=0, messages_per_account=1500, calls_per_account=800, now=now) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def catalog(discovered):
    return configured_catalog(discovered, incremental=True)


def _sid_set(records):
    return {record["sid"] for record in records if "sid" in record}


def test_given_synced_world_when_it_advances_then_incremental_returns_every_new_and_changed_record(world, catalog):
    """After a full incremental sync, the world advances (new records; queued messages sent, open calls ended):
    the next sync from the saved state returns all of them, and re-emits few unchanged records."""
    config = config_for(world, lookback_window=0)
    first = run_connector("read", world.url, config, catalog)
    assert first.returncode == 0 and first.errors == [], first.stderr[-2000:]
    old_now = world.world["now"]

    world.advance(minutes=45, new_per_account=60)
    second = run_connector("read", world.url, config, catalog, state=first.final_states())
    assert second.returncode == 0 and second.errors == [], second.stderr[-2000:]

    report = {}
    for stream in WINDOWED:
        truth = world.truth(stream, since=old_now)
        key = truth["primary_key"][0]
        # Records with an empty cursor arrive too, from the open-records pass: those still open (a message queued,
        # a call in progress) and new failed or canceled calls (no end_time), but not the ones the first sync
        # already returned final.
        final_before = {r.get(key) for r in first.records_of(stream) if r.get("status") not in OPEN_STATUSES}
        expected = {k[key] for k in truth["keys"]} | ({k[key] for k in truth.get("open_keys", [])} - final_before)
        got = {record.get(key) for record in second.records_of(stream)}
        missing = expected - got
        assert not missing, f"{stream}: {len(missing)} new or changed records missing after the advance"
        report[stream] = (len(expected), len(got - expected))
    # Re-emitted unchanged records: only the edge of each account's last window (its cursor is inclusive).
    total_new = sum(new for new, _ in report.values())
    total_again = sum(again for _, again in report.values())
    assert total_new > 0
    assert total_again <= max(10, total_new // 2), report
    # Streams with date_updated only (client-side cursor): unchanged records do not come back, except each
    # account's newest one, whose date_updated equals the saved cursor (the comparison is inclusive).
    accounts = len(world.world["readable_account_sids"])
    assert len(first.records_of("flows")) > accounts
    assert len(second.records_of("flows")) <= accounts
    # Messages still queued when the world advanced were returned by the first sync (open), and again, sent, by
    # the second.
    open_before = {key["sid"] for key in world.truth("messages", since=world.world["history_start"])["keys"]} & {
        record["sid"] for record in first.records_of("messages") if record.get("date_sent") is None}
    assert open_before, "no message was open at the first sync: the open-records pass went untested"
    assert open_before <= {record["sid"] for record in second.records_of("messages") if record.get("date_sent")}


def test_given_closed_conversations_when_incremental_then_their_children_are_not_read_again(world, catalog):
    """Messages and participants of a conversation closed before the state are not asked for again; every
    message and participant of the others still arrives (the union of both syncs is the whole truth)."""
    streams = ("conversations", "conversation_messages", "conversation_participants")
    selected = {"streams": [s for s in catalog["streams"] if s["stream"]["name"] in streams]}
    config = config_for(world)
    first = run_connector("read", world.url, config, selected)
    assert first.returncode == 0 and first.errors == [], first.stderr[-2000:]
    world.advance(minutes=30, new_per_account=60, new_small=4)
    world.reset_stats()
    second = run_connector("read", world.url, config, selected, state=first.final_states())
    assert second.returncode == 0 and second.errors == [], second.stderr[-2000:]

    conversations = world.truth("conversations")["count"]
    closed = [c for c in first.records_of("conversations") if c["state"] == "closed"]
    assert closed, "the world has no closed conversation"
    requests = world.stats()["by_stream"]
    assert requests["conversation_messages"] <= conversations - len(closed) + 1, (requests, conversations, len(closed))
    for stream in streams[1:]:
        got = {r["sid"] for r in first.records_of(stream)} | {r["sid"] for r in second.records_of(stream)}
        assert {k["sid"] for k in world.truth(stream)["keys"]} - got == set(), stream


def test_given_incremental_sync_when_nothing_new_then_state_is_kept_and_few_requests(world, catalog):
    """A sync right after another reads only the last windows: every account and stream keeps its state."""
    config = config_for(world)
    first = run_connector("read", world.url, config, catalog)
    world.reset_stats()
    second = run_connector("read", world.url, config, catalog, state=first.final_states())
    assert second.returncode == 0 and second.errors == []
    requests_made = world.stats()["requests"]
    accounts = len(world.world["readable_account_sids"])
    # Per account and stream: the last window (one page) plus the parents of substreams.
    assert requests_made < 20 * accounts * len(catalog["streams"]) / 4, requests_made
    states = {s["stream"]["stream_descriptor"]["name"]: s["stream"]["stream_state"] for s in second.final_states()}
    partitions = {entry["partition"]["account_sid"] for entry in states["messages"]["states"]}
    assert partitions == set(world.world["readable_account_sids"])


def test_given_airbyte_source_state_when_sync_then_it_continues_from_it(world, catalog):
    """A per-account state saved by Airbyte's Twilio source (subresource_uri partitions) is continued: only
    messages sent on or after its cursor are read."""
    cursor = world.world["now"][:10] + "T00:00:00Z"
    states = [
        {"partition": {"subresource_uri": f"/2010-04-01/Accounts/{sid}/Messages.json", "parent_slice": {}}, "cursor": {"date_sent": cursor}}
        for sid in world.world["readable_account_sids"]
    ]
    airbyte_state = [{"type": "STREAM", "stream": {"stream_descriptor": {"name": "messages"}, "stream_state": {"states": states}}}]
    messages_only = {"streams": [s for s in catalog["streams"] if s["stream"]["name"] == "messages"]}
    output = run_connector("read", world.url, config_for(world), messages_only, state=airbyte_state)
    assert output.returncode == 0 and output.errors == []
    sent = [record["date_sent"] for record in output.records_of("messages") if record.get("date_sent")]
    assert sent and min(sent) >= cursor
    expected = {key["sid"] for key in world.truth("messages", since=cursor)["keys"]}
    assert expected <= _sid_set(output.records_of("messages"))


def test_given_partial_call_summaries_when_the_next_sync_runs_after_they_complete_then_each_arrives_complete(world, catalog):
    """Voice Insights serves a summary as `partial` until half an hour after its call ends: the summaries a sync read
    partial arrive again, `complete`, in the first sync after that (call summaries are re-read 4.5 hours back)."""
    summaries_only = {"streams": [s for s in catalog["streams"] if s["stream"]["name"] == "call_summaries"]}
    config = config_for(world)
    world.advance(minutes=40, new_per_account=300)  # calls that ended in the last half hour: their summaries are partial
    first = run_connector("read", world.url, config, summaries_only)
    assert first.returncode == 0 and first.errors == [], first.stderr[-2000:]
    partial = {r["call_sid"] for r in first.records_of("call_summaries") if r["processing_state"] == "partial"}
    assert partial, "no summary was partial at the first sync: the re-read went untested"
    world.advance(minutes=40, new_per_account=10)
    second = run_connector("read", world.url, config, summaries_only, state=first.final_states())
    assert second.returncode == 0 and second.errors == [], second.stderr[-2000:]
    complete = {r["call_sid"] for r in second.records_of("call_summaries") if r["processing_state"] == "complete"}
    assert partial <= complete, f"{len(partial - complete)} of {len(partial)} partial summaries did not arrive complete"
