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
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from .config import ConfigError, hide_secrets

logger = logging.getLogger("airbyte")

# Suspended accounts still serve their history; closed ones answer 404 to every path (their data is gone).
READABLE_STATUSES = ("active", "suspended")
REQUEST_TIMEOUT_SECONDS = 60
PAGE_ATTEMPTS = 6


def _session() -> requests.Session:
    # Listing accounts happens before the CDK's own retrying HTTP client is involved, so it gets the same
    # treatment here: 429 and 5xx are retried with exponential backoff, honouring Retry-After.
    retry = Retry(
        total=8,
        connect=8,
        read=8,
        status=8,
        backoff_factor=0.5,
        backoff_max=30,
        status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods=("GET",),
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    session = requests.Session()
    session.mount("http://", HTTPAdapter(max_retries=retry))
    session.mount("https://", HTTPAdapter(max_retries=retry))
    return session


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
        session = _session()
        accounts: List[Mapping[str, Any]] = []
        url: Optional[str] = f"{api}/2010-04-01/Accounts.json?PageSize=1000"
        try:
            while url:
                response = _get_page(session, url, auth)
                if response.status_code in (401, 403) and config["__key_sid"]:
                    # A Standard API key may not list accounts (Twilio answers 401); it can still read its own
                    # account, so the sync goes on with the configured account (or the listed account_sids).
                    return cls._key_fallback(config)
                if response.status_code == 401:
                    raise ConfigError(
                        "auth_token: Twilio rejected the Account SID and Auth Token (401). Copy both again from the "
                        "Twilio Console; a rotated token invalidates the old one."
                    )
                if response.status_code == 403:
                    raise ConfigError("account_sid: these credentials may not read the account (403); use the account's own Auth Token.")
                response.raise_for_status()
                page = response.json()  # _get_page made sure it parses
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


def _get_page(session: requests.Session, url: str, auth: Tuple[str, str]) -> requests.Response:
    """One page, whole: a connection dropped mid-body or a body that is not JSON is asked for again (urllib3's
    Retry covers only failures before the body is read)."""
    for attempt in range(PAGE_ATTEMPTS):
        try:
            response = session.get(url, auth=auth, timeout=REQUEST_TIMEOUT_SECONDS)
            if response.ok:
                response.json()
            return response
        except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ConnectionError, ValueError) as error:
            if attempt == PAGE_ATTEMPTS - 1:
                raise requests.exceptions.RetryError(str(type(error).__name__)) from None
            logger.info(f"Listing accounts: {type(error).__name__}, retrying in {2 ** attempt} s.")
            time.sleep(2**attempt)
    raise AssertionError("unreachable")


def _slim(account: Mapping[str, Any]) -> Mapping[str, Any]:
    # Never keep the subaccounts' auth tokens around: they are not needed to read them.
    return {key: account.get(key) for key in ("sid", "status", "owner_account_sid", "friendly_name")}
