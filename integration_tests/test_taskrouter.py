"""TaskRouter end to end: every Workspace of the main account and of each subaccount, read with each account's own
credentials; the tasks Twilio still holds, their reservations, and the event log that keeps the history; an account
without a Workspace, or one Twilio answers 403/404 for, is skipped for TaskRouter only."""

from __future__ import annotations

import json
import time
from collections import defaultdict
from typing import Dict, Iterable, List, Mapping

import pytest

from integration_tests.conftest import config_for
from integration_tests.connector import (
    Output,
    configured_catalog,
    duplicates,
    keys_of,
    run_connector,
    surely_read_since,
)
from integration_tests.emulator import Emulator
from integration_tests.emulator.timefmt import iso, parse_when
from source_twilio.config import RETENTION_DAYS, RETENTION_SLACK

STREAMS = [
    "taskrouter_workspaces", "taskrouter_activities", "taskrouter_task_channels", "taskrouter_task_queues",
    "taskrouter_workflows", "taskrouter_workers", "taskrouter_tasks", "taskrouter_reservations", "taskrouter_events",
]
# incremental on date_updated, client-side: one cursor for the whole stream (its parents are listed in full)
UPDATED = [stream for stream in STREAMS if stream != "taskrouter_events"]
# fetched one by one: in an incremental sync only those whose list's date_updated is on or after their Workspace's state
FETCHED = ["taskrouter_workers", "taskrouter_tasks"]
EVENTS_RETENTION_DAYS = RETENTION_DAYS["taskrouter_events"]
RETENTION_SLACK_SECONDS = int(RETENTION_SLACK.total_seconds())


@pytest.fixture(scope="module")
def world():
    # Main account (two Workspaces), subaccount 1 (one), subaccount 2 (none: every third subaccount), subaccount 3
    # (one), subaccount 4 suspended (its own credentials are refused: no product data). The clock runs three hours
    # behind the real one, so that advancing it stays in the past.
    now = int(time.time()) // 60 * 60 - 3 * 3600
    with Emulator(seed=23, accounts=4, closed=0, suspended=1, messages_per_account=100, calls_per_account=50, now=now) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def catalog(discovered):
    return configured_catalog(discovered, STREAMS, incremental=True)


def active_accounts(world: Emulator) -> List[str]:
    return world.world["active_account_sids"]


def by_account(output: Output, stream: str) -> Dict[str, List[str]]:
    sids = defaultdict(list)
    for record in output.records_of(stream):
        sids[record["account_sid"]].append(record["sid"])
    return sids


def exactness_problems(world: Emulator, output: Output, accounts: Iterable[str], streams: Iterable[str] = STREAMS) -> Dict:
    """(stream, account) -> what differs from the emulator's truth for that account: missing, extra or repeated SIDs.

    Events: the connector counts Twilio's 30 days on Twilio's clock (the Date header of its account listing, the
    world's now, three hours behind the real clock here), then on this machine's clock from there; the world's clock
    stands still meanwhile, so the 30 days the connector asks for end a little later than the 30 days the world keeps,
    and the events of that gap may come or not. Every event since the read's end less 30 days must come, and none
    older than the world's now less 30 days (the connector's retention clamp, less the Date header's second)."""
    problems = {}
    for stream in streams:
        got = by_account(output, stream)
        for account in accounts:
            have = got.get(account, [])
            want = {key["sid"] for key in world.truth(stream, account=account)["keys"]}
            since = surely_read_since(stream, output)
            if since:
                surely = {key["sid"] for key in world.truth(stream, account=account, since=since)["keys"]}
                clock = world.world["now_epoch"] - DATE_RESOLUTION_SECONDS
                never_asked = want - {key["sid"] for key in world.truth(stream, account=account, since=clamped_at(clock))["keys"]}
                missing, extra = surely - set(have), (set(have) - want) | (set(have) & never_asked)
            else:
                missing, extra = want - set(have), set(have) - want
            if missing or extra or len(have) != len(set(have)):
                problems[(stream, account)] = f"{len(missing)} missing, {len(extra)} extra, {len(have) - len(set(have))} twice"
    return problems


# The Date header has whole seconds, and the connector rounds Twilio's clock less its own to whole seconds
DATE_RESOLUTION_SECONDS = 2


def clamped_at(moment: float) -> str:
    """The oldest moment the connector may ask TaskRouter events for when Twilio's clock says `moment`: 30 days,
    less 5 s."""
    return iso(int(moment) - EVENTS_RETENTION_DAYS * 86400 + RETENTION_SLACK_SECONDS)


def read(world: Emulator, catalog: Mapping, state=None, **config) -> Output:
    output = run_connector("read", world.url, config_for(world, **config), catalog, state=state)
    assert output.returncode == 0 and output.errors == [], output.stderr[-3000:]
    return output


def test_given_a_full_sync_then_every_taskrouter_record_of_every_account_arrives_exactly_once(world, catalog):
    """Each stream holds exactly the truth of the main account and of each subaccount, every record naming its
    account and Workspace; the subaccount without a Workspace and the suspended one have none, and no warning is said
    about the subaccount without a Workspace (it simply has no TaskRouter data)."""
    output = read(world, catalog)
    assert exactness_problems(world, output, active_accounts(world)) == {}
    workspaces = {r["sid"]: r["account_sid"] for r in output.records_of("taskrouter_workspaces")}
    assert set(workspaces.values()) == set(active_accounts(world)) - {world.world["accounts"][2]["sid"]}
    for stream in STREAMS:
        assert output.records_of(stream), f"{stream} is empty: the test would prove nothing"
        for record in output.records_of(stream):
            assert workspaces[record["workspace_sid"]] == record["account_sid"], (stream, record["sid"])
    suspended = world.world["accounts"][4]["sid"]
    assert all(r["account_sid"] != suspended for stream in STREAMS for r in output.records_of(stream))
    without_workspace = world.world["accounts"][2]["sid"]
    assert not [w for w in output.logs("WARN") if without_workspace in w]


def test_given_the_tasks_twilio_holds_then_each_arrives_with_its_attributes_and_its_reservations(world, catalog):
    """Tasks and workers arrive with `attributes` (a JSON string) although Twilio's lists leave them null; tasks are
    the ones in progress or finished in the last five minutes, each reservation belongs to one of them."""
    output = read(world, {"streams": [s for s in catalog["streams"] if s["stream"]["name"] in
                                      ("taskrouter_workers", "taskrouter_tasks", "taskrouter_reservations")]})
    tasks = output.records_of("taskrouter_tasks")
    assert {json.loads(t["attributes"])["channelType"] for t in tasks} >= {"voice"}
    assert all(json.loads(w["attributes"])["skills"] for w in output.records_of("taskrouter_workers"))
    assert {t["assignment_status"] for t in tasks} & {"pending", "reserved", "assigned", "wrapping"}
    assert {r["task_sid"] for r in output.records_of("taskrouter_reservations")} <= {t["sid"] for t in tasks}
    assert all(isinstance(t["age"], int) and t["age"] >= 0 for t in tasks)


def test_given_every_taskrouter_stream_then_each_accounts_workspaces_are_listed_once_for_all_their_children(world, catalog):
    """A parent list is read once per account and sync, not once per child stream: Workspaces once per account
    with TaskRouter access (the stream's own list, whose pages the one list shared by the seven streams listed per
    Workspace is served: shared_pages.py), where each child stream had listed it again before (nine times); each
    Workspace's task list once for tasks and reservations together."""
    world.reset_stats()
    output = read(world, catalog)
    requests = world.stats()["by_stream"]
    readers = active_accounts(world)
    workspaces = {r["sid"] for r in output.records_of("taskrouter_workspaces")}
    assert requests["taskrouter_workspaces"] == len(readers)
    fetched = len(output.records_of("taskrouter_tasks"))
    assert requests["taskrouter_tasks"] == len(workspaces) + fetched
    assert exactness_problems(world, output, readers) == {}


@pytest.mark.parametrize("lookback_minutes", [0, 30])
def test_given_new_events_and_tasks_when_an_incremental_sync_follows_then_they_arrive_and_nothing_older_than_the_state(
    world, catalog, lookback_minutes
):
    """After a first sync the contact centre works on for 45 minutes (new tasks; waiting ones answered, talked,
    finished and deleted; shifts starting or ending). The next sync from the saved state returns every new event and
    no event older than its Workspace's cursor less the lookback; every record of the date_updated streams changed
    since their cursor (less the lookback), and nothing else."""
    first = read(world, catalog, lookback_window=lookback_minutes)
    old_now = world.world["now"]
    kept_then = {key["sid"] for key in world.truth("taskrouter_events")["keys"]}  # the oldest expire in the 45 minutes
    world.advance(minutes=45, new_per_account=0, new_small=5)
    second = read(world, catalog, state=first.final_states(), lookback_window=lookback_minutes)
    states = {s["stream"]["stream_descriptor"]["name"]: s["stream"]["stream_state"] for s in first.final_states()}
    lookback = lookback_minutes * 60

    cursors = {entry["partition"]["parent_sid"]: entry["cursor"]["event_date"] for entry in states["taskrouter_events"]["states"]}
    assert set(cursors) == {r["sid"] for r in first.records_of("taskrouter_workspaces")}
    for event in second.records_of("taskrouter_events"):
        assert epoch(event["event_date"]) >= epoch(cursors[event["workspace_sid"]]) - lookback, event["sid"]
    new = {key["sid"] for key in world.truth("taskrouter_events", since=after(old_now))["keys"]}
    assert new and new <= {e["sid"] for e in second.records_of("taskrouter_events")}
    both = {e["sid"] for e in first.records_of("taskrouter_events") + second.records_of("taskrouter_events")}
    assert {key["sid"] for key in world.truth("taskrouter_events", since=surely_read_since("taskrouter_events", first))["keys"]} <= both
    assert both <= kept_then | {key["sid"] for key in world.truth("taskrouter_events")["keys"]}

    for stream in UPDATED:
        if stream in FETCHED:
            continue
        expected = set()
        for account, cursor in updated_cursors(states[stream], active_accounts(world)).items():
            since = iso(epoch(cursor) - lookback)
            expected |= {key["sid"] for key in world.truth(stream, since=since, cursor="date_updated", account=account)["keys"]}
        got = keys_of(second.records_of(stream), ["sid"])
        assert set(got) == {(sid,) for sid in expected} and not duplicates(got), stream
    workspaces = {r["sid"]: r["account_sid"] for r in first.records_of("taskrouter_workspaces")}
    for stream in FETCHED:
        # Fetched: exactly those whose date_updated is on or after their Workspace's saved one, less the lookback.
        saved = listed_cursors(states[stream])
        assert set(saved) == {r["workspace_sid"] for r in first.records_of(stream)}, stream
        got = second.records_of(stream)
        assert all(epoch(r["date_updated"]) >= epoch(saved[r["workspace_sid"]]) - lookback for r in got), stream
        for account in set(workspaces.values()):
            mine = [saved[ws] for ws, owner in workspaces.items() if owner == account and ws in saved]
            if not mine:
                continue
            surely = truth_sids(world, stream, account, iso(max(epoch(v) for v in mine) - lookback))
            at_most = truth_sids(world, stream, account, iso(min(epoch(v) for v in mine) - lookback))
            have = {r["sid"] for r in got if r["account_sid"] == account}
            assert surely <= have <= at_most, (stream, account)
        assert not duplicates(keys_of(got, ["sid"])), stream
    assert {t["sid"] for t in second.records_of("taskrouter_tasks")} - {t["sid"] for t in first.records_of("taskrouter_tasks")}


@pytest.mark.parametrize(
    "status,stream,account",
    [(403, "taskrouter_workspaces", 1), (404, "taskrouter_workspaces", 3), (404, "taskrouter_events", 0)],
    ids=["403 for a subaccount's TaskRouter", "404 for a subaccount's TaskRouter", "404 for the main account's events"],
)
def test_given_twilio_refuses_an_accounts_taskrouter_then_it_is_skipped_with_a_warning_and_the_rest_arrives(
    world, catalog, status, stream, account
):
    """A 403 or 404 for one account's TaskRouter (a key without TaskRouter access, a product not there) skips what it
    refuses for that account only, with a warning naming the URL; every other account, and that account's other
    streams, arrive exactly."""
    refused = world.world["accounts"][account]["sid"]
    world.configure(forbidden=[{"stream": stream, "account": refused, "status": status}])
    try:
        output = read(world, catalog)
    finally:
        world.configure(forbidden=[])
    others = [sid for sid in active_accounts(world) if sid != refused]
    assert exactness_problems(world, output, others) == {}
    skipped = STREAMS if stream == "taskrouter_workspaces" else [stream]
    assert all(not by_account(output, s).get(refused) for s in skipped)
    assert exactness_problems(world, output, [refused], [s for s in STREAMS if s not in skipped]) == {}
    warnings = [w for w in output.logs("WARN") if "/taskrouter/v1/Workspaces" in w and f"{status}" in w]
    assert warnings and all("Skipping" in w for w in warnings)


def listed_cursors(state: Mapping) -> Dict[str, str]:
    """Each Workspace's newest date_updated of its list, which a fetched stream (tasks, workers) keeps in its state."""
    return next(iter(state["parent_state"].values()))["date_updated"]


def truth_sids(world: Emulator, stream: str, account: str, since: str) -> set:
    return {key["sid"] for key in world.truth(stream, since=since, cursor="date_updated", account=account)["keys"]}


def updated_cursors(state: Mapping, accounts: Iterable[str]) -> Dict[str, str]:
    """Each account's date_updated cursor in a stream's state: its own (per-account state, taskrouter_workspaces), or
    the one cursor of a child stream for all its parents."""
    if "state" in state:
        return {account: state["state"]["date_updated"] for account in accounts}
    return {entry["partition"]["account_sid"]: entry["cursor"]["date_updated"] for entry in state["states"]}


def epoch(value: str) -> int:
    return parse_when(value)[0]


def after(value: str) -> str:
    """The second after `value`."""
    return iso(epoch(value) + 1)
