"""What this sync could not read, account by account, and the one warning each refusal gets.

An answer the error handler lets through (errors.POLICY, IGNORE) skips one window of one account. The user needs to
hear it once per account and stream (once per account when its own token was rotated: every product stream of it
fails the same way), not once per window. And a stream with one cursor for all accounts must not name an account as
read in its state when a request about that account was refused (cursors.WindowCheckpointCursor.state): the next
sync would keep only that account's children newer than a cursor other accounts moved.

Airbyte runs one sync per process, so this is kept per process; `clear()` forgets it (each `read`, and tests).
"""

from __future__ import annotations

import threading
from typing import Dict, Hashable, Set

EVERY_STREAM = "*"


class Refusals:
    _mutex = threading.Lock()
    _said: Set[Hashable] = set()
    _unread: Dict[str, Set[str]] = {}

    @classmethod
    def first(cls, key: Hashable) -> bool:
        """True the first time `key` (a rule, an account, a stream ...) is refused in this sync."""
        with cls._mutex:
            if key in cls._said:
                return False
            cls._said.add(key)
            return True

    @classmethod
    def unread(cls, account: str, stream: str = EVERY_STREAM) -> None:
        """Notes that `stream` (or every stream) of `account` was not read whole in this sync."""
        with cls._mutex:
            cls._unread.setdefault(account, set()).add(stream)

    @classmethod
    def accounts_unread(cls, stream: str) -> Set[str]:
        with cls._mutex:
            return {account for account, streams in cls._unread.items() if stream in streams or EVERY_STREAM in streams}

    @classmethod
    def clear(cls) -> None:
        with cls._mutex:
            cls._said.clear()
            cls._unread.clear()
