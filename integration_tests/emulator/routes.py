"""URL routing: which stream answers ``/{product}/{path}``, with which filters and rules.

Paths are the real Twilio paths under the product host (STREAMS.md "EMULATOR URL
CONTRACT"): ``/api/2010-04-01/Accounts/AC.../Messages.json`` is what the real API
serves at ``https://api.twilio.com/2010-04-01/Accounts/AC.../Messages.json``.

Besides the filters each route can carry:
* ``prepare`` -- server-side defaults Twilio applies (Voice Insights summaries cover
  the last 4 hours unless StartTime is given; Monitor Alerts/Events cover the 30-day
  retention window; Conversations filtered by date come newest first);
* ``validate`` -- Twilio's refusals (Messages older than 400 days -> 400 code 20004;
  Monitor StartDate older than 30 days -> 400; an Alerts window with more than 10,000
  results -> 400).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from .listing import FilterError, FilterSpec, Query, time_filters
from .timefmt import DAY

SID = "[0-9a-f]{32}"
ACC = rf"/2010-04-01/Accounts/(?P<ac>AC{SID})"


@dataclass
class Route:
    product: str
    pattern: str
    stream: str
    style: str = "v1"  # "2010" or "v1" (v1/v2 envelope)
    kind: str = "list"  # list | object | countries | numbers | accounts
    filters: list[FilterSpec] = field(default_factory=list)
    max_page_size: int = 1000
    prepare: Callable | None = None
    validate: Callable | None = None
    global_: bool = False  # not per account (event types, pricing)
    regex: re.Pattern = None

    def __post_init__(self):
        self.regex = re.compile(self.pattern + r"/?")


# ----------------------------------------------------------------------------- hooks


def _messages_retention(ctx, q: Query, knobs) -> None:
    a, _ = q.ranges.get("date_sent", (None, None))
    limit = ctx.now - knobs.messages_retention_days * DAY
    if a is not None and a < limit:
        raise FilterError(
            f"Unable to retrieve messages sent before {knobs.messages_retention_days} days ago: "
            f"DateSent must be on or after the message log retention window", code=20004)


def _monitor_window(attr: str):
    def prepare(ctx, q: Query, knobs) -> None:
        a, b = q.ranges.get(attr, (None, None))
        floor = ctx.now - knobs.monitor_retention_days * DAY
        if a is not None and a < floor:
            raise FilterError(f"StartDate cannot be more than {knobs.monitor_retention_days} days in the past", code=20001)
        if a is None:
            q.ranges[attr] = (floor, b)
    return prepare


def _insights_default(ctx, q: Query, knobs) -> None:
    if knobs.insights_default_hours and "StartTime" not in q.raw:
        a, b = q.ranges.get("start_time", (None, None))
        q.ranges["start_time"] = (ctx.now - int(knobs.insights_default_hours * 3600), b)


def _conversations_order(ctx, q: Query, knobs) -> None:
    if "date_created" in q.ranges:
        q.order = "desc"  # "If this filter is used, the returned list is sorted ... descending"


ALERTS_PREPARE = _monitor_window("date_generated")
EVENTS_PREPARE = _monitor_window("event_date")


# ----------------------------------------------------------------------------- table

ROUTES: list[Route] = [
    # ---- 2010-04-01 (api.twilio.com)
    Route("api", r"/2010-04-01/Accounts\.json", "accounts", "2010", "accounts",
          [FilterSpec("Status", "status"), FilterSpec("FriendlyName", "friendly_name")]),
    Route("api", ACC + r"\.json", "accounts", "2010", "object"),
    Route("api", ACC + r"/Balance\.json", "account_balance", "2010", "object"),
    Route("api", ACC + r"/Addresses\.json", "addresses", "2010"),
    Route("api", ACC + rf"/Addresses/(?P<parent>AD{SID})/DependentPhoneNumbers\.json", "dependent_phone_numbers", "2010"),
    Route("api", ACC + r"/Applications\.json", "applications", "2010"),
    Route("api", ACC + r"/AvailablePhoneNumbers\.json", "available_phone_number_countries", "2010", "countries"),
    Route("api", ACC + r"/AvailablePhoneNumbers/(?P<parent>[A-Z]{2})/Local\.json", "available_phone_numbers_local", "2010", "numbers"),
    Route("api", ACC + r"/AvailablePhoneNumbers/(?P<parent>[A-Z]{2})/Mobile\.json", "available_phone_numbers_mobile", "2010", "numbers"),
    Route("api", ACC + r"/AvailablePhoneNumbers/(?P<parent>[A-Z]{2})/TollFree\.json", "available_phone_numbers_toll_free", "2010", "numbers"),
    Route("api", ACC + r"/Calls\.json", "calls", "2010", filters=[
        FilterSpec("To", "to"), FilterSpec("From", "from"), FilterSpec("Status", "status"),
        *time_filters("StartTime", "start_time"), *time_filters("EndTime", "end_time")]),
    Route("api", ACC + r"/Conferences\.json", "conferences", "2010", filters=[
        *time_filters("DateCreated", "date_created", "date"), *time_filters("DateUpdated", "date_updated", "date"),
        FilterSpec("Status", "status"), FilterSpec("FriendlyName", "friendly_name")]),
    Route("api", ACC + rf"/Conferences/(?P<parent>CF{SID})/Participants\.json", "conference_participants", "2010"),
    Route("api", ACC + r"/IncomingPhoneNumbers\.json", "incoming_phone_numbers", "2010"),
    Route("api", ACC + r"/Keys\.json", "keys", "2010"),
    Route("api", ACC + r"/Messages\.json", "messages", "2010", filters=[
        FilterSpec("To", "to"), FilterSpec("From", "from"), *time_filters("DateSent", "date_sent")],
        validate=_messages_retention),
    Route("api", ACC + rf"/Messages/(?P<parent>(?:SM|MM){SID})/Media\.json", "message_media", "2010",
          filters=time_filters("DateCreated", "date_created")),
    Route("api", ACC + r"/Notifications\.json", "notifications", "2010", filters=[
        FilterSpec("Log", "log"), *time_filters("MessageDate", "message_date", "date")]),
    Route("api", ACC + r"/OutgoingCallerIds\.json", "outgoing_caller_ids", "2010"),
    Route("api", ACC + r"/Queues\.json", "queues", "2010"),
    Route("api", ACC + r"/Recordings\.json", "recordings", "2010", filters=[
        *time_filters("DateCreated", "date_created"), FilterSpec("CallSid", "call_sid")]),
    Route("api", ACC + r"/Transcriptions\.json", "transcriptions", "2010"),
    Route("api", ACC + r"/Usage/Records/Daily\.json", "usage_records", "2010", filters=[
        FilterSpec("Category", "category"), FilterSpec("StartDate", "start_date", "ge", "usage"),
        FilterSpec("EndDate", "start_date", "le", "usage")]),
    Route("api", ACC + r"/Usage/Triggers\.json", "usage_triggers", "2010"),
    # ---- monitor.twilio.com
    Route("monitor", r"/v1/Alerts", "alerts", filters=[
        FilterSpec("LogLevel", "log_level"), FilterSpec("StartDate", "date_generated", "ge", "time"),
        FilterSpec("EndDate", "date_generated", "le", "time")], prepare=ALERTS_PREPARE),
    Route("monitor", r"/v1/Events", "monitor_events", filters=[
        FilterSpec("StartDate", "event_date", "ge", "time"), FilterSpec("EndDate", "event_date", "le", "time")],
        prepare=EVENTS_PREPARE),
    # ---- conversations.twilio.com
    Route("conversations", r"/v1/Conversations", "conversations", filters=[
        FilterSpec("StartDate", "date_created", "ge", "time"), FilterSpec("EndDate", "date_created", "le", "time"),
        FilterSpec("State", "state")], max_page_size=100, prepare=_conversations_order),
    Route("conversations", rf"/v1/Conversations/(?P<parent>CH{SID})/Messages", "conversation_messages", max_page_size=100),
    Route("conversations", rf"/v1/Conversations/(?P<parent>CH{SID})/Participants", "conversation_participants", max_page_size=100),
    Route("conversations", r"/v1/Users", "users", max_page_size=50),
    Route("conversations", rf"/v1/Users/(?P<parent>US{SID})/Conversations", "user_conversations", max_page_size=50),
    Route("conversations", r"/v1/Services", "conversation_services", max_page_size=100),
    Route("conversations", r"/v1/Roles", "conversation_roles", max_page_size=50),
    # ---- chat.twilio.com
    Route("chat", r"/v2/Services", "services", max_page_size=100),
    Route("chat", rf"/v2/Services/(?P<parent>IS{SID})/Roles", "roles", max_page_size=100),
    # ---- studio.twilio.com
    Route("studio", r"/v2/Flows", "flows"),
    Route("studio", rf"/v2/Flows/(?P<parent>FW{SID})/Executions", "executions", filters=[
        FilterSpec("DateCreatedFrom", "date_created", "ge", "time"), FilterSpec("DateCreatedTo", "date_created", "le", "time"),
        FilterSpec("Status", "status"), FilterSpec("status", "status")]),
    Route("studio", rf"/v2/Flows/(?P<parent>FW{SID})/Executions/(?P<execution>FN{SID})/Steps", "step"),
    # ---- verify.twilio.com
    Route("verify", r"/v2/Services", "verify_services"),
    Route("verify", r"/v2/Attempts", "verify_attempts", filters=[
        FilterSpec("DateCreatedAfter", "date_created", "ge", "time"),
        FilterSpec("DateCreatedBefore", "date_created", "le", "time")]),
    # ---- messaging / trunking / events
    Route("messaging", r"/v1/Services", "messaging_services"),
    Route("trunking", r"/v1/Trunks", "trunks"),
    Route("events", r"/v1/Types", "event_types", global_=True),
    Route("events", r"/v1/Sinks", "sinks"),
    Route("events", r"/v1/Subscriptions", "subscriptions"),
    # ---- insights.twilio.com
    Route("insights", r"/v1/Voice/Summaries", "call_summaries", filters=[
        FilterSpec("StartTime", "start_time", "ge", "span"), FilterSpec("EndTime", "start_time", "le", "span")],
        prepare=_insights_default),
    # ---- pricing.twilio.com (global)
    Route("pricing", r"/v1/Messaging/Countries", "pricing_messaging_countries", global_=True),
    Route("pricing", r"/v1/Messaging/Countries/(?P<parent>[A-Z]{2})", "pricing_messaging_countries", kind="object", global_=True),
    Route("pricing", r"/v2/Voice/Countries", "pricing_voice_countries", global_=True),
    Route("pricing", r"/v2/Voice/Countries/(?P<parent>[A-Z]{2})", "pricing_voice_countries", kind="object", global_=True),
]

PRODUCTS = sorted({r.product for r in ROUTES})
_BY_PRODUCT: dict[str, list[Route]] = {}
for _r in ROUTES:
    _BY_PRODUCT.setdefault(_r.product, []).append(_r)


def match(product: str, path: str) -> tuple[Route, dict] | None:
    for route in _BY_PRODUCT.get(product, ()):
        m = route.regex.fullmatch(path)
        if m:
            return route, m.groupdict()
    return None
