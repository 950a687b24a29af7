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
TASKROUTER = "https://taskrouter.twilio.com/v1"


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
        self.workspace = c("WS", "taskrouter_workspaces", i)
        self.activity = c("WA", "taskrouter_activities", i)
        self.task_channel = c("TC", "taskrouter_task_channels", i)
        self.task_queue = c("WQ", "taskrouter_task_queues", i)
        self.workflow = c("WW", "taskrouter_workflows", i)
        self.worker = c("WK", "taskrouter_workers", i)
        self.tr_task = c("WT", "taskrouter_tasks", i)
        self.reservation = c("WR", "taskrouter_reservations", i)
        self.tr_event = c("EV", "taskrouter_events", i)
        self.salt = salt_for(world.config.seed, "products", i)
