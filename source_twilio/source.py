"""The connector: `manifest.yaml` declares the streams; this class adds what a manifest cannot.

- Each verb (`check`, `discover`, `read`) uses the config it is given, validated (every problem named by field) and
  normalised (config.py) before streams are built from it.
- `read` resolves what the credentials may read before any stream starts (accounts.py): a wrong token or an unknown
  SID in `account_sids` is one config error, not one failure per stream, and what cannot be read (a Standard API key's
  limits, a suspended subaccount's product data) is said once, as a warning.
- `check` says in one sentence what is wrong: bad SID format, wrong token, key without access, network.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any, Iterator, List, Mapping, MutableMapping, Optional, Tuple

import requests
from airbyte_cdk.models import (
    AirbyteCatalog,
    AirbyteConnectionStatus,
    AirbyteMessage,
    AirbyteStateMessage,
    ConfiguredAirbyteCatalog,
    Status,
)
from airbyte_cdk.sources.declarative.concurrent_declarative_source import (
    ConcurrentDeclarativeSource,
)

from .accounts import KEY_PROBE, REQUEST_TIMEOUT_SECONDS, Access, AccountDirectory
from .cdk_seam import install_factory, use_config
from .factory import twilio_factory
from .manifest import STREAM_NAMES, manifest_for
from .refusals import Refusals
from .config import SETTINGS, ConfigError, hide_secrets, normalize_config, on_twilio_clock, retention_notes, settings_of
from .progress import start_read
from .settling import settled_since
from .state import conversations_changed_since, conversations_read_accounts, listed_cursors, open_pass_since, stream_states

# Twilio's price lists are the same for every account: these streams are read once, with the main credentials.
ACCOUNTLESS_STREAMS = frozenset({"pricing_messaging_countries", "pricing_voice_countries"})


class SourceTwilio(ConcurrentDeclarativeSource):
    def __init__(
        self,
        catalog: Optional[ConfiguredAirbyteCatalog] = None,
        config: Optional[Mapping[str, Any]] = None,
        state: Optional[List[AirbyteStateMessage]] = None,
        config_path: Optional[str] = None,
    ) -> None:
        self.config_error: Optional[ConfigError] = None
        prepared = None
        if config:
            try:
                prepared = self.prepare(config, catalog, state)
            except ConfigError as error:
                # Reported by check (as a failed status) or by discover/read (as a config error), not here: spec needs
                # no config, and check must answer with a status rather than a crash.
                self.config_error = error
                prepared = dict(config)
        # A read builds its catalog's streams only (manifest.py says why); spec, check and discover build them all.
        self._built_for = {stream.stream.name for stream in catalog.streams} if catalog else set()
        super().__init__(
            catalog=catalog or ConfiguredAirbyteCatalog(streams=[]), config=prepared or {}, state=state or [],
            source_config=manifest_for(self._built_for), config_path=config_path,
        )
        install_factory(self, twilio_factory(catalog, state))

    @staticmethod
    def write_config(config: Mapping[str, Any], config_path: str) -> None:
        """The entrypoint writes the config it runs with to its temporary directory: the user's fields, as JSON (the
        Settings object is derived from them, and no JSON)."""
        ConcurrentDeclarativeSource.write_config({key: value for key, value in config.items() if key != SETTINGS}, config_path)

    @staticmethod
    def prepare(
        config: Mapping[str, Any],
        catalog: Optional[ConfiguredAirbyteCatalog] = None,
        state: Optional[List[AirbyteStateMessage]] = None,
    ) -> MutableMapping[str, Any]:
        """The config the streams are built from: validated, normalised, plus what the incoming state decides."""
        prepared = normalize_config(config)
        states = stream_states(state)
        settings = settings_of(prepared)
        prepared[SETTINGS] = settings.replaced(
            # Lists read once per sync for several streams are kept under this sync's id (parents.py).
            sync_id=uuid.uuid4().hex,
            conversations_changed_since=conversations_changed_since(catalog, states, settings.lookback_minutes),
            conversations_read_accounts=conversations_read_accounts(catalog, states),
            open_since=open_pass_since(states, settings.lookback_minutes),
            listed_cursors=listed_cursors(catalog, states),
            settled_since=settled_since(states),
        )
        hide_secrets(prepared)
        return prepared

    def check(self, logger: logging.Logger, config: Mapping[str, Any]) -> AirbyteConnectionStatus:
        try:
            prepared = self.prepare(config)
            access = AccountDirectory.access(prepared)
        except ConfigError as error:
            return AirbyteConnectionStatus(status=Status.FAILED, message=error.message)
        if not access.accounts:
            return AirbyteConnectionStatus(status=Status.FAILED, message="No account to read: every selected account is closed. Check account_sids.")
        # Listing accounts proves the credentials; reading a list of the first account proves they may read it too
        # (a Restricted key may list but not read). A Standard key was probed the same way when it could not list.
        problem = self._probe_account(prepared, access.accounts[0].sid)
        if problem:
            return AirbyteConnectionStatus(status=Status.FAILED, message=problem)
        for notice in access.notices:
            logger.warning(notice)
        summary = f"Credentials work ({access.credential}); {len(access.accounts)} account(s) will be read."
        logger.info(summary)
        return AirbyteConnectionStatus(status=Status.SUCCEEDED, message=" ".join((summary, *access.notices)))

    @staticmethod
    def _probe_account(config: Mapping[str, Any], account_sid: str) -> Optional[str]:
        settings = settings_of(config)
        url = f"{settings.hosts['api']}/2010-04-01/Accounts/{account_sid}/{KEY_PROBE}"
        try:
            response = requests.get(url, auth=settings.credentials, timeout=REQUEST_TIMEOUT_SECONDS)
        except requests.exceptions.RequestException as error:
            return f"Could not reach Twilio at {settings.hosts['api']} ({type(error).__name__}). Check the network, region and edge."
        if response.status_code == 401:
            field = "api_key_secret" if settings.key_sid else "auth_token"
            return f"{field}: Twilio rejected the credentials for {account_sid} (401). Copy them again from the Twilio Console."
        if response.status_code == 403:
            return f"The API key may not read account {account_sid} (403). Use a Standard or Main key, or grant it read access."
        if response.status_code >= 400:
            return f"Twilio answered {response.status_code} when reading account {account_sid}; try again later."
        return None

    def discover(self, logger: logging.Logger, config: Mapping[str, Any]) -> AirbyteCatalog:
        use_config(self, self._prepared(config))
        return super().discover(logger, config)

    def read(
        self,
        logger: logging.Logger,
        config: Mapping[str, Any],
        catalog: ConfiguredAirbyteCatalog,
        state: Optional[List[AirbyteStateMessage]] = None,
    ) -> Iterator[AirbyteMessage]:
        prepared = self._prepared(config, catalog, state)
        Refusals.clear()
        names = {stream.stream.name for stream in catalog.streams}
        unknown = sorted(names - STREAM_NAMES)
        if unknown:
            raise ConfigError(
                f"catalog: {', '.join(unknown)} is not a stream of this connector; refresh the source schema "
                "(discover) and select streams from it."
            )
        if self._built_for and not names <= self._built_for:
            raise ValueError(
                f"This source was built for the streams of another catalog ({', '.join(sorted(names - self._built_for))} "
                "not among them): build it with the catalog it reads, or with none."
            )
        # Resolve what the credentials may read before any stream starts: a wrong token or an unknown SID in
        # account_sids is then one config error, instead of one failure per stream.
        notices: Tuple[str, ...] = ()
        if any(stream.stream.name not in ACCOUNTLESS_STREAMS for stream in catalog.streams):
            access = AccountDirectory.access(prepared)
            notices = access.notices
            self._announce(logger, access)
            prepared[SETTINGS] = on_twilio_clock(settings_of(prepared), access.clock_offset).replaced(
                product_auth=access.product_auth_headers(),
                suspended_accounts=[account.sid for account in access.accounts if account.status == "suspended"],
                account_created={account.sid: account.date_created for account in access.accounts if account.date_created},
            )
        for note in retention_notes(prepared):
            logger.info(note)
        use_config(self, prepared)
        yield from start_read(list(notices)).follow(super().read(logger, prepared, catalog, state))

    def _prepared(
        self,
        config: Mapping[str, Any],
        catalog: Optional[ConfiguredAirbyteCatalog] = None,
        state: Optional[List[AirbyteStateMessage]] = None,
    ) -> MutableMapping[str, Any]:
        if self.config_error:
            raise self.config_error
        return self.prepare(config, catalog, state)

    @staticmethod
    def _announce(logger: logging.Logger, access: Access) -> None:
        accounts = ", ".join(account.sid for account in access.accounts)
        logger.info(f"Reading {len(access.accounts)} account(s) with the {access.credential}: {accounts}")
        for notice in access.notices:
            logger.warning(notice)
