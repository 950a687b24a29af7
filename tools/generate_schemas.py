#!/usr/bin/env python3
"""Generate the JSON schemas of source-twilio from Twilio's own OpenAPI specs.

    python tools/generate_schemas.py [--api-dir DIR] [--out-dir DIR] [--page-sizes FILE] [--check] [--report]

Inputs (read only): Twilio's OpenAPI specs (twilio-oai, Apache-2.0) and recorded list responses, found in
``<api-dir>/specs/*.json`` and ``<api-dir>/fixtures/`` (default api-dir: ``reference/twilio-api`` in this
repository, a vendored copy; see its README).  Output: one Draft-07 schema per stream in
``source_twilio/schemas/<stream>.json``, written with sorted keys and a 2-space indent, so a re-run on the same
inputs rewrites byte-identical files; and ``source_twilio/page_sizes.json``, each stream's ``PageSize``: the
``maximum`` of the ``PageSize`` parameter of its list in the spec (1000 on most lists, 100 or 50 on Conversations
and Chat lists).  ``--check`` writes nothing and exits 1 if a file would change.

Rules applied to every stream (each one is a function or table below, so it can be read and tested):

1. The item schema is found from the stream's list endpoint in the spec: the 200 response's ``<list key>`` array
   items (or the response object itself for single-object endpoints: Balance, pricing country detail).
2. Every property is nullable: ``{"type": ["null", X]}``.  Twilio's description is kept, with markdown links and
   HTML tags stripped; enum values (Twilio's ``*_enum_*`` components and inline ``enum``) are written into the
   description, never as a JSON-schema ``enum`` (a new value from Twilio must not fail validation).
3. Dates: spec format ``date-time-rfc-2822`` or ``date-time``, or a string field whose recorded values are all
   timestamps, becomes ``{"type": ["null", "string"], "format": "date-time"}`` (the connector rewrites RFC 2822 to
   ISO 8601 UTC).  Spec format ``date`` (usage ``start_date``/``end_date``) becomes ``format: date``.
4. Numbers: the fields listed in ``NUMERIC_STRING_FIELDS`` that Twilio sends as numeric strings (``"-0.00750"``,
   ``"4"``) are typed as the number the connector turns them into.  Each is checked against the recorded values:
   a non-numeric value keeps the field a string, a fractional value makes an "integer" field a "number".
   Fields the spec already types as numbers but Twilio sends as strings (``x-twilio.overrideType: string``, the
   pricing ``base_price``/``current_price``) stay numbers.
5. Objects stay objects (``subresource_uris``, ``links``, ``capabilities``...), arrays stay arrays with their item
   type when the spec or the recorded values tell it.  Conversations/Chat ``attributes`` is a JSON-encoded STRING
   and stays a string.
6. Secrets are never part of a schema: ``SECRET_FIELDS`` (``auth_token`` of Accounts, ``secret`` of keys) are
   dropped, because the connector drops them and a schema column would invite writing them to a warehouse.
7. ``account_sid`` exists in every per-account stream, added where Twilio's item lacks it (Accounts, Keys,
   available phone numbers, Event Streams types/sinks) because the connector stamps it on every record.  Pricing
   streams are global: no account_sid.  A field the connector copies from another (``Stream.copies``: a TaskRouter
   Workspace's ``workspace_sid`` is its own ``sid``, so every TaskRouter stream joins on ``workspace_sid``) is added
   too, described as the copy it is.  Keys Twilio returns without declaring them in the spec (found in the
   recorded responses, e.g. Messages ``tags``) are added too, typed from their values.
8. Each file is self-contained: no ``$ref`` at all (shared shapes are shared in this generator, not in the JSON).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT_DIR = REPO / "source_twilio" / "schemas"
DEFAULT_PAGE_SIZES = REPO / "source_twilio" / "page_sizes.json"
DEFAULT_API_DIR = REPO / "reference" / "twilio-api"

DRAFT_07 = "http://json-schema.org/draft-07/schema#"

# --------------------------------------------------------------------------------------------------------------
# The streams (the manifest's): name, spec file, spec path of the list (or detail) endpoint, list key, recorded
# fixtures (file stems under fixtures/ and fixtures/all_variants/), per-account or global.
# --------------------------------------------------------------------------------------------------------------

API = "twilio_api_v2010.json"
AC = "/2010-04-01/Accounts/{AccountSid}"
TASKROUTER = "twilio_taskrouter_v1.json"
WS = "/v1/Workspaces/{WorkspaceSid}"
INTELLIGENCE = "twilio_intelligence_v2.json"
TRANSCRIPT = "/v2/Transcripts/{TranscriptSid}"


@dataclass(frozen=True)
class Stream:
    name: str
    spec: str
    path: str
    list_key: Optional[str]  # None: the 200 response is the item itself
    fixtures: Tuple[str, ...] = ()
    per_account: bool = True
    summary: str = ""
    extra: Tuple[str, ...] = field(default=())  # names of EXTRA_PROPERTIES to merge in
    copies: Tuple[Tuple[str, str], ...] = ()  # (field, the field it copies) the connector adds to each record
    parent_fields: Tuple[str, ...] = ()  # names of PARENT_FIELDS the connector adds from the record's parent

    @property
    def fixture_names(self) -> Tuple[str, ...]:
        return self.fixtures or (self.name,)


STREAMS: List[Stream] = [
    Stream("accounts", API, "/2010-04-01/Accounts.json", "accounts", summary="The main account and its subaccounts."),
    Stream("account_balance", API, f"{AC}/Balance.json", None, fixtures=("account_balance",),
           summary="The current balance of each account (one record per account)."),
    Stream("addresses", API, f"{AC}/Addresses.json", "addresses"),
    Stream("dependent_phone_numbers", API, f"{AC}/Addresses/{{AddressSid}}/DependentPhoneNumbers.json",
           "dependent_phone_numbers"),
    Stream("applications", API, f"{AC}/Applications.json", "applications"),
    Stream("available_phone_number_countries", API, f"{AC}/AvailablePhoneNumbers.json", "countries"),
    Stream("available_phone_numbers_local", API, f"{AC}/AvailablePhoneNumbers/{{CountryCode}}/Local.json",
           "available_phone_numbers"),
    Stream("available_phone_numbers_mobile", API, f"{AC}/AvailablePhoneNumbers/{{CountryCode}}/Mobile.json",
           "available_phone_numbers"),
    Stream("available_phone_numbers_toll_free", API, f"{AC}/AvailablePhoneNumbers/{{CountryCode}}/TollFree.json",
           "available_phone_numbers"),
    Stream("calls", API, f"{AC}/Calls.json", "calls"),
    Stream("conferences", API, f"{AC}/Conferences.json", "conferences"),
    Stream("conference_participants", API, f"{AC}/Conferences/{{ConferenceSid}}/Participants.json", "participants"),
    Stream("incoming_phone_numbers", API, f"{AC}/IncomingPhoneNumbers.json", "incoming_phone_numbers"),
    Stream("keys", API, f"{AC}/Keys.json", "keys"),
    Stream("messages", API, f"{AC}/Messages.json", "messages"),
    Stream("message_media", API, f"{AC}/Messages/{{MessageSid}}/Media.json", "media_list"),
    Stream("notifications", API, f"{AC}/Notifications.json", "notifications"),
    Stream("outgoing_caller_ids", API, f"{AC}/OutgoingCallerIds.json", "outgoing_caller_ids"),
    Stream("queues", API, f"{AC}/Queues.json", "queues"),
    Stream("recordings", API, f"{AC}/Recordings.json", "recordings"),
    Stream("transcriptions", API, f"{AC}/Transcriptions.json", "transcriptions"),
    Stream("usage_records", API, f"{AC}/Usage/Records/Daily.json", "usage_records",
           fixtures=("usage_records_daily",), summary="Daily usage records, one per account, category and day."),
    Stream("usage_triggers", API, f"{AC}/Usage/Triggers.json", "usage_triggers"),
    Stream("alerts", "twilio_monitor_v1.json", "/v1/Alerts", "alerts"),
    Stream("monitor_events", "twilio_monitor_v1.json", "/v1/Events", "events"),
    Stream("conversations", "twilio_conversations_v1.json", "/v1/Conversations", "conversations"),
    Stream("conversation_messages", "twilio_conversations_v1.json", "/v1/Conversations/{ConversationSid}/Messages",
           "messages"),
    Stream("conversation_participants", "twilio_conversations_v1.json",
           "/v1/Conversations/{ConversationSid}/Participants", "participants"),
    Stream("users", "twilio_conversations_v1.json", "/v1/Users", "users", fixtures=("conversation_users",)),
    Stream("user_conversations", "twilio_conversations_v1.json", "/v1/Users/{UserSid}/Conversations",
           "conversations", fixtures=("conversation_user_conversations",)),
    Stream("conversation_services", "twilio_conversations_v1.json", "/v1/Services", "services"),
    Stream("conversation_roles", "twilio_conversations_v1.json", "/v1/Roles", "roles"),
    Stream("services", "twilio_chat_v2.json", "/v2/Services", "services", fixtures=("chat_services",)),
    Stream("roles", "twilio_chat_v2.json", "/v2/Services/{ServiceSid}/Roles", "roles", fixtures=("chat_roles",)),
    Stream("flows", "twilio_studio_v2.json", "/v2/Flows", "flows", fixtures=("studio_v2_flows",)),
    Stream("executions", "twilio_studio_v2.json", "/v2/Flows/{FlowSid}/Executions", "executions",
           fixtures=("studio_v2_executions",)),
    Stream("step", "twilio_studio_v2.json", "/v2/Flows/{FlowSid}/Executions/{ExecutionSid}/Steps", "steps",
           fixtures=("studio_v2_execution_steps",)),
    Stream("verify_services", "twilio_verify_v2.json", "/v2/Services", "services"),
    Stream("verify_attempts", "twilio_verify_v2.json", "/v2/Attempts", "attempts"),
    Stream("messaging_services", "twilio_messaging_v1.json", "/v1/Services", "services"),
    Stream("trunks", "twilio_trunking_v1.json", "/v1/Trunks", "trunks"),
    Stream("event_types", "twilio_events_v1.json", "/v1/Types", "types"),
    Stream("sinks", "twilio_events_v1.json", "/v1/Sinks", "sinks"),
    Stream("subscriptions", "twilio_events_v1.json", "/v1/Subscriptions", "subscriptions"),
    Stream("call_summaries", "twilio_insights_v1.json", "/v1/Voice/Summaries", "call_summaries",
           extra=("annotation",), summary="Voice Insights call summaries, with the call's annotation."),
    Stream("taskrouter_workspaces", TASKROUTER, "/v1/Workspaces", "workspaces", copies=(("workspace_sid", "sid"),),
           summary="TaskRouter Workspaces: the container of a contact centre's queues, workers and tasks."),
    Stream("taskrouter_activities", TASKROUTER, f"{WS}/Activities", "activities"),
    Stream("taskrouter_task_channels", TASKROUTER, f"{WS}/TaskChannels", "channels"),
    Stream("taskrouter_task_queues", TASKROUTER, f"{WS}/TaskQueues", "task_queues"),
    Stream("taskrouter_workflows", TASKROUTER, f"{WS}/Workflows", "workflows"),
    Stream("taskrouter_workers", TASKROUTER, f"{WS}/Workers/{{Sid}}", None,
           summary="Each worker of each Workspace, as fetched one by one (a list leaves `attributes` null)."),
    Stream("taskrouter_tasks", TASKROUTER, f"{WS}/Tasks/{{Sid}}", None,
           summary="The tasks Twilio still holds (a finished task is deleted five minutes later), each as fetched one"
                   " by one (a list leaves `attributes` null)."),
    Stream("taskrouter_reservations", TASKROUTER, f"{WS}/Tasks/{{TaskSid}}/Reservations", "reservations",
           summary="The reservations of the tasks Twilio still holds."),
    Stream("taskrouter_events", TASKROUTER, f"{WS}/Events", "events",
           summary="The Workspace's event log, kept 30 days by Twilio: the history of every task, reservation and"
                   " worker activity."),
    Stream("intelligence_services", INTELLIGENCE, "/v2/Services", "services",
           summary="Conversation Intelligence Services: how each account's recordings are transcribed and analysed."),
    Stream("intelligence_transcripts", INTELLIGENCE, "/v2/Transcripts", "transcripts",
           summary="Conversation Intelligence transcripts, one per transcribed recording (its SID is"
                   " `channel.media_properties.source_sid`)."),
    Stream("intelligence_sentences", INTELLIGENCE, f"{TRANSCRIPT}/Sentences", "sentences",
           parent_fields=("transcript_sid", "service_sid", "transcript_date_created"),
           summary="The sentences of each completed transcript, redacted unless the connector is told otherwise."),
    Stream("intelligence_operator_results", INTELLIGENCE, f"{TRANSCRIPT}/OperatorResults", "operator_results",
           parent_fields=("service_sid", "transcript_date_created"),
           summary="What each Language Operator found in each completed transcript (sentiment, topic, summary, PII"
                   " ...), redacted unless the connector is told otherwise."),
    Stream("intelligence_operators", INTELLIGENCE, "/v2/Operators", "operators",
           summary="Language Operators: Twilio's pre-built ones (read once, from /v2/Operators/PreBuilt) and each"
                   " account's custom ones (/v2/Operators/Custom)."),
    Stream("intelligence_operator_types", INTELLIGENCE, "/v2/OperatorTypes", "operator_types", per_account=False,
           summary="The types Language Operators are made from, Twilio's catalogue (read once, not per account)."),
    Stream("pricing_messaging_countries", "twilio_pricing_v1.json", "/v1/Messaging/Countries/{IsoCountry}", None,
           per_account=False, summary="Messaging prices of each country (the per-country detail resource)."),
    Stream("pricing_voice_countries", "twilio_pricing_v2.json", "/v2/Voice/Countries/{IsoCountry}", None,
           per_account=False, summary="Voice prices of each country (the per-country detail resource)."),
]

# Lists the connector pages through besides the streams' own: the country lists the pricing detail streams walk.
PAGED_LISTS: Dict[str, Tuple[str, str]] = {
    "pricing_messaging_country_list": ("twilio_pricing_v1.json", "/v1/Messaging/Countries"),
    "pricing_voice_country_list": ("twilio_pricing_v2.json", "/v2/Voice/Countries"),
    # the lists TaskRouter tasks and workers are fetched one by one from
    "taskrouter_task_list": (TASKROUTER, f"{WS}/Tasks"),
    "taskrouter_worker_list": (TASKROUTER, f"{WS}/Workers"),
}

# Fields the connector adds to a child record from its parent (Stream.parent_fields): type and description.
PARENT_FIELDS: Dict[str, Tuple[str, str]] = {
    "transcript_sid": ("string", "The SID of the Transcript this record belongs to. Twilio's item does not carry it;"
                                 " the connector adds it from the request's path."),
    "service_sid": ("string", "The SID of the Intelligence Service of the record's Transcript. Twilio's item does not"
                              " carry it; the connector adds it from the Transcript."),
    "transcript_date_created": ("string", "When the record's Transcript was created (ISO 8601, UTC). Twilio's item"
                                          " does not carry it; the connector adds it from the Transcript, as a date to"
                                          " partition and join on."),
}

# --------------------------------------------------------------------------------------------------------------
# Rule tables
# --------------------------------------------------------------------------------------------------------------

# Fields Twilio sends as strings that hold numbers -> the JSON type the connector converts them to.
NUMERIC_STRING_FIELDS: Dict[str, str] = {
    "price": "number",
    "balance": "number",
    "usage": "number",
    "trigger_value": "number",
    "current_value": "number",
    "average_wait_time": "integer",
    "count": "integer",
    "current_size": "integer",
    "duration": "integer",
    "max_size": "integer",
    "num_media": "integer",
    "num_segments": "integer",
    "queue_time": "integer",
}

# Never in a schema (rule 6).  The connector removes them from records.
SECRET_FIELDS = frozenset({"auth_token", "secret"})

# Strings that are JSON documents, not objects (rule 5).
JSON_STRING_NOTE = (" This is a JSON-encoded string (Twilio stores it as text); it is kept as a string, parse it"
                    " downstream to use its keys.")

RFC_2822_NOTE = " The connector emits it in ISO 8601, UTC (`YYYY-MM-DDTHH:MM:SSZ`)."
NUMERIC_STRING_NOTE = " Twilio sends it as a string; the connector emits it as a number."

# Descriptions for properties the spec leaves without one.
FALLBACK_DESCRIPTIONS: Dict[str, str] = {
    "account_sid": "The SID of the Account that owns this resource.",
    "bindings": "The channel bindings of this conversation (a JSON object; empty when there are none).",
    "links": "Absolute URLs of related resources, keyed by name.",
    "status": "The status of this resource.",
    "subresource_uris": "URIs of related subresources, relative to `https://api.twilio.com`, keyed by name.",
    "url": "The absolute URL of this resource.",
    "uri": "The URI of this resource, relative to `https://api.twilio.com`.",
}

# Descriptions for properties that the spec leaves undescribed or that Twilio returns without declaring them
# (found in the recorded responses), per stream.
STREAM_DESCRIPTIONS: Dict[Tuple[str, str], str] = {
    ("calls", "annotation"): ("The annotation (a free-text billing/reference tag) provided for the call. Returned"
                              " by Twilio but not declared in its OpenAPI spec."),
    ("messages", "tags"): ("Key/value tags attached to the message (for example `campaign_name`). Returned by"
                           " Twilio but not declared in its OpenAPI spec."),
    ("incoming_phone_numbers", "status"): "The status of the phone number, for example `in-use`.",
    ("flows", "webhook_url"): "The URL Twilio calls to trigger this Flow (its REST API / webhook trigger).",
    ("verify_services", "default_template_sid"): "The SID of the default Verification Template of this Service.",
    ("verify_services", "whatsapp"): "Configuration of the WhatsApp channel of this Service (a JSON object).",
    ("verify_services", "passkeys"): "Configuration of the Passkeys factors of this Service (a JSON object).",
    ("verify_services", "mailer_sid"): ("The SID of the Mailer used by the Service's email channel. Returned by"
                                        " Twilio but no longer declared in its OpenAPI spec."),
    ("intelligence_transcripts", "customer_key"): ("Metadata the creator of the Transcript attached to it (up to 64"
                                                   " characters), for example the ID of the call in another system."),
    ("intelligence_sentences", "confidence"): ("How confident the speech recognition is in this sentence, from 0 to 1"
                                               " (a number in a string, as Twilio sends it)."),
    ("intelligence_operator_results", "json_results"): ("Output of a JSON operator (operator_type `json`): an object"
                                                        " following the operator's configured schema."),
}

# Descriptions of nested properties the spec declares without one (pricing records, phone number capabilities).
NESTED_DESCRIPTIONS: Dict[str, str] = {
    "base_price": "The retail price, in `price_unit`, before any discount.",
    "current_price": "The price, in `price_unit`, after the account's discounts.",
    "number_type": "The type of phone number the price applies to, for example `local`, `mobile`, `toll free`.",
    "carrier": "The name of the carrier.",
    "mcc": "The Mobile Country Code.",
    "mnc": "The Mobile Network Code.",
    "prices": "The prices of this carrier, one per number type.",
    "destination_prefixes": "The destination number prefixes the price applies to.",
    "origination_prefixes": "The origination number prefixes the price applies to (`ALL` for any origin).",
    "friendly_name": "A descriptive name of the price.",
    "fax": "Whether the number can send and receive faxes.",
    "mms": "Whether the number can send and receive MMS.",
    "sms": "Whether the number can send and receive SMS.",
    "voice": "Whether the number can make and receive calls.",
}

ACCOUNT_SID_ADDED = {
    "type": ["null", "string"],
    "description": ("The SID of the Account this record was read from. Twilio's item does not carry it; the"
                    " connector adds it."),
}

RFC_2822_RE = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$")
ISO_DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
NUMERIC_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
MD_LINK_RE = re.compile(r"\[([^\]]*)\]\([^)]*\)")
HTML_TAG_RE = re.compile(r"</?[A-Za-z][^>]*>")


def is_datetime_value(value: Any) -> bool:
    return isinstance(value, str) and bool(RFC_2822_RE.match(value) or ISO_DATETIME_RE.match(value))


def is_numeric_string(value: Any) -> bool:
    return isinstance(value, str) and bool(NUMERIC_RE.match(value.strip()))


def clean_description(text: Optional[str]) -> str:
    """Strip markdown links (keep their text) and HTML tags, collapse white space."""
    if not text:
        return ""
    text = MD_LINK_RE.sub(r"\1", text)
    text = HTML_TAG_RE.sub("", text)
    text = text.replace("**", "")
    text = re.sub(r"\s+", " ", text).strip()
    return text


def append_sentence(description: str, sentence: str) -> str:
    description = description.strip()
    if description and not description.endswith((".", "!", "?", ")")):
        description += "."
    return f"{description} {sentence.strip()}".strip()


def nullable(json_type: str) -> List[str]:
    return ["null", json_type]


# --------------------------------------------------------------------------------------------------------------
# Spec access
# --------------------------------------------------------------------------------------------------------------


class Spec:
    def __init__(self, path: Path):
        self.name = path.name
        self.doc = json.loads(path.read_text())
        self.components = self.doc.get("components", {}).get("schemas", {})

    def ref(self, ref: str) -> Tuple[str, Dict[str, Any]]:
        prefix = "#/components/schemas/"
        if not ref.startswith(prefix):
            raise ValueError(f"{self.name}: unsupported $ref {ref}")
        name = ref[len(prefix):]
        return name, self.components[name]

    def response_200(self, path: str) -> Dict[str, Any]:
        if path not in self.doc["paths"]:
            raise KeyError(f"{self.name}: no path {path}")
        return self.doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]

    def item_component(self, path: str, list_key: Optional[str]) -> Tuple[str, Dict[str, Any]]:
        schema = self.response_200(path)["schema"]
        if list_key is None:
            return self.ref(schema["$ref"])
        items = schema["properties"][list_key]["items"]
        return self.ref(items["$ref"])

    def example_items(self, path: str, list_key: Optional[str]) -> List[Dict[str, Any]]:
        out: List[Dict[str, Any]] = []
        examples = self.response_200(path).get("examples") or {}
        for name in sorted(examples):
            value = examples[name].get("value")
            if list_key is None:
                if isinstance(value, dict):
                    out.append(value)
            elif isinstance(value, dict):
                out.extend(i for i in value.get(list_key) or [] if isinstance(i, dict))
        return out


def fixture_items(api_dir: Path, stream: Stream) -> List[Dict[str, Any]]:
    """Items recorded for the stream's resource (fixtures/<name>.json and fixtures/all_variants/<name>__*.json)."""
    fixtures = api_dir / "fixtures"
    files: List[Path] = []
    for stem in stream.fixture_names:
        files.append(fixtures / f"{stem}.json")
        files.extend(sorted((fixtures / "all_variants").glob(f"{stem}__*.json")))
    items: List[Dict[str, Any]] = []
    for path in files:
        if not path.is_file():
            continue
        body = json.loads(path.read_text())
        items.extend(items_of_body(body, stream.list_key))
    return items


def items_of_body(body: Any, list_key: Optional[str]) -> List[Dict[str, Any]]:
    if not isinstance(body, dict):
        return []
    if list_key is None:
        return [body]
    if isinstance(body.get(list_key), list):
        return [i for i in body[list_key] if isinstance(i, dict)]
    # envelope with another key name: the one list of objects that is not "meta"
    lists = [v for k, v in body.items() if k != "meta" and isinstance(v, list) and all(isinstance(i, dict) for i in v)]
    return [i for i in lists[0]] if len(lists) == 1 else []


# --------------------------------------------------------------------------------------------------------------
# Conversion of one spec property
# --------------------------------------------------------------------------------------------------------------


@dataclass
class Notes:
    numeric: List[str] = field(default_factory=list)
    datetime: List[str] = field(default_factory=list)
    date: List[str] = field(default_factory=list)
    odd: List[str] = field(default_factory=list)


def describe_enum(description: str, values: Iterable[Any]) -> str:
    """Name the enum values the description does not already name (never a JSON-schema enum, see rule 2)."""
    values = [v for v in values if v is not None]
    missing = [v for v in values if f"`{v}`" not in description and f"'{v}'" not in description]
    if not missing:
        return description
    listed = ", ".join(f"`{v}`" for v in missing)
    label = "Known values" if len(missing) == len(values) else "Other known values"
    sep = " " if description else ""
    return f"{description}{sep}{label}: {listed}."


def sample_type(values: List[Any]) -> Optional[str]:
    """The JSON type of recorded values, if they agree (ignoring nulls)."""
    kinds = set()
    for v in values:
        if v is None:
            continue
        if isinstance(v, bool):
            kinds.add("boolean")
        elif isinstance(v, int):
            kinds.add("integer")
        elif isinstance(v, float):
            kinds.add("number")
        elif isinstance(v, str):
            kinds.add("string")
        elif isinstance(v, dict):
            kinds.add("object")
        elif isinstance(v, list):
            kinds.add("array")
    if kinds == {"integer", "number"}:
        return "number"
    return kinds.pop() if len(kinds) == 1 else None


def convert(spec: Spec, prop: Dict[str, Any], name: str, samples: List[Any], notes: Notes, where: str,
            top_level: bool = True, declared: bool = True) -> Dict[str, Any]:
    """One spec property -> one nullable Draft-07 property."""
    description = clean_description(prop.get("description"))
    enum_values: List[Any] = list(prop.get("enum") or [])
    resolved = dict(prop)
    if "$ref" in prop:
        _, target = spec.ref(prop["$ref"])
        enum_values = enum_values or list(target.get("enum") or [])
        description = description or clean_description(target.get("description"))
        resolved = {**target, **{k: v for k, v in prop.items() if k != "$ref"}}
    json_type = resolved.get("type")
    fmt = resolved.get("format")
    override = (resolved.get("x-twilio") or {}).get("overrideType")

    out: Dict[str, Any] = {}
    if json_type is None:
        json_type = sample_type(samples)
        if json_type is None:
            # twilio-oai leaves free-form JSON objects untyped (the helper libraries read them as dicts)
            json_type = "object"
            notes.odd.append(f"{where}: untyped in the spec and no recorded value; typed object")
        elif top_level and declared:
            notes.odd.append(f"{where}: untyped in the spec; typed {json_type} from recorded values")

    if json_type == "string":
        non_null = [v for v in samples if v is not None]
        if fmt in ("date-time-rfc-2822", "date-time"):
            out = {"type": nullable("string"), "format": "date-time"}
            if fmt == "date-time-rfc-2822" or any(isinstance(v, str) and RFC_2822_RE.match(v) for v in non_null):
                description = append_sentence(description, RFC_2822_NOTE)
            if top_level:
                notes.datetime.append(name)
        elif fmt == "date":
            out = {"type": nullable("string"), "format": "date"}
            if top_level:
                notes.date.append(name)
        elif name in NUMERIC_STRING_FIELDS and not enum_values:
            target = NUMERIC_STRING_FIELDS[name]
            bad = [v for v in non_null if not is_numeric_string(v) and not isinstance(v, (int, float))]
            if bad:
                notes.odd.append(f"{where}: listed as a numeric string but recorded {bad[0]!r}; kept a string")
                out = {"type": nullable("string")}
            else:
                if target == "integer" and any(isinstance(v, str) and not re.match(r"^[+-]?\d+$", v.strip())
                                               for v in non_null):
                    notes.odd.append(f"{where}: recorded a fractional value; typed number, not integer")
                    target = "number"
                out = {"type": nullable(target)}
                description = append_sentence(description, NUMERIC_STRING_NOTE)
                if top_level:
                    notes.numeric.append(f"{name}:{target}")
        elif non_null and all(is_datetime_value(v) for v in non_null) and not enum_values:
            out = {"type": nullable("string"), "format": "date-time"}
            if top_level:
                notes.datetime.append(name)
                notes.odd.append(f"{where}: no date format in the spec but recorded timestamps"
                                 f" ({non_null[0]!r}); typed date-time")
        else:
            out = {"type": nullable("string")}
            if name == "attributes":
                description = append_sentence(description, JSON_STRING_NOTE)
            elif non_null and all(is_numeric_string(v) for v in non_null) and top_level:
                notes.odd.append(f"{where}: string with numeric recorded values ({non_null[0]!r}); left a string")
    elif json_type in ("integer", "number", "boolean"):
        out = {"type": nullable(json_type)}
        if json_type in ("integer", "number") and override != "string" and any(isinstance(v, str) for v in samples):
            description = append_sentence(description, NUMERIC_STRING_NOTE)
            notes.numeric.append(f"{name}:{json_type}" if top_level else f"{where}:{json_type} (nested)")
            notes.odd.append(f"{where}: spec says {json_type} but recorded string values"
                             f" ({next(v for v in samples if isinstance(v, str))!r}); kept {json_type}")
        if override == "string" and json_type in ("integer", "number"):
            notes.numeric.append(f"{where}:{json_type} (nested, sent as string)" if not top_level
                                 else f"{name}:{json_type}")
    elif json_type == "object":
        out = {"type": nullable("object"), "additionalProperties": True}
        sub_props = resolved.get("properties")
        if sub_props:
            sub_samples = [s for s in samples if isinstance(s, dict)]
            out["properties"] = {
                k: convert(spec, v, k, [s.get(k) for s in sub_samples], notes, f"{where}.{k}", top_level=False)
                for k, v in sub_props.items()
            }
    elif json_type == "array":
        out = {"type": nullable("array")}
        items = resolved.get("items") or {}
        item_samples = [i for s in samples if isinstance(s, list) for i in s]
        if items and (items.get("type") or "$ref" in items or items.get("properties")):
            item = convert(spec, items, name, item_samples, notes, f"{where}[]", top_level=False)
            item.pop("description", None)
            out["items"] = item
        else:
            guessed = sample_type(item_samples)
            if guessed == "object":
                out["items"] = {"type": nullable("object"), "additionalProperties": True}
            elif guessed:
                out["items"] = {"type": nullable(guessed)}
    else:
        out = {"type": ["null", "string", "number", "integer", "boolean", "object", "array"]}

    description = describe_enum(description, enum_values)
    if override == "string" and json_type in ("integer", "number"):
        description = append_sentence(description or NESTED_DESCRIPTIONS.get(name, ""), NUMERIC_STRING_NOTE)
    if not description and not top_level:
        description = NESTED_DESCRIPTIONS.get(name, "")
    if not description:
        description = FALLBACK_DESCRIPTIONS.get(name, "")
        if top_level and declared:
            notes.odd.append(f"{where}: no description in the spec"
                             + ("; used a generic one" if description else ""))
    if description:
        out["description"] = description
    return out


# --------------------------------------------------------------------------------------------------------------
# Stream-specific additions (rule 7 and the brief's stream notes)
# --------------------------------------------------------------------------------------------------------------


def annotation_property(specs: Dict[str, Spec], notes: Notes, where: str) -> Dict[str, Any]:
    spec = specs["twilio_insights_v1.json"]
    _, comp = spec.ref("#/components/schemas/insights.v1.call.annotation")
    props = {k: convert(spec, v, k, [], notes, f"{where}.{k}", top_level=False)
             for k, v in comp["properties"].items()}
    props["call_score"]["description"] = (
        props["call_score"].get("description", "")
        + " An integer from 1 (Bad) to 5 (Excellent): today's form of the old call feedback `quality_score`"
          " (Segment's Twilio source exported it as `call_feedback.quality_score`)."
    ).strip()
    return {
        "type": nullable("object"),
        "additionalProperties": True,
        "description": ("The call's Voice Insights annotation (subjective call quality, spam, answering-machine and"
                        " connectivity labels), null when the call was never annotated."),
        "properties": props,
    }


# --------------------------------------------------------------------------------------------------------------
# Build
# --------------------------------------------------------------------------------------------------------------


def build_schema(stream: Stream, specs: Dict[str, Spec], api_dir: Path) -> Tuple[Dict[str, Any], Notes]:
    spec = specs[stream.spec]
    comp_name, comp = spec.item_component(stream.path, stream.list_key)
    samples = spec.example_items(stream.path, stream.list_key) + fixture_items(api_dir, stream)
    notes = Notes()
    properties: Dict[str, Any] = {}
    for name, prop in comp.get("properties", {}).items():
        if name in SECRET_FIELDS:
            notes.odd.append(f"{stream.name}.{name}: secret, dropped (the connector drops it too)")
            continue
        if name in stream.extra:
            continue
        if not prop.get("description") and (stream.name, name) in STREAM_DESCRIPTIONS:
            prop = {**prop, "description": STREAM_DESCRIPTIONS[(stream.name, name)]}
            notes.odd.append(f"{stream.name}.{name}: no description in the spec; wrote one")
        properties[name] = convert(spec, prop, name, [s.get(name) for s in samples], notes, f"{stream.name}.{name}")

    # recorded keys the spec does not declare
    for item in samples:
        for key in sorted(item):
            if key not in properties and key not in SECRET_FIELDS and key not in stream.extra:
                prop = {"description": STREAM_DESCRIPTIONS.get((stream.name, key), "")}
                converted = convert(spec, prop, key, [s.get(key) for s in samples], notes, f"{stream.name}.{key}",
                                    declared=False)
                properties[key] = converted
                notes.odd.append(f"{stream.name}.{key}: returned by Twilio but not declared in {comp_name};"
                                 f" typed {converted['type'][1]} from the recorded values")

    if "annotation" in stream.extra:
        properties["annotation"] = annotation_property(specs, notes, f"{stream.name}.annotation")

    for added in stream.parent_fields:
        json_type, text = PARENT_FIELDS[added]
        properties[added] = {"type": nullable(json_type), "description": text}
        if added == "transcript_date_created":
            properties[added]["format"] = "date-time"

    for target, source in stream.copies:
        properties[target] = {
            "type": properties[source]["type"],
            "description": f"The same value as `{source}`. Twilio's item does not carry it; the connector adds it so"
                           f" that this stream joins on `{target}` like the others.",
        }

    if stream.per_account and "account_sid" not in properties:
        properties["account_sid"] = dict(ACCOUNT_SID_ADDED)
        if stream.name == "accounts":
            properties["account_sid"]["description"] = (
                "The SID of this account, the same value as `sid`. Twilio's item does not carry it; the connector"
                " adds it so that every stream joins on `account_sid`.")
        notes.odd.append(f"{stream.name}: Twilio's item ({comp_name}) has no account_sid; the connector adds it")

    host = spec.doc["paths"][stream.path].get("servers", [{}])[0].get("url", "")
    description = (f"{stream.summary + ' ' if stream.summary else ''}Twilio `{comp_name}` from"
                   f" GET {host}{stream.path}.").strip()
    schema = {
        "$schema": DRAFT_07,
        "type": "object",
        "additionalProperties": True,
        "description": description,
        "properties": properties,
    }
    return schema, notes


def render(schema: Dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def load_specs(api_dir: Path) -> Dict[str, Spec]:
    spec_dir = api_dir / "specs"
    if not spec_dir.is_dir():
        raise SystemExit(f"no Twilio specs at {spec_dir} (pass --api-dir or set TWILIO_API_REFERENCE_DIR)")
    needed = sorted({s.spec for s in STREAMS} | {"twilio_insights_v1.json"})
    return {name: Spec(spec_dir / name) for name in needed}


def generate(api_dir: Path) -> Dict[str, Tuple[str, Notes]]:
    specs = load_specs(api_dir)
    out: Dict[str, Tuple[str, Notes]] = {}
    for stream in STREAMS:
        schema, notes = build_schema(stream, specs, api_dir)
        check_schema_rules(stream, schema)
        out[stream.name] = (render(schema), notes)
    return out


def check_schema_rules(stream: Stream, schema: Dict[str, Any]) -> None:
    """Fail loudly rather than write a schema that breaks a rule."""
    props = schema["properties"]
    leaked = SECRET_FIELDS & set(props)
    if leaked:
        raise AssertionError(f"{stream.name}: secret field(s) {sorted(leaked)} in the schema")
    if stream.per_account and "account_sid" not in props:
        raise AssertionError(f"{stream.name}: no account_sid")
    if "$ref" in json.dumps(schema):
        raise AssertionError(f"{stream.name}: $ref left in the schema")
    for name, prop in props.items():
        if "null" not in prop.get("type", []):
            raise AssertionError(f"{stream.name}.{name}: not nullable")


def page_size_maximum(spec: Mapping[str, Any], path: str) -> Optional[int]:
    """The `maximum` of the PageSize query parameter of `path`'s GET in `spec`, or None when it has none."""
    for parameter in spec["paths"][path].get("get", {}).get("parameters", []):
        if parameter.get("name") == "PageSize" and parameter.get("in") == "query":
            return int(parameter["schema"]["maximum"])
    return None


def page_sizes(api_dir: Path) -> str:
    """page_sizes.json: stream (or paged list) -> the PageSize the connector sends, the spec's maximum."""
    specs: Dict[str, Mapping[str, Any]] = {}
    lists = {stream.name: (stream.spec, stream.path) for stream in STREAMS}
    lists.update(PAGED_LISTS)
    table = {}
    for name, (spec_file, path) in sorted(lists.items()):
        if spec_file not in specs:
            specs[spec_file] = json.loads((api_dir / "specs" / spec_file).read_text())
        maximum = page_size_maximum(specs[spec_file], path)
        if maximum is not None:
            table[name] = maximum
    return json.dumps(table, indent=2, sort_keys=True) + "\n"


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--api-dir", type=Path, default=DEFAULT_API_DIR,
                        help="Twilio reference data (specs/, fixtures/)")
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR)
    parser.add_argument("--page-sizes", type=Path, default=DEFAULT_PAGE_SIZES, help="where page_sizes.json goes")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a schema would change")
    parser.add_argument("--report", action="store_true", help="print per-stream numbers, dates and notes")
    args = parser.parse_args(argv)

    generated = generate(args.api_dir)
    changed = []
    if not args.check:
        args.out_dir.mkdir(parents=True, exist_ok=True)
    for name, (text, notes) in generated.items():
        target = args.out_dir / f"{name}.json"
        if not target.is_file() or target.read_text() != text:
            changed.append(name)
            if not args.check:
                target.write_text(text)
        if args.report:
            n_props = len(json.loads(text)["properties"])
            print(f"{name}: {n_props} properties")
            print(f"    numbers: {', '.join(notes.numeric) or '-'}")
            dates = f"; date: {', '.join(notes.date)}" if notes.date else ""
            print(f"    date-time: {', '.join(notes.datetime) or '-'}{dates}")
            for line in notes.odd:
                print(f"    note: {line}")
    sizes = page_sizes(args.api_dir)
    if not args.page_sizes.is_file() or args.page_sizes.read_text() != sizes:
        changed.append(args.page_sizes.name)
        if not args.check:
            args.page_sizes.write_text(sizes)
    existing = args.out_dir.glob("*.json") if args.out_dir.is_dir() else []
    stale = sorted(p.stem for p in existing if p.stem not in generated)
    if stale:
        print(f"schemas with no stream in this generator (left alone): {', '.join(stale)}", file=sys.stderr)
    if args.check:
        if changed:
            print(f"out of date: {', '.join(changed)}", file=sys.stderr)
            return 1
        return 0
    print(f"wrote {len(changed)} of {len(generated)} schemas to {args.out_dir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
