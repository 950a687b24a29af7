"""The connector: `manifest.yaml` declares the streams; this class adds what a manifest cannot.

- The config is validated (every problem named by field) and normalised once, before streams are built
  (see `config.py`).
- `check` says in one sentence what is wrong: bad SID format, wrong token, key without access, network.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any, Dict, Iterator, List, Mapping, Optional

import requests
from airbyte_cdk.models import (
    AirbyteCatalog,
    AirbyteConnectionStatus,
    AirbyteMessage,
    AirbyteStateMessage,
    AirbyteStateMessageSerializer,
    ConfiguredAirbyteCatalog,
    Status,
)
from airbyte_cdk.sources.declarative.yaml_declarative_source import YamlDeclarativeSource

from .accounts import REQUEST_TIMEOUT_SECONDS, AccountDirectory
from .components import WindowCheckpointCursor, state_cursor_value, state_partition_account
from .config import ConfigError, format_datetime, hide_secrets, normalize_config, parse_user_datetime

# Twilio's price lists are the same for every account: these streams are read once, with the main credentials.
ACCOUNTLESS_STREAMS = frozenset({"pricing_messaging_countries", "pricing_voice_countries"})

# Children of conversations: a closed conversation takes no new messages or participants, so one closed before
# the children's state (unchanged since) is not read again.
CONVERSATION_CHILDREN = ("conversation_messages", "conversation_participants")


# Streams whose settled records can keep an empty cursor (a failed call has no end_time): the open-records pass
# reads those created since each account's sync start (components._OpenPass). Stream -> (cursor field, resource).
SETTLED_WITHOUT_CURSOR_STREAMS = {"calls": ("end_time", "Calls.json")}
# A call is queued or ringing for seconds, rarely minutes: one that was in flight when the last sync started and
# failed or was canceled after it was created at most this long before that sync's cursor.
OPEN_RECORD_MARGIN = timedelta(hours=1)


def stream_states(state: Optional[List[AirbyteStateMessage]]) -> Dict[str, Mapping[str, Any]]:
    """The incoming state of each stream, by stream name."""
    states: Dict[str, Mapping[str, Any]] = {}
    for message in state or []:
        dumped = AirbyteStateMessageSerializer.dump(message) if isinstance(message, AirbyteStateMessage) else message
        stream = dumped.get("stream") or {}
        name = (stream.get("stream_descriptor") or {}).get("name")
        if name:
            states[name] = stream.get("stream_state") or {}
    return states


def open_pass_since(states: Mapping[str, Mapping[str, Any]], lookback_minutes: int) -> Dict[str, Dict[str, str]]:
    """Per stream and account: the creation time from which settled records without a cursor are read, the
    account's saved cursor (ours or Airbyte's) less the lookback window and OPEN_RECORD_MARGIN. Accounts without
    a state are absent: they start at start_date."""
    since: Dict[str, Dict[str, str]] = {}
    for name, (cursor_field, resource) in SETTLED_WITHOUT_CURSOR_STREAMS.items():
        for entry in (states.get(name) or {}).get("states") or []:
            account = state_partition_account(entry.get("partition") or {}, resource)
            cursor = state_cursor_value((entry.get("cursor") or {}).get(cursor_field))
            if account and cursor:
                start = parse_user_datetime(cursor) - timedelta(minutes=lookback_minutes) - OPEN_RECORD_MARGIN
                since.setdefault(name, {})[account] = format_datetime(start)
    return since


def conversations_changed_since(
    catalog: Optional[ConfiguredAirbyteCatalog], states: Mapping[str, Mapping[str, Any]], lookback_minutes: int
) -> str:
    """The oldest state of the selected conversation children, less the lookback window, or "" (read every
    conversation) when one of them has no state yet.

    A child's state is the newest date_updated it emitted, never later than its sync's start; a conversation
    closed before that was closed before the sync that read it last, so its children were all read then.
    """
    selected = [s.stream.name for s in catalog.streams if s.stream.name in CONVERSATION_CHILDREN] if catalog else []
    cursors = [parse_user_datetime(((states.get(name) or {}).get("state") or {}).get("date_updated") or "") for name in selected]
    if not cursors or any(cursor is None for cursor in cursors):
        return ""
    # The CDK's cursor may be told to re-read the duration of the last sync too; a minute more is cheap.
    return format_datetime(min(cursors) - timedelta(minutes=lookback_minutes + 1))


class SourceTwilio(YamlDeclarativeSource):
    def __init__(
        self,
        catalog: Optional[ConfiguredAirbyteCatalog] = None,
        config: Optional[Mapping[str, Any]] = None,
        state: Optional[List[AirbyteStateMessage]] = None,
        config_path: Optional[str] = None,
    ) -> None:
        self.config_error: Optional[ConfigError] = None
        if config:
            try:
                config = normalize_config(config)
                states = stream_states(state)
                config["__conversations_changed_since"] = conversations_changed_since(catalog, states, config["__lookback_minutes"])
                config["__open_since"] = open_pass_since(states, config["__lookback_minutes"])
            except ConfigError as error:
                # Reported by check (as a failed status) or by discover/read (as a config error), not here:
                # spec needs no config, and check must answer with a status rather than a crash.
                self.config_error = error
        super().__init__(path_to_yaml="manifest.yaml", catalog=catalog, config=config, state=state, config_path=config_path)
        self._checkpoint_every_window()

    def _checkpoint_every_window(self) -> None:
        """Per-account cursors are built by the CDK's component factory; each one it builds becomes a
        WindowCheckpointCursor (a subclass that changes only when STATE is emitted)."""
        factory = self._constructor
        create_cursor = factory.create_concurrent_cursor_from_perpartition_cursor

        def create_checkpointing_cursor(*args: Any, **kwargs: Any) -> Any:
            return WindowCheckpointCursor.adopt(create_cursor(*args, **kwargs))

        factory.create_concurrent_cursor_from_perpartition_cursor = create_checkpointing_cursor  # type: ignore[method-assign]

    def _raise_config_error(self) -> None:
        if self.config_error:
            raise self.config_error

    def check(self, logger: logging.Logger, config: Mapping[str, Any]) -> AirbyteConnectionStatus:
        if self.config_error:
            return AirbyteConnectionStatus(status=Status.FAILED, message=self.config_error.message)
        config = self._config
        hide_secrets(config)
        try:
            accounts = AccountDirectory.selected_accounts(config)
        except ConfigError as error:
            return AirbyteConnectionStatus(status=Status.FAILED, message=error.message)
        if not accounts:
            return AirbyteConnectionStatus(
                status=Status.FAILED,
                message="No account to read: every selected account is closed. Check account_sids.",
            )
        # Listing accounts proves the credentials can list; reading the first account proves they can read it
        # too (a Restricted key may list but not read; with a Standard key the listing was skipped altogether).
        problem = self._probe_account(config, accounts[0]["sid"])
        if problem:
            return AirbyteConnectionStatus(status=Status.FAILED, message=problem)
        logger.info(f"Credentials work; {len(accounts)} account(s) will be read.")
        return AirbyteConnectionStatus(status=Status.SUCCEEDED)

    @staticmethod
    def _probe_account(config: Mapping[str, Any], account_sid: str) -> Optional[str]:
        url = f"{config['__hosts']['api']}/2010-04-01/Accounts/{account_sid}.json"
        try:
            response = requests.get(url, auth=(config["__username"], config["__password"]), timeout=REQUEST_TIMEOUT_SECONDS)
        except requests.exceptions.RequestException as error:
            return f"Could not reach Twilio at {config['__hosts']['api']} ({type(error).__name__}). Check the network, region and edge."
        if response.status_code == 401:
            field = "api_key_secret" if config["__key_sid"] else "auth_token"
            return f"{field}: Twilio rejected the credentials for {account_sid} (401). Copy them again from the Twilio Console."
        if response.status_code == 403:
            return f"The API key may not read account {account_sid} (403). Use a Standard or Main key, or grant it read access."
        if response.status_code >= 400:
            return f"Twilio answered {response.status_code} when reading account {account_sid}; try again later."
        return None

    def discover(self, logger: logging.Logger, config: Mapping[str, Any]) -> AirbyteCatalog:
        self._raise_config_error()
        hide_secrets(self._config)
        return super().discover(logger, config)

    def read(
        self,
        logger: logging.Logger,
        config: Mapping[str, Any],
        catalog: ConfiguredAirbyteCatalog,
        state: Optional[List[AirbyteStateMessage]] = None,
    ) -> Iterator[AirbyteMessage]:
        self._raise_config_error()
        hide_secrets(self._config, self._config.get("account_sids") or [])
        known = {stream["name"] for stream in self.resolved_manifest["streams"]}
        unknown = sorted({stream.stream.name for stream in catalog.streams} - known)
        if unknown:
            raise ConfigError(
                f"catalog: {', '.join(unknown)} is not a stream of this connector; refresh the source schema "
                "(discover) and select streams from it."
            )
        # Resolve the accounts before any stream starts: a wrong token or an unknown SID in account_sids is then
        # one config error, instead of one failure per stream.
        if any(stream.stream.name not in ACCOUNTLESS_STREAMS for stream in catalog.streams):
            accounts = AccountDirectory.selected_accounts(self._config)
            logger.info(f"Reading {len(accounts)} account(s): {', '.join(account['sid'] for account in accounts)}")
        yield from super().read(logger, config, catalog, state)
