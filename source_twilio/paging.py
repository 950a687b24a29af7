"""Twilio's pages, both envelopes, and the requests that follow a window's last page.

- 2010-04-01 API: `next_page_uri`, relative to the host, carrying the filters and Twilio's PageToken.
- v1/v2 product APIs: `meta.next_page_url`, absolute.
After a window's last page:
- a result-limited list (Monitor Alerts) at its limit goes on with a narrower query (result_limit.py);
- the newest window of messages and calls is followed by the open-records pass (open_records.py).
"""

from __future__ import annotations

from dataclasses import InitVar, dataclass
from typing import Any, List, Mapping, Optional, cast
from urllib.parse import parse_qs, urljoin, urlsplit, urlunsplit

import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.declarative.requesters.paginators.strategies.pagination_strategy import (
    PaginationStrategy,
)
from airbyte_cdk.sources.types import Config, StreamSlice
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from .hosts import next_link_on_request_host, without_query
from .open_records import is_newest_window, open_record_pass
from .twilio import next_page_link, parsed_page
from .result_limit import ResultLimit
from .config import settings_of


@dataclass
class TwilioPagination(PaginationStrategy):
    """The next request of a page chain, from the response alone: one instance pages every partition of a stream, in
    several threads, so nothing is kept on `self` between pages.

    {"messages": [...], "next_page_uri": "/2010-04-01/Accounts/AC.../Messages.json?DateSent%3E=...&PageToken=PA..."}
    -> "https://api.twilio.com/2010-04-01/Accounts/AC.../Messages.json?DateSent%3E=...&PageToken=PA..."
    {"alerts": [...], "meta": {"next_page_url": "https://monitor.twilio.com/v1/Alerts?...&PageToken=PT..."}}
    -> "https://monitor.twilio.com/v1/Alerts?...&PageToken=PT..."
    """

    config: Config
    parameters: InitVar[Mapping[str, Any]]

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self._stream = parameters.get("name", "")
        self._list_key = parameters.get("list_key", "")
        self._start_param = parameters.get("start_param", "")
        self._open_pass = open_record_pass(self._stream, self.config)
        self._result_limit = ResultLimit.of(parameters)

    @property
    def initial_token(self) -> Optional[Any]:
        return None

    def get_page_size(self) -> Optional[int]:
        return None

    def next_page_token(  # type: ignore[override]  # the CDK passes these by keyword; page_size_override is unused
        self,
        response: requests.Response,
        last_page_size: int,
        last_record: Optional[Any],
        last_page_token_value: Optional[Any] = None,
        stream_slice: Optional[StreamSlice] = None,
    ) -> Optional[Any]:
        body = parsed_page(response) or {}
        url = cast(str, response.request.url)
        if self._result_limit:
            continuation = self._result_limit.continuation(url, body, self._records(body))
            if continuation:
                return continuation
        next_url = self._next_url(body, url)
        if not self._open_pass:
            return next_url
        if self._start_param in parse_qs(urlsplit(url).query):
            # A window page: its next page, else, after the newest window, the pass.
            if next_url:
                return next_url
            return self._pass_url(url, 0) if self._is_newest_window(stream_slice) else None
        # A page of the pass. Open records are the newest: go on while a page holds one. Settled ones are kept down to
        # the account's sync start: go on while the page's oldest record is still kept.
        records = self._records(body)
        keep = self._open_pass.keeper(url, self.config)
        if self._open_pass.is_settled(url, self.config):
            more = bool(records) and keep(records[-1])
        else:
            more = any(keep(record) for record in records)
        if next_url and more:
            return next_url
        return self._pass_url(url, self._open_pass.query_index(url, self.config) + 1)

    def _records(self, body: Mapping[str, Any]) -> List[Mapping[str, Any]]:
        records = body.get(self._list_key)
        return records if isinstance(records, list) else []

    def _next_url(self, body: Mapping[str, Any], request_url: str) -> Optional[str]:
        """Twilio's next page, at the host this page came from; a link to any other host stops the stream (hosts.py):
        following it would send the credentials there."""
        link = next_page_link(body)
        if not link:
            return None
        if "meta" not in body and link.startswith("/") and not link.startswith("//"):
            absolute = settings_of(self.config).hosts["api"] + link  # relative to the API's base (the emulator's has a path)
        else:
            absolute = urljoin(request_url, link)
        followed = next_link_on_request_host(absolute, request_url)
        if followed is None:
            message = (
                f"Twilio's page of {self._stream} at {without_query(request_url)} links its next page to "
                f"{without_query(absolute)}, another host than the request went to. The connector follows next pages only "
                "on the host it asked, so no credential is sent there; the stream stops rather than skip its remaining pages."
            )
            raise AirbyteTracedException(message=message, internal_message=message, failure_type=FailureType.system_error)
        return followed

    def _is_newest_window(self, stream_slice: Optional[StreamSlice]) -> bool:
        return is_newest_window(stream_slice.cursor_slice if stream_slice is not None else None, settings_of(self.config).end)

    def _pass_url(self, url: str, index: int) -> Optional[str]:
        assert self._open_pass is not None
        query = self._open_pass.query_string(index, self.config, settings_of(self.config).page_sizes[self._stream])
        if query is None:
            return None
        scheme, netloc, path, _, _ = urlsplit(url)
        return urlunsplit((scheme, netloc, path, query, ""))


