"""Which host a request may go to: the one the sync's own request went to, never one a page names.

Credentials travel with every request (Basic auth on the 2010 API, each account's own header on product hosts), so a
next-page link is followed only to the host its page came from (`next_link_on_request_host`), and an answer that was
redirected to another host is not read as Twilio's (`redirected_elsewhere`). Both are decided by origin: scheme, host
and port, so an `https` -> `http` downgrade on the same host is another origin too.

Twilio's own link to the same product on another of its hosts (`https://monitor.twilio.com/...` for a request that went
to `https://monitor.dublin.ie1.twilio.com/...`) is followed at the request's host: twilio-python does the same with
every URL it requests, next pages included (`Client.get_hostname` puts the configured edge and region into the host).
"""

from __future__ import annotations

from typing import Optional, Tuple
from urllib.parse import urlsplit, urlunsplit

import requests

Origin = Tuple[str, str, Optional[int]]


def origin(url: str) -> Origin:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or {"https": 443, "http": 80}.get(scheme)


def _twilio_product(host: str) -> Optional[str]:
    """`monitor` for monitor.twilio.com, monitor.ie1.twilio.com and monitor.dublin.ie1.twilio.com; else None."""
    labels = host.split(".")
    return labels[0] if host.endswith(".twilio.com") and 3 <= len(labels) <= 5 else None


def next_link_on_request_host(link: str, request_url: str) -> Optional[str]:
    """The next page's URL at the request's own host, or None when the link points at another host.

    https://api.twilio.com/...?PageToken=PA1 for a request to https://api.twilio.com/... -> the link
    https://monitor.twilio.com/v1/Alerts?PageToken=PT1 for https://monitor.dublin.ie1.twilio.com/v1/Alerts
    -> https://monitor.dublin.ie1.twilio.com/v1/Alerts?PageToken=PT1
    https://evil.example/v1/Alerts, http://api.twilio.com/... (a downgrade) for https://api.twilio.com/... -> None
    """
    target, source = origin(link), origin(request_url)
    if target == source:
        return link
    product = _twilio_product(target[1])
    if target[0] == source[0] == "https" and target[2] == 443 and product and product == _twilio_product(source[1]):
        request, parts = urlsplit(request_url), urlsplit(link)
        return urlunsplit((request.scheme, request.netloc, parts.path, parts.query, ""))
    return None


def without_query(url: str) -> str:
    """scheme://host/path: enough to name a URL in a message (a query only carries filters and page tokens)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc.rsplit("@", 1)[-1], parts.path, "", ""))


def redirected_elsewhere(response: requests.Response) -> Optional[str]:
    """The URL an answer was redirected to when that is another origin than the request's, else None. requests drops
    the Authorization header on such a redirect, so no credential went there; but what it answers is not Twilio's."""
    if not response.history:
        return None
    first = response.history[0].request.url or ""
    final = response.url or ""
    return final if origin(first) != origin(final) else None
