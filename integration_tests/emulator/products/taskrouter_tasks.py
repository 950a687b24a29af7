"""TaskRouter Tasks, their Reservations and the Workspace's Event log, computed from each task's *story*.

A Workspace's tasks are a Timeline (``taskrouter_tasks:{w}``: history plus a busy last hour and a half, and what
``advance`` appends). Task ``i``'s whole life is fixed at its creation by ``(seed, account, workspace, i)``, as a list
of steps, each an event Twilio logs (https://www.twilio.com/docs/taskrouter/api/event/reference):

    task.created, task-queue.entered                                  the caller waits in a TaskQueue
    reservation.created, then .rejected or .timeout (0-2 times)       a worker is offered the task and does not take it
    reservation.created, .accepted; reservation.wrapup, task.wrapup;  answered, talked, wrapped up
    reservation.completed, task.completed
    or: task.canceled (+ reservation.canceled)                        the caller gave up (abandoned)

"now" only decides how much of the story has happened:
* the Tasks list holds the tasks Twilio still has: a finished task "is deleted five minutes after moving into this
  state" (https://www.twilio.com/docs/taskrouter/lifecycle-task-state), so its final status is visible five minutes;
* a task's Reservations are those its story created by now, each in its status at now;
* the Event log is every step that happened by now, and every worker shift change (taskrouter.shift_changes). The
  route keeps it 30 days (routes.py); the world keeps it all, so older events exist and are never served.
"""
from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cached_property

from ..ids import mix64
from ..listing import Collection, ListCollection
from ..timefmt import iso
from .common import ProductCodecs
from .taskrouter import OFFLINE, Workspace, shift_changes, worker_attributes

# "The Task is deleted five minutes after moving into this state" (canceled or completed; lifecycle-task-state).
TASK_DELETED_AFTER = 5 * 60
# "TaskRouter ... keeps that data for 30 days" (https://www.twilio.com/docs/taskrouter/api/event).
EVENTS_RETENTION_DAYS = 30
TASK_TIMEOUT = 86400  # Task Timeout: "The default value is 24 hours (86,400 seconds)" (spec, CreateTask)
RESERVATION_TIMEOUT = 120  # Workflow TaskReservationTimeout: "the default is `120`" (spec, CreateWorkflow)
TASK_BITS = 20  # a task's index within its account: w << TASK_BITS | i
CHANNEL_MIX = ("voice", "voice", "voice", "voice", "chat", "chat", "chat", "sms", "sms")

# the assignment_status a step leaves its task in; reservation.canceled follows task.canceled and changes nothing
TASK_STATUS = {"task.created": "pending", "reservation.created": "reserved", "reservation.rejected": "pending",
               "reservation.timeout": "pending", "reservation.accepted": "assigned", "task.wrapup": "wrapping",
               "task.completed": "completed", "task.canceled": "canceled"}
RESERVATION_STATUS = {"reservation.created": "pending", "reservation.accepted": "accepted",
                      "reservation.rejected": "rejected", "reservation.timeout": "timeout",
                      "reservation.canceled": "canceled", "reservation.wrapup": "wrapping",
                      "reservation.completed": "completed"}


class Draws:
    """Deterministic small random numbers from one seed."""

    def __init__(self, seed: int):
        self.state = seed

    def below(self, n: int) -> int:
        self.state = mix64(self.state + 0x9E3779B97F4A7C15)
        return self.state % n


@dataclass(frozen=True)
class Step:
    t: int
    event_type: str
    reservation: int  # the reservation the step concerns, -1 for the task's own steps


@dataclass(frozen=True)
class Story:
    """One task's life, fixed at its creation."""

    ws: Workspace
    pc: ProductCodecs
    i: int
    created: int
    queue: int
    workflow: int
    channel: str
    priority: int
    caller: str
    workers: tuple  # the worker offered each reservation
    steps: tuple  # Step, in time order

    @cached_property
    def sid(self) -> str:
        return self.pc.tr_task.sid(self.ws.w << TASK_BITS | self.i)

    def reservation_sid(self, k: int) -> str:
        return self.pc.reservation.sid((self.ws.w << TASK_BITS | self.i) * 4 + k)

    @property
    def finished(self) -> int:
        return self.steps[-1].t

    def listed_at(self, now: int) -> bool:
        """Twilio still holds the task: created, and not finished five minutes or more ago."""
        return self.created <= now < self.finished + TASK_DELETED_AFTER

    def happened(self, now: int) -> list[Step]:
        return [s for s in self.steps if s.t <= now]

    def status_at(self, now: int) -> tuple[str, int]:
        """(assignment_status, date_updated) at now."""
        status, updated = "pending", self.created
        for s in self.happened(now):
            status, updated = TASK_STATUS.get(s.event_type, status), s.t
        return status, updated

    def reservation_at(self, k: int, now: int) -> tuple[str, int, int] | None:
        """(reservation_status, date_created, date_updated) of reservation k at now; None before it exists."""
        mine = [s for s in self.happened(now) if s.reservation == k]
        if not mine:
            return None
        return RESERVATION_STATUS[mine[-1].event_type], mine[0].t, mine[-1].t

    @property
    def attributes(self) -> str:
        return json.dumps({"type": "inbound", "channelType": self.channel, "direction": "inbound",
                           "from": self.caller, "name": self.caller, "queue": self.ws.queues[self.queue][1]})

    def reason_at(self, now: int) -> str | None:
        status, _ = self.status_at(now)
        if status == "canceled":
            return "hangup"
        return "Task completed" if status == "completed" else None


def story(ws: Workspace, pc: ProductCodecs, i: int, created: int, customers: list) -> Story:
    """Task i's life: a wait, 0-2 reservations rejected or timed out, then answered (talk, wrap-up, completion) or,
    for about one task in eight, abandoned (canceled, with the reservation then offered canceled too)."""
    r = Draws(mix64(ws.salt ^ (i * 0x2545F491 + 7)))
    channel = CHANNEL_MIX[r.below(len(CHANNEL_MIX))]
    queue, workflow, priority = r.below(len(ws.queues)), r.below(len(ws.workflows)), (0, 0, 0, 10)[r.below(4)]
    caller = customers[r.below(len(customers))]
    steps = [Step(created, "task.created", -1), Step(created, "task-queue.entered", -1)]
    workers: list[int] = []
    t = created + 5 + r.below(240)
    for k in range((0, 0, 0, 1, 1, 2)[r.below(6)]):
        workers.append(r.below(len(ws.workers)))
        steps.append(Step(t, "reservation.created", k))
        rejected = r.below(2) == 1
        t += 4 + r.below(16) if rejected else RESERVATION_TIMEOUT
        steps.append(Step(t, "reservation.rejected" if rejected else "reservation.timeout", k))
        t += 5 + r.below(90)
    k = len(workers)
    if r.below(8) == 0:
        if r.below(2):
            workers.append(r.below(len(ws.workers)))
            steps.append(Step(t, "reservation.created", k))
            t += 2 + r.below(20)
            steps += [Step(t, "task.canceled", -1), Step(t, "reservation.canceled", k)]
        else:
            steps.append(Step(t, "task.canceled", -1))
    else:
        workers.append(r.below(len(ws.workers)))
        steps.append(Step(t, "reservation.created", k))
        t += 3 + r.below(20)
        steps.append(Step(t, "reservation.accepted", k))
        t += 60 + r.below(1140)
        steps += [Step(t, "reservation.wrapup", k), Step(t, "task.wrapup", -1)]
        t += 20 + r.below(160)
        steps += [Step(t, "reservation.completed", k), Step(t, "task.completed", -1)]
    return Story(ws, pc, i, created, queue, workflow, channel, priority, caller, tuple(workers), tuple(steps))


def index_of_task(pc: ProductCodecs, ws: Workspace, sid: str) -> int | None:
    """The task index a WT... SID of this Workspace encodes, or None."""
    idx = pc.tr_task.index(sid)
    if idx is None or idx >> TASK_BITS != ws.w:
        return None
    return idx & ((1 << TASK_BITS) - 1)


# ---------------------------------------------------------------------------------------------------- items


def task_item(s: Story, now: int) -> tuple[dict, dict]:
    ws = s.ws
    status, updated = s.status_at(now)
    queue_sid, queue_name = ws.queues[s.queue]
    flow_sid, flow_name = ws.workflows[s.workflow]
    channel_sid = ws.channel(s.channel)[0]
    url = ws.url(f"/Tasks/{s.sid}")
    item = {
        "account_sid": ws.account_sid, "age": now - s.created, "assignment_status": status,
        "attributes": s.attributes, "addons": "{}", "date_created": iso(s.created), "date_updated": iso(updated),
        "task_queue_entered_date": iso(s.created), "priority": s.priority, "reason": s.reason_at(now), "sid": s.sid,
        "task_queue_sid": queue_sid, "task_queue_friendly_name": queue_name, "task_channel_sid": channel_sid,
        "task_channel_unique_name": s.channel, "timeout": TASK_TIMEOUT, "workflow_sid": flow_sid,
        "workflow_friendly_name": flow_name, "workspace_sid": ws.sid, "url": url,
        "links": {"task_queue": ws.url(f"/TaskQueues/{queue_sid}"), "workflow": ws.url(f"/Workflows/{flow_sid}"),
                  "workspace": ws.url(), "reservations": f"{url}/Reservations"},
        "virtual_start_time": iso(s.created), "ignore_capacity": False, "routing_target": None,
    }
    return item, {"sid": s.sid, "assignment_status": status, "task_queue_sid": queue_sid,
                  "task_queue_name": queue_name, "workflow_sid": flow_sid, "workflow_name": flow_name,
                  "date_created": s.created, "date_updated": updated}


def reservation_items(s: Story, now: int) -> list[tuple[dict, dict]]:
    ws = s.ws
    out = []
    for k, worker in enumerate(s.workers):
        state = s.reservation_at(k, now)
        if state is None:
            continue
        status, created, updated = state
        sid = s.reservation_sid(k)
        worker_sid, worker_name = ws.workers[worker]
        out.append(({
            "account_sid": ws.account_sid, "date_created": iso(created), "date_updated": iso(updated),
            "links": {"task": ws.url(f"/Tasks/{s.sid}"), "worker": ws.url(f"/Workers/{worker_sid}"),
                      "workspace": ws.url()},
            "reservation_status": status, "sid": sid, "task_sid": s.sid,
            "url": ws.url(f"/Tasks/{s.sid}/Reservations/{sid}"), "worker_name": worker_name,
            "worker_sid": worker_sid, "workspace_sid": ws.sid,
        }, {"sid": sid, "reservation_status": status, "worker_sid": worker_sid, "date_updated": updated}))
    return out


def tasks_collection(stories: list[Story], now: int) -> ListCollection:
    """The tasks Twilio holds at now, oldest first ("By default, Tasks are sorted by ascending DateCreated", spec
    `Ordering`)."""
    return ListCollection("tasks", [task_item(s, now) for s in stories if s.listed_at(now)])


# ---------------------------------------------------------------------------------------------------- events


def _event(ws: Workspace, pc: ProductCodecs, index: int, t: int, event_type: str, resource: tuple, description: str,
           data: dict, attrs: dict) -> tuple[dict, dict]:
    """One Event item; `resource` is (type, sid, path under the Workspace)."""
    sid = pc.tr_event.sid(index)
    h = mix64(ws.salt ^ index)
    item = {
        "account_sid": ws.account_sid, "actor_sid": ws.sid, "actor_type": "workspace", "actor_url": ws.url(),
        "description": description, "event_data": {**data, "workspace_sid": ws.sid, "workspace_name": ws.name},
        "event_date": iso(t), "event_date_ms": t * 1000 + h % 1000, "event_type": event_type,
        "resource_sid": resource[1], "resource_type": resource[0], "resource_url": ws.url(resource[2]), "sid": sid,
        "source": "twilio", "source_ip_address": "54.%d.%d.%d" % ((h >> 10) & 255, (h >> 18) & 255, (h >> 26) & 255),
        "url": ws.url(f"/Events/{sid}"), "workspace_sid": ws.sid,
    }
    return item, {"sid": sid, "event_date": t, "event_type": event_type, **attrs}


def task_event(s: Story, j: int) -> tuple[dict, dict]:
    """Step j of the story as its Event: task data (the task as it was then), plus the reservation's and worker's."""
    ws, step = s.ws, s.steps[j]
    status, _ = s.status_at(step.t)
    queue_sid, queue_name = ws.queues[s.queue]
    flow_sid, flow_name = ws.workflows[s.workflow]
    channel_sid = ws.channel(s.channel)[0]
    data = {"task_sid": s.sid, "task_attributes": s.attributes, "task_age": str(step.t - s.created),
            "task_priority": str(s.priority), "task_assignment_status": status, "task_queue_sid": queue_sid,
            "task_queue_name": queue_name, "task_channel_sid": channel_sid, "task_channel_unique_name": s.channel,
            "workflow_sid": flow_sid, "workflow_name": flow_name}
    attrs = {"task_sid": s.sid, "task_queue_sid": queue_sid, "workflow_sid": flow_sid, "reservation_sid": None,
             "worker_sid": None}
    resource = ("task", s.sid, f"/Tasks/{s.sid}")
    description = f"Task {s.sid} {step.event_type.split('.', 1)[1]}"
    if step.reservation >= 0:
        worker_sid, worker_name = ws.workers[s.workers[step.reservation]]
        reservation_sid = s.reservation_sid(step.reservation)
        data.update(reservation_sid=reservation_sid, worker_sid=worker_sid, worker_name=worker_name)
        attrs.update(reservation_sid=reservation_sid, worker_sid=worker_sid)
        resource = ("reservation", reservation_sid, f"/Tasks/{s.sid}/Reservations/{reservation_sid}")
        description = f"Reservation {reservation_sid} for worker {worker_name} {step.event_type.split('.', 1)[1]}"
    if step.event_type == "task.canceled":
        data["task_canceled_reason"] = "hangup"
    elif step.event_type == "task.completed":
        data["task_completed_reason"] = "Task completed"
    index = (ws.w << TASK_BITS | s.i) * 16 + j
    return _event(ws, s.pc, index, step.t, step.event_type, resource, description, data, attrs)


def worker_event(ws: Workspace, pc: ProductCodecs, k: int, change: tuple, previous: tuple) -> tuple[dict, dict]:
    """A worker's `worker.activity.update`: `change` and `previous` are (time, activity index)."""
    (t, activity), (t_prev, was) = change, previous
    worker_sid, worker_name = ws.workers[k]
    activity_sid, activity_name, _ = ws.activities[activity]
    data = {"worker_sid": worker_sid, "worker_name": worker_name, "worker_activity_sid": activity_sid,
            "worker_activity_name": activity_name, "worker_previous_activity_sid": ws.activities[was][0],
            "worker_previous_activity_name": ws.activities[was][1], "worker_attributes": worker_attributes(ws, k),
            "worker_time_in_previous_activity": str(t - t_prev),
            "worker_time_in_previous_activity_ms": str((t - t_prev) * 1000)}
    attrs = {"task_sid": None, "task_queue_sid": None, "workflow_sid": None, "reservation_sid": None,
             "worker_sid": worker_sid}
    index = (1 << 62) | (ws.w << 40) | (k << 32) | t
    return _event(ws, pc, index, t, "worker.activity.update", ("worker", worker_sid, f"/Workers/{worker_sid}"),
                  f"Worker {worker_name} updated to {activity_name} Activity", data, attrs)


class EventLog(Collection):
    """A Workspace's events that happened by now, oldest first; items are built when a page needs them."""

    key = "events"
    lags = {"event_date": (0, 0)}

    def __init__(self, entries: list, order: str = "asc"):
        self.entries = entries  # (time, tie-break, build, *args), sorted
        self.times = [e[0] for e in entries]
        self.order = order

    def __len__(self) -> int:
        return len(self.entries)

    def record(self, i: int) -> tuple[dict, dict]:
        _, _, build, *args = self.entries[i]
        return build(*args)

    def has_times(self) -> bool:
        return True

    def index_bounds(self, t_lo, t_hi):
        lo = 0 if t_lo is None else bisect_left(self.times, t_lo)
        hi = len(self.times) if t_hi is None else bisect_right(self.times, t_hi)
        return lo, hi


def event_entries(ws: Workspace, pc: ProductCodecs, stories: list[Story], now: int) -> list:
    """Every task step and worker shift change up to now, in time order, as EventLog entries."""
    entries = [(step.t, (s.i, j), task_event, s, j) for s in stories for j, step in enumerate(s.steps) if step.t <= now]
    for k in range(len(ws.workers)):
        previous = (ws.created, OFFLINE)  # a worker is Offline from its creation to its first shift
        for change in shift_changes(ws, k, ws.created, now):
            entries.append((change[0], (-1, k), worker_event, ws, pc, k, change, previous))
            previous = change
    entries.sort(key=lambda e: (e[0], e[1]))
    return entries

