"""Deterministic pseudo-random numbers and Twilio-style SIDs.

Twilio SIDs are a two-letter type prefix plus 32 hex digits ("SM" + 32 hex for a
message, "CA" for a call, ...).  The emulator never stores records: record ``i`` of a
stream is rebuilt from ``(seed, stream, account, i)`` whenever it is needed.  So a SID
must be computable from ``i`` *and* ``i`` must be recoverable from a SID (a client asks
for ``/Messages/SM.../Media.json``).  We build the 32 hex digits from two 64-bit
halves: ``check = mix64(salt ^ i)`` and ``code = mix64(i + salt2)``; ``mix64`` is a
bijection on 64-bit integers, so ``unmix64(code) - salt2`` gives ``i`` back and
``check`` rejects SIDs that do not belong to this (stream, account).
"""
from __future__ import annotations

import zlib

MASK64 = (1 << 64) - 1
_M1 = 0xBF58476D1CE4E5B9
_M2 = 0x94D049BB133111EB
_M1_INV = pow(_M1, -1, 1 << 64)
_M2_INV = pow(_M2, -1, 1 << 64)


def mix64(x: int) -> int:
    """splitmix64 finaliser: a fast bijective 64-bit hash."""
    x &= MASK64
    x = ((x ^ (x >> 30)) * _M1) & MASK64
    x = ((x ^ (x >> 27)) * _M2) & MASK64
    return x ^ (x >> 31)


def _unshift_xor(x: int, s: int) -> int:
    y = x
    for _ in range(64 // s + 1):
        y = x ^ (y >> s)
    return y & MASK64


def unmix64(y: int) -> int:
    """Inverse of :func:`mix64`."""
    y = _unshift_xor(y & MASK64, 31)
    y = (y * _M2_INV) & MASK64
    y = _unshift_xor(y, 27)
    y = (y * _M1_INV) & MASK64
    return _unshift_xor(y, 30)


def salt_for(seed: int, *parts: object) -> int:
    """A 64-bit salt derived from the world seed and any labels (stable across runs)."""
    h = mix64(seed * 0x9E3779B97F4A7C15 + 12345)
    for p in parts:
        h = mix64(h ^ zlib.crc32(str(p).encode()) ^ (len(str(p)) << 40))
    return h


class SidCodec:
    """Encodes record index <-> SID for one (stream, account) pair."""

    __slots__ = ("prefix", "salt", "salt2")

    def __init__(self, prefix: str, seed: int, *labels: object):
        self.prefix = prefix
        self.salt = salt_for(seed, prefix, "check", *labels)
        self.salt2 = salt_for(seed, prefix, "code", *labels)

    def sid(self, i: int) -> str:
        return "%s%016x%016x" % (self.prefix, mix64(self.salt ^ i), mix64(i + self.salt2))

    def index(self, sid: str) -> int | None:
        """Return the record index encoded in ``sid`` or None if it is not ours."""
        if len(sid) != 34 or not sid.startswith(self.prefix):
            return None
        try:
            check = int(sid[2:18], 16)
            code = int(sid[18:], 16)
        except ValueError:
            return None
        i = (unmix64(code) - self.salt2) & MASK64
        if mix64(self.salt ^ i) != check:
            return None
        return i


def hex32(seed: int, *labels: object) -> str:
    """32 deterministic hex digits (auth tokens, API key secrets)."""
    s = salt_for(seed, *labels)
    return "%016x%016x" % (mix64(s), mix64(s ^ 0x5555))
