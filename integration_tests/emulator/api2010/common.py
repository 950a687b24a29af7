"""What every 2010-04-01 record builder shares: the API version, message bodies, the
per-account SID codecs, and the display form of phone numbers."""
from __future__ import annotations

from ..ids import salt_for
from ..timefmt import DAY
from ..world import Account, World

API_VERSION = "2010-04-01"

MSG_BODIES = [
    "Your verification code is 482913",
    "Your order #1042 has shipped and will arrive Tuesday.",
    "Reminder: your appointment is tomorrow at 10:00 AM. Reply C to confirm.",
    "Thanks! We received your payment of $42.00.",
    "Hi, is this still available?",
    "Your table for 2 is ready.",
    "STOP",
    "Sale ends tonight: 20% off everything with code SPRING.",
    "Driver is 5 minutes away.",
    "Can you call me back when you get a chance?",
    "Your package was delivered to the front door.",
    "Password reset requested. If this wasn't you, ignore this message.",
    "ok see you then",
    "Your ride receipt: $18.40. Rate your driver in the app.",
    "Low balance alert: your account balance is below $10.",
    "Welcome to Emulator Co! Reply HELP for help, STOP to opt out.",
]


def formatted(number: str) -> str:
    """E.164 US number -> Twilio's "(415) 555-0100" display form."""
    if number.startswith("+1") and len(number) == 12:
        return f"({number[2:5]}) {number[5:8]}-{number[8:]}"
    return number


class AccountCodecs:
    """SID codecs and constant strings of one account, built once."""

    def __init__(self, world: World, acc: Account):
        c = world.codec
        i = acc.idx
        self.acc = acc
        self.message = c("SM", "messages", i)
        self.media = c("ME", "media", i)
        self.call = c("CA", "calls", i)
        self.conference = c("CF", "conferences", i)
        self.recording = c("RE", "recordings", i)
        self.transcription = c("TR", "transcriptions", i)
        self.notification = c("NO", "notifications", i)
        self.address = c("AD", "addresses", i)
        self.application = c("AP", "applications", i)
        self.number = c("PN", "incoming_phone_numbers", i)
        self.caller_id = c("PN", "outgoing_caller_ids", i)
        self.key = c("SK", "keys", i)
        self.queue = c("QU", "queues", i)
        self.trigger = c("UT", "usage_triggers", i)
        self.messaging_service = c("MG", "messaging_services", i)
        self.number_sids = {n: self.number.sid(k) for k, n in enumerate(acc.numbers)}
        self.fmt = {n: formatted(n) for n in acc.numbers + acc.customers}
        self.ms_sid = self.messaging_service.sid(0)
        self.salt_msg = salt_for(world.config.seed, "msg-attrs", i)
        self.salt_call = salt_for(world.config.seed, "call-attrs", i)


def _t(acc: Account, k: int, spacing: int = 3 * DAY) -> int:
    """Creation time of the k-th configuration object of an account (before history)."""
    return acc.at(3600 + k * spacing)
