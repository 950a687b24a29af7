"""Hosts and per-account SID codecs shared by the v1/v2 product records."""
from __future__ import annotations

from ..ids import salt_for
from ..world import Account, World

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
