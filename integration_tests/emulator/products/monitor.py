"""Monitor: Alerts and Events (monitor.twilio.com/v1)."""
from __future__ import annotations

from ..api2010 import AccountCodecs
from ..ids import mix64
from ..listing import TimelineCollection
from ..timefmt import iso
from ..timeline import Timeline
from .common import MONITOR, ProductCodecs

ALERT_CODES = [
    ("30003", "error", "Unreachable destination handset"),
    ("30005", "error", "Unknown destination handset"),
    ("30007", "warning", "Message filtered"),
    ("11200", "error", "HTTP retrieval failure"),
    ("13227", "warning", "Invalid Phone Number"),
    ("21610", "notice", "Attempt to send to unsubscribed recipient"),
    ("82002", "debug", "Error on Twilio Function response"),
]


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
