"""What the connector does with each answer Twilio gives: one table, `POLICY`, the same as BEHAVIOR.md's "Errors".

Twilio's errors are JSON `{code, message, more_info, status}` (reference/twilio-api/README.md). A rule matches on the
HTTP status, Twilio's code and the request; the first rule that matches decides. An answer no rule covers fails the
stream with Twilio's status, code, message and the URL: never an empty stream or window.

The rules are Python rather than the manifest's `HttpResponseFilter`s: a filter matches when its status is listed
*or* its predicate holds, so "400 with code 20004" cannot be said with one, and a rule here also needs to know which
credentials a request carried (a subaccount's own token, or the main credentials). The manifest's DefaultErrorHandler
(`error_handler` in manifest.yaml) keeps what it says well: how many retries and how long to wait between them.
"""

from __future__ import annotations

import logging
from dataclasses import InitVar, dataclass, replace
from typing import Any, Callable, Collection, List, Mapping, Optional, Tuple, Union, cast
from urllib.parse import urlsplit, urlunsplit

import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.declarative.requesters.error_handlers import (
    DefaultErrorHandler,
)
from airbyte_cdk.sources.streams.http.error_handlers import BackoffStrategy, ErrorHandler
from airbyte_cdk.sources.streams.http.error_handlers.default_error_mapping import (
    DEFAULT_ERROR_MAPPING,
)
from airbyte_cdk.sources.streams.http.error_handlers.response_models import (
    SUCCESS_RESOLUTION,
    ErrorResolution,
    ResponseAction,
)
from airbyte_cdk.sources.types import Config

from . import progress
from .accounts import status_now
from .deadline import DEADLINE_MARK
from .hosts import redirected_elsewhere, without_query
from .twilio import ACCOUNT_PATH, page_problem, parsed_page
from .refusals import EVERY_STREAM, Refusals
from .config import settings_of

logger = logging.getLogger("airbyte")

# The longest wait between two attempts: a Retry-After of a day (a proxy's, or a misconfigured one) would stall the
# sync without a word; ten minutes, then the retry.
MAX_WAIT_SECONDS = 600


@dataclass(frozen=True)
class Answer:
    """One Twilio answer, as the rules see it."""

    stream: str
    status: int
    code: Optional[int]
    message: str
    url: str  # without the query string: no credential ever travels there, but filters make it long
    main_credentials: bool  # the request carried the sync's own credentials (not a subaccount's)
    suspended_account: bool = False  # the 2010 path names a subaccount Twilio lists as suspended
    account: str = ""  # the account read: the one a 2010 path names, else the one whose credentials the request carried
    subaccount: bool = False  # that account is not the main account
    status_now: Optional[str] = None  # for a 401 about a subaccount: its status, asked of Twilio (accounts.status_now)

    @property
    def of_account(self) -> str:
        return f" for account {self.account}" if self.account else ""

    @property
    def twilio(self) -> str:
        code = f", code {self.code}" if self.code is not None else ""
        return f"{self.status}{code}: {self.message or 'no message'}"


@dataclass(frozen=True)
class Rule:
    name: str
    applies: Callable[[Answer], bool]
    action: ResponseAction
    failure_type: FailureType
    says: Callable[[Answer], str]
    # for an answer let through: what it is said once per (rule name, ...); and whether the account's data in that
    # stream ("stream") or in every stream ("account") was not read whole (refusals.py); a "nothing here" answer neither
    once: Callable[[Answer], Tuple[Any, ...]] = lambda a: (a.account, a.stream)
    unread: Optional[str] = "stream"


# Answers that mean "nothing here" for one window rather than "no access": the window is complete and empty, and the
# state moves past it. Usage Records: users report 404 (20404) on usage lists (twilio-python #406 and #787), and a
# 2010 list of an account Twilio serves has nothing else to be missing; elsewhere a 404 means a product not enabled or
# a parent deleted, and the window must be asked again (refused).
EMPTY_WHEN_NOT_FOUND = frozenset({"usage_records"})
INACTIVE = ("suspended", "closed")


def reads_as_empty(response: Optional[requests.Response], stream: str) -> bool:
    """Whether a response the error handler let through is a complete, empty window (see EMPTY_WHEN_NOT_FOUND)."""
    return response is not None and response.status_code == 404 and stream in EMPTY_WHEN_NOT_FOUND


POLICY: List[Rule] = [
    Rule(
        "throttled",
        lambda a: a.status == 429,
        ResponseAction.RATE_LIMITED,
        FailureType.transient_error,
        lambda a: f"Twilio is throttling {a.stream} ({a.twilio}); waiting and retrying. Lower num_workers if this persists.",
    ),
    Rule(
        "server error",
        lambda a: a.status in (500, 502, 503, 504),
        ResponseAction.RETRY,
        FailureType.transient_error,
        lambda a: f"Twilio answered {a.twilio} for {a.stream} at {a.url}; retrying with backoff.",
    ),
    Rule(
        "suspended subaccount refused",
        lambda a: a.status == 401 and a.suspended_account,
        ResponseAction.IGNORE,
        FailureType.transient_error,
        lambda a: (
            f"Skipping {a.stream} at {a.url}{a.of_account}: Twilio refuses to serve this suspended subaccount's data ({a.twilio}). "
            "It is read again once the subaccount is active."
        ),
    ),
    Rule(
        "subaccount inactive since the sync started",
        lambda a: a.status == 401 and a.subaccount and a.status_now in INACTIVE,
        ResponseAction.IGNORE,
        FailureType.transient_error,
        lambda a: (
            f"Skipping {a.stream} of account {a.account} for the rest of this sync: the subaccount was suspended or "
            f"closed since the sync started (Twilio now lists it as {a.status_now}; it answered {a.twilio} at {a.url}). "
            "Its state stays where it was read to; the next sync while it is active reads the rest."
        ),
        unread="account",
    ),
    Rule(
        "credentials rejected",
        lambda a: a.status == 401 and a.main_credentials,
        ResponseAction.FAIL,
        FailureType.config_error,
        lambda a: (
            f"Twilio rejected the credentials ({a.twilio}) for {a.stream} at {a.url}. The auth token or API key may have "
            "been rotated or revoked: enter the current one in the connection settings."
        ),
    ),
    Rule(
        "subaccount credentials rejected",
        lambda a: a.status == 401 and not a.main_credentials,
        ResponseAction.IGNORE,
        FailureType.transient_error,
        lambda a: (
            f"Skipping the product data (Conversations, Studio, Monitor, ...) of account {a.account} for the rest of "
            f"this sync: Twilio rejected the subaccount's own credentials ({a.twilio}, first at {a.url} for {a.stream}); "
            "its auth token was rotated since the account list was read. Nothing of it is saved as read: the next sync "
            "reads the new auth token from Accounts.json and brings what was skipped."
        ),
        once=lambda a: (a.account,),
        unread="account",
    ),
    Rule(
        "forbidden",
        lambda a: a.status == 403,
        ResponseAction.IGNORE,
        FailureType.transient_error,
        lambda a: (
            f"Skipping {a.stream} at {a.url}{a.of_account}: Twilio refused access ({a.twilio}). Grant the API key read access to this "
            "product, or disable the stream on the Schema tab."
        ),
    ),
    Rule(
        "nothing here",
        lambda a: a.status == 404 and a.stream in EMPTY_WHEN_NOT_FOUND,
        ResponseAction.IGNORE,
        FailureType.transient_error,
        lambda a: (
            f"Twilio answered {a.twilio} for {a.stream} of account {a.account} at {a.url}: read as a window with no "
            "records (Twilio answers so for days without usage, such as before the account existed); said once per "
            "account."
        ),
        unread=None,
    ),
    Rule(
        "not found",
        lambda a: a.status == 404,
        ResponseAction.IGNORE,
        FailureType.transient_error,
        lambda a: (
            f"Skipping {a.stream} at {a.url}{a.of_account}: Twilio answered {a.twilio} (the product is not enabled for this account, "
            "or the parent record was deleted since it was listed)."
        ),
    ),
    Rule(
        "older than the account keeps messages",
        lambda a: a.status == 400 and a.code == 20004,
        ResponseAction.FAIL,
        FailureType.config_error,
        lambda a: (
            f"Twilio refused {a.stream} older than this account keeps them ({a.twilio}) at {a.url}. The account keeps "
            "messages fewer days than the sync reaches back (Twilio Console > Messaging > Settings > Message Records "
            "Data Access; 400 days by default): set start_date, or sync_last_n_days, within that period."
        ),
    ),
]


def _unknown(answer: Answer) -> ErrorResolution:
    return ErrorResolution(
        response_action=ResponseAction.FAIL,
        failure_type=FailureType.system_error,
        error_message=(
            f"Twilio answered {answer.twilio} for {answer.stream} at {answer.url}, which this connector does not know how "
            "to handle; the stream stops rather than skip data. Contact the connector's maintainers with this message."
        ),
    )


def answer_of(
    response: requests.Response,
    stream: str,
    main_authorization: Optional[str],
    suspended: Collection[str] = (),
    accounts_by_authorization: Optional[Mapping[str, str]] = None,
    main_account: Optional[str] = None,
) -> Answer:
    """`accounts_by_authorization`: the account each Authorization header reads (the main credentials and each
    subaccount's own), so that an answer of a product host, whose URL names no account, names the one it refused."""
    body = parsed_page(response) or {}
    code = body.get("code")
    parts = urlsplit(response.request.url or response.url or "")
    authorization = response.request.headers.get("Authorization") if response.request.headers else None
    in_path = ACCOUNT_PATH.search(parts.path)
    account = in_path.group(1) if in_path else (accounts_by_authorization or {}).get(authorization or "", "")
    return Answer(
        subaccount=bool(account and main_account and account != main_account),
        stream=stream,
        status=response.status_code,
        code=code if isinstance(code, int) else None,
        message=str(body.get("message") or "").strip(),
        url=urlunsplit((parts.scheme, parts.netloc.rsplit("@", 1)[-1], parts.path, "", "")),
        main_credentials=main_authorization is None or authorization in (None, main_authorization),
        suspended_account=bool(in_path and in_path.group(1) in suspended),
        account=account,
    )


def rule_for(answer: Answer) -> Optional[Rule]:
    """The first row of POLICY that matches, or None (the answer no rule covers)."""
    return next((rule for rule in POLICY if rule.applies(answer)), None)


def resolve(answer: Answer, rule: Optional[Rule] = None) -> ErrorResolution:
    """What `answer` leads to: its row of POLICY (`rule` when the caller found it already), else _unknown."""
    rule = rule or rule_for(answer)
    if rule is None:
        return _unknown(answer)
    return ErrorResolution(response_action=rule.action, failure_type=rule.failure_type, error_message=rule.says(answer))


@dataclass
class TwilioErrorHandler(ErrorHandler):
    """Every stream's error handler: POLICY for Twilio's answers, the manifest's DefaultErrorHandler for retries.

    A 2xx is parsed here once (the decoder reuses the result) and asked for again when it is not JSON: a 200 cut by a
    proxy would otherwise end the stream silently with no records and no next page. Exceptions (connection dropped,
    timeouts) follow the CDK's default mapping: retried.
    """

    config: Config
    handler: DefaultErrorHandler
    parameters: InitVar[Mapping[str, Any]]

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self._stream = parameters.get("name", "")
        self._list_key = parameters.get("list_key", "")
        self._paged = parameters.get("paged", True)

    @property
    def backoff_strategies(self) -> Optional[List[Any]]:
        return [CappedWait(self.handler.backoff_strategies or [], self._stream)]

    @property
    def max_retries(self) -> Optional[int]:
        return cast(Optional[int], self.handler.max_retries)

    @property
    def max_time(self) -> Optional[int]:
        return self.handler.max_time

    def interpret_response(self, response_or_exception: Optional[Union[requests.Response, Exception]] = None) -> ErrorResolution:
        resolution = self._resolve(response_or_exception)
        progress.current().answered(self._stream, resolution)  # retries and skips, for the sync's summary
        return resolution

    def _resolve(self, response_or_exception: Optional[Union[requests.Response, Exception]]) -> ErrorResolution:
        if not isinstance(response_or_exception, requests.Response):
            if isinstance(response_or_exception, requests.exceptions.ReadTimeout) and DEADLINE_MARK in str(response_or_exception):
                # the CDK says only that it retries; the user needs to hear why a request was abandoned
                logger.warning(f"A request of {self._stream} was abandoned: {response_or_exception}. Retrying.")
            mapped = next((DEFAULT_ERROR_MAPPING[kind] for kind in type(response_or_exception).__mro__ if kind in DEFAULT_ERROR_MAPPING), None)
            return mapped or ErrorResolution(
                response_action=ResponseAction.RETRY,
                failure_type=FailureType.transient_error,
                error_message=f"Could not reach Twilio for {self._stream} ({type(response_or_exception).__name__}); retrying.",
            )
        elsewhere = redirected_elsewhere(response_or_exception)
        if elsewhere:
            return ErrorResolution(
                response_action=ResponseAction.FAIL,
                failure_type=FailureType.system_error,
                error_message=(
                    f"Twilio's answer for {self._stream} at {without_query(response_or_exception.history[0].url)} redirected "
                    f"to another host, {without_query(elsewhere)}. The connector reads Twilio's hosts only (no credential "
                    "was sent there); the stream stops rather than read another host's answer as Twilio's."
                ),
            )
        if 200 <= response_or_exception.status_code < 300:
            problem = page_problem(response_or_exception, self._list_key, self._paged)
            if problem:
                url = without_query(response_or_exception.request.url or "")
                message = (
                    f"Twilio answered {response_or_exception.status_code} for {self._stream} at {url} with a body that "
                    f"is not a Twilio page ({problem}, {len(response_or_exception.content)} bytes); retrying."
                )
                logger.warning(message)  # the CDK logs a retry as "Rate limit exceeded (HTTP 200)", which misleads
                return ErrorResolution(response_action=ResponseAction.RETRY, failure_type=FailureType.transient_error, error_message=message)
            return SUCCESS_RESOLUTION
        main = settings_of(self.config).main_authorization
        suspended = settings_of(self.config).suspended_accounts
        answer = answer_of(
            response_or_exception, self._stream, main, suspended, self._accounts_by_authorization(), self.config.get("account_sid")
        )
        if answer.status == 401 and answer.subaccount and answer.account and not answer.suspended_account:
            # Suspended or closed since the account list was read, or (Twilio lists it active) credentials changed
            answer = replace(answer, status_now=status_now(self.config, answer.account))
        rule = rule_for(answer)
        resolution = resolve(answer, rule)
        if rule is not None and resolution.response_action == ResponseAction.IGNORE:
            if rule.unread and answer.account:
                Refusals.unread(answer.account, self._stream if rule.unread == "stream" else EVERY_STREAM)
            # A skip is said once, at WARN, per account and stream (per account for a rotated token), not per window
            # and not again for a list several streams read (transcripts, the parent of their sentences and results);
            # the CDK then logs its own one-line INFO per ignored response, not this message again.
            if Refusals.first((rule.name, *rule.once(answer))):
                logger.warning(resolution.error_message)
            return ErrorResolution(response_action=resolution.response_action, failure_type=resolution.failure_type, error_message=None)
        return resolution

    def _accounts_by_authorization(self) -> Mapping[str, str]:
        settings = settings_of(self.config)
        accounts = {header: account for account, header in settings.product_auth.items()}
        if settings.main_authorization and self.config.get("account_sid"):
            accounts.setdefault(settings.main_authorization, self.config["account_sid"])
        return accounts

    def backoff_time(self, response_or_exception: Any, attempt_count: int = 0) -> Optional[float]:
        return CappedWait(self.handler.backoff_strategies or [], self._stream).backoff_time(response_or_exception, attempt_count)


@dataclass(frozen=True)
class CappedWait(BackoffStrategy):
    """The manifest's waits (Retry-After, else exponential), the first that gives one, never above MAX_WAIT_SECONDS.

    The CDK asks each of a handler's `backoff_strategies` in turn and sleeps what the first one says, unbounded
    (WaitTimeFromHeader's `max_waiting_time_in_seconds` fails the stream instead of waiting less): one strategy that
    asks them and caps is the only place a cap can go. Retry-After: 86400 -> 600, with a log line saying so.
    """

    strategies: List[BackoffStrategy]
    stream: str

    def backoff_time(self, response_or_exception: Any, attempt_count: int) -> Optional[float]:
        for strategy in self.strategies:
            wait = strategy.backoff_time(response_or_exception=response_or_exception, attempt_count=attempt_count)
            if wait:
                if wait > MAX_WAIT_SECONDS:
                    logger.warning(
                        f"Twilio asked {self.stream} to wait {wait:.0f} s before retrying; waiting {MAX_WAIT_SECONDS} s "
                        "(the connector's longest wait) and retrying then."
                    )
                    return MAX_WAIT_SECONDS
                return wait
        return None
