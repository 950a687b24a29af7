"""Where Twilio's docs leave a behaviour open, the emulator offers each reading behind a knob (its README, "Knobs");
the connector returns every record exactly once under each of them."""

from __future__ import annotations

import pytest

from integration_tests.conftest import config_for
from integration_tests.connector import (
    configured_catalog,
    duplicates,
    keys_of,
    run_connector,
    surely_read_since,
)
from integration_tests.emulator import Emulator

# Every stream whose request a reading changes: date filters (2010 `<=`, Studio DateCreatedTo, Verify
# DateCreatedBefore/After), lists with a PageSize maximum below 1000, Alerts' order, Voice Insights' defaults, the
# 2010 streams of a suspended subaccount, and TaskRouter's attributes in lists, events' order and an old StartDate.
STREAMS = [
    "messages", "message_media", "calls", "recordings", "conferences", "conference_participants", "notifications",
    "usage_records", "alerts", "monitor_events", "verify_attempts", "executions", "step", "call_summaries",
    "conversations", "conversation_messages", "users", "user_conversations", "conversation_roles", "roles",
    "taskrouter_workers", "taskrouter_tasks", "taskrouter_reservations", "taskrouter_events",
]

READINGS = {
    "documented": {},
    "every <= inclusive": {"le_bound": "inclusive", "studio_date_created_to": "inclusive",
                           "verify_date_created_before": "inclusive", "verify_date_created_after": "inclusive"},
    "every <= exclusive": {"le_bound": "exclusive"},
    "PageSize above the maximum clamped": {"page_size_over_max": "clamp"},
    "alerts oldest first": {"alerts_order": "asc"},
    "Voice Insights: old StartTime empty, complete summaries by default": {"insights_old_start": "empty", "insights_processing_state": "completed"},
    "suspended subaccount refused to its parent": {"suspended_subaccount_reads": "401"},
    "TaskRouter: attributes shown in lists, events oldest first, an old StartDate answered empty": {
        "taskrouter_list_attributes": "shown", "taskrouter_events_order": "asc", "taskrouter_events_old_start": "empty"},
}


@pytest.fixture(scope="module")
def world():
    with Emulator(seed=19, accounts=2, closed=0, suspended=1, messages_per_account=600, calls_per_account=300, history_days=60) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def catalog(discovered):
    return configured_catalog(discovered, STREAMS, incremental=True)


@pytest.mark.parametrize("reading", list(READINGS))
def test_given_a_reading_of_twilios_docs_when_synced_then_every_record_arrives_exactly_once(world, catalog, reading):
    """Under each reading the knobs offer, a first sync returns exactly the truth of every stream."""
    world.configure(**READINGS[reading])
    try:
        output = run_connector("read", world.url, config_for(world, slice_step_duration="P10D"), catalog)
        truths = {
            stream: world.truth(stream, since=world.world["history_start"]) if stream in ("messages", "calls") else world.truth(stream)
            for stream in STREAMS
        }
    finally:
        world.configure(le_bound="spec", studio_date_created_to="exclusive", verify_date_created_before="exclusive",
                        verify_date_created_after="exclusive", page_size_over_max="400", alerts_order="desc",
                        insights_old_start="400", insights_processing_state="all", suspended_subaccount_reads="readable",
                        taskrouter_list_attributes="null", taskrouter_events_order="desc", taskrouter_events_old_start="400")
    assert output.returncode == 0 and output.errors == [], output.stderr[-2000:]
    problems = {}
    for stream, truth in truths.items():
        key = list(truth["primary_key"])
        expected = {tuple(k[f] for f in key) for k in truth["keys"] + truth.get("open_keys", [])}
        # records Twilio keeps a limited time: those of the days the world and the real clock disagree on may come or not
        since = surely_read_since(stream, output)
        surely = {tuple(k[f] for f in key) for k in world.truth(stream, since=since)["keys"]} if since else expected
        got = keys_of(output.records_of(stream), key)
        if duplicates(got) or not surely <= set(got) <= expected:
            problems[stream] = f"{len(surely - set(got))} missing, {len(set(got) - expected)} extra, {len(duplicates(got))} twice"
    assert problems == {}
    # tasks and workers are fetched one by one, so their attributes arrive whether a list shows them or not
    assert all(r["attributes"] for s in ("taskrouter_tasks", "taskrouter_workers") for r in output.records_of(s))
    if READINGS[reading].get("suspended_subaccount_reads") == "401":
        assert any("suspended subaccount" in warning for warning in output.logs("WARN"))
