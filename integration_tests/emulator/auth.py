"""Who may read what: credentials (account SID + own auth token, or API key SID + secret) and
the account a request reads on each host.

Sources: https://www.twilio.com/docs/iam/api/subaccounts (main account credentials reach the
2010-04-01 resources of every subaccount; product-host resources need the subaccount's own
credentials; main-account API keys are denied subaccount resources),
https://www.twilio.com/docs/iam/api-keys (Standard keys: everything but API key and Account
resources; Main keys: like the account's SID and auth token), and
https://www.twilio.com/docs/api/errors/20003 (the 401 and its causes).
"""
from __future__ import annotations

import base64

from .errors import HttpError
from .routes import Route
from .world import Account, World


class Principal:
    """Valid credentials: the account they belong to and their kind ("account", "standard_key", "main_key")."""

    __slots__ = ("account", "kind")

    def __init__(self, account: Account, kind: str):
        self.account, self.kind = account, kind


def principal_of(world: World, header: str) -> Principal | None:
    """Who the Basic credentials are: an account (SID + its own auth token) or an API key (SID + secret).

    Only an account's *own* token works (a subaccount SID with its parent's token is
    not a credential), and an account that is suspended or closed cannot authenticate,
    nor can its keys: https://www.twilio.com/docs/api/errors/20003 ("The account is
    suspended or closed", "You used subaccount credentials to access the main account").
    """
    if not header.startswith("Basic "):
        return None
    try:
        user, _, pwd = base64.b64decode(header[6:].strip()).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    acc = world.by_sid.get(user)
    if acc is not None:
        return Principal(acc, "account") if pwd == acc.auth_token and acc.status == "active" else None
    key = world.api_keys.get(user)
    if key is not None and pwd == key.secret:
        owner = world.by_sid[key.account_sid]
        return Principal(owner, f"{key.type}_key") if owner.status == "active" else None
    return None


def authorize(world: World, knobs, route: Route, groups: dict, header: str, here: str) -> Account | None:
    """The account a request reads, or an HttpError.

    * 2010-04-01 API: the account in the path.  The main account's SID + token and its
      Main key read the main account and every subaccount; a subaccount's credentials
      (SID + own token, or its Standard key) read that subaccount only; a Standard key
      is refused ``Accounts.json``, ``Accounts/{AC}.json`` and ``Keys.json``, and a
      main-account Standard key is refused subaccounts (knob key_subaccount_denial_status).
      https://www.twilio.com/docs/iam/api/subaccounts, https://www.twilio.com/docs/iam/api-keys,
      https://www.twilio.com/docs/api/errors/20003
    * Product hosts: the account the credentials belong to, never another ("resources on
      subdomains ... must be accessed directly using subaccount credentials").
    * Pricing and Event Streams types: any valid credentials.
    """
    principal = principal_of(world, header)
    if knobs.auth and principal is None:
        raise HttpError(401, 20003, "Authenticate", {"WWW-Authenticate": 'Basic realm="Twilio API"'})
    standard_key = principal is not None and principal.kind == "standard_key"
    if standard_key and (route.kind == "accounts" or route.stream in ("accounts", "keys")):
        raise HttpError(401, 20003, "Authenticate: a Standard API key cannot access the Accounts or Keys "
                                    "resources; use a Main key or the account's auth token")
    if route.kind == "accounts":
        return principal.account if principal else None
    if route.global_:
        acc = None
    elif "ac" in groups:
        acc = world.by_sid.get(groups["ac"])
        if acc is None:
            raise HttpError(404, 20404, f"The requested resource {here} was not found")
        me = principal.account if principal is not None else None
        if me is not None and acc.sid != me.sid:
            if acc.parent_sid != me.sid:  # the parent, or a sibling: subaccount credentials never reach them
                raise HttpError(401, 20003, "Authenticate")
            if standard_key:  # "Main account API Keys are only available to access main account resources"
                status = int(knobs.key_subaccount_denial_status)
                code = {401: 20003, 403: 20403, 404: 20404}[status]
                raise HttpError(status, code, "Authenticate" if status == 401 else
                                "Permission Denied" if status == 403 else f"The requested resource {here} was not found")
        if acc.status == "closed":
            raise HttpError(404, 20404, f"The requested resource {here} was not found")
        # the Account resource itself stays readable to the parent: it is where the parent reactivates a suspended
        # subaccount ("update the Status parameter to active", https://www.twilio.com/docs/api/errors/10001)
        if acc.status == "suspended" and knobs.suspended_subaccount_reads != "readable" and route.stream != "accounts":
            raise HttpError(401, 20003, "Authenticate")
    else:
        acc = principal.account if principal is not None else world.main
    for rule in knobs.forbidden:
        if rule["stream"] in ("*", route.stream) and rule["account"] in ("*", acc.sid if acc else None):
            status = rule["status"]
            code = 20403 if status == 403 else 20404 if status == 404 else int(rule.get("code", 20001))
            msg = rule.get("message") or ("Permission Denied" if status == 403 else
                                          f"The requested resource {here} was not found")
            raise HttpError(status, code, msg)
    return acc
