"""Incoming state: continuing Airbyte's Twilio source, never starting an account at another account's cursor, and
the few values a sync derives from its state before streams are built.

Every per-account stream keeps one cursor per account: `{"states": [{"partition": {"account_sid": ...}, "cursor":
{...}}], "use_global_cursor": false}`. The CDK's per-partition cursor also saves a "state" key (the newest cursor of
any account) and starts any account without its own entry there: a subaccount added to `account_sids`, created since
the last sync, or whose entry a migration could not map would lose its whole history. `TwilioStateMigration` drops
that key from the state that comes in, and cursors.WindowCheckpointCursor from the state that goes out, so an
account without its own entry starts at `start_date`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import InitVar, dataclass
from datetime import datetime, timedelta
from typing import Any, Dict, List, Mapping, Optional, cast

from airbyte_cdk.models import (
    AirbyteStateMessage,
    AirbyteStateMessageSerializer,
    ConfiguredAirbyteCatalog,
    SyncMode,
)
from airbyte_cdk.sources.declarative.migrations.state_migration import StateMigration

from .config import format_datetime, parse_user_datetime
from .open_records import OPEN_RECORD_MARGIN, OPEN_RECORD_PASSES
from .twilio import ACCOUNT_PATH, to_iso_utc

logger = logging.getLogger("airbyte")

# The CDK's fallback for partitions without their own entry: the newest cursor of any partition.
GLOBAL_FALLBACK_KEY = "state"
# In the state of a stream with one cursor for all accounts: the accounts whose children the saving sync read
# (cursors.WindowCheckpointCursor); a child of any other account is read whatever the cursor says.
ACCOUNTS_READ_KEY = "accounts"


@dataclass
class TwilioStateMigration(StateMigration):
    """Continues a state saved by Airbyte's Twilio source instead of starting over, and removes the CDK's global
    fallback from per-account states.

    Airbyte's source (0.12+) keys per-account state by the account's list URI; ours keys it by account SID:

    {"states": [{"partition": {"subresource_uri": "/2010-04-01/Accounts/AC1/Messages.json", "parent_slice": {}},
                 "cursor": {"date_sent": "2024-05-01T00:00:00Z"}}]}
    -> {"states": [{"partition": {"account_sid": "AC1"}, "cursor": {"date_sent": "2024-05-01T00:00:00Z"}}],
        "use_global_cursor": false}

    Its usage_records partitions already carry `account_sid` (plus `parent_slice`); cursor values are rewritten in our
    format (`2020-12-11` -> `2020-12-11T00:00:00Z`; RFC 2822 -> ISO 8601). A partition this stream does not have (for
    example another resource's URI) is dropped: that account is read from the start date, which loses nothing.

    Airbyte's older flat shape, `{"date_sent": "..."}`, was one cursor its source read every account up to; it stays
    the one starting point of every account (`{"states": [], "state": {"date_sent": ...}}`), for that first sync only.
    """

    parameters: InitVar[Mapping[str, Any]]

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self._cursor_field = parameters.get("cursor_field", "date_updated")
        self._resource = parameters.get("resource", "")
        self._date_only = parameters.get("date_only", False)

    def should_migrate(self, stream_state: Mapping[str, Any]) -> bool:
        if not stream_state:
            return False
        if "states" in stream_state:
            if stream_state.get("use_global_cursor"):
                return False
            return GLOBAL_FALLBACK_KEY in stream_state or any(set(entry.get("partition", {})) != {"account_sid"} for entry in stream_state["states"])
        return self._cursor_field in stream_state and not {GLOBAL_FALLBACK_KEY, "parent_state", "use_global_cursor"} & set(stream_state)

    def migrate(self, stream_state: Mapping[str, Any]) -> Mapping[str, Any]:
        if "states" not in stream_state:
            value = state_cursor_value(stream_state.get(self._cursor_field), self._date_only)
            return {"states": [], GLOBAL_FALLBACK_KEY: {self._cursor_field: value}, "use_global_cursor": False} if value else {}
        states = []
        for entry in stream_state["states"]:
            account_sid = state_partition_account(entry.get("partition", {}), self._resource)
            value = state_cursor_value((entry.get("cursor") or {}).get(self._cursor_field), self._date_only)
            if account_sid and value:
                states.append({"partition": {"account_sid": account_sid}, "cursor": {self._cursor_field: value}})
            else:
                logger.info(f"Dropping a saved state partition this stream cannot continue: {entry.get('partition')}")
        return {"states": states, "use_global_cursor": False} if states else {}


def state_partition_account(partition: Mapping[str, Any], resource: str) -> Optional[str]:
    """The account of a saved state partition: ours, `{"account_sid": "AC1"}`, or Airbyte's,
    `{"subresource_uri": "/2010-04-01/Accounts/AC1/Calls.json"}` when it is `resource`'s list; else None."""
    if partition.get("account_sid"):
        return cast(str, partition["account_sid"])
    match = ACCOUNT_PATH.fullmatch(partition.get("subresource_uri") or "")
    if match and match.group(2) == resource:
        return match.group(1)
    return None


def state_cursor_value(value: Any, date_only: bool = False) -> Optional[str]:
    """A saved cursor value in our format: "2020-12-11" -> "2020-12-11T00:00:00Z", RFC 2822 -> ISO 8601; None when
    it is not a date."""
    if not isinstance(value, str) or not value:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value if date_only else f"{value}T00:00:00Z"
    iso = to_iso_utc(value)
    if not isinstance(iso, str) or not re.match(r"\d{4}-\d{2}-\d{2}T", iso):
        return None
    return iso[:10] if date_only else iso[:19] + "Z"


def stream_states(state: Optional[List[Any]]) -> Dict[str, Mapping[str, Any]]:
    """The incoming state of each stream, by stream name."""
    states: Dict[str, Mapping[str, Any]] = {}
    for message in state or []:
        dumped = AirbyteStateMessageSerializer.dump(message) if isinstance(message, AirbyteStateMessage) else message
        stream = dumped.get("stream") or {}
        name = (stream.get("stream_descriptor") or {}).get("name")
        if name:
            states[name] = stream.get("stream_state") or {}
    return states


# Beside an account's cursor in the state of calls: where its open-records pass starts, while that pass has not run.
OPEN_SINCE_KEY = "open_since"


def open_pass_since(states: Mapping[str, Mapping[str, Any]], lookback_minutes: int) -> Dict[str, Dict[str, str]]:
    """Per stream and account: the creation time from which settled records without a cursor are read (a failed
    call), the account's saved cursor (ours or Airbyte's) less the lookback window and OPEN_RECORD_MARGIN. Accounts
    without a state are absent: they start at start_date."""
    since: Dict[str, Dict[str, str]] = {}
    for name, open_pass in OPEN_RECORD_PASSES.items():
        if not open_pass.settled:
            continue
        for entry in (states.get(name) or {}).get("states") or []:
            account = state_partition_account(entry.get("partition") or {}, open_pass.resource)
            cursor = state_cursor_value((entry.get("cursor") or {}).get(open_pass.cursor_field))
            if account and cursor:
                start = cast(datetime, parse_user_datetime(cursor)) - timedelta(minutes=lookback_minutes) - OPEN_RECORD_MARGIN
                # a sync stopped before the account's pass ran kept where that pass was to start (cursors.py, 11)
                held = parse_user_datetime(str(entry.get(OPEN_SINCE_KEY) or "")) if entry.get(OPEN_SINCE_KEY) else None
                since.setdefault(name, {})[account] = format_datetime(min(start, held) if held else start)
    return since


# Children of conversations: a closed conversation takes no new messages or participants, so one closed before the
# children's state (unchanged since) is not read again.
CONVERSATION_CHILDREN = ("conversation_messages", "conversation_participants")


def conversations_changed_since(
    catalog: Optional[ConfiguredAirbyteCatalog], states: Mapping[str, Mapping[str, Any]], lookback_minutes: int
) -> str:
    """The oldest state of the selected conversation children, less the lookback window, or "" (read every
    conversation) when one of them has no state yet.

    A child's state is the newest date_updated it emitted, never later than its sync's start; a conversation closed
    before that was closed before the sync that read it last, so its children were all read then.
    """
    selected = [s.stream.name for s in catalog.streams if s.stream.name in CONVERSATION_CHILDREN] if catalog else []
    cursors = [parse_user_datetime(((states.get(name) or {}).get(GLOBAL_FALLBACK_KEY) or {}).get("date_updated") or "") for name in selected]
    if not cursors or any(cursor is None for cursor in cursors):
        return ""
    # The CDK's cursor may be told to re-read the duration of the last sync too; a minute more is cheap.
    return format_datetime(min(cast(List[datetime], cursors)) - timedelta(minutes=lookback_minutes + 1))


def conversations_read_accounts(catalog: Optional[ConfiguredAirbyteCatalog], states: Mapping[str, Mapping[str, Any]]) -> List[str]:
    """The accounts every selected conversation child read in full last time: only their closed, unchanged
    conversations may be skipped (an account added since has all its conversations read)."""
    selected = [s.stream.name for s in catalog.streams if s.stream.name in CONVERSATION_CHILDREN] if catalog else []
    read = [set((states.get(name) or {}).get(ACCOUNTS_READ_KEY) or []) for name in selected]
    return sorted(set.intersection(*read)) if read else []


def listed_cursors(catalog: Optional[ConfiguredAirbyteCatalog], states: Mapping[str, Mapping[str, Any]]) -> Dict[str, Dict[str, str]]:
    """Per stream read incrementally, the newest `date_updated` its list showed per Workspace last time (the
    `parent_state` changed.ChangedRecordsPartitionRouter saves): {"taskrouter_tasks": {"WS1": "2026-...Z"}}. Streams
    read in full refresh get none, so every record is fetched."""
    incremental = {s.stream.name for s in catalog.streams if s.sync_mode == SyncMode.incremental} if catalog else set()
    out: Dict[str, Dict[str, str]] = {}
    for name in incremental:
        for parent in ((states.get(name) or {}).get("parent_state") or {}).values():
            values = parent.get("date_updated") if isinstance(parent, Mapping) else None
            if isinstance(values, Mapping):
                out.setdefault(name, {}).update({str(k): str(v) for k, v in values.items()})
    return out
