"""TaskRouter as the emulator serves it: Workspaces per account, the tasks Twilio still holds, reservations, and the
Event log with its filters, window and 30 days."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from integration_tests.emulator.client import EmulatorClient
from integration_tests.emulator.timefmt import iso
from integration_tests.emulator_tests.helpers import NOW_T, tiso

SPEC = Path(__file__).resolve().parents[2] / "reference" / "twilio-api" / "specs" / "twilio_taskrouter_v1.json"
COMPONENTS = {
    "Workspaces": "taskrouter.v1.workspace", "Activities": "taskrouter.v1.workspace.activity",
    "TaskChannels": "taskrouter.v1.workspace.task_channel", "TaskQueues": "taskrouter.v1.workspace.task_queue",
    "Workflows": "taskrouter.v1.workspace.workflow", "Workers": "taskrouter.v1.workspace.worker",
    "Tasks": "taskrouter.v1.workspace.task", "Reservations": "taskrouter.v1.workspace.task.task_reservation",
    "Events": "taskrouter.v1.workspace.event",
}
KEYS = {"Workspaces": "workspaces", "Activities": "activities", "TaskChannels": "channels", "TaskQueues": "task_queues",
        "Workflows": "workflows", "Workers": "workers", "Tasks": "tasks", "Events": "events"}
DAY = 86400
# a reservation's status -> the event that put it there
LATEST_EVENT = {"pending": "reservation.created", "accepted": "reservation.accepted", "rejected": "reservation.rejected",
                "timeout": "reservation.timeout", "canceled": "reservation.canceled", "wrapping": "reservation.wrapup",
                "completed": "reservation.completed"}


def own(emu, account_sid: str | None = None) -> EmulatorClient:
    """TaskRouter reads the account the credentials belong to: each account with its own SID and token."""
    return EmulatorClient(emu.url, *emu.credentials(account_sid or emu.main_credentials[0]))


def main_workspace(emu) -> str:
    return own(emu).walk("taskrouter", "/v1/Workspaces", "workspaces")[0]["sid"]


def listed(emu, resource: str, query: str = "", account_sid: str | None = None, workspace: str | None = None) -> list:
    ws = workspace or main_workspace(emu)
    path = f"/v1/Workspaces/{ws}/{resource}" + (f"?{query}" if query else "")
    return own(emu, account_sid).walk("taskrouter", path, KEYS[resource])


def events(emu, query: str, workspace: str | None = None) -> list:
    return listed(emu, "Events", query, workspace=workspace)


def since(seconds_ago: int) -> str:
    return iso(NOW_T - seconds_ago)


def test_every_account_has_its_workspaces_and_every_third_subaccount_none(fresh):
    """The main account has two Workspaces, a subaccount one, every third subaccount none (an empty list, not an
    error); the parent's credentials do not read a subaccount's (product hosts read the credentials' account)."""
    main, first, third = fresh.world["active_account_sids"]
    counts = [len(own(fresh, sid).walk("taskrouter", "/v1/Workspaces", "workspaces")) for sid in (main, first, third)]
    assert counts == [2, 1, 0]
    theirs = {w["sid"] for w in own(fresh, first).walk("taskrouter", "/v1/Workspaces", "workspaces")}
    assert not theirs & {w["sid"] for w in own(fresh).walk("taskrouter", "/v1/Workspaces", "workspaces")}
    status, _ = own(fresh).get(f"/taskrouter/v1/Workspaces/{theirs.pop()}/Tasks")
    assert status == 404


@pytest.mark.parametrize("resource", list(COMPONENTS))
def test_items_carry_every_property_of_the_spec(emu, resource):
    """Every item has each property of its spec component (plus nothing Twilio does not declare), dates in ISO "Z"."""
    declared = set(json.loads(SPEC.read_text())["components"]["schemas"][COMPONENTS[resource]]["properties"])
    ws = main_workspace(emu)
    if resource == "Workspaces":
        items = own(emu).walk("taskrouter", "/v1/Workspaces", "workspaces")
    elif resource == "Reservations":
        items = [r for t in listed(emu, "Tasks") for r in own(emu).walk(
            "taskrouter", f"/v1/Workspaces/{ws}/Tasks/{t['sid']}/Reservations", "reservations")]
    else:
        items = listed(emu, resource, f"StartDate={since(DAY)}" if resource == "Events" else "")
    assert items
    for item in items:
        assert set(item) == declared, (resource, set(item) ^ declared)
        for field in ("date_created", "date_updated", "event_date"):
            if item.get(field):
                assert item[field].endswith("Z") and tiso(item[field]) <= NOW_T


def test_lists_page_with_the_v1_envelope_and_the_spec_maximum(emu):
    """TaskRouter lists answer in the v1/v2 envelope, page by PageToken, and allow PageSize up to 1000 (the spec)."""
    ws = main_workspace(emu)
    status, body = own(emu).get(f"/taskrouter/v1/Workspaces/{ws}/Events?StartDate={since(20 * DAY)}&PageSize=50")
    assert status == 200 and list(body) == ["events", "meta"] and body["meta"]["key"] == "events"
    assert body["meta"]["next_page_url"].startswith(f"{emu.url}/taskrouter/v1/Workspaces/{ws}/Events?StartDate=")
    paged = listed(emu, "Events", f"StartDate={since(20 * DAY)}")
    walked = [e["sid"] for e in own(emu).walk("taskrouter", f"/v1/Workspaces/{ws}/Events?StartDate={since(20 * DAY)}", "events", 37)]
    assert sorted(walked) == sorted(e["sid"] for e in paged) and len(set(walked)) == len(walked) > 300
    assert own(emu).get(f"/taskrouter/v1/Workspaces/{ws}/Tasks?PageSize=1001")[0] == 400


def test_tasks_are_the_ones_twilio_still_holds_and_attributes_show_only_on_fetch(emu):
    """The Tasks list holds tasks not finished, or finished less than five minutes ago, oldest first; a list shows
    `attributes` null (the spec's description), fetching one task shows them; the knob shows them in lists too."""
    tasks = listed(emu, "Tasks")
    statuses = Counter(t["assignment_status"] for t in tasks)
    assert {"pending", "assigned"} <= set(statuses) and len(statuses) >= 3, statuses
    for task in tasks:
        if task["assignment_status"] in ("completed", "canceled"):
            assert NOW_T - tiso(task["date_updated"]) < 300
        assert task["age"] == NOW_T - tiso(task["date_created"]) and task["attributes"] is None
    assert [t["date_created"] for t in tasks] == sorted(t["date_created"] for t in tasks)
    status, one = own(emu).get(f"/taskrouter/v1/Workspaces/{main_workspace(emu)}/Tasks/{tasks[0]['sid']}")
    assert status == 200 and json.loads(one["attributes"])["channelType"] == one["task_channel_unique_name"]
    emu.configure(taskrouter_list_attributes="shown")
    try:
        assert all(json.loads(t["attributes"]) for t in listed(emu, "Tasks") + listed(emu, "Workers"))
    finally:
        emu.configure(taskrouter_list_attributes="null")
    assert listed(emu, "Tasks", "AssignmentStatus=pending,reserved") == [
        t for t in tasks if t["assignment_status"] in ("pending", "reserved")]


def test_events_tell_each_tasks_story_and_its_reservations(emu):
    """Every task Twilio holds has its task.created event (when it is within 30 days), one reservation.created per
    reservation, and an event for each reservation's final status; reservations are accepted, rejected, timed out."""
    ws = main_workspace(emu)
    log = events(emu, f"StartDate={since(30 * DAY - 1)}")
    by_task = {}
    for event in log:
        by_task.setdefault(event["event_data"].get("task_sid"), []).append(event["event_type"])
    outcomes = Counter()
    for task in listed(emu, "Tasks"):
        assert "task.created" in by_task[task["sid"]]
        reservations = own(emu).walk("taskrouter", f"/v1/Workspaces/{ws}/Tasks/{task['sid']}/Reservations", "reservations")
        assert by_task[task["sid"]].count("reservation.created") == len(reservations)
        for r in reservations:
            outcomes[r["reservation_status"]] += 1
            latest = next(e for e in log if e["resource_sid"] == r["sid"])  # the log is newest first
            assert latest["event_type"] == LATEST_EVENT[r["reservation_status"]], (r, latest)
    assert {"accepted"} <= set(outcomes)
    finals = Counter(e["event_type"] for e in log if e["event_type"].startswith("reservation."))
    assert finals["reservation.accepted"] and finals["reservation.rejected"] and finals["reservation.timeout"]
    assert Counter(e["event_type"] for e in log)["worker.activity.update"] > 0


def test_events_filters_window_and_default_minutes(emu):
    """StartDate on or after and EndDate on or before (both inclusive); without StartDate, Minutes (default 15) before
    now; EventType and TaskSid narrow the log."""
    every = events(emu, f"StartDate={since(10 * DAY)}")
    t = tiso(every[len(every) // 2]["event_date"])
    window = events(emu, f"StartDate={iso(t)}&EndDate={iso(t)}")
    assert window and {e["sid"] for e in window} == {e["sid"] for e in every if tiso(e["event_date"]) == t}
    assert {e["sid"] for e in events(emu, "")} == {e["sid"] for e in every if tiso(e["event_date"]) >= NOW_T - 15 * 60}
    assert {e["sid"] for e in events(emu, "Minutes=600")} == {e["sid"] for e in every if tiso(e["event_date"]) >= NOW_T - 600 * 60}
    accepted = events(emu, f"StartDate={since(10 * DAY)}&EventType=reservation.accepted")
    assert accepted and {e["event_type"] for e in accepted} == {"reservation.accepted"}
    task = accepted[0]["event_data"]["task_sid"]
    assert {e["event_data"]["task_sid"] for e in events(emu, f"StartDate={since(10 * DAY)}&TaskSid={task}")} == {task}


def test_events_are_kept_30_days_under_either_reading_of_an_older_start(emu):
    """Events older than 30 days exist in the world but are never listed; an older StartDate is refused (400), or
    with the knob finds nothing older; the order is newest first, or oldest first with the knob."""
    ws = main_workspace(emu)
    status, body = own(emu).get(f"/taskrouter/v1/Workspaces/{ws}/Events?StartDate={since(31 * DAY)}")
    assert status == 400 and body["code"] == 20001
    newest_first = [tiso(e["event_date"]) for e in events(emu, f"StartDate={since(30 * DAY - 60)}")]
    assert newest_first == sorted(newest_first, reverse=True) and min(newest_first) >= NOW_T - 30 * DAY
    emu.configure(taskrouter_events_old_start="empty", taskrouter_events_order="asc")
    try:
        kept = [tiso(e["event_date"]) for e in events(emu, f"StartDate={since(60 * DAY)}")]
    finally:
        emu.configure(taskrouter_events_old_start="400", taskrouter_events_order="desc")
    assert kept == sorted(kept) and len(kept) >= len(newest_first)
    # the log reaches back to the 30 days and stops there: the world's older events are cut, not missing
    assert NOW_T - 30 * DAY <= min(kept) < NOW_T - 29 * DAY
    assert tiso(emu.world["history_start"]) < NOW_T - 60 * DAY  # tasks (and their events) go back 90 days


def test_advance_moves_tasks_on_deletes_finished_ones_and_logs_new_events(fresh):
    """After the clock moves on, tasks that finished more than five minutes ago are gone (their events stay), new
    tasks arrive, and every new event is dated after the old now."""
    ws = main_workspace(fresh)
    before = {t["sid"]: t for t in listed(fresh, "Tasks")}
    old_now = fresh.world["now_epoch"]
    fresh.advance(minutes=90, new_per_account=200, new_small=6)
    after = {t["sid"]: t for t in listed(fresh, "Tasks", workspace=ws)}
    gone = set(before) - set(after)
    assert gone and set(after) - set(before)
    log = events(fresh, f"StartDate={iso(old_now - 6 * 3600)}", workspace=ws)
    for sid in gone:
        assert any(e["event_data"].get("task_sid") == sid and e["event_type"] in ("task.completed", "task.canceled")
                   for e in log)
    new = [e for e in log if tiso(e["event_date"]) > old_now]
    assert new and len({e["sid"] for e in log}) == len(log)
    truth = fresh.truth("taskrouter_events", since=iso(old_now + 1), account=fresh.main_credentials[0])
    assert truth["count"] >= len(new)
