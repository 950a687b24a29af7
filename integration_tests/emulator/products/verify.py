"""Verify v2: services and verification attempts."""
from __future__ import annotations

from ..ids import mix64
from ..listing import TimelineCollection
from ..timefmt import DAY, iso
from ..timeline import Timeline
from ..world import World
from .common import VERIFY, ProductCodecs

# =========================================================================== verify, messaging, trunking, events


def verify_services(world: World, pc: ProductCodecs) -> list:
    acc = pc.acc
    out = []
    for k in range(world.config.count("verify_services")):
        sid = pc.verify_service.sid(k)
        t = acc.at(4 * DAY + k * 600)
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
