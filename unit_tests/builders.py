"""Builders for the unit tests: configs, the requests the connector must send, and Twilio's responses.

Responses start from real Twilio bodies stored under `unit_tests/resource/http/response/<resource>.json` (error
bodies by status: `429.json`, `401.json` ...); a test changes only the fields its rule is about.
"""

from __future__ import annotations

import base64
import copy
import email.utils
import json
import os
import time
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple, Union

from airbyte_cdk.models import (
    AirbyteStateMessage,
    AirbyteStateMessageSerializer,
    SyncMode,
)
from airbyte_cdk.test.catalog_builder import CatalogBuilder
from airbyte_cdk.test.entrypoint_wrapper import EntrypointOutput, discover, read
from airbyte_cdk.test.mock_http import HttpRequest, HttpResponse
from airbyte_cdk.test.mock_http.response_builder import find_template

from source_twilio import SourceTwilio
from source_twilio.open_records import OPEN_RECORD_PASSES
from source_twilio.run import run

API = "https://api.twilio.com"

MAIN_ACCOUNT_SID = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
SUBACCOUNT_SID = "ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
SECOND_SUBACCOUNT_SID = "ACcccccccccccccccccccccccccccccccc"
CLOSED_SUBACCOUNT_SID = "ACdddddddddddddddddddddddddddddddd"
UNKNOWN_ACCOUNT_SID = "ACeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"

AUTH_TOKEN = "test-auth-token-4f1c9e"
API_KEY_SID = "SKffffffffffffffffffffffffffffffff"
API_KEY_SECRET = "test-api-key-secret-8d2b7a"

# Every test that depends on "now" freezes time here; START_DATE is nine days earlier.
NOW = "2024-01-10T00:00:00Z"
START_DATE = "2024-01-01T00:00:00Z"


# ------------------------------------------------------------------------------------------------ config


class ConfigBuilder:
    """A valid config by default (main account + auth token + start date); each `with_` changes one field."""

    def __init__(self) -> None:
        self._config: Dict[str, Any] = {
            "account_sid": MAIN_ACCOUNT_SID,
            "auth_token": AUTH_TOKEN,
            "start_date": START_DATE,
        }

    def with_account_sid(self, sid: Any) -> "ConfigBuilder":
        return self.with_field("account_sid", sid)

    def with_api_key(self, key_sid: Any = API_KEY_SID, secret: Any = API_KEY_SECRET) -> "ConfigBuilder":
        self._config.pop("auth_token", None)
        self._config["api_key_sid"] = key_sid
        if secret is not None:
            self._config["api_key_secret"] = secret
        return self

    def with_start_date(self, value: Any) -> "ConfigBuilder":
        return self.with_field("start_date", value)

    def with_end_date(self, value: Any) -> "ConfigBuilder":
        return self.with_field("end_date", value)

    def with_lookback_window(self, minutes: Any) -> "ConfigBuilder":
        return self.with_field("lookback_window", minutes)

    def with_account_sids(self, sids: Any) -> "ConfigBuilder":
        return self.with_field("account_sids", sids)

    def with_slice_step_duration(self, duration: Any) -> "ConfigBuilder":
        return self.with_field("slice_step_duration", duration)

    def with_field(self, name: str, value: Any) -> "ConfigBuilder":
        self._config[name] = value
        return self

    def without(self, *names: str) -> "ConfigBuilder":
        for name in names:
            self._config.pop(name, None)
        return self

    def build(self) -> Dict[str, Any]:
        return copy.deepcopy(self._config)


# ------------------------------------------------------------------------------------------------ requests


def basic_auth(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def _auth_header(credentials: Optional[Tuple[str, str]]) -> Optional[Dict[str, str]]:
    return {"Authorization": basic_auth(*credentials)} if credentials else None


def accounts_list_request(credentials: Optional[Tuple[str, str]] = None) -> HttpRequest:
    """The one listing of accounts a sync makes; with `credentials`, it must carry them as HTTP Basic auth."""
    return HttpRequest(f"{API}/2010-04-01/Accounts.json", query_params={"PageSize": "1000"}, headers=_auth_header(credentials))


def probe_request(account_sid: str, credentials: Optional[Tuple[str, str]] = None) -> HttpRequest:
    """The one-record read of an account's phone numbers that proves credentials may read it: check's probe, and how a
    Standard API key (which may not list accounts) is told from a wrong secret (accounts.KEY_PROBE)."""
    return HttpRequest(
        f"{API}/2010-04-01/Accounts/{account_sid}/IncomingPhoneNumbers.json", query_params={"PageSize": "1"}, headers=_auth_header(credentials)
    )


def api_request(account_sid: str, resource: str, query_params: Optional[Mapping[str, str]] = None) -> HttpRequest:
    """A first page on the 2010 API: `/2010-04-01/Accounts/{AC}/<resource>?PageSize=1000&<filters>`.

    Filters are given as Twilio names them, `{"DateSent>": "2024-01-01T00:00:00Z"}` (`DateSent%3E=` on the wire).
    """
    return HttpRequest(
        f"{API}/2010-04-01/Accounts/{account_sid}/{resource}",
        query_params={"PageSize": "1000", **(query_params or {})},
    )


# The open-records pass after each account's newest messages or calls window, as source_twilio/open_records.py declares
# it: calls by status (in flight, then settled ones that may lack end_time), messages unfiltered, newest first.
OPEN_CALL_STATUSES = tuple(query["Status"] for query in OPEN_RECORD_PASSES["calls"].in_flight)
SETTLED_CALL_STATUSES_WITHOUT_END = tuple(query["Status"] for query in OPEN_RECORD_PASSES["calls"].settled)


def given_no_open_records(http_mocker: Any, resource: str, *account_sids: str) -> None:
    """Twilio answering the open-records pass of `resource` ("Messages.json", "Calls.json") with nothing open."""
    stream, open_pass = next((name, p) for name, p in OPEN_RECORD_PASSES.items() if p.resource == resource)
    for account_sid in account_sids or (MAIN_ACCOUNT_SID,):
        for query in open_pass.in_flight + open_pass.settled:
            http_mocker.get(api_request(account_sid, resource, query), TwilioPage(stream).build())


def next_page_request(next_page_uri: str) -> HttpRequest:
    """The request for a 2010 `next_page_uri` (relative to the host, filters and PageToken included)."""
    return HttpRequest(f"{API}{next_page_uri}")


def product_request(
    url: str,
    query_params: Optional[Mapping[str, str]] = None,
    authorization: Optional[str] = None,
    page_size: Union[bool, int] = True,
) -> HttpRequest:
    """A request to a v1/v2 product host (`https://conversations.twilio.com/v1/Conversations` ...); `page_size` is the
    list's maximum from Twilio's OpenAPI (1000, or 100/50 on Conversations), False on a next page's URL."""
    params = {"PageSize": str(1000 if page_size is True else page_size)} if page_size else {}
    params.update(query_params or {})
    headers = {"Authorization": authorization} if authorization else None
    return HttpRequest(url, query_params=params or None, headers=headers)


# ------------------------------------------------------------------------------------------------ responses


def template(resource: str) -> Dict[str, Any]:
    """A fresh copy of the stored Twilio body for `resource`."""
    return copy.deepcopy(find_template(resource, __file__))


def _list_key(body: Mapping[str, Any]) -> str:
    keys = [key for key, value in body.items() if isinstance(value, list)]
    assert len(keys) == 1, f"ambiguous list key in template: {keys}"
    return keys[0]


def a_record(resource: str, **fields: Any) -> Dict[str, Any]:
    """The first item of the stored Twilio body for `resource`, with `fields` replaced."""
    body = template(resource)
    item = copy.deepcopy(body[_list_key(body)][0])
    item.update(fields)
    return item


def token_of(account_sid: str) -> str:
    """Each account's own auth token (Accounts.json returns it); the main account's is the config's."""
    return AUTH_TOKEN if account_sid == MAIN_ACCOUNT_SID else f"token-of-{account_sid[-6:]}-e1f0"


def as_account(account_sid: str) -> str:
    """The Authorization header that reads `account_sid`'s product data: its own SID and token."""
    return basic_auth(account_sid, token_of(account_sid))


def an_account(sid: str, status: str = "active", owner: str = MAIN_ACCOUNT_SID) -> Dict[str, Any]:
    """An Accounts.json item as Twilio sends it: the account's own auth_token included."""
    return a_record("accounts", sid=sid, status=status, owner_account_sid=owner, friendly_name=f"account {sid[-4:]}", auth_token=token_of(sid))


def twilio_headers() -> Dict[str, str]:
    """Headers every Twilio response carries: `Date`, Twilio's clock (RFC 9110, 6.6.1), here the test's frozen now."""
    return {"Date": email.utils.formatdate(time.time(), usegmt=True)}


class TwilioPage:
    """A 2010-04-01 list page: `{<list key>: [...], "next_page_uri": ..., ...}` from a stored body."""

    def __init__(self, resource: str) -> None:
        self._body = template(resource)
        self._list_key = _list_key(self._body)
        self._records: List[Dict[str, Any]] = []
        self._body["next_page_uri"] = None

    def with_record(self, record: Mapping[str, Any]) -> "TwilioPage":
        self._records.append(dict(record))
        return self

    def with_records(self, records: Iterable[Mapping[str, Any]]) -> "TwilioPage":
        for record in records:
            self.with_record(record)
        return self

    def with_next_page_uri(self, uri: str) -> "TwilioPage":
        self._body["next_page_uri"] = uri
        return self

    def build(self, headers: Optional[Mapping[str, str]] = None) -> HttpResponse:
        """The page; `headers` replace Twilio's usual ones (a Date of another clock)."""
        self._body[self._list_key] = self._records
        return HttpResponse(json.dumps(self._body), 200, {**twilio_headers(), **(headers or {})})


class ProductPage:
    """A v1/v2 list page: `{<list key>: [...], "meta": {"next_page_url": ...}}` from a stored body."""

    def __init__(self, resource: str) -> None:
        self._body = template(resource)
        self._list_key = _list_key(self._body)
        self._records: List[Dict[str, Any]] = []
        self._body["meta"]["next_page_url"] = None

    def with_record(self, record: Mapping[str, Any]) -> "ProductPage":
        self._records.append(dict(record))
        return self

    def with_next_page_url(self, url: str) -> "ProductPage":
        self._body["meta"]["next_page_url"] = url
        return self

    def build(self) -> HttpResponse:
        self._body[self._list_key] = self._records
        return HttpResponse(json.dumps(self._body), 200, twilio_headers())


def accounts_page(*accounts: Mapping[str, Any]) -> HttpResponse:
    return TwilioPage("accounts").with_records(accounts).build()


def json_response(body: Any, status: int = 200) -> HttpResponse:
    return HttpResponse(json.dumps(body), status, twilio_headers())


def error_response(status: int, headers: Optional[Mapping[str, str]] = None) -> HttpResponse:
    """Twilio's JSON error body for `status` (`429.json`, `401.json` ...)."""
    return HttpResponse(json.dumps(template(str(status))), status, {**twilio_headers(), **(headers or {})})


def given_accounts(http_mocker: Any, *accounts: Mapping[str, Any]) -> None:
    """Accounts.json lists `accounts` (the main account alone by default)."""
    http_mocker.get(accounts_list_request(), accounts_page(*(accounts or [an_account(MAIN_ACCOUNT_SID)])))


# ------------------------------------------------------------------------------------------------ running


def read_stream(
    stream: str,
    config: Mapping[str, Any],
    sync_mode: SyncMode = SyncMode.full_refresh,
    state: Optional[List[AirbyteStateMessage]] = None,
    expecting_exception: bool = False,
) -> EntrypointOutput:
    """One sync of `stream`, through the CDK's test entry point (messages parsed, logs captured)."""
    catalog = CatalogBuilder().with_stream(stream, sync_mode).build()
    return read(SourceTwilio(catalog, config, state), config, catalog, state, expecting_exception=expecting_exception)


def read_streams(streams: List[str], config: Mapping[str, Any], sync_mode: SyncMode = SyncMode.full_refresh) -> EntrypointOutput:
    """One sync of several streams (what shares work across streams, like the account list, shows here)."""
    builder = CatalogBuilder()
    for stream in streams:
        builder.with_stream(stream, sync_mode)
    catalog = builder.build()
    return read(SourceTwilio(catalog, config, None), config, catalog)


def discover_streams(config: Mapping[str, Any], expecting_exception: bool = False) -> EntrypointOutput:
    return discover(SourceTwilio(None, config, None), config, expecting_exception=expecting_exception)


def records_of(output: EntrypointOutput) -> List[Dict[str, Any]]:
    return [message.record.data for message in output.records]


def final_state(output: EntrypointOutput) -> Dict[str, Any]:
    """The stream state of the last state message, as the JSON the platform stores."""
    assert output.state_messages, "the sync emitted no state"
    return AirbyteStateMessageSerializer.dump(output.state_messages[-1].state)["stream"]["stream_state"]


def warnings_of(output: EntrypointOutput) -> List[str]:
    return [message.log.message for message in output.logs if message.log.level.value == "WARN"]


def config_errors(output: EntrypointOutput) -> List[str]:
    return [message.trace.error.message for message in output.errors if message.trace.error.failure_type.value == "config_error"]


def configured_catalog(*streams: str) -> Dict[str, Any]:
    """A configured catalog, as JSON for `--catalog`, reading `streams` in full refresh."""
    return {
        "streams": [
            {
                "stream": {"name": stream, "json_schema": {}, "supported_sync_modes": ["full_refresh", "incremental"]},
                "sync_mode": "full_refresh",
                "destination_sync_mode": "overwrite",
            }
            for stream in streams
        ]
    }


def write_json(directory: str, name: str, content: Any) -> str:
    path = os.path.join(directory, name)
    with open(path, "w") as handle:
        json.dump(content, handle)
    return path


def run_entrypoint(args: List[str]) -> Optional[int]:
    """Runs `source_twilio.run.run(args)`, the real entry point; returns its exit code (None when it returned
    normally). Its Airbyte messages are on the captured stdout (see `parse_messages`)."""
    try:
        run(args)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 1
    return None


def parse_messages(stdout: str) -> List[Dict[str, Any]]:
    """The Airbyte messages in captured stdout (lines that are JSON objects with a `type`)."""
    messages = []
    for line in stdout.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            message = json.loads(line)
        except ValueError:
            continue
        if isinstance(message, dict) and "type" in message:
            messages.append(message)
    return messages
