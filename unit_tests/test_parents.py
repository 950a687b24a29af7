"""A parent list read once per account and sync (source_twilio/parents.py): the per-sync store every child stream of
the same parent shares, read by one stream while the others wait, a failed read not kept, another sync's lists gone;
and of TaskRouter's fetched lists only the records changed since their Workspace's saved date_updated (changed.py)."""

from __future__ import annotations

import threading
import time

import pytest
from airbyte_cdk.sources.declarative.partition_routers.substream_partition_router import (
    ParentStreamConfig,
    SubstreamPartitionRouter,
)
from airbyte_cdk.sources.types import StreamSlice

from builders import ConfigBuilder
from source_twilio.changed import ChangedRecordsPartitionRouter
from source_twilio.config import SETTINGS, normalize_config, settings_of
from source_twilio.parents import SharedLists


def test_given_many_child_streams_asking_at_once_then_the_parent_partition_is_read_once_and_each_gets_its_slices():
    shared, calls, results = SharedLists(), [], []

    def read():
        calls.append(1)
        time.sleep(0.05)  # the others ask while this read is under way
        return ["WS1", "WS2"]

    threads = [threading.Thread(target=lambda: results.append(shared.get(("sync", "workspaces", "AC1"), read))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and shared.reads == 1
    assert results == [["WS1", "WS2"]] * 8


def test_given_two_accounts_then_each_is_read_once_on_its_own():
    shared = SharedLists()
    assert shared.get(("sync", "workspaces", "AC1"), lambda: ["WS1"]) == ["WS1"]
    assert shared.get(("sync", "workspaces", "AC2"), lambda: ["WS2"]) == ["WS2"]
    assert shared.get(("sync", "workspaces", "AC1"), lambda: ["never read"]) == ["WS1"]
    assert shared.reads == 2


def test_given_a_read_that_failed_then_it_is_not_kept_and_the_next_child_stream_reads_again():
    shared = SharedLists()

    def fail():
        raise RuntimeError("Twilio answered 500")

    with pytest.raises(RuntimeError):
        shared.get(("sync", "workspaces", "AC1"), fail)
    assert shared.get(("sync", "workspaces", "AC1"), lambda: ["WS1"]) == ["WS1"]


def test_given_a_new_sync_then_the_last_syncs_lists_are_not_served_and_are_dropped():
    """A process that runs one sync after another (tests, a long-lived runner) reads each sync's parents afresh."""
    shared = SharedLists()
    shared.get(("sync-1", "workspaces", "AC1"), lambda: ["WS-old"])
    assert shared.get(("sync-2", "workspaces", "AC1"), lambda: ["WS-new"]) == ["WS-new"]
    assert all(key[0] == "sync-2" for key in shared._entries)


# ---- only the changed tasks and workers fetched (source_twilio/changed.py)


def listed(workspace: str, *dates: str) -> list:
    return [StreamSlice(partition={"parent_sid": f"WT{i}", "parent_slice": {"parent_sid": workspace}}, cursor_slice={},
                        extra_fields={"account_sid": "AC1", "workspace_sid": workspace, "date_updated": d})
            for i, d in enumerate(dates)]


def a_config(**settings):
    """A normalised config whose Settings have `settings`."""
    config = normalize_config(ConfigBuilder().build())
    config[SETTINGS] = settings_of(config).replaced(**settings)
    return config


def test_given_a_saved_workspace_value_then_only_records_changed_on_or_after_it_are_fetched_and_the_value_moves():
    router = ChangedRecordsPartitionRouter(router=_one_parent_router(), config=a_config(
        listed_cursors={"taskrouter_tasks": {"WS1": "2026-12-07T08:00:00Z"}}, lookback_minutes=0),
        parameters={}, shared_as="taskrouter_task_list", stream_name="taskrouter_tasks")
    slices = listed("WS1", "2026-12-07T07:59:59Z", "2026-12-07T08:00:00Z", "2026-12-07T08:20:00Z")
    got = [s.extra_fields["date_updated"] for s in router.select(slices)]
    # the saved second again (a change later in that second carries the same date), and what is newer
    assert got == ["2026-12-07T08:00:00Z", "2026-12-07T08:20:00Z"]
    assert router.get_stream_state() == {"taskrouter_task_list": {"date_updated": {"WS1": "2026-12-07T08:20:00Z"}}}


def test_given_a_lookback_window_then_records_changed_within_it_before_the_saved_value_are_fetched_too():
    router = ChangedRecordsPartitionRouter(router=_one_parent_router(), config=a_config(
        listed_cursors={"taskrouter_tasks": {"WS1": "2026-12-07T08:00:00Z"}}, lookback_minutes=30),
        parameters={}, shared_as="taskrouter_task_list", stream_name="taskrouter_tasks")
    got = [s.extra_fields["date_updated"] for s in router.select(listed("WS1", "2026-12-07T07:20:00Z", "2026-12-07T07:45:00Z"))]
    assert got == ["2026-12-07T07:45:00Z"]
    assert router.get_stream_state()["taskrouter_task_list"]["date_updated"] == {"WS1": "2026-12-07T08:00:00Z"}


def test_given_no_saved_value_then_every_record_is_fetched_and_the_value_moves_only_with_the_last_slice():
    """A Workspace without a value (a first sync, a full refresh, a new Workspace) has every record fetched; its value
    is saved only once its last slice is handed out, so a sync cut short before then starts again from the old one."""
    router = ChangedRecordsPartitionRouter(router=_one_parent_router(), config=a_config(), parameters={},
                                           shared_as="taskrouter_task_list", stream_name="taskrouter_tasks")
    handed = router.select(listed("WS2", "2026-12-07T08:05:00Z", "2026-12-07T07:00:00Z"))
    next(handed)
    assert router.get_stream_state() == {}
    next(handed)
    assert router.get_stream_state() == {"taskrouter_task_list": {"date_updated": {"WS2": "2026-12-07T08:05:00Z"}}}


def _one_parent_router():
    parent = ParentStreamConfig(stream=None, parent_key="sid", partition_field="parent_sid", config={}, parameters={})  # type: ignore[arg-type]
    return SubstreamPartitionRouter(parent_stream_configs=[parent], config={}, parameters={})
