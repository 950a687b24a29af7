"""What a sync may read: the accounts, which credentials read each, and what the credentials cannot reach.

Twilio's rules (reference/twilio-api/README.md, "Who may read what"; Twilio's subaccount and API key docs):
- The main account's SID + auth token read the main account and every subaccount on the 2010-04-01 API
  (`/Accounts/{subaccount}/...`). Product hosts (monitor, conversations, studio, verify, messaging, trunking, events,
  insights, chat, taskrouter) read the account the credentials belong to: a subaccount's product data needs its own
  SID + auth token, which the parent's `Accounts.json` returns for each subaccount.
- A closed or suspended account's own credentials get 401: its product data cannot be read. Through its parent, a
  suspended account's 2010 resources still answer; a closed account's answer 404.
- API keys: a Main key has the main account's rights. A Standard key gets 401 on the Accounts API (listing and
  fetching accounts) and on Keys, and is denied subaccounts; it reads its own account's other resources.

`AccountDirectory.access(config)` works that out once per process (one request chain to `Accounts.json`, plus one
probe when an API key may not list accounts) and every stream's partition router reads the result. Subaccount
tokens stay in memory, are registered as secrets (masked in every log line), and never reach a record, a state or
a message.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Dict, List, Mapping, Optional, Tuple, cast

import requests

from .config import ConfigError, TwilioUnavailable, hide_secrets, settings_of
from .twilio import ISO_INSTANT, served_at, to_iso_utc

logger = logging.getLogger("airbyte")

REQUEST_TIMEOUT_SECONDS = 60
PAGE_ATTEMPTS = 8
MAX_WAIT_SECONDS = 30
TRANSIENT_STATUSES = (429, 500, 502, 503, 504)
# A Standard key may read its own account's lists; this one is small and every account has it.
KEY_PROBE = "IncomingPhoneNumbers.json?PageSize=1"

AUTH_TOKEN, MAIN_KEY, STANDARD_KEY = "auth token", "Main API key", "Standard API key"


@dataclass(frozen=True)
class Account:
    sid: str
    status: str
    friendly_name: Optional[str] = None
    owner_account_sid: Optional[str] = None
    date_created: Optional[str] = None  # ISO 8601 UTC, from Accounts.json: no dated record of the account is older


@dataclass(frozen=True)
class Access:
    """What one sync's credentials may read.

    `accounts` are read on the 2010-04-01 API; `product_accounts` on the product hosts, each with its own
    credentials (`basic_auth`). `notices` are said once per sync, as warnings, before any stream starts.
    """

    credential: str
    accounts: Tuple[Account, ...]
    product_accounts: Tuple[Account, ...]
    lists_accounts: bool
    reads_keys: bool
    notices: Tuple[str, ...]
    credentials: Mapping[str, Tuple[str, str]] = field(repr=False)
    # Twilio's clock less this machine's, in seconds, from the Date header of the account listing's first answer
    # (0 without one): how far back Twilio keeps records is counted on Twilio's clock (config.on_twilio_clock)
    clock_offset: float = 0.0

    def basic_auth(self, account_sid: str) -> str:
        """The Authorization header that reads `account_sid`'s product data."""
        username, password = self.credentials[account_sid]
        return basic_auth_header(username, password)

    def product_auth_headers(self) -> Dict[str, str]:
        return {account.sid: self.basic_auth(account.sid) for account in self.product_accounts}


def basic_auth_header(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


class AccountDirectory:
    """Resolves `Access` once per process and credentials; `clear()` forgets it (tests)."""

    _listing_lock = threading.Lock()
    _cache: Dict[Tuple[str, ...], Access] = {}

    @classmethod
    def access(cls, config: Mapping[str, Any]) -> Access:
        settings = settings_of(config)
        # the credentials by a digest of them: the cache holds no secret
        credentials = hashlib.sha256(f"{settings.username}:{settings.password}".encode()).hexdigest()
        key = (settings.hosts["api"], credentials, config["account_sid"], *(config.get("account_sids") or ()))
        with cls._listing_lock:
            if key not in cls._cache:
                cls._cache[key] = _resolve(config)
            return cls._cache[key]

    @classmethod
    def selected_accounts(cls, config: Mapping[str, Any]) -> List[Account]:
        return list(cls.access(config).accounts)

    @classmethod
    def clear(cls) -> None:
        with cls._listing_lock:
            cls._cache.clear()
        forget_statuses()


def _resolve(config: Mapping[str, Any]) -> Access:
    api = settings_of(config).hosts["api"]
    own = config["account_sid"]
    key_sid = settings_of(config).key_sid
    main_credentials = settings_of(config).credentials
    session = requests.Session()
    clock: List[float] = []
    try:
        status, listed = _list_accounts(session, api, main_credentials, config, clock)
        if status in (401, 403) and key_sid:
            return _standard_key_access(session, api, own, main_credentials, config, clock)
    except TwilioKeptAnswering as error:
        raise TwilioUnavailable(
            f"Twilio answered {error.status} to each of {PAGE_ATTEMPTS} attempts to list accounts at {error.url} "
            "(a server error or throttling on Twilio's side, not the config). See status.twilio.com and try again later."
        ) from None
    except requests.exceptions.RequestException as error:
        raise ConfigError(
            f"Could not reach Twilio at {api} to list accounts ({type(error).__name__}). Check the network, region and edge."
        ) from None
    if status == 401:
        raise ConfigError(
            "auth_token: Twilio rejected the Account SID and Auth Token (401). Copy both again from the Twilio Console; "
            "a rotated token invalidates the old one."
        )
    if status == 403:
        raise ConfigError("account_sid: these credentials may not read the account (403); use the account's own Auth Token.")
    if listed is None:
        raise ConfigError(f"Twilio answered {status} when listing accounts at {api}; try again later.")

    tokens = cast(Dict[str, str], {account.get("sid"): account.get("auth_token") for account in listed if account.get("auth_token")})
    hide_secrets(config, [(sid, token) for sid, token in tokens.items() if sid])
    accounts = [_account(raw) for raw in listed]
    if not any(account.sid == own for account in accounts):
        accounts.insert(0, Account(sid=own, status="active", owner_account_sid=own))
    selected = _select(accounts, config)

    notices: List[str] = []
    readable = []
    for account in selected:
        if account.status in ("active", "suspended"):
            readable.append(account)
        else:
            notices.append(f"Skipping account {account.sid}: its status is {account.status!r}, so Twilio serves no data for it.")
    credentials: Dict[str, Tuple[str, str]] = {own: main_credentials}
    product_accounts = []
    for account in readable:
        if account.sid != own and account.status != "active":
            notices.append(
                f"Skipping the product data (Conversations, Studio, Monitor, ...) of account {account.sid}: it is "
                f"{account.status}, and Twilio refuses a {account.status} account's own credentials (401). Its messages, "
                "calls and the rest of the 2010 API are read through the parent."
            )
            continue
        if account.sid != own:
            if not tokens.get(account.sid):
                notices.append(
                    f"Skipping the product data of account {account.sid}: Twilio did not return its auth token in the "
                    "account list, and a subaccount's product data can only be read with its own credentials."
                )
                continue
            credentials[account.sid] = (account.sid, tokens[account.sid])
        product_accounts.append(account)
    return Access(
        credential=MAIN_KEY if key_sid else AUTH_TOKEN,
        accounts=tuple(readable),
        product_accounts=tuple(product_accounts),
        lists_accounts=True,
        reads_keys=True,
        notices=tuple(notices),
        credentials=credentials,
        clock_offset=clock[0] if clock else 0.0,
    )


def _standard_key_access(
    session: requests.Session, api: str, own: str, credentials: Tuple[str, str], config: Mapping[str, Any], clock: List[float]
) -> Access:
    """The key may not list accounts: a Standard key (it reads its own account), or a wrong secret (it reads nothing)."""
    status, _ = _get_page(session, f"{api}/2010-04-01/Accounts/{own}/{KEY_PROBE}", credentials, clock)
    if status == 401:
        raise ConfigError(
            "api_key_secret: Twilio rejected the API key (401). Check api_key_sid and api_key_secret, and that the key "
            "belongs to account_sid's account."
        )
    if status >= 400:
        raise ConfigError(f"api_key_sid: the API key may not read account {own} ({status}). Use a Standard or Main key.")
    others = [sid for sid in config.get("account_sids") or [] if sid != own]
    skipped = f" and the {len(others)} account(s) listed in account_sids besides it ({', '.join(others)})" if others else " and every subaccount"
    notice = (
        f"The API key {settings_of(config).key_sid} is a Standard key: Twilio lets it read only account {own} and denies it the "
        f"Accounts API, Keys and subaccounts. Skipping the accounts and keys streams{skipped}. To sync them, use a Main "
        "API key (Console > Account > API keys & tokens) or the account's Auth Token."
    )
    account = Account(sid=own, status="active", owner_account_sid=own)
    return Access(
        credential=STANDARD_KEY,
        accounts=(account,),
        product_accounts=(account,),
        lists_accounts=False,
        reads_keys=False,
        notices=(notice,),
        credentials={own: credentials},
        clock_offset=clock[0] if clock else 0.0,
    )


def _select(accounts: List[Account], config: Mapping[str, Any]) -> List[Account]:
    """`account_sids` if given (each must be listed), else all."""
    wanted = config.get("account_sids") or []
    if not wanted:
        return accounts
    known = {account.sid: account for account in accounts}
    unknown = [sid for sid in wanted if sid not in known]
    if unknown:
        raise ConfigError(
            f"account_sids: {', '.join(unknown)} is not the main account or one of its subaccounts for these "
            "credentials; remove it or check the Account SID."
        )
    return [known[sid] for sid in wanted]


def _account(raw: Mapping[str, Any]) -> Account:
    created = to_iso_utc(raw.get("date_created"))
    return Account(
        sid=raw.get("sid", ""),
        status=raw.get("status", ""),
        friendly_name=raw.get("friendly_name"),
        owner_account_sid=raw.get("owner_account_sid"),
        date_created=created if isinstance(created, str) and ISO_INSTANT.fullmatch(created) else None,
    )


_status_lock = threading.Lock()
_statuses: Dict[Tuple[str, str], Optional[str]] = {}


def status_now(config: Mapping[str, Any], account_sid: str) -> Optional[str]:
    """The account's status as Twilio says it now (`Accounts/{sid}.json` with the main credentials), asked once per
    process and account: "closed" when Twilio answers 404, None when it refuses the main credentials too (they are what
    changed) or cannot say. The account list was read when the sync started; a subaccount may have been suspended or
    closed since."""
    key = (settings_of(config).hosts["api"], account_sid)
    with _status_lock:
        if key not in _statuses:
            url = f"{settings_of(config).hosts['api']}/2010-04-01/Accounts/{account_sid}.json"
            try:
                status, page = _get_page(requests.Session(), url, settings_of(config).credentials)
            except Exception:  # noqa: BLE001 (cannot say: the refusal is then read as a credentials change, not an error)
                status, page = 0, None
            _statuses[key] = "closed" if status == 404 else (page or {}).get("status") if status == 200 else None
        return _statuses[key]


def forget_statuses() -> None:
    with _status_lock:
        _statuses.clear()


def _list_accounts(
    session: requests.Session, api: str, credentials: Tuple[str, str], config: Mapping[str, Any], clock: Optional[List[float]] = None
) -> Tuple[int, Optional[List[Mapping[str, Any]]]]:
    """Every page of Accounts.json: (200, accounts), or the first status that was not a 200 (and None)."""
    accounts: List[Mapping[str, Any]] = []
    url: Optional[str] = f"{api}/2010-04-01/Accounts.json?PageSize=1000"
    while url:
        status, page = _get_page(session, url, credentials, clock)
        if page is None:
            return status, None
        accounts.extend(page.get("accounts") or [])
        next_uri = page.get("next_page_uri")
        url = f"{api}{next_uri}" if next_uri else None
    return 200, accounts


class TwilioKeptAnswering(requests.exceptions.RetryError):
    """Every attempt at a page was answered with a 429 or 5xx: Twilio was reached, and said no each time."""

    def __init__(self, status: int, url: str) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.url = url.split("?", 1)[0]


def _get_page(
    session: requests.Session, url: str, auth: Tuple[str, str], clock: Optional[List[float]] = None
) -> Tuple[int, Optional[Dict[str, Any]]]:
    """One page: its status and, when it is a 2xx, its parsed body; `clock` gets Twilio's clock less this machine's
    (seconds) from each answer's Date header.

    This runs before the CDK's retrying HTTP client is involved, so it gets the same treatment here: 429 and 5xx,
    connection failures, bodies cut mid-read and bodies that are not JSON are asked for again, after Retry-After
    when Twilio sends it, else 1, 2, 4 ... s (at most 30 s a wait).
    """
    for attempt in range(PAGE_ATTEMPTS):
        wait = min(2**attempt, MAX_WAIT_SECONDS)
        try:
            response = session.get(url, auth=auth, timeout=REQUEST_TIMEOUT_SECONDS)
            served = served_at(response)
            if clock is not None and served is not None:
                clock.append((served - datetime.now(timezone.utc)).total_seconds())
            if response.status_code not in TRANSIENT_STATUSES:
                return response.status_code, (response.json() if response.ok else None)
            problem = f"HTTP {response.status_code}"
            retry_after = _retry_after(response)
            if retry_after is not None:
                wait = retry_after
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout, requests.exceptions.ChunkedEncodingError, ValueError) as error:
            problem = type(error).__name__
        if attempt == PAGE_ATTEMPTS - 1:
            if problem.startswith("HTTP "):
                raise TwilioKeptAnswering(response.status_code, url)
            raise requests.exceptions.RetryError(problem)
        logger.info(f"Listing accounts: {problem}, retrying in {wait:g} s.")
        time.sleep(wait)
    raise AssertionError("unreachable")


def _retry_after(response: requests.Response) -> Optional[float]:
    try:
        return min(float(response.headers.get("Retry-After", "")), MAX_WAIT_SECONDS)
    except ValueError:
        return None
