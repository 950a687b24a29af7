"""Companies with many subaccounts: more accounts than num_workers, accounts joining a connection, subaccounts created
between syncs. Every record of every account arrives, on the first sync and on the incremental ones after it."""

from __future__ import annotations

import time
from typing import Dict, Iterable, List, Set

import pytest

from integration_tests.conftest import config_for
from integration_tests.connector import KEPT_DAYS, Output, configured_catalog, duplicates, run_connector, surely_read_since
from integration_tests.emulator import Emulator
from source_twilio.config import RETENTION_DAYS

# Windowed streams of both APIs and a date_updated one, each with a different cursor and filter.
STREAMS = ["messages", "calls", "usage_records", "alerts", "conversations"]
OPEN_STATUSES = {"queued", "accepted", "scheduled", "sending", "ringing", "in-progress"}


def expected(world: Emulator, stream: str, since: str) -> Set[tuple]:
    """The truth's keys; for messages and calls (whose cursor may still be empty) those since `since`, open ones too."""
    truth = world.truth(stream, since=since) if stream in ("messages", "calls") else world.truth(stream)
    key = truth["primary_key"]
    return {tuple(k[f] for f in key) for k in truth["keys"] + truth.get("open_keys", [])}


def got(output: Output, stream: str, key: List[str]) -> List[tuple]:
    return [tuple(record.get(f) for f in key) for record in output.records_of(stream)]


def assert_exact(world: Emulator, output: Output, streams: Iterable[str]) -> Dict[str, int]:
    """Each stream returned exactly the truth (every account's records, none twice); returns the counts."""
    assert output.returncode == 0 and output.errors == [], output.stderr[-2000:]
    counts, problems = {}, {}
    for stream in streams:
        key = world.truth(stream, keys=False)["primary_key"]
        want = expected(world, stream, world.world["history_start"])
        have = got(output, stream, key)
        if len(have) != len(set(have)) or set(have) != want:
            problems[stream] = f"{len(want - set(have))} missing, {len(set(have) - want)} extra, {len(have) - len(set(have))} twice"
        counts[stream] = len(have)
    assert problems == {}, problems
    return counts




@pytest.fixture(scope="module")
def world20():
    # The world's clock runs three hours behind the real one, so that advancing it stays in the past.
    now = int(time.time()) // 60 * 60 - 3 * 3600
    with Emulator(seed=31, accounts=20, closed=0, suspended=0, messages_per_account=300, calls_per_account=150,
                  alerts_per_account=60, history_days=60, now=now, subprocess=True, latency_ms=5) as emulator:
        yield emulator


def test_given_21_accounts_and_3_workers_when_first_sync_then_every_account_is_whole(world20, discovered):
    """Main account + 20 subaccounts read by 3 workers: the accounts that start last are read from start_date like the
    first, and every record of every account arrives once."""
    config = config_for(world20, num_workers=3, slice_step_duration="P30D")
    output = run_connector("read", world20.url, config, configured_catalog(discovered, STREAMS, incremental=True))
    counts = assert_exact(world20, output, STREAMS)
    assert counts["messages"] > 21 * 250
    accounts = {record["account_sid"] for record in output.records_of("messages")}
    assert len(accounts) == 21


def test_given_21_accounts_when_an_incremental_sync_follows_then_every_new_and_changed_record_arrives(world20, discovered):
    """After a first sync, the world moves 30 minutes on (new messages and calls in every account, queued ones sent,
    open calls ended): the next sync, from the first one's state, with 3 workers, returns all of them."""
    config = config_for(world20, num_workers=3, slice_step_duration="P30D", lookback_window=0)
    catalog = configured_catalog(discovered, STREAMS, incremental=True)
    first = run_connector("read", world20.url, config, catalog)
    assert first.returncode == 0 and first.errors == []
    before = world20.world["now"]
    world20.advance(minutes=30, new_per_account=20)
    second = run_connector("read", world20.url, config, catalog, state=first.final_states())
    assert second.returncode == 0 and second.errors == [], second.stderr[-2000:]
    for stream in ("messages", "calls", "alerts"):
        truth = world20.truth(stream, since=before)
        key = truth["primary_key"][0]
        final_in_first = {r.get(key) for r in first.records_of(stream) if r.get("status") not in OPEN_STATUSES}
        want = {k[key] for k in truth["keys"]} | ({k[key] for k in truth.get("open_keys", [])} - final_in_first)
        have = {r.get(key) for r in second.records_of(stream)}
        assert want - have == set(), f"{stream}: {len(want - have)} of {len(want)} new or changed records missing"


# Per-account windows, per-account client-side lists, and children with one cursor for all accounts (client-side:
# conversation messages and participants, dependent phone numbers, user conversations, roles, TaskRouter children;
# parent-driven: message media).
JOINING_STREAMS = (
    "messages", "calls", "usage_records", "conversations", "conversation_messages", "conversation_participants",
    "message_media", "dependent_phone_numbers", "user_conversations", "roles", "taskrouter_activities",
    "taskrouter_reservations",
)


def test_given_one_account_synced_when_account_sids_widen_then_the_joining_subaccounts_history_arrives(world20, discovered):
    """Sync 1 reads the main account only; sync 2 reads every account with sync 1's state: the subaccounts, which have
    no state of their own, start at start_date, not at the main account's cursor; and the children that keep one
    cursor for all accounts arrive in full for them (closed conversations included), not only those newer than the
    main account's children."""
    main = world20.world["main_account_sid"]
    catalog = configured_catalog(discovered, list(JOINING_STREAMS), incremental=True)
    first = run_connector("read", world20.url, config_for(world20, account_sids=[main], slice_step_duration="P30D"), catalog)
    assert first.returncode == 0 and first.errors == []
    assert {r["account_sid"] for r in first.records_of("messages")} == {main}
    second = run_connector("read", world20.url, config_for(world20, slice_step_duration="P30D"), catalog, state=first.final_states())
    assert second.returncode == 0 and second.errors == []
    for stream in JOINING_STREAMS:
        key = world20.truth(stream, keys=False)["primary_key"]
        union = set(got(first, stream, key)) | set(got(second, stream, key))
        missing = expected(world20, stream, world20.world["history_start"]) - union
        assert missing == set(), f"{stream}: {len(missing)} records of the joining accounts missing"


def test_given_a_subaccount_created_since_the_last_sync_when_synced_then_its_history_arrives(world20, discovered):
    """A subaccount created after the last sync has no state: its records, all older than the other accounts'
    cursors, arrive in full."""
    catalog = configured_catalog(discovered, ["messages", "conversations"], incremental=True)
    config = config_for(world20, slice_step_duration="P30D")
    first = run_connector("read", world20.url, config, catalog)
    assert first.returncode == 0 and first.errors == []
    joined = world20.add_subaccount(minutes_ago=36 * 60, messages=50, small=2)
    world20.advance(minutes=10, new_per_account=2)
    second = run_connector("read", world20.url, config, catalog, state=first.final_states())
    assert second.returncode == 0 and second.errors == [], second.stderr[-2000:]
    want = {k["sid"] for k in world20.truth("messages", since=world20.world["history_start"], account=joined["sid"])["keys"]}
    assert len(want) >= 50
    assert want - {r["sid"] for r in second.records_of("messages")} == set()


@pytest.fixture(scope="module")
def world200():
    # The world's clock runs three hours behind the real one, so that advancing it stays in the past.
    now = int(time.time()) // 60 * 60 - 3 * 3600
    with Emulator(seed=37, accounts=200, closed=0, suspended=0, messages_per_account=60, calls_per_account=10,
                  alerts_per_account=10, history_days=40, now=now, subprocess=True) as emulator:
        yield emulator


def test_given_201_accounts_when_a_first_then_an_incremental_sync_run_then_every_record_of_every_account_arrives(world200, discovered):
    """Main account + 200 subaccounts with the default 10 workers: messages (2010 API, the main credentials) and
    conversations (each subaccount with its own token) arrive whole for all 201 accounts; after the world moves on,
    the next sync from that state brings every new message of every account."""
    streams = ["messages", "conversations"]
    catalog = configured_catalog(discovered, streams, incremental=True)
    config = config_for(world200, slice_step_duration="P30D")
    first = run_connector("read", world200.url, config, catalog)
    assert_exact(world200, first, streams)
    assert len({record["account_sid"] for record in first.records_of("messages")}) == 201
    assert len({record["account_sid"] for record in first.records_of("conversations")}) == 201
    before = world200.world["now"]
    world200.advance(minutes=20, new_per_account=3)
    second = run_connector("read", world200.url, config, catalog, state=first.final_states())
    assert second.returncode == 0 and second.errors == [], second.stderr[-2000:]
    new = {k["sid"] for k in world200.truth("messages", since=before)["keys"]}
    assert len(new) >= 201 * 3
    assert new - {r["sid"] for r in second.records_of("messages")} == set()


# ---- years of history at the default windows (sized per account), more accounts than workers

YEARS_STREAMS = ["messages", "calls", "alerts", "conversations"]


@pytest.fixture(scope="module")
def world_years():
    # Three years of history, 24 accounts. The world's clock runs three hours behind the real one (advancing it stays
    # in the past); messages near the 400-day edge, where the two clocks disagree, may come or not (KEPT_DAYS_HERE).
    now = int(time.time()) // 60 * 60 - 3 * 3600
    with Emulator(seed=43, accounts=23, closed=0, suspended=0, messages_per_account=1200, calls_per_account=2500,
                  alerts_per_account=40, history_days=3 * 365, now=now, subprocess=True) as emulator:
        yield emulator


# Twilio lists messages for 400 days: three years of them reach past it.
KEPT_DAYS_HERE = {**KEPT_DAYS, "messages": RETENTION_DAYS["messages"]}


def assert_whole(world: Emulator, output: Output, streams: Iterable[str]) -> Dict[str, int]:
    """Each stream returned every record of the truth once; for a stream Twilio keeps a limited time, the records
    near the edge of that time (surely_read_since) may come or not, and none older."""
    assert output.returncode == 0 and output.errors == [], output.stderr[-2000:]
    counts, problems = {}, {}
    for stream in streams:
        key = world.truth(stream, keys=False)["primary_key"]
        possible = expected(world, stream, world.world["history_start"])
        since = surely_read_since(stream, output, KEPT_DAYS_HERE)
        surely = expected(world, stream, since) if since else possible
        have = got(output, stream, key)
        if duplicates(have) or not surely <= set(have) <= possible:
            problems[stream] = (f"{len(surely - set(have))} missing, {len(set(have) - possible)} extra, "
                                f"{len(duplicates(have))} twice")
        counts[stream] = len(have)
    assert problems == {}, problems
    return counts


def test_given_24_accounts_3_workers_and_three_years_at_default_windows_when_synced_then_every_record_arrives_once(world_years, discovered):
    """The default (slice_step_duration empty: windows sized per account by one probe) over three years of 24
    accounts read by 3 workers: every record of every account once, in requests that follow the records (calls: 3 pages
    an account) rather than the three years (156 P7D windows an account); then, after the world moves on, the next
    sync from that state brings every new and changed record, none twice."""
    config = config_for(world_years, num_workers=3, lookback_window=0)
    catalog = configured_catalog(discovered, YEARS_STREAMS, incremental=True)
    world_years.reset_stats()
    first = run_connector("read", world_years.url, config, catalog)
    counts = assert_whole(world_years, first, YEARS_STREAMS)
    assert counts["calls"] == 24 * 2500
    assert len({record["account_sid"] for record in first.records_of("messages")}) == 24
    calls_requests = world_years.stats()["by_stream"]["calls"]
    # per account: the probe, two windows of 2 pages, the 7 queries of the open-records pass (240 when written)
    assert calls_requests <= 24 * 12, calls_requests

    before = world_years.world["now"]
    world_years.advance(minutes=30, new_per_account=20)
    second = run_connector("read", world_years.url, config, catalog, state=first.final_states())
    assert second.returncode == 0 and second.errors == [], second.stderr[-2000:]
    for stream in ("messages", "calls", "alerts"):
        truth = world_years.truth(stream, since=before)
        key = truth["primary_key"][0]
        final_in_first = {r.get(key) for r in first.records_of(stream) if r.get("status") not in OPEN_STATUSES}
        want = {k[key] for k in truth["keys"]} | ({k[key] for k in truth.get("open_keys", [])} - final_in_first)
        have = [r.get(key) for r in second.records_of(stream)]
        assert want - set(have) == set(), f"{stream}: {len(want - set(have))} of {len(want)} new or changed records missing"
        assert duplicates([(sid,) for sid in have]) == {}, stream
