"""A parent list read once per account and sync (source_twilio/parents.py): the per-sync store every child stream of
the same parent shares, read by one stream while the others wait, a failed read not kept, another sync's lists gone."""

from __future__ import annotations

import threading
import time

import pytest

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
