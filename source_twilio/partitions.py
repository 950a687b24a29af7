"""One partition per account a stream reads: `{"account_sid": "AC..."}`. Per-account state keys on it.

YAML could list accounts only with a SubstreamPartitionRouter over an accounts stream, which re-reads `Accounts.json`
for every stream and cannot tell which accounts the credentials may read on which host (accounts.py). What each
family reads (`reads` in the manifest):
- `account_data`: the 2010-04-01 API, every readable account (the main account's credentials read subaccounts);
- `product_data`: the product hosts, the accounts whose product data the sync can read, each with its own credentials;
- `account_list`: `Accounts.json` itself, once, when the credentials may list accounts (not a Standard API key);
- `keys`: `Keys.json` of every readable account, when the credentials may read keys (not a Standard API key);
- `catalogue`: a product host's list that is the same for every account (Conversation Intelligence's operator types),
  once, read as the first account whose product data the sync reads: `{"read_as": "AC..."}`, no `account_sid`, so its
  records are not stamped with an account;
- `operators`: Conversation Intelligence's operators: Twilio's pre-built ones once, as `catalogue`
  (`{"read_as": ..., "operators": "PreBuilt"}`), then each account's custom ones
  (`{"read_as": "AC...", "account_sid": "AC...", "operators": "Custom"}`).
"""

from __future__ import annotations

from dataclasses import InitVar, dataclass
from typing import Any, Iterable, Mapping, Optional

from airbyte_cdk.sources.declarative.partition_routers.partition_router import (
    PartitionRouter,
)
from airbyte_cdk.sources.types import Config, StreamSlice, StreamState

from .accounts import AccountDirectory

READS = ("account_data", "product_data", "account_list", "keys", "catalogue", "operators")


@dataclass
class TwilioAccountPartitionRouter(PartitionRouter):
    config: Config
    parameters: InitVar[Mapping[str, Any]]
    reads: str = "account_data"

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        if self.reads not in READS:
            raise ValueError(f"reads must be one of {READS}, not {self.reads!r}")

    def stream_slices(self) -> Iterable[StreamSlice]:
        access = AccountDirectory.access(self.config)
        if self.reads in ("catalogue", "operators"):
            yield from self._catalogue_slices(access.product_accounts)
            return
        if self.reads == "account_list":
            accounts = access.accounts[:1] if access.lists_accounts else ()
        elif self.reads == "product_data":
            accounts = access.product_accounts
        elif self.reads == "keys":
            accounts = access.accounts if access.reads_keys else ()
        else:
            accounts = access.accounts
        for account in accounts:
            yield StreamSlice(partition={"account_sid": account.sid}, cursor_slice={})

    def _catalogue_slices(self, accounts: Any) -> Iterable[StreamSlice]:
        if not accounts:
            return
        if self.reads == "catalogue":
            yield StreamSlice(partition={"read_as": accounts[0].sid}, cursor_slice={})
            return
        yield StreamSlice(partition={"read_as": accounts[0].sid, "operators": "PreBuilt"}, cursor_slice={})
        for account in accounts:
            yield StreamSlice(partition={"read_as": account.sid, "account_sid": account.sid, "operators": "Custom"}, cursor_slice={})

    def get_request_params(self, **kwargs: Any) -> Mapping[str, Any]:
        return {}

    def get_request_headers(self, **kwargs: Any) -> Mapping[str, Any]:
        return {}

    def get_request_body_data(self, **kwargs: Any) -> Mapping[str, Any]:
        return {}

    def get_request_body_json(self, **kwargs: Any) -> Mapping[str, Any]:
        return {}

    def get_stream_state(self) -> Optional[Mapping[str, StreamState]]:
        return None
