"""URL routing: which stream answers ``/{product}/{path}``, with which filters and rules.

``/api/2010-04-01/Accounts/AC.../Messages.json`` is what the real API serves at
``https://api.twilio.com/2010-04-01/Accounts/AC.../Messages.json``.  Every route is
written as the path of Twilio's OpenAPI spec (``reference/twilio-api/specs/``, see
spec.py); its URL pattern is derived from that path, and its ``PageSize`` maximum is
the spec's.  ``integration_tests/emulator_tests/test_contract.py`` checks that
every route and every parameter it accepts exist in the spec.

Besides the filters each route can carry:
* ``prepare`` -- server-side defaults Twilio applies (Voice Insights summaries cover
  the last 4 hours unless StartTime is given; Monitor Alerts/Events cover the 30-day
  retention window; Conversations filtered by date come newest first);
* ``validate`` -- Twilio's refusals (Messages older than 400 days -> 400 code 20004;
  Monitor StartDate older than 30 days -> 400); ``alerts_page_limit`` refuses an Alerts
  page beyond the 10,000th result.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from . import spec
from .catalog import STUDIO_RETENTION_DAYS
from .errors import HttpError
from .listing import FilterError, FilterSpec, Query, time_filters
from .products.taskrouter_tasks import EVENTS_RETENTION_DAYS
from .timefmt import DAY

SID = "[0-9a-f]{32}"
# spec path placeholder -> (regex group, pattern)
PLACEHOLDERS = {
    "AccountSid": ("ac", f"AC{SID}"),
    "AddressSid": ("parent", f"AD{SID}"),
    "CountryCode": ("parent", "[A-Z]{2}"),
    "ConferenceSid": ("parent", f"CF{SID}"),
    "MessageSid": ("parent", f"(?:SM|MM){SID}"),
    "ConversationSid": ("parent", f"CH{SID}"),
    "UserSid": ("parent", f"US{SID}"),
    "ServiceSid": ("parent", f"IS{SID}"),
    "FlowSid": ("parent", f"FW{SID}"),
    "ExecutionSid": ("execution", f"FN{SID}"),
    "IsoCountry": ("parent", "[A-Z]{2}"),
    "WorkspaceSid": ("parent", f"WS{SID}"),
    "TaskSid": ("task", f"WT{SID}"),
    "TranscriptSid": ("parent", f"GT{SID}"),
    "Sid": ("item", f"[A-Z]{{2}}{SID}"),  # an instance path's own SID (a Task's, a Worker's)
}
ACCOUNT = "/2010-04-01/Accounts/{AccountSid}"
WORKSPACE = "/v1/Workspaces/{WorkspaceSid}"


def path_regex(path: str) -> str:
    """The URL pattern of a spec path ("/v1/Users/{UserSid}/Conversations" -> named groups)."""
    out, pos = [], 0
    for m in re.finditer(r"\{(\w+)\}", path):
        out.append(re.escape(path[pos:m.start()]))
        name = m.group(1)
        if path == "/2010-04-01/Accounts/{Sid}.json" and name == "Sid":
            name = "AccountSid"
        group, pattern = PLACEHOLDERS[name]
        out.append(f"(?P<{group}>{pattern})")
        pos = m.end()
    out.append(re.escape(path[pos:]))
    return "".join(out)


@dataclass
class Route:
    product: str
    path: str  # the path as written in Twilio's OpenAPI spec
    stream: str
    style: str = "v1"  # "2010" or "v1" (v1/v2 envelope)
    kind: str = "list"  # list | object | countries | numbers | accounts
    filters: list[FilterSpec] = field(default_factory=list)
    prepare: Callable | None = None
    validate: Callable | None = None
    present: Callable | None = None  # (item, knobs) -> the item as a list page shows it
    global_: bool = False  # not per account (event types, pricing)
    max_page_size: int | None = None  # from the spec (None: the path does not page)
    variant: str = ""  # which of a stream's lists the path serves (Intelligence Operators: "PreBuilt", "Custom")
    regex: re.Pattern = None

    def __post_init__(self):
        self.regex = re.compile(path_regex(self.path) + r"/?")
        self.max_page_size = spec.page_size_max(self.product, self.path)

    @property
    def params(self) -> list[str]:
        """Every query parameter the route reads (filters and, for lists, paging)."""
        names = [f.param for f in self.filters]
        if self.max_page_size is not None:
            names += ["PageSize", "Page", "PageToken"]
        return names


# ----------------------------------------------------------------------------- hooks


def _messages_retention(ctx, q: Query, knobs) -> None:
    """Messages are listed for 400 days ("The Message Logs in the Twilio Console and the Messages API
    Resource display message records for up to 13 months (400 days) after the message is created",
    https://support.twilio.com/hc/en-us/articles/223181008-Twilio-SMS-message-and-traffic-storage).
    A DateSent range reaching further back is a 400 with code 20004 and this message, as recorded in
    https://github.com/airbytehq/airbyte/issues/10418."""
    a, b = q.ranges.get("date_sent", (None, None))
    limit = ctx.now - knobs.messages_retention_days * DAY
    if (a is not None and a < limit) or (b is not None and b < limit):
        raise FilterError(
            f"Date range specified in query is partially or entirely outside of retention window of "
            f"{knobs.messages_retention_days} days", code=20004)


def _messages_window(ctx, q: Query, knobs) -> None:
    """The Messages resource displays records "for up to 13 months (400 days) after the message is created",
    and media older than that is deleted (same support article): older ones are not listed."""
    q.add_range("date_created", ctx.now - knobs.messages_retention_days * DAY, None)


def _usage_before_creation(ctx, q: Query, knobs) -> None:
    """Usage Records for days before the account existed (knob usage_before_creation): Twilio does not document the
    answer, and users report 20404 on usage lists (twilio-python #406 and #787, twilio-csharp #141). "404": a StartDate
    before the account's creation day is 404 code 20404; "empty": served, and nothing is there."""
    lower = q.ranges.get("start_date", (None, None))[0]
    created_day = ctx.acc.date_created - ctx.acc.date_created % DAY
    if knobs.usage_before_creation == "404" and lower is not None and lower < created_day:
        raise HttpError(404, 20404, f"The requested resource {ctx.acc.base}/Usage/Records/Daily.json was not found")


def _studio_window(ctx, q: Query, knobs) -> None:
    """Studio serves executions for 30 days after they start (catalog.STUDIO_RETENTION_DAYS): older ones are not
    listed, whatever DateCreatedFrom says."""
    q.add_range("date_created", ctx.now - STUDIO_RETENTION_DAYS * DAY, None)


def _monitor_window(attr: str, order_knob: str | None = None):
    """Monitor Alerts/Events keep 30 days: "Queries for alerts older than 30 days are not supported" (spec,
    monitor v1 /v1/Alerts StartDate); Events: "customers using free version can access 30 days of data"
    (https://www.twilio.com/docs/usage/monitor-events).  An older StartDate is a 400 (code 20001: this
    project's choice); without one the list covers the retention window."""
    def prepare(ctx, q: Query, knobs) -> None:
        a, b = q.ranges.get(attr, (None, None))
        floor = ctx.now - knobs.monitor_retention_days * DAY
        if a is not None and a < floor:
            raise FilterError(f"StartDate cannot be more than {knobs.monitor_retention_days} days in the past", code=20001)
        if a is None:
            q.ranges[attr] = (floor, b)
        if order_knob:
            q.order = getattr(knobs, order_knob)
    return prepare


def alerts_page_limit(page: int, size: int, knobs) -> None:
    """"The maximum number of Alert resources you can fetch per request to this API is 10,000"
    (https://www.twilio.com/docs/usage/monitor-alert).  Pages up to the 10,000th result succeed;
    the page that would go beyond it is refused with Twilio's message (reference/twilio-api/README.md).
    Code 20001: not documented, this project's choice."""
    limit = knobs.alerts_max_results
    if limit and (page + 1) * size > limit:
        raise FilterError(f"Invalid page and pageSize combination, data is limited to {limit:,} results", code=20001)


PROCESSING_STATES = {"completed": "complete", "partial": "partial", "started": "started", "all": None}


def _insights_default(ctx, q: Query, knobs) -> None:
    """Voice Insights Call Summaries (spec insights v1 /v1/Voice/Summaries):
    * StartTime "Defaults to 4h": without it the list covers the last 4 hours;
    * 30 days of data ("Voice Insights only stores 30 days worth of call data",
      https://www.twilio.com/docs/api/errors/17002): a StartTime further back is refused
      (knob insights_old_start="400", code 17002) or just finds nothing older ("empty");
    * ProcessingState "completed", "partial" or "all" (the enum also has "started", which no
      summary here is in); without it: knob insights_processing_state (undocumented).
    """
    from .products import RETENTION_DAYS

    a, b = q.ranges.get("start_time", (None, None))
    if knobs.insights_default_hours and "StartTime" not in q.raw:
        q.ranges["start_time"] = (ctx.now - int(knobs.insights_default_hours * 3600), b)
    elif a is not None and a < ctx.now - RETENTION_DAYS * DAY and knobs.insights_old_start == "400":
        raise FilterError("Voice Insights only stores 30 days worth of call data: StartTime must be within "
                          "the last 30 days", code=17002)
    raw = q.equals.pop("processing_state", None)
    if raw is None:
        raw = knobs.insights_processing_state
    if raw not in PROCESSING_STATES:
        raise FilterError(f"Invalid value for ProcessingState: '{raw}'. One of completed, partial, started or all")
    if PROCESSING_STATES[raw]:
        q.equals["processing_state"] = PROCESSING_STATES[raw]


def _conversations_order(ctx, q: Query, knobs) -> None:
    if "date_created" in q.ranges:
        q.order = "desc"  # "If this filter is used, the returned list is sorted ... descending"


def _taskrouter_events_window(ctx, q: Query, knobs) -> None:
    """TaskRouter Events (spec taskrouter_v1 /v1/Workspaces/{WorkspaceSid}/Events):
    * StartDate "on or after", EndDate "on or before" (both inclusive);
    * without StartDate, Minutes: "Returns only Events that occurred since this many minutes in the past. The default
      is 15 minutes" (with StartDate, Minutes is not applied: this project's choice);
    * "it keeps that data for 30 days" (https://www.twilio.com/docs/taskrouter/api/event): older events are never
      listed; a StartDate further back is refused (knob taskrouter_events_old_start="400", code 20001, as Twilio
      refuses TaskRouter statistics older than 30 days, https://www.twilio.com/docs/api/errors/14241) or simply finds
      nothing older ("empty");
    * the order is not documented: knob taskrouter_events_order.
    """
    floor = ctx.now - EVENTS_RETENTION_DAYS * DAY
    lo, hi = q.ranges.get("event_date", (None, None))
    if "StartDate" not in q.raw:
        try:
            minutes = int(q.raw.get("Minutes", "15"))
        except ValueError:
            raise FilterError(f"Invalid value for Minutes: '{q.raw['Minutes']}'") from None
        lo = ctx.now - minutes * 60
    elif lo < floor and knobs.taskrouter_events_old_start == "400":
        raise FilterError(f"StartDate cannot be more than {EVENTS_RETENTION_DAYS} days in the past", code=20001)
    q.ranges["event_date"] = (max(lo, floor), hi)
    q.order = knobs.taskrouter_events_order


def _taskrouter_list_attributes(item: dict, knobs) -> dict:
    """Tasks' and Workers' `attributes` in a list: "If this property has been assigned a value, it will only be
    displayed in FETCH action that returns a single resource. Otherwise, it will be null" (spec taskrouter_v1,
    `attributes` of taskrouter.v1.workspace.task and .worker); the spec's own list examples show them. Knob
    taskrouter_list_attributes: "null" (the description) or "shown" (the examples)."""
    return item if knobs.taskrouter_list_attributes == "shown" else {**item, "attributes": None}


def _intelligence_transcripts(ctx, q: Query, knobs) -> None:
    """Conversation Intelligence Transcripts (spec intelligence_v2 /v2/Transcripts): AfterDateCreated / BeforeDateCreated
    ("Filter by after / before DateCreated"; knobs say whether the instant is included), a transcript Twilio no longer
    keeps is not listed (knob intelligence_retention_days), the order is not documented (knob
    intelligence_transcripts_order)."""
    if knobs.intelligence_retention_days:
        q.add_range("date_created", ctx.now - int(knobs.intelligence_retention_days) * DAY, None)
    q.order = knobs.intelligence_transcripts_order


ALERTS_PREPARE = _monitor_window("date_generated", "alerts_order")
EVENTS_PREPARE = _monitor_window("event_date")


# ----------------------------------------------------------------------------- table

ROUTES: list[Route] = [
    # ---- 2010-04-01 (api.twilio.com)
    Route("api", "/2010-04-01/Accounts.json", "accounts", "2010", "accounts",
          [FilterSpec("Status", "status"), FilterSpec("FriendlyName", "friendly_name")]),
    Route("api", "/2010-04-01/Accounts/{Sid}.json", "accounts", "2010", "object"),
    Route("api", ACCOUNT + "/Balance.json", "account_balance", "2010", "object"),
    Route("api", ACCOUNT + "/Addresses.json", "addresses", "2010"),
    Route("api", ACCOUNT + "/Addresses/{AddressSid}/DependentPhoneNumbers.json", "dependent_phone_numbers", "2010"),
    Route("api", ACCOUNT + "/Applications.json", "applications", "2010"),
    Route("api", ACCOUNT + "/AvailablePhoneNumbers.json", "available_phone_number_countries", "2010", "countries"),
    Route("api", ACCOUNT + "/AvailablePhoneNumbers/{CountryCode}/Local.json", "available_phone_numbers_local", "2010", "numbers"),
    Route("api", ACCOUNT + "/AvailablePhoneNumbers/{CountryCode}/Mobile.json", "available_phone_numbers_mobile", "2010", "numbers"),
    Route("api", ACCOUNT + "/AvailablePhoneNumbers/{CountryCode}/TollFree.json", "available_phone_numbers_toll_free", "2010", "numbers"),
    Route("api", ACCOUNT + "/Calls.json", "calls", "2010", filters=[
        FilterSpec("To", "to"), FilterSpec("From", "from"), FilterSpec("Status", "status"),
        # "Only include calls that started before this date" / "that ended before this date"
        *time_filters("StartTime", "start_time", le_reading="exclusive"),
        *time_filters("EndTime", "end_time", le_reading="exclusive")]),
    Route("api", ACCOUNT + "/Conferences.json", "conferences", "2010", filters=[
        # "created on or before midnight of this date", "last updated on or before midnight of this date"
        *time_filters("DateCreated", "date_created", "date", "midnight"),
        *time_filters("DateUpdated", "date_updated", "date", "midnight"),
        FilterSpec("Status", "status"), FilterSpec("FriendlyName", "friendly_name")]),
    Route("api", ACCOUNT + "/Conferences/{ConferenceSid}/Participants.json", "conference_participants", "2010"),
    Route("api", ACCOUNT + "/IncomingPhoneNumbers.json", "incoming_phone_numbers", "2010"),
    Route("api", ACCOUNT + "/Keys.json", "keys", "2010"),
    Route("api", ACCOUNT + "/Messages.json", "messages", "2010", filters=[
        # "<=YYYY-MM-DD (to find Messages with sent_dates on and before a specific date)"
        FilterSpec("To", "to"), FilterSpec("From", "from"), *time_filters("DateSent", "date_sent", le_reading="inclusive")],
        prepare=_messages_window, validate=_messages_retention),
    Route("api", ACCOUNT + "/Messages/{MessageSid}/Media.json", "message_media", "2010",
          filters=time_filters("DateCreated", "date_created", le_reading="midnight"),  # "on or before midnight"
          prepare=_messages_window),
    Route("api", ACCOUNT + "/Notifications.json", "notifications", "2010", filters=[
        # "<=YYYY-MM-DD for messages logged at or before midnight on a date"
        FilterSpec("Log", "log"), *time_filters("MessageDate", "message_date", "date", "midnight")]),
    Route("api", ACCOUNT + "/OutgoingCallerIds.json", "outgoing_caller_ids", "2010"),
    Route("api", ACCOUNT + "/Queues.json", "queues", "2010"),
    Route("api", ACCOUNT + "/Recordings.json", "recordings", "2010", filters=[
        *time_filters("DateCreated", "date_created", le_reading="midnight"),  # "on or before midnight of this date"
        FilterSpec("CallSid", "call_sid")]),
    Route("api", ACCOUNT + "/Transcriptions.json", "transcriptions", "2010"),
    Route("api", ACCOUNT + "/Usage/Records/Daily.json", "usage_records", "2010", filters=[
        FilterSpec("Category", "category"), FilterSpec("StartDate", "start_date", "ge", "usage"),
        FilterSpec("EndDate", "start_date", "le", "usage", "inclusive", "le_bound")],  # "on or before this date"
        validate=_usage_before_creation),
    Route("api", ACCOUNT + "/Usage/Triggers.json", "usage_triggers", "2010"),
    # ---- monitor.twilio.com
    Route("monitor", "/v1/Alerts", "alerts", filters=[
        FilterSpec("LogLevel", "log_level"), FilterSpec("StartDate", "date_generated", "ge", "time"),
        FilterSpec("EndDate", "date_generated", "le", "time")], prepare=ALERTS_PREPARE),
    Route("monitor", "/v1/Events", "monitor_events", filters=[
        FilterSpec("StartDate", "event_date", "ge", "time"), FilterSpec("EndDate", "event_date", "le", "time")],
        prepare=EVENTS_PREPARE),
    # ---- conversations.twilio.com
    Route("conversations", "/v1/Conversations", "conversations", filters=[
        FilterSpec("StartDate", "date_created", "ge", "time"), FilterSpec("EndDate", "date_created", "le", "time"),
        FilterSpec("State", "state")], prepare=_conversations_order),
    Route("conversations", "/v1/Conversations/{ConversationSid}/Messages", "conversation_messages"),
    Route("conversations", "/v1/Conversations/{ConversationSid}/Participants", "conversation_participants"),
    Route("conversations", "/v1/Users", "users"),
    Route("conversations", "/v1/Users/{UserSid}/Conversations", "user_conversations"),
    Route("conversations", "/v1/Services", "conversation_services"),
    Route("conversations", "/v1/Roles", "conversation_roles"),
    # ---- chat.twilio.com
    Route("chat", "/v2/Services", "services"),
    Route("chat", "/v2/Services/{ServiceSid}/Roles", "roles"),
    # ---- studio.twilio.com
    Route("studio", "/v2/Flows", "flows"),
    Route("studio", "/v2/Flows/{FlowSid}/Executions", "executions", filters=[
        # DateCreatedFrom: "starting on or after"; DateCreatedTo: "starting before this ... date-time"
        FilterSpec("DateCreatedFrom", "date_created", "ge", "time"),
        FilterSpec("DateCreatedTo", "date_created", "le", "time", "exclusive", "studio_date_created_to"),
        FilterSpec("status", "status")], prepare=_studio_window),
    Route("studio", "/v2/Flows/{FlowSid}/Executions/{ExecutionSid}/Steps", "step"),
    # ---- verify.twilio.com
    Route("verify", "/v2/Services", "verify_services"),
    Route("verify", "/v2/Attempts", "verify_attempts", filters=[
        # "created after this datetime" / "created before this datetime"
        FilterSpec("DateCreatedAfter", "date_created", "ge", "time", "exclusive", "verify_date_created_after"),
        FilterSpec("DateCreatedBefore", "date_created", "le", "time", "exclusive", "verify_date_created_before")]),
    # ---- messaging / trunking / events
    Route("messaging", "/v1/Services", "messaging_services"),
    Route("trunking", "/v1/Trunks", "trunks"),
    Route("events", "/v1/Types", "event_types", global_=True),
    Route("events", "/v1/Sinks", "sinks"),
    Route("events", "/v1/Subscriptions", "subscriptions"),
    # ---- insights.twilio.com
    Route("insights", "/v1/Voice/Summaries", "call_summaries", filters=[
        FilterSpec("StartTime", "start_time", "ge", "span"), FilterSpec("EndTime", "start_time", "le", "span"),
        FilterSpec("ProcessingState", "processing_state")], prepare=_insights_default),
    # ---- taskrouter.twilio.com: everything lives in a Workspace
    Route("taskrouter", "/v1/Workspaces", "taskrouter_workspaces", filters=[FilterSpec("FriendlyName", "friendly_name")]),
    Route("taskrouter", WORKSPACE + "/Activities", "taskrouter_activities", filters=[
        FilterSpec("FriendlyName", "friendly_name"), FilterSpec("Available", "available", kind="flag")]),
    Route("taskrouter", WORKSPACE + "/TaskChannels", "taskrouter_task_channels"),
    Route("taskrouter", WORKSPACE + "/TaskQueues", "taskrouter_task_queues", filters=[FilterSpec("FriendlyName", "friendly_name")]),
    Route("taskrouter", WORKSPACE + "/Workflows", "taskrouter_workflows", filters=[FilterSpec("FriendlyName", "friendly_name")]),
    Route("taskrouter", WORKSPACE + "/Workers", "taskrouter_workers", filters=[
        FilterSpec("ActivitySid", "activity_sid"), FilterSpec("ActivityName", "activity_name"),
        FilterSpec("Available", "available", kind="flag"), FilterSpec("FriendlyName", "friendly_name")],
        present=_taskrouter_list_attributes),
    Route("taskrouter", WORKSPACE + "/Workers/{Sid}", "taskrouter_workers", kind="object"),
    Route("taskrouter", WORKSPACE + "/Tasks", "taskrouter_tasks", filters=[
        FilterSpec("AssignmentStatus", "assignment_status", kind="list"), FilterSpec("TaskQueueSid", "task_queue_sid"),
        FilterSpec("TaskQueueName", "task_queue_name"), FilterSpec("WorkflowSid", "workflow_sid"),
        FilterSpec("WorkflowName", "workflow_name")], present=_taskrouter_list_attributes),
    Route("taskrouter", WORKSPACE + "/Tasks/{Sid}", "taskrouter_tasks", kind="object"),
    Route("taskrouter", WORKSPACE + "/Tasks/{TaskSid}/Reservations", "taskrouter_reservations", filters=[
        FilterSpec("ReservationStatus", "reservation_status"), FilterSpec("WorkerSid", "worker_sid")]),
    Route("taskrouter", WORKSPACE + "/Events", "taskrouter_events", filters=[
        FilterSpec("StartDate", "event_date", "ge", "time"), FilterSpec("EndDate", "event_date", "le", "time"),
        FilterSpec("Minutes", "minutes", kind="raw"), FilterSpec("EventType", "event_type"),
        FilterSpec("TaskSid", "task_sid"), FilterSpec("WorkerSid", "worker_sid"),
        FilterSpec("ReservationSid", "reservation_sid"), FilterSpec("TaskQueueSid", "task_queue_sid"),
        FilterSpec("WorkflowSid", "workflow_sid"), FilterSpec("Sid", "sid")], prepare=_taskrouter_events_window),
    # ---- intelligence.twilio.com: Conversation Intelligence (classic) v2
    Route("intelligence", "/v2/Services", "intelligence_services"),
    Route("intelligence", "/v2/Transcripts", "intelligence_transcripts", filters=[
        FilterSpec("ServiceSid", "service_sid"), FilterSpec("Status", "status"), FilterSpec("SourceSid", "source_sid"),
        FilterSpec("LanguageCode", "language_code"),
        FilterSpec("AfterDateCreated", "date_created", "ge", "time", "exclusive", "intelligence_after_date_created"),
        FilterSpec("BeforeDateCreated", "date_created", "le", "time", "exclusive", "intelligence_before_date_created"),
        FilterSpec("AfterStartTime", "media_start_time", "ge", "time", "exclusive"),
        FilterSpec("BeforeStartTime", "media_start_time", "le", "time", "exclusive")], prepare=_intelligence_transcripts),
    Route("intelligence", "/v2/Transcripts/{TranscriptSid}/Sentences", "intelligence_sentences", filters=[
        FilterSpec("Redacted", "redacted", kind="raw"), FilterSpec("WordTimestamps", "word_timestamps", kind="raw")]),
    Route("intelligence", "/v2/Transcripts/{TranscriptSid}/OperatorResults", "intelligence_operator_results",
          filters=[FilterSpec("Redacted", "redacted", kind="raw")]),
    Route("intelligence", "/v2/Operators", "intelligence_operators", filters=[FilterSpec("Availability", "availability")]),
    Route("intelligence", "/v2/Operators/PreBuilt", "intelligence_operators", global_=True, variant="PreBuilt",
          filters=[FilterSpec("Availability", "availability")]),
    Route("intelligence", "/v2/Operators/Custom", "intelligence_operators", variant="Custom",
          filters=[FilterSpec("Availability", "availability")]),
    Route("intelligence", "/v2/OperatorTypes", "intelligence_operator_types", global_=True),
    # ---- pricing.twilio.com (global)
    Route("pricing", "/v1/Messaging/Countries", "pricing_messaging_countries", global_=True),
    Route("pricing", "/v1/Messaging/Countries/{IsoCountry}", "pricing_messaging_countries", kind="object", global_=True),
    Route("pricing", "/v2/Voice/Countries", "pricing_voice_countries", global_=True),
    Route("pricing", "/v2/Voice/Countries/{IsoCountry}", "pricing_voice_countries", kind="object", global_=True),
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
