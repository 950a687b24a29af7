"""Programmable Chat v2: services and their roles."""
from __future__ import annotations

from ..listing import ListCollection
from ..timefmt import DAY, iso
from ..world import World
from .common import CHAT, ProductCodecs

# =========================================================================== chat v2


def chat_services(world: World, pc: ProductCodecs) -> list:
    acc = pc.acc
    out = []
    for k in range(world.config.count("chat_services")):
        sid = pc.chat_service.sid(k)
        t = acc.at(9000 + k * DAY)
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
    t0 = acc.at(9000 + k * DAY)
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
