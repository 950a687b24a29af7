"""Which accounts a sync reads: the main account and its subaccounts, listed once per sync.

Every per-account stream is partitioned by account SID. Listing `Accounts.json` once per stream (as Airbyte's
source does) costs a request chain per stream and, with thousands of subaccounts, minutes; so the list is
fetched once per process and shared by every stream's partition router.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Dict, List, Mapping, Optional, Tuple

import requests

from .config import ConfigError, hide_secrets

logger = logging.getLogger("airbyte")

# Suspended accounts still serve their history; closed ones answer 404 to every path (their data is gone).
READABLE_STATUSES = ("active", "suspended")
REQUEST_TIMEOUT_SECONDS = 60
PAGE_ATTEMPTS = 8
MAX_WAIT_SECONDS = 30
TRANSIENT_STATUSES = (429, 500, 502, 503, 504)


class AccountDirectory:
    """Lists and selects accounts; one instance per process, results cached per credentials and host."""

    _lock = threading.Lock()
    _cache: Dict[Tuple[str, str, str], List[Mapping[str, Any]]] = {}

    @classmethod
    def all_accounts(cls, config: Mapping[str, Any]) -> List[Mapping[str, Any]]:
        """Every account the credentials can see (status included), read once per process."""
        api = config["__hosts"]["api"]
        key = (api, config["__username"], config["account_sid"])
        with cls._lock:
            if key not in cls._cache:
                cls._cache[key] = cls._fetch(config)
            return cls._cache[key]

    @classmethod
    def selected_accounts(cls, config: Mapping[str, Any]) -> List[Mapping[str, Any]]:
        """The accounts a sync reads: `account_sids` if given, else all; closed ones left out."""
        accounts = cls.all_accounts(config)
        wanted = [sid.strip() for sid in config.get("account_sids") or []]
        if wanted:
            known = {account["sid"]: account for account in accounts}
            unknown = [sid for sid in wanted if sid not in known]
            if unknown:
                raise ConfigError(
                    f"account_sids: {', '.join(unknown)} is not the main account or one of its subaccounts for these "
                    "credentials; remove it or check the Account SID."
                )
            accounts = [known[sid] for sid in dict.fromkeys(wanted)]
        readable = []
        for account in accounts:
            if account.get("status") in READABLE_STATUSES:
                readable.append(account)
            else:
                logger.info(f"Skipping account {account['sid']}: its status is {account.get('status')!r}, so Twilio serves no data for it.")
        return readable

    @classmethod
    def clear(cls) -> None:
        with cls._lock:
            cls._cache.clear()

    @classmethod
    def _fetch(cls, config: Mapping[str, Any]) -> List[Mapping[str, Any]]:
        api = config["__hosts"]["api"]
        auth = (config["__username"], config["__password"])
        session = requests.Session()
        accounts: List[Mapping[str, Any]] = []
        url: Optional[str] = f"{api}/2010-04-01/Accounts.json?PageSize=1000"
        try:
            while url:
                status, page = _get_page(session, url, auth)
                if status in (401, 403) and config["__key_sid"]:
                    # A Standard API key may not list accounts (Twilio answers 401); it can still read its own
                    # account, so the sync goes on with the configured account (or the listed account_sids).
                    return cls._key_fallback(config)
                if status == 401:
                    raise ConfigError(
                        "auth_token: Twilio rejected the Account SID and Auth Token (401). Copy both again from the "
                        "Twilio Console; a rotated token invalidates the old one."
                    )
                if status == 403:
                    raise ConfigError("account_sid: these credentials may not read the account (403); use the account's own Auth Token.")
                if page is None:
                    raise ConfigError(f"Twilio answered {status} when listing accounts at {api}; try again later.")
                listed = page.get("accounts", [])
                hide_secrets(config, [a.get("sid", "") for a in listed], [a.get("auth_token", "") for a in listed])
                accounts.extend(_slim(account) for account in listed)
                next_uri = page.get("next_page_uri")
                url = f"{api}{next_uri}" if next_uri else None
        except requests.exceptions.RequestException as error:
            raise ConfigError(
                f"Could not reach Twilio at {api} to list accounts ({type(error).__name__}). Check the network, region and edge."
            ) from None
        main = config["account_sid"].strip()
        if not any(account["sid"] == main for account in accounts):
            accounts.insert(0, {"sid": main, "status": "active", "owner_account_sid": main, "friendly_name": None})
        return accounts

    @classmethod
    def _key_fallback(cls, config: Mapping[str, Any]) -> List[Mapping[str, Any]]:
        sids = [config["account_sid"].strip()] + [s.strip() for s in config.get("account_sids") or []]
        logger.warning(
            "The API key cannot list accounts (Twilio answers 401 to Accounts.json for Standard keys); reading only "
            f"{', '.join(dict.fromkeys(sids))}. List subaccounts in account_sids to read them too."
        )
        return [{"sid": sid, "status": "active", "owner_account_sid": config["account_sid"].strip(), "friendly_name": None} for sid in dict.fromkeys(sids)]


def _get_page(session: requests.Session, url: str, auth: Tuple[str, str]) -> Tuple[int, Optional[Dict[str, Any]]]:
    """One page of Accounts.json: its status and, when it is a 2xx, its parsed body.

    Listing accounts happens before the CDK's retrying HTTP client is involved, so it gets the same treatment
    here: 429 and 5xx, connection failures, bodies cut mid-read and bodies that are not JSON are asked for again,
    after Retry-After when Twilio sends it, else 1, 2, 4 ... s (at most 30 s a wait).
    """
    for attempt in range(PAGE_ATTEMPTS):
        wait = min(2**attempt, MAX_WAIT_SECONDS)
        try:
            response = session.get(url, auth=auth, timeout=REQUEST_TIMEOUT_SECONDS)
            if response.status_code not in TRANSIENT_STATUSES:
                return response.status_code, (response.json() if response.ok else None)
            problem = f"HTTP {response.status_code}"
            retry_after = _retry_after(response)
            if retry_after is not None:
                wait = retry_after
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout, requests.exceptions.ChunkedEncodingError, ValueError) as error:
            problem = type(error).__name__
        if attempt == PAGE_ATTEMPTS - 1:
            raise requests.exceptions.RetryError(problem)
        logger.info(f"Listing accounts: {problem}, retrying in {wait:g} s.")
        time.sleep(wait)
    raise AssertionError("unreachable")


def _retry_after(response: requests.Response) -> Optional[float]:
    try:
        return min(float(response.headers.get("Retry-After", "")), MAX_WAIT_SECONDS)
    except ValueError:
        return None


def _slim(account: Mapping[str, Any]) -> Mapping[str, Any]:
    # Never keep the subaccounts' auth tokens around: they are not needed to read them.
    return {key: account.get(key) for key in ("sid", "status", "owner_account_sid", "friendly_name")}
