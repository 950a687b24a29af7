"""What happens to an account while a sync runs: its auth token rotated, or the subaccount suspended, after N requests
about it (knobs `rotate_token_after` and `suspend_after`, `{account SID: N}`).

A token is rotated after the N-th request that carried it (the account's own SID and token: its product hosts); a
subaccount is suspended after the N-th request about it, one whose path names it (2010 API) or whose credentials are
its own. Once that request has been answered:

* rotated: the account's auth token changes, as when its secondary token is promoted ("After promoting the new token,
  all requests to Twilio using your old primary Auth Token will result in an error",
  https://www.twilio.com/docs/iam/api/authtoken): its old credentials get 401 (code 20003), and `Accounts.json`
  lists the new token, so the next sync reads it;
* suspended: the account's status becomes "suspended" ("A suspended account cannot use Twilio for calls, messages, or
  other API activity until it is reactivated", https://www.twilio.com/docs/api/errors/10001; 20005 "Account not
  active", https://www.twilio.com/docs/api/errors/20005): its own credentials get 401, its 2010 paths read through
  the parent follow knob `suspended_subaccount_reads`, and `Accounts.json` / `Accounts/{sid}.json` say "suspended".
  Setting `suspend_after` again (to `{}`) reactivates the accounts it suspended ("If you suspended a subaccount,
  update the Status parameter to active to restore service", same page).
"""
from __future__ import annotations

import base64
import threading

from .ids import hex32
from .world import World


def credentials_account(header: str) -> str | None:
    """The account whose own SID the Basic credentials carry (None for an API key or no credentials)."""
    if header.startswith("Basic "):
        try:
            user = base64.b64decode(header[6:].strip()).decode().partition(":")[0]
        except (ValueError, UnicodeDecodeError):
            return None
        return user if user.startswith("AC") else None
    return None


class AccountEvents:
    """Counts requests per account and applies the rotations and suspensions the knobs ask for, once each."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[str, int] = {}
        self._rotated: set[str] = set()
        self._suspended: set[str] = set()

    def reset(self, world: World, knobs_changed: dict) -> None:
        """A new `rotate_token_after` / `suspend_after` starts counting again; a new `suspend_after` reactivates the
        accounts the previous one suspended."""
        with self._lock:
            if "suspend_after" in knobs_changed:
                for sid in self._suspended:
                    world.by_sid[sid].status = "active"
                self._suspended.clear()
            if "rotate_token_after" in knobs_changed:
                self._rotated.clear()
            if knobs_changed.keys() & {"suspend_after", "rotate_token_after"}:
                self._seen.clear()

    def answered(self, world: World, knobs, path_account: str | None, header: str) -> bool:
        """Counts one answered request; True when that changed the world (cached pages are stale)."""
        rotate, suspend = knobs.rotate_token_after or {}, knobs.suspend_after or {}
        if not rotate and not suspend:
            return False
        own = credentials_account(header)
        changed = False
        with self._lock:
            if own in rotate and own not in self._rotated:
                seen = self._seen[("token", own)] = self._seen.get(("token", own), 0) + 1
                if seen >= int(rotate[own]):
                    self._rotated.add(own)
                    account = world.by_sid[own]
                    account.auth_token = hex32(seen, "rotated-token", account.auth_token)
                    changed = True
            about = path_account or own
            if about in suspend and about not in self._suspended and about in world.by_sid:
                seen = self._seen[("about", about)] = self._seen.get(("about", about), 0) + 1
                account = world.by_sid[about]
                if seen >= int(suspend[about]) and account.status == "active":
                    self._suspended.add(about)
                    account.status = "suspended"
                    changed = True
        return changed
