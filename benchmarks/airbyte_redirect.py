"""Points Airbyte's published source-twilio at the local emulator, the way TWILIO_API_BASE_URL points ours.

Airbyte's source hardcodes `https://{product}.twilio.com/...` in its manifest. `run.py` copies this file into the
Airbyte virtualenv's site-packages as `_twilio_emulator_redirect.py`, next to a one-line
`_twilio_emulator_redirect.pth` ("import _twilio_emulator_redirect"), so every Python started from that venv runs
it at start-up. Only when TWILIO_API_BASE_URL is set (and points at loopback) does it wrap
`requests.Session.send`, rewriting each prepared request's URL just before it is sent:

    https://api.twilio.com/2010-04-01/Accounts.json?PageSize=1000
 -> http://127.0.0.1:PORT/api/2010-04-01/Accounts.json?PageSize=1000

Everything else (auth header, query string, the CDK's retries and backoff, its rate limiting) is untouched; the
CDK's HttpClient sends every request through `Session.send` (requests-cache's CachedSession calls it too).
"""

from __future__ import annotations

import os
import re

_BASE = os.environ.get("TWILIO_API_BASE_URL", "").strip().rstrip("/")
_TWILIO = re.compile(r"^https://([a-z0-9-]+)(?:\.[a-z0-9-]+)*?\.twilio\.com(?=/|$|\?)")


def rewrite(url: str, base: str = _BASE) -> str:
    """https://{product}[.edge][.region].twilio.com/rest -> {base}/{product}/rest; other URLs unchanged."""
    match = _TWILIO.match(url)
    if not match:
        return url
    rest = url[match.end():]
    if not rest.startswith("/"):
        rest = "/" + rest
    return f"{base}/{match.group(1)}{rest}"


def _install() -> None:
    if not _BASE.startswith(("http://127.0.0.1", "http://localhost", "http://[::1]")):
        return
    import requests

    original_send = requests.Session.send
    if getattr(original_send, "_twilio_redirect", False):
        return

    def send(self, request, **kwargs):  # type: ignore[no-untyped-def]
        if request.url and request.url.startswith("https://"):
            request.url = rewrite(request.url)
        return original_send(self, request, **kwargs)

    send._twilio_redirect = True  # type: ignore[attr-defined]
    requests.Session.send = send  # type: ignore[method-assign]


if _BASE:
    _install()
