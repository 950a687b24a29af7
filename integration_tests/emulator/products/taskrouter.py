"""TaskRouter v1 (taskrouter.twilio.com), the routing engine under Twilio Flex: Workspaces and their configuration.

An account has 0..n Workspaces (``World.taskrouter_workspaces``). Each holds Activities (the states a worker can be
in), TaskChannels (Twilio's five predefined ones), TaskQueues, Workflows and Workers, built once from the seed. Workers
work daily shifts: each shift start and end is a ``worker.activity.update`` (Available, then Offline), so a worker's
``activity_*``, ``available``, ``date_status_changed`` and ``date_updated`` follow the clock. Tasks, their
Reservations and the Event log are in ``taskrouter_tasks.py``.

Shapes: the spec's components (``taskrouter.v1.workspace``, ``...activity``, ``...task_channel``, ``...task_queue``,
``...workflow``, ``...worker``) and its list examples, in ``reference/twilio-api/specs/twilio_taskrouter_v1.json``;
ISO 8601 "Z" dates.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from ..ids import mix64
from ..timefmt import DAY, iso
from ..world import World
from .common import TASKROUTER, ProductCodecs

# (friendly_name, available): a new Workspace's default Activities ("Offline", "Available", "Unavailable") and the
# "Break" a Flex contact centre adds.
ACTIVITIES = (("Offline", False), ("Available", True), ("Unavailable", False), ("Break", False))
OFFLINE, AVAILABLE = 0, 1
# (friendly_name, unique_name): the TaskChannels every Workspace has (default, voice, chat, sms, video).
TASK_CHANNELS = (("Default", "default"), ("Voice", "voice"), ("Chat", "chat"), ("SMS", "sms"), ("Video", "video"))
QUEUE_NAMES = ("Sales", "Support", "Billing", "Retention", "Escalations")
WORKFLOW_NAMES = ("Assign to Anyone", "Priority Support", "After Hours")
WORKER_NAMES = ("Alice", "Bruno", "Carmen", "Dmitri", "Esther", "Farid", "Grace", "Hiro", "Ines", "Jonas")
SHIFT_HOURS = 8
WORKSPACE_SLOTS = 64  # per-workspace index room for configuration SIDs (w * 64 + k)


@dataclass(frozen=True)
class Workspace:
    """One Workspace and the SIDs and names of its configuration."""

    w: int  # its index within the account
    account_sid: str
    sid: str
    name: str
    created: int
    salt: int
    activities: tuple  # ((sid, friendly_name, available), ...)
    channels: tuple  # ((sid, friendly_name, unique_name), ...)
    queues: tuple  # ((sid, friendly_name), ...)
    workflows: tuple  # ((sid, friendly_name), ...)
    workers: tuple  # ((sid, friendly_name), ...)

    def url(self, path: str = "") -> str:
        return f"{TASKROUTER}/Workspaces/{self.sid}{path}"

    def channel(self, unique_name: str) -> tuple:
        return next(c for c in self.channels if c[2] == unique_name)


def workspaces(world: World, pc: ProductCodecs) -> list[Workspace]:
    """The account's Workspaces; the first is Flex's own ("Flex Task Assignment")."""
    acc, cfg = pc.acc, world.config
    out = []
    for w in range(world.taskrouter_workspaces(acc)):
        def sids(codec, n: int, w: int = w) -> list[str]:
            return [codec.sid(w * WORKSPACE_SLOTS + k) for k in range(n)]

        names = ("Flex Task Assignment", "Back Office", "Collections")
        n_queues, n_flows, n_workers = (min(cfg.count(c), limit) for c, limit in (
            ("taskrouter_task_queues", len(QUEUE_NAMES)), ("taskrouter_workflows", len(WORKFLOW_NAMES)),
            ("taskrouter_workers", WORKSPACE_SLOTS)))
        out.append(Workspace(
            w=w, account_sid=acc.sid, sid=pc.workspace.sid(w), name=names[w % len(names)] + ("" if w < 3 else f" {w}"),
            created=acc.at(4 * DAY + w * 3600), salt=mix64(pc.salt ^ (0x7A5C + w)),
            activities=tuple(zip(sids(pc.activity, len(ACTIVITIES)), *zip(*ACTIVITIES))),
            channels=tuple(zip(sids(pc.task_channel, len(TASK_CHANNELS)), *zip(*TASK_CHANNELS))),
            queues=tuple(zip(sids(pc.task_queue, n_queues), QUEUE_NAMES)),
            workflows=tuple(zip(sids(pc.workflow, n_flows), WORKFLOW_NAMES)),
            workers=tuple((sid, WORKER_NAMES[k % len(WORKER_NAMES)] + ("" if k < len(WORKER_NAMES) else f" {k}"))
                          for k, sid in enumerate(sids(pc.worker, n_workers))),
        ))
    return out


def _config_times(ws: Workspace, k: int) -> tuple[int, int]:
    """(date_created, date_updated) of the k-th configuration object: set up within the hour after the Workspace."""
    t = ws.created + 60 + k * 30
    return t, t + 5


def workspace_item(ws: Workspace) -> tuple[dict, dict]:
    offline_sid = ws.activities[OFFLINE][0]
    item = {
        "account_sid": ws.account_sid,
        "date_created": iso(ws.created),
        "date_updated": iso(ws.created + 600),
        "default_activity_name": "Offline",
        "default_activity_sid": offline_sid,
        "event_callback_url": "",
        "events_filter": None,
        "friendly_name": ws.name,
        "links": {name: ws.url(path) for name, path in (
            ("activities", "/Activities"), ("statistics", "/Statistics"), ("real_time_statistics", "/RealTimeStatistics"),
            ("cumulative_statistics", "/CumulativeStatistics"), ("task_queues", "/TaskQueues"), ("tasks", "/Tasks"),
            ("workers", "/Workers"), ("workflows", "/Workflows"), ("task_channels", "/TaskChannels"),
            ("events", "/Events"))},
        "multi_task_enabled": True,
        "prioritize_queue_order": "FIFO",
        "sid": ws.sid,
        "timeout_activity_name": "Offline",
        "timeout_activity_sid": offline_sid,
        "url": ws.url(),
    }
    return item, {"sid": ws.sid, "friendly_name": ws.name, "date_updated": ws.created + 600}


def activity_items(ws: Workspace) -> list[tuple[dict, dict]]:
    out = []
    for k, (sid, name, available) in enumerate(ws.activities):
        created, updated = _config_times(ws, k)
        out.append(({
            "account_sid": ws.account_sid, "available": available, "date_created": iso(created),
            "date_updated": iso(updated), "friendly_name": name, "sid": sid, "url": ws.url(f"/Activities/{sid}"),
            "workspace_sid": ws.sid, "links": {"workspace": ws.url()},
        }, {"sid": sid, "friendly_name": name, "available": available, "date_updated": updated}))
    return out


def task_channel_items(ws: Workspace) -> list[tuple[dict, dict]]:
    out = []
    for k, (sid, name, unique_name) in enumerate(ws.channels):
        created, updated = _config_times(ws, 10 + k)
        out.append(({
            "account_sid": ws.account_sid, "date_created": iso(created), "date_updated": iso(updated),
            "friendly_name": name, "sid": sid, "unique_name": unique_name, "url": ws.url(f"/TaskChannels/{sid}"),
            "workspace_sid": ws.sid, "channel_optimized_routing": unique_name == "voice",
            "links": {"workspace": ws.url()},
        }, {"sid": sid, "date_updated": updated}))
    return out


def task_queue_items(ws: Workspace) -> list[tuple[dict, dict]]:
    busy_sid = ws.activities[2][0]  # Unavailable while reserved or assigned
    out = []
    for k, (sid, name) in enumerate(ws.queues):
        created, updated = _config_times(ws, 20 + k)
        q = ws.url(f"/TaskQueues/{sid}")
        out.append(({
            "account_sid": ws.account_sid, "assignment_activity_name": "Unavailable", "assignment_activity_sid": busy_sid,
            "date_created": iso(created), "date_updated": iso(updated), "friendly_name": name,
            "max_reserved_workers": 1, "reservation_activity_name": "Unavailable", "reservation_activity_sid": busy_sid,
            "sid": sid, "target_workers": f'skills HAS "{name.lower()}"', "task_order": "FIFO", "url": q,
            "workspace_sid": ws.sid,
            "links": {"assignment_activity": ws.url(f"/Activities/{busy_sid}"),
                      "reservation_activity": ws.url(f"/Activities/{busy_sid}"), "workspace": ws.url(),
                      "statistics": f"{q}/Statistics", "real_time_statistics": f"{q}/RealTimeStatistics",
                      "cumulative_statistics": f"{q}/CumulativeStatistics"},
        }, {"sid": sid, "friendly_name": name, "date_updated": updated}))
    return out


def workflow_items(ws: Workspace) -> list[tuple[dict, dict]]:
    out = []
    for k, (sid, name) in enumerate(ws.workflows):
        created, updated = _config_times(ws, 30 + k)
        f = ws.url(f"/Workflows/{sid}")
        targets = [{"queue": q_sid, "timeout": 300} for q_sid, _ in ws.queues]
        out.append(({
            "account_sid": ws.account_sid, "assignment_callback_url": None,
            "configuration": json.dumps({"task_routing": {"filters": [{"filter_friendly_name": name, "expression": "1==1",
                                                                       "targets": targets}]}}),
            "date_created": iso(created), "date_updated": iso(updated), "document_content_type": "application/json",
            "fallback_assignment_callback_url": None, "friendly_name": name, "sid": sid,
            "task_reservation_timeout": 120, "url": f, "workspace_sid": ws.sid,
            "links": {"statistics": f"{f}/Statistics", "real_time_statistics": f"{f}/RealTimeStatistics",
                      "cumulative_statistics": f"{f}/CumulativeStatistics"},
        }, {"sid": sid, "friendly_name": name, "date_updated": updated}))
    return out


# ---------------------------------------------------------------------------------------------------- workers


def shift_changes(ws: Workspace, k: int, t_from: int, t_to: int) -> list[tuple[int, int]]:
    """(time, activity index) of worker k's activity changes in [t_from, t_to]: Available at the start of each shift
    (8 hours; a different start hour per worker; two days off a week), Offline at its end. None before the worker's
    creation."""
    t_from = max(t_from, _config_times(ws, 40 + k)[1] + 1)
    start_hour = 6 + (3 * k) % 12
    out = []
    for day in range(t_from // DAY - 1, t_to // DAY + 1):
        if (day + k) % 7 in (5, 6):
            continue
        h = mix64(ws.salt ^ (day * 131 + k))
        start = day * DAY + start_hour * 3600 + h % 900
        end = start + SHIFT_HOURS * 3600 + (h >> 16) % 900
        out += [(t, activity) for t, activity in ((start, AVAILABLE), (end, OFFLINE)) if t_from <= t <= t_to]
    return out


def worker_state(ws: Workspace, k: int, now: int) -> tuple[int, int]:
    """(activity index, time it was entered) of worker k at now: its last shift change, else Offline since creation."""
    changes = shift_changes(ws, k, now - 8 * DAY, now)
    if not changes:
        return OFFLINE, _config_times(ws, 40 + k)[1]
    t, activity = changes[-1]
    return activity, t


def worker_attributes(ws: Workspace, k: int) -> str:
    name = ws.workers[k][1]
    skills = [ws.queues[j][1].lower() for j in range(len(ws.queues)) if (k + j) % 2 == 0] or [ws.queues[0][1].lower()]
    return json.dumps({"contact_uri": f"client:{name.lower().replace(' ', '_')}", "full_name": f"{name} Example",
                       "skills": skills, "languages": ["en"] if k % 3 else ["en", "es"]})


def worker_items(ws: Workspace, now: int) -> list[tuple[dict, dict]]:
    out = []
    for k, (sid, name) in enumerate(ws.workers):
        created, _ = _config_times(ws, 40 + k)
        activity, since = worker_state(ws, k, now)
        activity_sid, activity_name, available = ws.activities[activity]
        w = ws.url(f"/Workers/{sid}")
        out.append(({
            "account_sid": ws.account_sid, "activity_name": activity_name, "activity_sid": activity_sid,
            "attributes": worker_attributes(ws, k), "available": available, "date_created": iso(created),
            "date_status_changed": iso(since), "date_updated": iso(max(since, created)), "friendly_name": name,
            "sid": sid, "url": w, "workspace_sid": ws.sid,
            "links": {"channels": f"{w}/Channels", "activity": ws.url(f"/Activities/{activity_sid}"),
                      "workspace": ws.url(), "statistics": ws.url("/Workers/Statistics"),
                      "worker_statistics": f"{w}/Statistics", "reservations": f"{w}/Reservations"},
        }, {"sid": sid, "friendly_name": name, "activity_sid": activity_sid, "activity_name": activity_name,
            "available": available, "date_updated": max(since, created)}))
    return out
