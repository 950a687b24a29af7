"""What happens to an account while a sync runs: its auth token rotated, or the subaccount suspended, after N requests
about it (knobs `rotate_token_after` and `suspend_after`, `{account SID: N}`).

A request is "about" an account when its path names the account (2010 API) or its credentials are the account's own
SID (product hosts). Once the N-th request about the account has been answered:

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


def account_about(groups: dict, header: str) -> str | None:
    """The account a request is about: the one its path names, else the one whose own SID its credentials carry."""
    if groups.get("ac"):
        return groups["ac"]
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

    def answered(self, world: World, knobs, sid: str | None) -> bool:
        """Counts one answered request about `sid`; True when that changed the world (cached pages are stale)."""
        rotate, suspend = knobs.rotate_token_after or {}, knobs.suspend_after or {}
        if sid is None or (sid not in rotate and sid not in suspend):
            return False
        account = world.by_sid.get(sid)
        if account is None:
            return False
        with self._lock:
            seen = self._seen[sid] = self._seen.get(sid, 0) + 1
            changed = False
            if sid in rotate and sid not in self._rotated and seen >= int(rotate[sid]):
                self._rotated.add(sid)
                account.auth_token = hex32(seen, "rotated-token", account.auth_token)
                changed = True
            if sid in suspend and sid not in self._suspended and seen >= int(suspend[sid]) and account.status == "active":
                self._suspended.add(sid)
                account.status = "suspended"
                changed = True
            return changed
