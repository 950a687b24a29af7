"""Studio v2: flows, their executions and the steps of each execution."""
from __future__ import annotations

from ..ids import mix64
from ..listing import ListCollection, TimelineCollection
from ..timefmt import DAY, iso
from ..timeline import Timeline
from ..world import World
from .common import STUDIO, ProductCodecs

# =========================================================================== studio v2


def flows(world: World, pc: ProductCodecs) -> list:
    acc = pc.acc
    out = []
    for f in range(world.config.count("flows")):
        sid = pc.flow.sid(f)
        t = acc.at(2 * DAY + f * 3600)
        out.append(({
            "account_sid": acc.sid,
            "commit_message": None if f else "first draft",
            "date_created": iso(t),
            "date_updated": iso(acc.at(3 * DAY + f * 3600)),  # a day after it was created
            "definition": None,
            "errors": None,
            "friendly_name": ("IVR", "Appointment Reminder", "Survey")[f % 3] + ("" if f < 3 else f" {f}"),
            "links": {
                "executions": f"{STUDIO}/Flows/{sid}/Executions",
                "revisions": f"{STUDIO}/Flows/{sid}/Revisions",
                "test_users": f"{STUDIO}/Flows/{sid}/TestUsers",
            },
            "revision": 1 + f,
            "sid": sid,
            "status": "published" if f % 3 != 2 else "draft",
            "url": f"{STUDIO}/Flows/{sid}",
            "valid": True,
            "warnings": [],
            "webhook_url": f"https://webhooks.twilio.com/v1/Accounts/{acc.sid}/Flows/{sid}",
        }, {"sid": sid}))
    return out


def executions_collection(pc: ProductCodecs, f: int, tl: Timeline, now: int) -> TimelineCollection:
    acc = pc.acc
    fsid = pc.flow.sid(f)

    def make(i: int, t: int):
        sid = pc.execution.sid(f * 1_000_000 + i)
        h = mix64(pc.salt ^ (f * 1_000_003 + i * 97))
        active = now - t < 3600 and h & 1
        item = {
            "account_sid": acc.sid,
            "contact_channel_address": acc.customers[h % len(acc.customers)],
            "contact_sid": pc.contact.sid(h % 50),
            "context": {},
            "date_created": iso(t),
            "date_updated": None if active else iso(t + 5 + (h >> 8) % 55),
            "flow_sid": fsid,
            "flow_version": 1 + f,
            "initiated_by": None,
            "links": {
                "execution_context": f"{STUDIO}/Flows/{fsid}/Executions/{sid}/Context",
                "steps": f"{STUDIO}/Flows/{fsid}/Executions/{sid}/Steps",
            },
            "sid": sid,
            "status": "active" if active else "ended",
            "url": f"{STUDIO}/Flows/{fsid}/Executions/{sid}",
        }
        return item, {"sid": sid, "date_created": t, "status": item["status"]}

    return TimelineCollection("executions", tl, make, {"date_created": (0, 0)})


STEP_NAMES = [("Trigger", "incomingRequest", "trigger"), ("say_hello", "say_play", "say-play"),
              ("gather_input", "gather", "gather-input-on-call"), ("split_on_digits", "split", "split-based-on"),
              ("send_reply", "send_message", "send-message")]


def steps(pc: ProductCodecs, f: int, execs: TimelineCollection, e: int) -> ListCollection:
    acc = pc.acc
    fsid = pc.flow.sid(f)
    eitem, eattrs = execs.record(e)
    esid = eattrs["sid"]
    t = eattrs["date_created"]
    h = mix64(pc.salt ^ (f * 7_000_003 + e * 13))
    n = 2 + h % 4
    recs = []
    prev = None
    for k in range(n):
        sid = pc.step.sid(f * 16_000_000 + e * 8 + k)
        name, _, kind = STEP_NAMES[k % len(STEP_NAMES)]
        nxt = STEP_NAMES[(k + 1) % len(STEP_NAMES)][0] if k + 1 < n else "Ended"
        recs.append(({
            "account_sid": acc.sid,
            "context": {},
            "date_created": iso(t + k),
            "date_updated": None,
            "execution_sid": esid,
            "flow_sid": fsid,
            "links": {"step_context": f"{STUDIO}/Flows/{fsid}/Executions/{esid}/Steps/{sid}/Context"},
            "name": name if k else "Trigger",
            "parent_step_sid": prev,
            "sid": sid,
            "transitioned_from": STEP_NAMES[k - 1][0] if k else "Trigger",
            "transitioned_to": nxt,
            "type": kind,
            "url": f"{STUDIO}/Flows/{fsid}/Executions/{esid}/Steps/{sid}",
        }, {"sid": sid, "date_created": t + k}))
        prev = sid
    return ListCollection("steps", recs)
