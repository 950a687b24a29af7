"""Conversations v1: conversations, their messages and participants, users and the
conversations of each user, conversation services and roles."""
from __future__ import annotations

from ..api2010 import MSG_BODIES
from ..ids import mix64
from ..listing import ListCollection, TimelineCollection
from ..timefmt import DAY, iso
from ..timeline import Timeline
from ..world import World
from .common import CONV, ProductCodecs

# =========================================================================== conversations


def _n_users(world: World) -> int:
    return world.config.count("users")


def conversation_parts(world: World, pc: ProductCodecs, c: int, t: int, now: int):
    """(participants, messages) facts of conversation c created at t."""
    h = mix64(pc.salt ^ (c * 7777 + 3))
    nu = _n_users(world)
    n_chat = min(2, nu)
    users = [(c + p) % nu for p in range(n_chat)]
    has_sms = (h & 1) == 1 or n_chat == 0
    n_msgs = 3 + (h >> 4) % 10
    step = max(1, min(30, (now - t) // (n_msgs + 1)))
    return users, has_sms, n_msgs, step, h


def conversations_collection(world: World, pc: ProductCodecs, tl: Timeline, now: int) -> TimelineCollection:
    acc = pc.acc
    svc = pc.conv_service.sid(0)
    ms = pc.messaging_service.sid(0)

    def make(i: int, t: int):
        sid = pc.conversation.sid(i)
        users, has_sms, n_msgs, step, h = conversation_parts(world, pc, i, t, now)
        last = t + n_msgs * step
        state = ("active", "active", "inactive", "closed")[(h >> 10) & 3]
        item = {
            "account_sid": acc.sid,
            "attributes": '{"topic": "%s"}' % ("support", "sales", "feedback")[(h >> 12) % 3],
            "bindings": None,
            "chat_service_sid": svc,
            "date_created": iso(t),
            "date_updated": iso(last),
            "friendly_name": f"Conversation {i}",
            "links": {
                "messages": f"{CONV}/Conversations/{sid}/Messages",
                "participants": f"{CONV}/Conversations/{sid}/Participants",
                "webhooks": f"{CONV}/Conversations/{sid}/Webhooks",
            },
            "messaging_service_sid": ms,
            "sid": sid,
            "state": state,
            "timers": {} if state != "active" else {"date_inactive": iso(last + 3600), "date_closed": iso(last + DAY)},
            "unique_name": None,
            "url": f"{CONV}/Conversations/{sid}",
        }
        return item, {"sid": sid, "date_created": t, "date_updated": last, "state": state}

    return TimelineCollection("conversations", tl, make, {"date_created": (0, 0), "date_updated": (0, 400)})


def _participant_sid(pc: ProductCodecs, c: int, p: int) -> str:
    return pc.participant.sid(c * 4 + p)


def _identity(u: int) -> str:
    return f"user{u}@example.com"


def conversation_participants(world: World, pc: ProductCodecs, conv: TimelineCollection, c: int, now: int) -> ListCollection:
    acc = pc.acc
    _, cattrs = conv.record(c)
    t = cattrs["date_created"]
    users, has_sms, n_msgs, step, h = conversation_parts(world, pc, c, t, now)
    csid = cattrs["sid"]
    role = pc.conv_role.sid(0)
    recs = []
    for p, u in enumerate(users):
        sid = _participant_sid(pc, c, p)
        recs.append(({
            "account_sid": acc.sid,
            "attributes": "{}",
            "conversation_sid": csid,
            "date_created": iso(t + p),
            "date_updated": iso(t + n_msgs * step),
            "identity": _identity(u),
            "last_read_message_index": n_msgs - 1 - p if n_msgs > p else None,
            "last_read_timestamp": iso(t + n_msgs * step),
            "messaging_binding": None,
            "role_sid": role,
            "sid": sid,
            "url": f"{CONV}/Conversations/{csid}/Participants/{sid}",
        }, {"sid": sid}))
    if has_sms:
        p = len(users)
        sid = _participant_sid(pc, c, p)
        recs.append(({
            "account_sid": acc.sid,
            "attributes": "{}",
            "conversation_sid": csid,
            "date_created": iso(t + p),
            "date_updated": iso(t + p),
            "identity": None,
            "last_read_message_index": None,
            "last_read_timestamp": None,
            "messaging_binding": {"address": acc.customers[c % len(acc.customers)],
                                  "proxy_address": acc.numbers[0], "type": "sms"},
            "role_sid": role,
            "sid": sid,
            "url": f"{CONV}/Conversations/{csid}/Participants/{sid}",
        }, {"sid": sid}))
    return ListCollection("participants", recs)


def conversation_messages(world: World, pc: ProductCodecs, conv: TimelineCollection, c: int, now: int) -> ListCollection:
    acc = pc.acc
    _, cattrs = conv.record(c)
    t = cattrs["date_created"]
    users, has_sms, n_msgs, step, h = conversation_parts(world, pc, c, t, now)
    csid = cattrs["sid"]
    n_parts = len(users) + (1 if has_sms else 0)
    recs = []
    for k in range(n_msgs):
        sid = pc.conv_message.sid(c * 64 + k)
        p = k % n_parts
        sms = p >= len(users)
        tm = t + (k + 1) * step
        recs.append(({
            "account_sid": acc.sid,
            "attributes": "{}",
            "author": acc.customers[c % len(acc.customers)] if sms else _identity(users[p]),
            "body": MSG_BODIES[(h >> (k % 40)) % len(MSG_BODIES)],
            "content_sid": None,
            "conversation_sid": csid,
            "date_created": iso(tm),
            "date_updated": iso(tm),
            "delivery": {"delivered": "all", "failed": "none", "read": "none", "sent": "all", "total": 1,
                         "undelivered": "none"} if has_sms and not sms else None,
            "index": k,
            "links": {"delivery_receipts": f"{CONV}/Conversations/{csid}/Messages/{sid}/Receipts",
                      "channel_metadata": f"{CONV}/Conversations/{csid}/Messages/{sid}/ChannelMetadata"},
            "media": None,
            "participant_sid": _participant_sid(pc, c, p),
            "sid": sid,
            "url": f"{CONV}/Conversations/{csid}/Messages/{sid}",
        }, {"sid": sid, "date_created": tm}))
    return ListCollection("messages", recs)


def users(world: World, pc: ProductCodecs) -> list:
    acc = pc.acc
    svc = pc.conv_service.sid(0)
    out = []
    for u in range(_n_users(world)):
        sid = pc.user.sid(u)
        t = acc.at(DAY + u * 3600)
        out.append(({
            "account_sid": acc.sid,
            "attributes": '{"team": "%s"}' % ("support", "sales")[u % 2],
            "chat_service_sid": svc,
            "date_created": iso(t),
            "date_updated": iso(t + 60),
            "friendly_name": f"User {u}",
            "identity": _identity(u),
            "is_notifiable": None,
            "is_online": u % 2 == 0,
            "links": {"user_conversations": f"{CONV}/Users/{sid}/Conversations"},
            "role_sid": pc.conv_role.sid(2),
            "sid": sid,
            "url": f"{CONV}/Users/{sid}",
        }, {"sid": sid}))
    return out


def user_conversations(world: World, pc: ProductCodecs, conv: TimelineCollection, u: int, now: int) -> ListCollection:
    acc = pc.acc
    usid = pc.user.sid(u)
    recs = []
    for c in range(len(conv)):
        citem, cattrs = conv.record(c)
        users_c, has_sms, n_msgs, step, h = conversation_parts(world, pc, c, cattrs["date_created"], now)
        if u not in users_c:
            continue
        p = users_c.index(u)
        csid = cattrs["sid"]
        recs.append(({
            "account_sid": acc.sid,
            "attributes": citem["attributes"],
            "chat_service_sid": citem["chat_service_sid"],
            "conversation_sid": csid,
            "conversation_state": citem["state"],
            "created_by": "system",
            "date_created": citem["date_created"],
            "date_updated": citem["date_updated"],
            "friendly_name": citem["friendly_name"],
            "last_read_message_index": n_msgs - 1 - p if n_msgs > p else None,
            "links": {"conversation": f"{CONV}/Conversations/{csid}",
                      "participant": f"{CONV}/Conversations/{csid}/Participants/{_participant_sid(pc, c, p)}"},
            "notification_level": "default",
            "participant_sid": _participant_sid(pc, c, p),
            "timers": citem["timers"],
            "unique_name": None,
            "unread_messages_count": p,
            "url": f"{CONV}/Users/{usid}/Conversations/{csid}",
            "user_sid": usid,
        }, {"user_sid": usid, "conversation_sid": csid}))
    return ListCollection("conversations", recs)


def conversation_services(world: World, pc: ProductCodecs) -> list:
    acc = pc.acc
    out = []
    for k in range(world.config.count("conversation_services")):
        sid = pc.conv_service.sid(k)
        t = acc.at(7200 + k * DAY)
        out.append(({
            "account_sid": acc.sid,
            "date_created": iso(t),
            "date_updated": iso(t + 1),
            "friendly_name": "Default Conversations Service" if k == 0 else f"Service {k}",
            "links": {name: f"{CONV}/Services/{sid}/{path}" for name, path in (
                ("bindings", "Bindings"), ("configuration", "Configuration"), ("conversations", "Conversations"),
                ("participant_conversations", "ParticipantConversations"), ("roles", "Roles"), ("users", "Users"))},
            "sid": sid,
            "url": f"{CONV}/Services/{sid}",
        }, {"sid": sid}))
    return out


def conversation_roles(world: World, pc: ProductCodecs) -> list:
    acc = pc.acc
    out = []
    svc = pc.conv_service.sid(0)
    for k in range(world.config.count("conversation_roles")):
        sid = pc.conv_role.sid(k)
        t = acc.at(7300 + k * 60)
        kind = "conversation" if k < 2 else "service"
        out.append(({
            "account_sid": acc.sid,
            "chat_service_sid": svc,
            "date_created": iso(t),
            "date_updated": iso(t),
            "friendly_name": ("Conversation Admin", "Conversation User", "Service User")[k % 3] + ("" if k < 3 else f" {k}"),
            "permissions": ["sendMessage", "leaveConversation", "editOwnMessage", "deleteOwnMessage"]
            if kind == "conversation" else ["addParticipant", "editOwnUserInfo"],
            "sid": sid,
            "type": kind,
            "url": f"{CONV}/Roles/{sid}",
        }, {"sid": sid}))
    return out
