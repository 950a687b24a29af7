"""Records of the v1/v2 product APIs (monitor, conversations, chat, studio, verify,
messaging, trunking, events, insights, pricing), shaped like Twilio's.

These APIs use ISO 8601 "Z" dates, JSON numbers for counts, and absolute ``url`` /
``links`` pointing at the real product host (https://conversations.twilio.com/...), as
Twilio returns them -- only the paging links are rewritten to point at the emulator.
The account a request reads is the HTTP Basic username (see server.py).
"""
from __future__ import annotations

from .api2010 import MSG_BODIES, AccountCodecs, CallsCollection
from .ids import mix64, salt_for
from .listing import Collection, ListCollection, TimelineCollection
from .timefmt import DAY, iso
from .timeline import Timeline
from .world import Account, World

MONITOR = "https://monitor.twilio.com/v1"
CONV = "https://conversations.twilio.com/v1"
CHAT = "https://chat.twilio.com/v2"
STUDIO = "https://studio.twilio.com/v2"
VERIFY = "https://verify.twilio.com/v2"
MESSAGING = "https://messaging.twilio.com/v1"
TRUNKING = "https://trunking.twilio.com/v1"
EVENTS = "https://events.twilio.com/v1"
INSIGHTS = "https://insights.twilio.com/v1"
PRICING1 = "https://pricing.twilio.com/v1"
PRICING2 = "https://pricing.twilio.com/v2"

ALERT_CODES = [
    ("30003", "error", "Unreachable destination handset"),
    ("30005", "error", "Unknown destination handset"),
    ("30007", "warning", "Message filtered"),
    ("11200", "error", "HTTP retrieval failure"),
    ("13227", "warning", "Invalid Phone Number"),
    ("21610", "notice", "Attempt to send to unsubscribed recipient"),
    ("82002", "debug", "Error on Twilio Function response"),
]


class ProductCodecs:
    def __init__(self, world: World, acc: Account):
        c = world.codec
        i = acc.idx
        self.acc = acc
        self.alert = c("NO", "alerts", i)
        self.event = c("AE", "monitor_events", i)
        self.conversation = c("CH", "conversations", i)
        self.conv_message = c("IM", "conversation_messages", i)
        self.participant = c("MB", "conversation_participants", i)
        self.user = c("US", "users", i)
        self.conv_service = c("IS", "conversation_services", i)
        self.conv_role = c("RL", "conversation_roles", i)
        self.chat_service = c("IS", "chat_services", i)
        self.chat_role = c("RL", "chat_roles", i)
        self.flow = c("FW", "flows", i)
        self.execution = c("FN", "executions", i)
        self.step = c("FT", "steps", i)
        self.contact = c("FC", "contacts", i)
        self.verify_service = c("VA", "verify_services", i)
        self.attempt = c("VL", "verify_attempts", i)
        self.verification = c("VE", "verifications", i)
        self.messaging_service = c("MG", "messaging_services", i)
        self.trunk = c("TK", "trunks", i)
        self.sink = c("DG", "sinks", i)
        self.subscription = c("DF", "subscriptions", i)
        self.salt = salt_for(world.config.seed, "products", i)


# =========================================================================== monitor


def alerts_collection(pc: ProductCodecs, cc: AccountCodecs, tl: Timeline) -> TimelineCollection:
    """GET monitor /v1/Alerts; date_generated trails date_created by 0-2 s."""
    acc = pc.acc

    def make(i: int, t: int):
        h = mix64(pc.salt ^ (i * 40503 + 1))
        sid = pc.alert.sid(i)
        code, level, text = ALERT_CODES[h % len(ALERT_CODES)]
        gen = t - (h >> 8) % 3
        item = {
            "account_sid": acc.sid,
            "alert_text": f"Msg={text.replace(' ', '+')}&sourceComponent=14100&ErrorCode={code}&LogLevel={level.upper()}",
            "api_version": "2010-04-01",
            "date_created": iso(t),
            "date_generated": iso(gen),
            "date_updated": iso(t),
            "error_code": code,
            "log_level": level,
            "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "request_method": "POST",
            "request_url": "https://example.com/twilio/status",
            "resource_sid": cc.message.sid((h >> 16) % 100000),
            "service_sid": None,
            "sid": sid,
            "url": f"{MONITOR}/Alerts/{sid}",
        }
        return item, {"sid": sid, "date_generated": gen, "log_level": level}

    return TimelineCollection("alerts", tl, make, {"date_generated": (-2, 0)})


EVENT_TYPES_MONITOR = [
    ("account.updated", "account"), ("phone-number.created", "phone-number"), ("api-key.created", "api-key"),
    ("messaging-service.updated", "messaging-service"), ("user.logged-in", "user"),
]


def monitor_events_collection(pc: ProductCodecs, tl: Timeline) -> TimelineCollection:
    acc = pc.acc

    def make(i: int, t: int):
        h = mix64(pc.salt ^ (i * 69069 + 2))
        sid = pc.event.sid(i)
        etype, rtype = EVENT_TYPES_MONITOR[h % len(EVENT_TYPES_MONITOR)]
        actor = pc.user.sid((h >> 8) % 4)
        item = {
            "account_sid": acc.sid,
            "actor_sid": actor,
            "actor_type": "user",
            "description": None,
            "event_data": {"friendly_name": {"previous": f"name {i}", "updated": f"name {i + 1}"}} if rtype == "account" else {},
            "event_date": iso(t),
            "event_type": etype,
            "links": {
                "actor": f"https://api.twilio.com/2010-04-01/Accounts/{actor}",
                "resource": f"https://api.twilio.com/2010-04-01/Accounts/{acc.sid}",
            },
            "resource_sid": acc.sid,
            "resource_type": rtype,
            "sid": sid,
            "source": ("web", "api")[(h >> 16) & 1],
            "source_ip_address": "10.%d.%d.%d" % ((h >> 20) & 255, (h >> 28) & 255, (h >> 36) & 255),
            "url": f"{MONITOR}/Events/{sid}",
        }
        return item, {"sid": sid, "event_date": t}

    return TimelineCollection("events", tl, make, {"event_date": (0, 0)})


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
        t = acc.date_created + DAY + u * 3600
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
        t = acc.date_created + 7200 + k * DAY
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
        t = acc.date_created + 7300 + k * 60
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


# =========================================================================== chat v2


def chat_services(world: World, pc: ProductCodecs) -> list:
    acc = pc.acc
    out = []
    for k in range(world.config.count("chat_services")):
        sid = pc.chat_service.sid(k)
        t = acc.date_created + 9000 + k * DAY
        r = [pc.chat_role.sid(k * 16 + j) for j in range(3)]
        out.append(({
            "account_sid": acc.sid,
            "consumption_report_interval": 10,
            "date_created": iso(t),
            "date_updated": iso(t + 30),
            "default_channel_creator_role_sid": r[1],
            "default_channel_role_sid": r[1],
            "default_service_role_sid": r[0],
            "friendly_name": f"Chat Service {k}",
            "limits": {"channel_members": 100, "user_channels": 250},
            "links": {name: f"{CHAT}/Services/{sid}/{name.capitalize()}" for name in ("channels", "users", "roles", "bindings")},
            "media": {"size_limit_mb": 150, "compatibility_message": "Media messages are not supported"},
            "notifications": {},
            "post_webhook_retry_count": 0,
            "post_webhook_url": None,
            "pre_webhook_retry_count": 0,
            "pre_webhook_url": None,
            "reachability_enabled": False,
            "read_status_enabled": True,
            "sid": sid,
            "typing_indicator_timeout": 5,
            "url": f"{CHAT}/Services/{sid}",
            "webhook_filters": [],
            "webhook_method": "POST",
        }, {"sid": sid}))
    return out


def chat_roles(world: World, pc: ProductCodecs, k: int) -> ListCollection:
    acc = pc.acc
    ssid = pc.chat_service.sid(k)
    t0 = acc.date_created + 9000 + k * DAY
    recs = []
    for j in range(world.config.count("chat_roles_per_service")):
        sid = pc.chat_role.sid(k * 16 + j)
        kind = "deployment" if j == 0 else "channel"
        recs.append(({
            "sid": sid,
            "account_sid": acc.sid,
            "service_sid": ssid,
            "friendly_name": ("service user", "channel user", "channel admin")[j % 3] + ("" if j < 3 else f" {j}"),
            "type": kind,
            "permissions": ["createChannel", "joinChannel", "editOwnUserInfo"] if kind == "deployment"
            else ["sendMessage", "leaveChannel", "editOwnMessage", "deleteOwnMessage"],
            "date_created": iso(t0 + j),
            "date_updated": iso(t0 + j),
            "url": f"{CHAT}/Services/{ssid}/Roles/{sid}",
        }, {"sid": sid}))
    return ListCollection("roles", recs)


# =========================================================================== studio v2


def flows(world: World, pc: ProductCodecs) -> list:
    acc = pc.acc
    out = []
    for f in range(world.config.count("flows")):
        sid = pc.flow.sid(f)
        t = acc.date_created + 2 * DAY + f * 3600
        out.append(({
            "account_sid": acc.sid,
            "commit_message": None if f else "first draft",
            "date_created": iso(t),
            "date_updated": iso(t + DAY),
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


# =========================================================================== verify, messaging, trunking, events


def verify_services(world: World, pc: ProductCodecs) -> list:
    acc = pc.acc
    out = []
    for k in range(world.config.count("verify_services")):
        sid = pc.verify_service.sid(k)
        t = acc.date_created + 4 * DAY + k * 600
        out.append(({
            "account_sid": acc.sid,
            "code_length": 6,
            "custom_code_enabled": False,
            "date_created": iso(t),
            "date_updated": iso(t + 60),
            "default_template_sid": None,
            "do_not_share_warning_enabled": False,
            "dtmf_input_required": True,
            "friendly_name": f"Verify Service {k}",
            "links": {name: f"{VERIFY}/Services/{sid}/{path}" for name, path in (
                ("access_tokens", "AccessTokens"), ("entities", "Entities"),
                ("messaging_configurations", "MessagingConfigurations"), ("rate_limits", "RateLimits"),
                ("verification_checks", "VerificationCheck"), ("verifications", "Verifications"), ("webhooks", "Webhooks"))},
            "lookup_enabled": False,
            "mailer_sid": None,
            "psd2_enabled": False,
            "push": {"apn_credential_sid": None, "fcm_credential_sid": None, "include_date": False},
            "sid": sid,
            "skip_sms_to_landlines": False,
            "totp": {"code_length": 6, "issuer": "Emulator", "skew": 1, "time_step": 30},
            "tts_name": None,
            "url": f"{VERIFY}/Services/{sid}",
        }, {"sid": sid}))
    return out


def verify_attempts_collection(world: World, pc: ProductCodecs, tl: Timeline) -> TimelineCollection:
    acc = pc.acc
    n_svc = max(1, world.config.count("verify_services"))

    def make(i: int, t: int):
        sid = pc.attempt.sid(i)
        h = mix64(pc.salt ^ (i * 1103515245 + 12345))
        ok = h % 4 != 0
        ve = pc.verification.sid(i)
        item = {
            "account_sid": acc.sid,
            "channel": ("sms", "sms", "call", "email")[(h >> 2) & 3],
            "channel_data": {
                "carrier": "Emulated Mobile", "code_length": 6, "country": "US", "error_code": None if ok else "30008",
                "locale": "en", "mcc": "310", "message_status": "delivered" if ok else "undelivered", "mnc": "260",
                "status": "confirmed" if ok else "unconfirmed", "to": acc.customers[(h >> 8) % len(acc.customers)],
                "verification_sid": ve,
            },
            "conversion_status": "converted" if ok else "unconverted",
            "date_created": iso(t),
            "date_updated": iso(t + 1),
            "price": {"currency": "usd", "value": "0.05"},
            "service_sid": pc.verify_service.sid((h >> 16) % n_svc),
            "sid": sid,
            "url": f"{VERIFY}/Attempts/{sid}",
            "verification_sid": ve,
        }
        return item, {"sid": sid, "date_created": t}

    return TimelineCollection("attempts", tl, make, {"date_created": (0, 0)})


def messaging_services(world: World, pc: ProductCodecs) -> list:
    acc = pc.acc
    out = []
    for k in range(world.config.count("messaging_services")):
        sid = pc.messaging_service.sid(k)
        t = acc.date_created + 5 * DAY + k * 600
        out.append(({
            "account_sid": acc.sid,
            "area_code_geomatch": True,
            "date_created": iso(t),
            "date_updated": iso(t + 120),
            "fallback_method": "POST",
            "fallback_to_long_code": True,
            "fallback_url": None,
            "friendly_name": ("Notifications", "Marketing", "Support")[k % 3] + ("" if k < 3 else f" {k}"),
            "inbound_method": "POST",
            "inbound_request_url": "https://example.com/twilio/inbound",
            "links": {name: f"{MESSAGING}/Services/{sid}/{path}" for name, path in (
                ("phone_numbers", "PhoneNumbers"), ("short_codes", "ShortCodes"), ("alpha_senders", "AlphaSenders"),
                ("messages", "Messages"), ("us_app_to_person", "Compliance/Usa2p"),
                ("us_app_to_person_usecases", "Compliance/Usa2p/Usecases"), ("channel_senders", "ChannelSenders"),
                ("destination_alpha_senders", "DestinationAlphaSenders"))},
            "mms_converter": True,
            "scan_message_content": "inherit",
            "sid": sid,
            "smart_encoding": True,
            "status_callback": None,
            "sticky_sender": True,
            "synchronous_validation": False,
            "url": f"{MESSAGING}/Services/{sid}",
            "us_app_to_person_registered": False,
            "use_inbound_webhook_on_number": False,
            "usecase": ("notifications", "marketing", "customer_care")[k % 3],
            "validity_period": 14400,
        }, {"sid": sid}))
    return out


def trunks(world: World, pc: ProductCodecs) -> list:
    acc = pc.acc
    out = []
    for k in range(world.config.count("trunks")):
        sid = pc.trunk.sid(k)
        t = acc.date_created + 6 * DAY + k * 600
        out.append(({
            "account_sid": acc.sid,
            "auth_type": "",
            "auth_type_set": [],
            "cnam_lookup_enabled": False,
            "date_created": iso(t),
            "date_updated": iso(t + 60),
            "disaster_recovery_method": "POST",
            "disaster_recovery_url": None,
            "domain_name": f"emulator-{acc.idx}-{k}.pstn.twilio.com",
            "friendly_name": f"Trunk {k}",
            "links": {name: f"{TRUNKING}/Trunks/{sid}/{path}" for name, path in (
                ("credential_lists", "CredentialLists"), ("ip_access_control_lists", "IpAccessControlLists"),
                ("origination_urls", "OriginationUrls"), ("phone_numbers", "PhoneNumbers"), ("recordings", "Recording"))},
            "recording": {"mode": "do-not-record", "trim": "do-not-trim"},
            "secure": False,
            "sid": sid,
            "symmetric_rtp_enabled": False,
            "transfer_caller_id": "from-transferee",
            "transfer_mode": "disable-all",
            "url": f"{TRUNKING}/Trunks/{sid}",
        }, {"sid": sid}))
    return out


EVENT_TYPES = [
    ("com.twilio.messaging.message.delivered", "Messaging.MessageStatus", "Messaging- delivered message"),
    ("com.twilio.messaging.message.failed", "Messaging.MessageStatus", "Messaging- failed message"),
    ("com.twilio.messaging.message.queued", "Messaging.MessageStatus", "Messaging- queued message"),
    ("com.twilio.messaging.message.sent", "Messaging.MessageStatus", "Messaging- sent message"),
    ("com.twilio.messaging.message.undelivered", "Messaging.MessageStatus", "Messaging- undelivered message"),
    ("com.twilio.messaging.inbound-message.received", "Messaging.InboundMessageV1", "Messaging- inbound message received"),
    ("com.twilio.voice.insights.call-summary.complete", "Voice.Insights.CallSummary", "Voice Insights- call summary"),
    ("com.twilio.voice.status-callback.call.completed", "Voice.StatusCallback", "Voice- call completed"),
    ("com.twilio.voice.status-callback.call.ringing", "Voice.StatusCallback", "Voice- call ringing"),
    ("com.twilio.studio.flow.execution.ended", "Studio.FlowExecution", "Studio- flow execution ended"),
]
EVENT_TYPES_T0 = 1597325300  # 2020-08-13T13:28:20Z, as in Twilio's examples


def event_types() -> list:
    out = []
    for k, (typ, schema, desc) in enumerate(EVENT_TYPES):
        t = EVENT_TYPES_T0 - k
        out.append(({
            "date_created": iso(t),
            "date_updated": iso(t),
            "description": desc,
            "documentation_url": None,
            "links": {"schema": f"{EVENTS}/Schemas/{schema}/Versions"},
            "schema_id": schema,
            "status": "available",
            "type": typ,
            "url": f"{EVENTS}/Types/{typ}",
        }, {"type": typ}))
    return out


def sinks(world: World, pc: ProductCodecs) -> list:
    acc = pc.acc
    out = []
    for k in range(world.config.count("sinks")):
        sid = pc.sink.sid(k)
        t = acc.date_created + 7 * DAY + k * 600
        kinesis = k % 2 == 0
        out.append(({
            "date_created": iso(t),
            "date_updated": iso(t + 60),
            "description": f"{'Kinesis' if kinesis else 'Webhook'} sink {k}",
            "links": {"sink_test": f"{EVENTS}/Sinks/{sid}/Test", "sink_validate": f"{EVENTS}/Sinks/{sid}/Validate"},
            "sid": sid,
            "sink_configuration": {"arn": f"arn:aws:kinesis:us-east-1:111111111:stream/emulator{k}",
                                   "role_arn": "arn:aws:iam::111111111:role/Role", "external_id": "1234567890"}
            if kinesis else {"destination": "https://example.com/events", "method": "POST", "batch_events": True},
            "sink_type": "kinesis" if kinesis else "webhook",
            "status": "active",
            "url": f"{EVENTS}/Sinks/{sid}",
        }, {"sid": sid}))
    return out


def subscriptions(world: World, pc: ProductCodecs) -> list:
    acc = pc.acc
    out = []
    n_sinks = max(1, world.config.count("sinks"))
    for k in range(world.config.count("subscriptions")):
        sid = pc.subscription.sid(k)
        t = acc.date_created + 7 * DAY + 3600 + k * 600
        out.append(({
            "account_sid": acc.sid,
            "date_created": iso(t),
            "date_updated": iso(t + 93),
            "description": f"Subscription {k}",
            "links": {"subscribed_events": f"{EVENTS}/Subscriptions/{sid}/SubscribedEvents"},
            "sid": sid,
            "sink_sid": pc.sink.sid(k % n_sinks),
            "url": f"{EVENTS}/Subscriptions/{sid}",
        }, {"sid": sid}))
    return out


# =========================================================================== Voice Insights call summaries

CALL_STATE = {"completed": "completed", "busy": "busy", "no-answer": "noanswer", "failed": "fail", "canceled": "canceled"}


class SummariesCollection(Collection):
    """GET insights /v1/Voice/Summaries: one summary per ``stride``-th settled call.

    Summary k describes call ``k * stride``; ordered by start_time ascending.
    """

    key = "call_summaries"
    lags = {"start_time": (0, 20)}

    def __init__(self, pc: ProductCodecs, calls: CallsCollection, stride: int):
        self.pc, self.calls, self.stride = pc, calls, max(1, stride)
        self.n = (calls.settle.settled_upto + self.stride - 1) // self.stride

    def __len__(self):
        return self.n

    def has_times(self):
        return True

    def _bound(self, t: int, strict: bool) -> int:
        lo, hi = 0, self.n
        tl = self.calls.tl
        while lo < hi:
            mid = (lo + hi) >> 1
            v = tl.time(mid * self.stride)
            if v < t or (strict and v == t):
                lo = mid + 1
            else:
                hi = mid
        return lo

    def index_bounds(self, t_lo, t_hi):
        return (0 if t_lo is None else self._bound(t_lo, False)), (self.n if t_hi is None else self._bound(t_hi, True))

    def record(self, k: int):
        ci = k * self.stride
        citem, ca = self.calls.record(ci)
        h = mix64(self.pc.salt ^ (ci * 2246822519 + 9))
        start, end = ca["start_time"], ca["end_time"]
        inbound = citem["direction"] == "inbound"
        annotated = h % 5 != 0
        item = {
            "account_sid": citem["account_sid"],
            "annotation": {
                "answered_by": "human" if (h >> 3) & 3 else "machine",
                "call_score": 1 + (h >> 6) % 5,
                "comment": None,
                "connectivity_issue": "no_connectivity_issue",
                "incident": None,
                "quality_issues": ["no_quality_issue"] if (h >> 9) % 4 else ["choppy_robotic"],
                "spam": False,
            } if annotated else None,
            "answered_by": "unknown" if citem["answered_by"] is None else ("human" if citem["answered_by"] == "human" else "machine_start"),
            "attributes": {"conference_participant": False},
            "call_sid": ca["sid"],
            "call_state": CALL_STATE.get(ca["status"], "completed"),
            "call_type": "carrier",
            "carrier_edge": {"properties": {"direction": "inbound" if inbound else "outbound", "edge_location": "ashburn",
                                            "media_region": "us1", "signaling_region": "us1"}},
            "client_edge": None,
            "connect_duration": max(0, end - start - 2) if end is not None else 0,
            "created_time": iso(ca["date_created"]),
            "duration": (end - start) if end is not None else 0,
            "end_time": iso(end),
            "from": {"caller": citem["from"], "carrier": "Emulated Carrier", "connection": "mobile",
                     "country_code": "US", "number_prefix": citem["from"][1:5]},
            "processing_state": "complete",
            "properties": {"direction": "inbound" if inbound else "outbound_api", "disconnected_by": "callee",
                           "last_sip_response_num": 200, "pdd_ms": 100 + h % 900},
            "sdk_edge": None,
            "sip_edge": None,
            "start_time": iso(start),
            "tags": None,
            "to": {"callee": citem["to"], "carrier": "Emulated Carrier", "connection": "mobile",
                   "country_code": "US", "number_prefix": citem["to"][1:5]},
            "trust": None,
            "url": f"{INSIGHTS}/Voice/{ca['sid']}/Summary",
        }
        return item, {"call_sid": ca["sid"], "start_time": start}


# =========================================================================== pricing (global)

PRICING_COUNTRIES = [
    ("AR", "Argentina"), ("AU", "Australia"), ("AT", "Austria"), ("BE", "Belgium"), ("BR", "Brazil"),
    ("CA", "Canada"), ("CL", "Chile"), ("CN", "China"), ("CO", "Colombia"), ("DK", "Denmark"),
    ("FI", "Finland"), ("FR", "France"), ("DE", "Germany"), ("HK", "Hong Kong"), ("IN", "India"),
    ("IE", "Ireland"), ("IL", "Israel"), ("IT", "Italy"), ("JP", "Japan"), ("MX", "Mexico"),
    ("NL", "Netherlands"), ("NZ", "New Zealand"), ("NO", "Norway"), ("PL", "Poland"), ("PT", "Portugal"),
    ("SG", "Singapore"), ("ZA", "South Africa"), ("ES", "Spain"), ("SE", "Sweden"), ("CH", "Switzerland"),
    ("GB", "United Kingdom"), ("US", "United States"),
]
PRICING_BY_ISO = dict(PRICING_COUNTRIES)


def pricing_list(version: str) -> list:
    base = f"{PRICING1}/Messaging" if version == "messaging" else f"{PRICING2}/Voice"
    return [({"country": name, "iso_country": iso_c, "url": f"{base}/Countries/{iso_c}"}, {"iso_country": iso_c})
            for iso_c, name in PRICING_COUNTRIES]


def _price(seed: int, *labels) -> str:
    return "%.4f" % (0.005 + (mix64(salt_for(seed, *labels)) % 900) / 10000.0)


def pricing_messaging_country(seed: int, iso_c: str) -> dict | None:
    name = PRICING_BY_ISO.get(iso_c)
    if name is None:
        return None
    carriers = [(f"{name} Mobile {k}", "%03d" % (200 + k), "%02d" % k) for k in range(2)]
    return {
        "country": name,
        "inbound_sms_prices": [{"base_price": _price(seed, iso_c, t, "in"), "current_price": _price(seed, iso_c, t, "in"),
                                "number_type": t} for t in ("local", "mobile", "toll free")],
        "iso_country": iso_c,
        "outbound_sms_prices": [{
            "carrier": c, "mcc": mcc, "mnc": mnc,
            "prices": [{"base_price": _price(seed, iso_c, c, t), "current_price": _price(seed, iso_c, c, t), "number_type": t}
                       for t in ("local", "mobile")],
        } for c, mcc, mnc in carriers],
        "price_unit": "USD",
        "url": f"{PRICING1}/Messaging/Countries/{iso_c}",
    }


def pricing_voice_country(seed: int, iso_c: str) -> dict | None:
    name = PRICING_BY_ISO.get(iso_c)
    if name is None:
        return None
    return {
        "country": name,
        "inbound_call_prices": [{"base_price": _price(seed, iso_c, t, "vin"), "current_price": _price(seed, iso_c, t, "vin"),
                                 "number_type": t} for t in ("local", "toll free")],
        "iso_country": iso_c,
        "outbound_prefix_prices": [{
            "base_price": _price(seed, iso_c, k, "vout"), "current_price": _price(seed, iso_c, k, "vout"),
            "destination_prefixes": [f"{10 + k}"], "friendly_name": f"Programmable Outbound Minute - {name} - {kind}",
            "origination_prefixes": ["ALL"],
        } for k, kind in enumerate(("Mobile", "Landline", "Toll Free"))],
        "price_unit": "USD",
        "url": f"{PRICING2}/Voice/Countries/{iso_c}",
    }
