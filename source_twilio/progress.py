"""What a read has done so far, told in Airbyte's own messages: LOG lines at INFO while it runs, one summary at the end.

Between the CDK's "Syncing stream: messages" and "Read 4000 records from messages stream" a long stream sends only
STATE messages, and nothing says what the whole sync did. So, for each stream still running, a line every
`INTERVAL_SECONDS` (records so far, windows closed of those planned, page requests, retries), and at the end one
summary: records per stream, requests, retries, and what was skipped and why (accounts Twilio serves nothing for,
streams an account was refused).

The counts come from where every message, request and answer already passes, at the cost of a counter increment:
RECORD and STREAM_STATUS messages as `SourceTwilio.read` yields them (`follow`), page requests and window plans from
the requester (requester.py) and the cursor (cursors.py), retries and skips from the error handler (errors.py). Lines are
emitted with the sync's own messages, in their order, so a line's record count is exactly the RECORD messages of that
stream before it. A stream that sends nothing at all (every request waiting out a back-off) gets its next line with
its next message; the retry warnings are what is said meanwhile.

One read runs per process (the protocol's `read` verb), so the read being followed is module state (`current()`):
the error handler and the cursors are built by the CDK's factory and have no handle on the read that uses them.
"""

from __future__ import annotations

import collections
import os
import threading
import time
from typing import Any, DefaultDict, Dict, Iterable, Iterator, List, Optional, Set

from airbyte_cdk.models import (
    AirbyteEstimateTraceMessage,
    AirbyteLogMessage,
    AirbyteMessage,
    AirbyteStreamStatus,
    AirbyteTraceMessage,
    EstimateType,
    Level,
    TraceType,
    Type,
)
from airbyte_cdk.sources.streams.http.error_handlers.response_models import ErrorResolution, ResponseAction

INTERVAL_ENV = "SOURCE_TWILIO_PROGRESS_SECONDS"  # tests set a fraction of a second; Airbyte runs keep the default
INTERVAL_SECONDS = 30.0
RECORDS_BETWEEN_CLOCK_READS = 256  # a dense sync emits ~20,000 records/s: the clock is read every 256 of them
_RETRIED = (ResponseAction.RETRY, ResponseAction.RATE_LIMITED)
_RUNNING = (AirbyteStreamStatus.STARTED, AirbyteStreamStatus.RUNNING)


def interval_seconds() -> float:
    value = os.environ.get(INTERVAL_ENV, "")
    try:
        return max(0.0, float(value)) if value else INTERVAL_SECONDS
    except ValueError:
        return INTERVAL_SECONDS


class ReadProgress:
    """The counts of one read. Records and stream states are counted by the thread that yields the messages; requests,
    retries, skips and windows by the worker threads, under a lock."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.records: DefaultDict[str, int] = collections.defaultdict(int)
        self.requests: DefaultDict[str, int] = collections.defaultdict(int)
        self.retries: DefaultDict[str, int] = collections.defaultdict(int)
        self.windows_planned: DefaultDict[str, int] = collections.defaultdict(int)
        self.windows_done: DefaultDict[str, int] = collections.defaultdict(int)
        self.planning_streams: Set[str] = set()
        self.skips: Dict[str, List[str]] = {}  # stream -> why it was skipped (the first answer refused, or a note)
        self.skip_counts: DefaultDict[str, int] = collections.defaultdict(int)
        self.accounts_skipped: List[str] = []
        self.running: Dict[str, float] = {}  # stream -> when it started
        self.estimates: DefaultDict[str, int] = collections.defaultdict(int)  # stream -> rows its probes estimate
        self.unestimated: Set[str] = set()  # streams with an account no probe estimated
        self.estimated: List[str] = []  # streams whose estimate is complete, for an ESTIMATE trace
        self._guard = threading.Lock()
        self._started = time.monotonic()

    # ---- counted by the worker threads

    def request(self, stream: str) -> None:
        with self._guard:
            self.requests[stream] += 1

    def answered(self, stream: str, resolution: ErrorResolution) -> None:
        if resolution.response_action in _RETRIED:
            with self._guard:
                self.retries[stream] += 1
        elif resolution.response_action == ResponseAction.IGNORE:
            with self._guard:
                self.skip_counts[stream] += 1
                reasons = self.skips.setdefault(stream, [])
                if resolution.error_message and not reasons:
                    reasons.append(resolution.error_message)  # the first says why; the summary counts the others

    def planned(self, stream: str, windows: Iterable[Any]) -> Iterator[Any]:
        """The windows (slices) a cursor makes for `stream`, counted as they are made."""
        with self._guard:
            self.planning_streams.add(stream)
        try:
            for window in windows:
                with self._guard:
                    self.windows_planned[stream] += 1
                yield window
        finally:
            with self._guard:
                self.planning_streams.discard(stream)
                # every account's windows are made, so every probe has answered
                if stream in self.estimates and stream not in self.unestimated:
                    self.estimated.append(stream)

    def estimate(self, stream: str, rows: Optional[int]) -> None:
        """An account's records in a stream's range, as its window probe measured them (None: not measured)."""
        with self._guard:
            if rows is None:
                self.unestimated.add(stream)
            else:
                self.estimates[stream] += rows

    def window_done(self, stream: str) -> None:
        with self._guard:
            self.windows_done[stream] += 1

    def note(self, stream: str, reason: str) -> bool:
        """Something not read on purpose (a number type a country does not offer): True the first time it is noted,
        so the caller logs it once per read."""
        with self._guard:
            reasons = self.skips.setdefault(stream, [])
            if reason in reasons:
                return False
            reasons.append(reason)
            return True

    # ---- the message stream

    def follow(self, messages: Iterable[AirbyteMessage]) -> Iterator[AirbyteMessage]:
        """`messages` as they come, with a progress line per running stream every `interval` seconds and the summary
        after the last one."""
        records = self.records
        next_line = time.monotonic() + self.interval
        seen = 0
        try:
            for message in messages:
                if message.type == Type.RECORD:
                    records[message.record.stream] += 1  # type: ignore[union-attr]
                    seen += 1
                    if seen % RECORDS_BETWEEN_CLOCK_READS:
                        yield message
                        continue
                elif message.type == Type.TRACE and message.trace.type == TraceType.STREAM_STATUS:  # type: ignore[union-attr]
                    self._stream_status(message)
                yield message
                if self.estimated:
                    yield from self._estimates()
                if time.monotonic() >= next_line:
                    yield from (_log(line) for line in self.progress_lines())
                    next_line = time.monotonic() + self.interval
        except Exception:
            yield _log(self.summary())  # a failed read says what it did too, before its error
            raise
        yield _log(self.summary())

    def _estimates(self) -> Iterator[AirbyteMessage]:
        """Airbyte's ESTIMATE trace for each stream whose every account a probe measured: the records of its windows
        (a stream with an account read without a probe, or the open-records pass's records, is not estimated)."""
        with self._guard:
            ready, self.estimated = self.estimated, []
            estimates = [(stream, self.estimates[stream]) for stream in ready]
        for stream, rows in estimates:
            yield AirbyteMessage(
                type=Type.TRACE,
                trace=AirbyteTraceMessage(
                    type=TraceType.ESTIMATE,
                    emitted_at=time.time() * 1000,
                    estimate=AirbyteEstimateTraceMessage(name=stream, type=EstimateType.STREAM, row_estimate=rows),
                ),
            )

    def _stream_status(self, message: AirbyteMessage) -> None:
        status = message.trace.stream_status  # type: ignore[union-attr]
        name = status.stream_descriptor.name
        if status.status in _RUNNING:
            self.running.setdefault(name, time.monotonic())
        else:
            self.running.pop(name, None)

    def progress_lines(self) -> List[str]:
        now = time.monotonic()
        with self._guard:
            return [self._line(stream, now - started) for stream, started in sorted(self.running.items())]

    def _line(self, stream: str, seconds: float) -> str:
        parts = [f"{self.records[stream]:,} records"]
        planned = self.windows_planned.get(stream)
        if planned:
            more = "+" if stream in self.planning_streams else ""  # 40+: more windows are still being made
            parts.append(f"{self.windows_done[stream]:,} of {planned:,}{more} windows done")
        parts.append(f"{self.requests[stream]:,} requests")
        parts.append(f"{self.retries[stream]:,} retries")
        return f"Progress of {stream}: {', '.join(parts)} ({seconds:.0f} s)."

    def summary(self) -> str:
        with self._guard:
            seconds = time.monotonic() - self._started
            total = sum(self.records.values())
            per_stream = "; ".join(f"{stream}: {count:,}" for stream, count in sorted(self.records.items())) or "none"
            head = (
                f"Sync summary: {total:,} records from {len(self.records)} streams in {seconds:.1f} s, "
                f"{sum(self.requests.values()):,} page requests, {sum(self.retries.values()):,} retries. "
                f"Records per stream: {per_stream}."
            )
            accounts = " ".join(self.accounts_skipped) if self.accounts_skipped else "none."
            skipped = [f"{reasons[0]}{_more(self.skip_counts[stream] - 1)}" for stream, reasons in sorted(self.skips.items()) if reasons]
        return " ".join([head, f"Accounts skipped: {accounts}", f"Skipped: {' | '.join(skipped) if skipped else 'nothing.'}"])


def _more(others: int) -> str:
    return f" (and {others:,} more like it)" if others > 0 else ""


def _log(line: str) -> AirbyteMessage:
    return AirbyteMessage(type=Type.LOG, log=AirbyteLogMessage(level=Level.INFO, message=line))


class _NoRead(ReadProgress):
    """What the hooks count into outside a read (check, discover, unit tests that call components directly)."""


_current: ReadProgress = _NoRead(INTERVAL_SECONDS)


def current() -> ReadProgress:
    return _current


def start_read(accounts_skipped: Optional[List[str]] = None) -> ReadProgress:
    """A new read's progress, which the hooks count into from now on."""
    global _current
    _current = ReadProgress(interval_seconds())
    _current.accounts_skipped = list(accounts_skipped or ())
    return _current
