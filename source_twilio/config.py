"""Reading the user's config: validation with messages a person can act on, and the derived values the manifest uses.

The manifest cannot compute hosts from `region`/`edge`, choose between auth token and API key, or turn a plain
date into a timestamp, so `normalize_config` does it once, before any stream is built, into one typed, frozen
Settings object kept under the config's `settings` key (it never reaches the spec or the UI). The manifest reads
it as `config['settings'].start`, components as `settings_of(config).start`:

    {"account_sid": "AC...", "auth_token": "...", "start_date": "2024-01-01", "num_worker": 5}
    -> {... the same ..., "settings": Settings(start="2024-01-01T00:00:00Z", end="...", num_workers=5,
        username="AC...", key_sid="", hosts={"api": "https://api.twilio.com", ...}, ...)}

source.py adds what the incoming state and catalog decide and, for `read`, what the accounts are: each time a new
Settings (`Settings.replaced`) replaces the one before it.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import logging
import os
import re
import dataclasses
from dataclasses import dataclass
from dataclasses import field as attribute
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from importlib import resources
from typing import Any, Dict, Iterable, List, Mapping, MutableMapping, Optional, Tuple, cast
from urllib.parse import urlparse

from airbyte_cdk.models import FailureType
from airbyte_cdk.utils import is_cloud_environment
from airbyte_cdk.utils.airbyte_secrets_utils import add_to_secrets
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from isodate import duration_isoformat

# Every Twilio product host the connector reads; the manifest picks one per stream family.
PRODUCTS = (
    "api",
    "monitor",
    "conversations",
    "chat",
    "studio",
    "verify",
    "messaging",
    "trunking",
    "events",
    "insights",
    "pricing",
    "taskrouter",
    "intelligence",
)
REGIONS = ("us1", "us2", "ie1", "au1", "jp1", "sg1", "br1", "de1")
EDGES = ("ashburn", "umatilla", "dublin", "frankfurt", "singapore", "sydney", "tokyo", "sao-paulo")
# Twilio serves a non-US1 region only through an edge ({product}.{edge}.{region}.twilio.com): the region's own.
DEFAULT_EDGE = {"us1": "ashburn", "us2": "umatilla", "ie1": "dublin", "au1": "sydney", "jp1": "tokyo", "sg1": "singapore", "br1": "sao-paulo", "de1": "frankfurt"}

# Local emulator (or any test double) override: only read from the environment, only plain http to loopback,
# and never in Airbyte Cloud, so a hosted user cannot point the connector's credentials at another host.
BASE_URL_ENV = "TWILIO_API_BASE_URL"

ACCOUNT_SID = re.compile(r"^AC[0-9a-fA-F]{32}$")
API_KEY_SID = re.compile(r"^SK[0-9a-fA-F]{32}$")
DURATION = re.compile(r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$")
DEFAULT_HISTORY_DAYS = 365
DEFAULT_NUM_WORKERS = 10
MAX_NUM_WORKERS = 40
DEFAULT_SLICE_STEP = "P7D"
DEFAULT_LOOKBACK_MINUTES = 0
MAX_LOOKBACK_MINUTES = 60 * 24 * 30

# How long Twilio keeps each product's records (no window older than this is asked for):
# - messages: 400 days; a DateSent range older answers 400, code 20004 (reference/twilio-api/README.md; Twilio's
#   "Message data retention", https://help.twilio.com/articles/223181008 , "13 months (400 days)").
# - alerts: 30 days ("Queries for alerts older than 30 days are not supported", Monitor Alerts, StartDate).
# - monitor_events: 30 days (Monitor Events, StartDate: "Queries for events older than 30 days are not supported").
# - call_summaries: 30 days ("Voice Insights data is available for calls or conferences made within the last 30
#   days", https://www.twilio.com/docs/voice/voice-insights ; error 17002).
# - executions: 30 days ("Studio retains Execution and Step data for 30 days after an Execution starts",
#   https://www.twilio.com/docs/studio/user-guide#data-retention-in-studio).
# - taskrouter_events: 30 days ("TaskRouter logs Events for each state change in the Workspace for the purpose of
#   historical reporting and auditing; it keeps that data for 30 days", https://www.twilio.com/docs/taskrouter/api/event).
# Children (message_media, step) follow their parent's windows.
RETENTION_DAYS = {"messages": 400, "alerts": 30, "monitor_events": 30, "call_summaries": 30, "executions": 30, "taskrouter_events": 30}
# The oldest seconds Twilio still keeps are not asked for: they expire before the answer comes, and a clock a few
# seconds behind Twilio's would otherwise ask for a range it refuses.
RETENTION_SLACK = timedelta(seconds=5)
# Voice Insights: "A completed Call Summary may take up to a half hour to generate, but a partial summary record will
# be available within ten minutes of a call ending" (Call Summaries resource); calls last at most 4 hours (Twilio's
# default and maximum TimeLimit, 14400 s). Summaries are re-read this long after their call started, so each one
# arrives again once complete.
CALL_SUMMARY_REREAD_MINUTES = 4 * 60 + 30


def retention_notes(config: Mapping[str, Any]) -> List[str]:
    """One line per stream whose start Twilio's retention moved, for the sync's log."""
    return [
        f"The sync starts at {settings_of(config).start}, but Twilio keeps {stream} {RETENTION_DAYS[stream]} days: it starts at {start}."
        for stream, start in settings_of(config).stream_starts.items()
        if start != settings_of(config).start
    ]


def retention_floor(stream: str, now: datetime) -> Optional[datetime]:
    """The oldest moment `stream` may be asked for at `now`, or None when Twilio keeps it without limit."""
    days = RETENTION_DAYS.get(stream)
    return now - timedelta(days=days) + RETENTION_SLACK if days else None


logger = logging.getLogger("airbyte")


class ConfigError(AirbyteTracedException):
    """A config the connector cannot run with; the message names the field and what to enter."""

    failure = FailureType.config_error

    def __init__(self, message: str) -> None:
        super().__init__(message=message, internal_message=message, failure_type=self.failure)


class TwilioUnavailable(ConfigError):
    """Twilio answered, but not with the account list (5xx or 429 on every attempt): check fails with it like with a
    config problem, a read with a transient error, since the config is not what must change."""

    failure = FailureType.transient_error


def parse_user_datetime(value: str) -> Optional[datetime]:
    """`2024-01-01`, `2024-01-01T00:00:00Z`, `2024-01-01T00:00:00.000Z` or `2024-01-01T02:00:00+02:00`, as UTC."""
    text = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        text += "T00:00:00+00:00"
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def format_datetime(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def config_problems(config: Mapping[str, Any], now: Optional[datetime] = None) -> List[str]:
    """Every reason this config cannot work, each naming its field; empty when it is fine."""
    now = now or datetime.now(timezone.utc)
    problems: List[str] = []

    account_sid = config.get("account_sid")
    if not isinstance(account_sid, str) or not ACCOUNT_SID.match(account_sid.strip()):
        problems.append(
            "account_sid: enter your Account SID, 'AC' followed by 32 hexadecimal characters, "
            "from the Twilio Console's Account Info panel."
        )

    has_token = bool(config.get("auth_token"))
    key_sid, key_secret = config.get("api_key_sid"), config.get("api_key_secret")
    if key_sid or key_secret:
        if not isinstance(key_sid, str) or not API_KEY_SID.match(key_sid.strip()):
            problems.append("api_key_sid: enter the API key's SID, 'SK' followed by 32 hexadecimal characters.")
        if not key_secret:
            problems.append("api_key_secret: enter the secret shown when the API key was created.")
    elif not has_token:
        problems.append("auth_token: enter the account's Auth Token, or an API key in api_key_sid and api_key_secret.")

    start = None
    if config.get("start_date") not in (None, ""):
        start = parse_user_datetime(str(config["start_date"]))
        if start is None:
            problems.append("start_date: enter a date as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, for example 2024-01-01T00:00:00Z.")
        elif start > now:
            problems.append(f"start_date: {config['start_date']} is in the future; enter a date on or before today.")
    end = None
    if config.get("end_date") not in (None, ""):
        end = parse_user_datetime(str(config["end_date"]))
        if end is None:
            problems.append("end_date: enter a date as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, or leave it empty to read up to now.")
        elif start is not None and end <= start:
            problems.append("end_date: must be after start_date; leave it empty to read up to now.")

    days = config.get("sync_last_n_days")
    if days is not None and (not _is_int(days) or int(days) < 1):
        problems.append("sync_last_n_days: enter a whole number of days, 1 or more, or leave it empty to use start_date.")

    lookback = config.get("lookback_window")
    if lookback is not None and (not _is_int(lookback) or not 0 <= int(lookback) <= MAX_LOOKBACK_MINUTES):
        problems.append(f"lookback_window: enter a whole number of minutes from 0 to {MAX_LOOKBACK_MINUTES}.")

    for field in ("num_workers", "num_worker"):
        workers = config.get(field)
        if workers is not None and (not _is_int(workers) or not 1 <= int(workers) <= MAX_NUM_WORKERS):
            problems.append(f"{field}: enter a whole number from 1 to {MAX_NUM_WORKERS} (Twilio throttles above its concurrency limit).")

    step = config.get("slice_step_duration")
    if step not in (None, "") and (not isinstance(step, str) or not DURATION.match(step)):
        problems.append("slice_step_duration: enter an ISO 8601 duration such as P1D, P7D, P1M or PT12H.")

    region, edge = config.get("region"), config.get("edge")
    if region not in (None, "") and region not in REGIONS:
        problems.append(f"region: enter one of {', '.join(REGIONS)}, or leave it empty for the default (us1).")
    if edge not in (None, "") and edge not in EDGES:
        problems.append(f"edge: enter one of {', '.join(EDGES)}, or leave it empty.")

    unredacted = config.get("intelligence_unredacted")
    if unredacted is not None and not isinstance(unredacted, bool):
        problems.append("intelligence_unredacted: enter true or false (false, the default, reads Twilio's redacted transcripts).")

    sids = config.get("account_sids")
    if sids is not None:
        if not isinstance(sids, list) or not all(isinstance(s, str) and ACCOUNT_SID.match(s.strip()) for s in sids):
            problems.append("account_sids: enter a list of account SIDs ('AC' + 32 hexadecimal characters), or leave it empty for all accounts.")
    return problems


def _is_int(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, str) and value.strip().isdigit()


def hosts(config: Mapping[str, Any]) -> Mapping[str, str]:
    """Base URL per product: `https://{product}[.{edge}][.{region}].twilio.com`, or the loopback override."""
    override = os.environ.get(BASE_URL_ENV, "").strip().rstrip("/")
    if override:
        return {product: f"{_checked_override(override)}/{product}" for product in PRODUCTS}
    region, edge = config.get("region") or "", config.get("edge") or ""
    if edge and not region:
        region = "us1"
    if region and not edge:
        edge = DEFAULT_EDGE[region]
    suffix = "".join(f".{part}" for part in (edge, region) if part)
    return {product: f"https://{product}{suffix}.twilio.com" for product in PRODUCTS}


def _checked_override(url: str) -> str:
    parsed = urlparse(url)
    host = parsed.hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if is_cloud_environment() or parsed.scheme != "http" or not loopback:
        raise ConfigError(
            f"{BASE_URL_ENV} may only point at a local emulator (http://127.0.0.1:PORT) outside Airbyte Cloud; "
            "unset it to read from Twilio."
        )
    return url


@lru_cache(maxsize=1)
def page_sizes() -> Dict[str, int]:
    """Each stream's PageSize: the maximum its list allows in Twilio's OpenAPI spec (1000 on most lists, 100 or 50 on
    Conversations and Chat). Generated by tools/generate_schemas.py into page_sizes.json."""
    return cast(Dict[str, int], json.loads(resources.files("source_twilio").joinpath("page_sizes.json").read_text()))


def basic_credentials(username: str, password: str) -> str:
    return base64.b64encode(f"{username}:{password}".encode()).decode()


def hide_secrets(config: Mapping[str, Any], credentials: Iterable[Tuple[str, str]] = ()) -> None:
    """Registers what the CDK's log filter cannot know is secret: the password (auth token or key secret), every
    subaccount token seen in `Accounts.json`, and the Basic-auth header value made from each (username, password)
    pair. `--debug` logs every request's headers and every response's body; with this they show `****` instead."""
    settings = settings_of(config)
    for username, password in [settings.credentials, *credentials]:
        if not password:
            continue
        for secret in (str(password), basic_credentials(username, str(password))):
            if len(secret) >= 8:
                add_to_secrets(secret)


def check_config(config: Mapping[str, Any], now: Optional[datetime] = None) -> None:
    """Raises ConfigError listing every problem of `config`, each naming its field."""
    problems = config_problems(config, now)
    if problems:
        raise ConfigError("Invalid configuration: " + " ".join(problems))


_PYTHON_TYPES = {str: "a string", bool: "a boolean", int: "an integer", float: "a number", list: "a list", dict: "an object", type(None): "null"}
_SCHEMA_TYPES = {"string": "a string", "boolean": "a boolean", "integer": "an integer", "number": "a number", "array": "a list", "object": "an object", "null": "null"}


def schema_problems(config: Mapping[str, Any], schema: Mapping[str, Any]) -> List[str]:
    """What the spec's JSON schema refuses in `config`, one sentence per field, each naming it. jsonschema's own
    message ("20240101 is not of type 'string'") names no field, and for a secret it would show the value."""
    from jsonschema import Draft7Validator

    problems: Dict[str, str] = {}
    for error in sorted(Draft7Validator(schema).iter_errors(dict(config)), key=lambda e: [str(p) for p in e.absolute_path]):
        path = [str(part) for part in error.absolute_path]
        field = ".".join(path) or "config"
        if error.validator == "required" and isinstance(error.validator_value, list):
            missing = [name for name in error.validator_value if name not in (error.instance or {})]
            field = ".".join(path + missing[:1]) if missing else field
            problems.setdefault(field, f"{field}: is required.")
            continue
        definition: Mapping[str, Any] = error.schema if isinstance(error.schema, Mapping) else {}
        secret = bool(definition.get("airbyte_secret"))
        got = _PYTHON_TYPES.get(type(error.instance), type(error.instance).__name__)
        shown = "" if secret else f" {json.dumps(error.instance, default=str)[:60]}"
        if error.validator == "type":
            expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
            says = f"must be {' or '.join(_SCHEMA_TYPES.get(str(t), str(t)) for t in expected)}, not {got}{shown}."
        elif error.validator == "enum":
            says = f"must be one of {', '.join(repr(v) for v in error.validator_value)}; got{shown or ' another value'}."
        elif error.validator in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            says = f"must be {'at least' if 'inimum' in error.validator else 'at most'} {error.validator_value}; got{shown}."
        elif error.validator == "pattern":
            says = f"does not have the expected format{(' (' + str(definition['pattern_descriptor']) + ')') if definition.get('pattern_descriptor') else ''}; got{shown or ' another value'}."
        else:
            says = "is not valid here." if secret else f"is not valid: {error.message}."
        problems.setdefault(field, f"{field}: {says}")
    return list(problems.values())


# The one key of the config under which the connector keeps what it derived (Settings).
SETTINGS = "settings"


@dataclass(frozen=True)
class Settings:
    """What the connector derived from the user's config, typed; the user's own fields stay in the config as given.
    Frozen: a verb's streams all read the same one (a new one replaces it, never a change in place)."""

    start: str  # the sync's start (start_date, sync_last_n_days or the default), ISO instant
    end: str  # end_date or now, whichever is earlier
    day_after_end: str  # the day after `end`, YYYY-MM-DD: the last whole-day window's end
    stream_starts: Dict[str, str]  # stream -> its start when Twilio keeps it less long than `start` (RETENTION_DAYS)
    retention: Dict[str, str]  # stream -> how far back it may be asked, an ISO duration (retention_request_parameters)
    lookback_minutes: int
    call_summary_lookback_minutes: int
    num_workers: int
    slice_step: str  # the window length of slice_step_duration (or the default), an ISO duration
    sized_windows: bool  # windows sized by each account's history (windows.py), unless slice_step_duration is set
    key_sid: str  # api_key_sid, or ""
    username: str  # the Basic-auth user: the API key SID or the account SID
    password: str = attribute(repr=False)  # the auth token or the key secret
    main_authorization: str = attribute(repr=False)  # the Basic-auth header value of the main credentials
    hosts: Dict[str, str] = attribute(default_factory=dict)  # product -> base URL (region, edge, or the emulator)
    page_sizes: Dict[str, int] = attribute(default_factory=dict)  # stream -> PageSize (page_sizes.json)
    intelligence_redacted: str = "true"  # "true" / "false", as Twilio's Redacted parameter takes it
    # From the incoming state and catalog (source.prepare)
    sync_id: str = ""  # this sync's id: lists read once per sync for several streams are kept under it (parents.py)
    conversations_changed_since: str = ""
    conversations_read_accounts: List[str] = attribute(default_factory=list)
    open_since: Dict[str, Dict[str, str]] = attribute(default_factory=dict)
    listed_cursors: Dict[str, Dict[str, str]] = attribute(default_factory=dict)
    settled_since: Dict[str, Dict[str, Tuple[str, str]]] = attribute(default_factory=dict)
    # From the accounts (source.read)
    product_auth: Dict[str, str] = attribute(default_factory=dict, repr=False)  # account SID -> its Authorization header
    suspended_accounts: List[str] = attribute(default_factory=list)
    account_created: Dict[str, str] = attribute(default_factory=dict)  # account SID -> its date_created

    @property
    def credentials(self) -> Tuple[str, str]:
        """(user, password) of the main credentials, for requests' Basic auth."""
        return self.username, self.password

    def replaced(self, **changes: Any) -> "Settings":
        return dataclasses.replace(self, **changes)


# A Date header has whole seconds and comes after the request's latency: a difference this small is no skew.
CLOCK_NOISE_SECONDS = 2.0


def on_twilio_clock(settings: Settings, offset_seconds: float, now: Optional[datetime] = None) -> Settings:
    """`settings` with how far back each stream is asked counted on Twilio's clock, `offset_seconds` (Twilio's less
    this machine's) from this machine's. Twilio keeps messages 400 days by its own clock: a machine 30 minutes ahead
    would leave out the oldest 30 minutes it still keeps, and one more than RETENTION_SLACK behind would ask for a
    range Twilio refuses (400, code 20004, on the first sync of an old start_date)."""
    if abs(offset_seconds) <= CLOCK_NOISE_SECONDS:
        return settings
    offset = timedelta(seconds=round(offset_seconds))
    twilio_now = (now or datetime.now(timezone.utc)) + offset
    start = cast(datetime, parse_user_datetime(settings.start))
    return settings.replaced(
        stream_starts={stream: format_datetime(max(start, cast(datetime, retention_floor(stream, twilio_now)))) for stream in RETENTION_DAYS},
        # retention_request_parameters counts back from now_utc(), this machine's clock
        retention={stream: duration_isoformat(timedelta(days=days) - RETENTION_SLACK - offset) for stream, days in RETENTION_DAYS.items()},
    )


def settings_of(config: Mapping[str, Any]) -> Settings:
    """The Settings of a normalised config."""
    return cast(Settings, config[SETTINGS])


def normalize_config(config: Mapping[str, Any], now: Optional[datetime] = None) -> MutableMapping[str, Any]:
    """The config plus its Settings; raises ConfigError listing every problem."""
    check_config(config, now)
    now = now or datetime.now(timezone.utc)
    # SIDs are compared everywhere after this, so they are stripped once, here.
    result = dict(config, account_sid=config["account_sid"].strip())
    if config.get("account_sids"):
        result["account_sids"] = list(dict.fromkeys(sid.strip() for sid in config["account_sids"]))

    start = parse_user_datetime(str(config["start_date"])) if config.get("start_date") else None
    if config.get("sync_last_n_days"):
        start = (now - timedelta(days=int(config["sync_last_n_days"]))).replace(hour=0, minute=0, second=0, microsecond=0)
    if start is None:
        start = (now - timedelta(days=DEFAULT_HISTORY_DAYS)).replace(hour=0, minute=0, second=0, microsecond=0)
    end = parse_user_datetime(str(config["end_date"])) if config.get("end_date") else None

    stream_starts = {stream: format_datetime(max(start, cast(datetime, retention_floor(stream, now)))) for stream in RETENTION_DAYS}
    workers = config.get("num_workers", config.get("num_worker", DEFAULT_NUM_WORKERS))
    key_sid = (config.get("api_key_sid") or "").strip()
    password = cast(str, config.get("api_key_secret") if key_sid else config.get("auth_token"))
    result[SETTINGS] = Settings(
        start=format_datetime(start),
        stream_starts=stream_starts,
        retention={stream: duration_isoformat(timedelta(days=days) - RETENTION_SLACK) for stream, days in RETENTION_DAYS.items()},
        call_summary_lookback_minutes=max(int(config.get("lookback_window") or DEFAULT_LOOKBACK_MINUTES), CALL_SUMMARY_REREAD_MINUTES),
        end=format_datetime(min(end, now) if end else now),
        day_after_end=((min(end, now) if end else now) + timedelta(days=1)).strftime("%Y-%m-%d"),
        lookback_minutes=int(config.get("lookback_window") or DEFAULT_LOOKBACK_MINUTES),
        num_workers=int(workers),
        slice_step=config.get("slice_step_duration") or DEFAULT_SLICE_STEP,
        # Without a slice_step_duration of the user's, each account's windows are as long as its history needs
        # (windows.py); with one, every window is that long.
        sized_windows=not config.get("slice_step_duration"),
        key_sid=key_sid,
        username=key_sid or result["account_sid"],
        password=password,
        main_authorization="Basic " + basic_credentials(key_sid or result["account_sid"], password),
        hosts=dict(hosts(config)),
        page_sizes=page_sizes(),
        # Conversation Intelligence sentences and operator results: Twilio's redacted version unless the user asks
        # for the unredacted one (intelligence.py says why redacted is the default).
        intelligence_redacted="false" if config.get("intelligence_unredacted") is True else "true",
    )
    return result
