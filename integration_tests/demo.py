"""`make demo`: sync every stream from the bundled Twilio emulator into DuckDB and print a summary.

No Twilio account is needed. The demo

1. starts the emulator (a child process) with a main account and 3 subaccounts, one of them suspended
   and one closed, and 10,000 messages and 5,000 calls per readable account (about a minute on 2 cores);
2. runs `spec`, `check` and `discover` through the connector's real entry point (`source-twilio`);
3. reads every stream in full with PyAirbyte into a local DuckDB file (`.demo/twilio.duckdb`), which is
   what Airbyte users do locally, printing progress lines while it runs;
4. queries DuckDB and prints records per stream and the reports people build from Twilio data: daily call
   volume, call completion and abandon rates, average call duration, weekly call and SMS cost, SMS
   traffic by status and direction, and the contact centre (TaskRouter): tasks, answers, abandons and median
   wait per queue, reservations accepted vs rejected or timed out, and the tasks in progress; with what
   Conversation Intelligence adds: sentiment and call reason per account, and per sentiment the calls behind
   the transcripts (joined through each transcript's SourceSid, the recording, to its call).

Run it from the repository root: `python -m integration_tests.demo [--messages-per-account N ...]`.
It exits non-zero if any step fails.

The summary part (`summary_queries`, `render_summary`, the table helpers) needs neither PyAirbyte nor
duckdb: it only needs a function that runs SQL and returns rows, so it is importable and testable anywhere.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path
from typing import (
    Any,
    Callable,
    Dict,
    Iterable,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
)

REPO = Path(__file__).resolve().parents[1]
DEMO_DIR = REPO / ".demo"
DB_PATH = DEMO_DIR / "twilio.duckdb"
SCHEMA = "main"  # DuckDB's default schema: tables are simply `calls`, `messages`, ... (a schema named like
# the file, "twilio", would be ambiguous with the catalog DuckDB names after it)
STEPS = 5

# The emulated world: big enough for meaningful reports, small enough for a couple of minutes on 2 cores.
DEFAULT_WORLD = {
    "seed": 42,
    "accounts": 3,  # subaccounts besides the main account
    "closed": 1,  # the last subaccount is closed (Twilio answers 404 for it: the connector skips it)
    "suspended": 1,  # the one before it is suspended (still readable)
    "messages_per_account": 10000,
    "calls_per_account": 5000,
}

# A callable that runs one SQL statement and returns its rows as tuples.
RunSql = Callable[[str], List[Tuple[Any, ...]]]


# ---------------------------------------------------------------------------------------------------- output
def say(text: str = "") -> None:
    print(text, flush=True)


def step(number: int, title: str) -> None:
    say()
    say(f"[{number}/{STEPS}] {title}")


class DemoError(Exception):
    """A step failed; the message says which and why."""


def format_table(headers: Sequence[str], rows: Iterable[Sequence[Any]], indent: str = "  ") -> str:
    """A plain-text table: numbers right-aligned with thousands separators, text left-aligned."""
    rows_list = [list(row) for row in rows]
    cells = [[_cell(value) for value in row] for row in rows_list]
    right = [
        bool(rows_list) and all(row[i] is None or _is_number(row[i]) for row in rows_list)
        for i in range(len(headers))
    ]
    widths = [max([len(h)] + [len(row[i]) for row in cells]) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        parts = [v.rjust(w) if r else v.ljust(w) for v, w, r in zip(values, widths, right)]
        return (indent + "  ".join(parts)).rstrip()

    out = [line(list(headers)), line(["-" * w for w in widths])]
    out += [line(row) for row in cells]
    return "\n".join(out)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, (float, Decimal)):
        return f"{value:,.2f}"
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10] if hasattr(value, "hour") else value.isoformat()
    return str(value)


def bar(value: float, maximum: float, width: int = 30) -> str:
    if not maximum or value is None or value <= 0:
        return ""
    return "#" * max(1, round(width * value / maximum))


def percent(part: Optional[float], whole: Optional[float]) -> str:
    if not whole:
        return "n/a"
    return f"{100.0 * (part or 0) / whole:.1f}%"


def money(value: Optional[float]) -> str:
    return "-" if value is None else f"${value:,.2f}"


# ---------------------------------------------------------------------------------------------------- connector
def connector_executable(given: Optional[str] = None) -> Path:
    """The connector as Airbyte runs it: the `source-twilio` console script given with --connector (`make demo`
    passes the one of .venv, the locked environment the tests run in), else the one next to this Python.

    Without either, a small wrapper around `python main.py` in .demo/bin stands in, so PyAirbyte still gets one
    executable to run.
    """
    if given:
        return Path(given).resolve()
    installed = Path(sys.executable).parent / "source-twilio"
    if installed.exists():
        return installed
    wrapper = DEMO_DIR / "bin" / "source-twilio"
    wrapper.parent.mkdir(parents=True, exist_ok=True)
    wrapper.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} {shlex.quote(str(REPO / "main.py"))} "$@"\n')
    wrapper.chmod(0o755)
    return wrapper


def run_protocol(executable: Path, command: str, config: Optional[Mapping[str, Any]] = None,
                 timeout: float = 300) -> List[Dict[str, Any]]:
    """`source-twilio <command> [--config file]`; returns the Airbyte messages it printed."""
    with tempfile.TemporaryDirectory(prefix="twilio-demo-") as tmp:
        args = [str(executable), command]
        if config is not None:
            path = Path(tmp) / "config.json"
            path.write_text(json.dumps(config))
            args += ["--config", str(path)]
        done = subprocess.run(args, capture_output=True, text=True, timeout=timeout, cwd=REPO)
    messages = []
    for text in done.stdout.splitlines():
        text = text.strip()
        if text.startswith("{"):
            try:
                messages.append(json.loads(text))
            except ValueError:
                pass
    errors = [m["trace"]["error"]["message"] for m in messages
              if m.get("type") == "TRACE" and m["trace"].get("type") == "ERROR"]
    if done.returncode != 0 or errors:
        detail = errors[0] if errors else (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise DemoError(f"{command} failed (exit code {done.returncode}): {detail}")
    return messages


def of_type(messages: Sequence[Mapping[str, Any]], kind: str) -> List[Mapping[str, Any]]:
    return [m for m in messages if m.get("type") == kind]


def spec_check_discover(executable: Path, config: Mapping[str, Any]) -> List[Mapping[str, Any]]:
    """Runs the three commands Airbyte runs before a sync, one line each; returns the discovered streams."""
    started = time.monotonic()
    specs = of_type(run_protocol(executable, "spec"), "SPEC")
    if len(specs) != 1:
        raise DemoError(f"spec printed {len(specs)} SPEC messages, expected 1")
    connection = specs[0]["spec"]["connectionSpecification"]
    say(f"  spec:     OK, {len(connection.get('properties', {}))} config fields, "
        f"required: {', '.join(connection.get('required', [])) or 'none'} ({time.monotonic() - started:.1f}s)")

    started = time.monotonic()
    statuses = of_type(run_protocol(executable, "check", config), "CONNECTION_STATUS")
    status = statuses[0]["connectionStatus"] if statuses else {"status": "no CONNECTION_STATUS message"}
    if status.get("status") != "SUCCEEDED":
        raise DemoError(f"check: {status.get('status')}: {status.get('message', '')}")
    say(f"  check:    SUCCEEDED ({time.monotonic() - started:.1f}s)")

    started = time.monotonic()
    catalogs = of_type(run_protocol(executable, "discover", config), "CATALOG")
    if not catalogs or not catalogs[0]["catalog"].get("streams"):
        raise DemoError("discover returned no streams")
    streams = catalogs[0]["catalog"]["streams"]
    incremental = sum("incremental" in s.get("supported_sync_modes", []) for s in streams)
    say(f"  discover: {len(streams)} streams, {incremental} of them incremental ({time.monotonic() - started:.1f}s)")
    return streams


# ---------------------------------------------------------------------------------------------------- progress
class Ticker(threading.Thread):
    """Prints a plain progress line every few seconds while PyAirbyte reads (works without a TTY)."""

    def __init__(self, emulator: Any, total_streams: int, tracker_ref: Dict[str, Any], every: float = 5.0):
        super().__init__(name="demo-progress", daemon=True)
        self.emulator, self.total_streams, self.tracker_ref, self.every = emulator, total_streams, tracker_ref, every
        self.stopped = threading.Event()
        self.started_at = time.monotonic()

    def run(self) -> None:
        while not self.stopped.wait(self.every):
            try:
                say(self.line())
            except Exception:  # a progress line is never worth failing the demo for
                pass

    def line(self) -> str:
        elapsed = time.monotonic() - self.started_at
        parts = [f"  [{elapsed:5.0f}s]"]
        tracker = self.tracker_ref.get("tracker")
        if tracker is not None:
            done = len(tracker.stream_read_end_times)
            parts.append(f"{tracker.total_records_read:,} records read, {done}/{self.total_streams} streams done")
            if tracker.finalized_stream_names:
                parts.append(f"{len(tracker.finalized_stream_names)}/{self.total_streams} tables written to DuckDB")
            elif tracker.read_end_time is not None:
                parts.append("writing tables to DuckDB")
        stats = self.emulator.stats()
        parts.append(f"emulator answered {stats['requests']:,} requests")
        return "; ".join(parts[:1]) + " " + "; ".join(parts[1:])

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=self.every + 5)


def capture_progress_tracker(tracker_ref: Dict[str, Any]) -> None:
    """Keeps a reference to the ProgressTracker PyAirbyte creates for `source.read`, for the progress lines.

    PyAirbyte only draws its live progress view on an interactive terminal; in CI or a pipe it stays quiet
    until the end. If its internals change, the progress lines fall back to the emulator's counters.
    """
    try:
        import airbyte.sources.base as source_base
        from airbyte.progress import ProgressTracker
    except Exception:
        return

    class RecordingTracker(ProgressTracker):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            tracker_ref["tracker"] = self

    if getattr(source_base, "ProgressTracker", None) is ProgressTracker:
        source_base.ProgressTracker = RecordingTracker


# ---------------------------------------------------------------------------------------------------- sync
def sync_to_duckdb(executable: Path, config: Mapping[str, Any], emulator: Any, total_streams: int) -> Dict[str, int]:
    """Full refresh of every stream with PyAirbyte into .demo/twilio.duckdb; returns records read per stream."""
    import warnings

    # google-api-core (a PyAirbyte dependency) warns about Python versions at import; not this demo's concern.
    warnings.filterwarnings("ignore", message=".*Python version.*", category=FutureWarning)
    try:
        import airbyte as ab
        from airbyte.caches import DuckDBCache
    except ImportError as error:
        raise DemoError(
            f"PyAirbyte is not installed ({error}); run `make demo`, which installs it into .venv-demo from "
            "requirements-demo.lock (apart from the connector's own .venv: PyAirbyte depends on another airbyte-cdk)"
        ) from error

    for leftover in (DB_PATH, DB_PATH.with_name(DB_PATH.name + ".wal")):
        leftover.unlink(missing_ok=True)
    shutil.rmtree(DEMO_DIR / "cache", ignore_errors=True)

    tracker_ref: Dict[str, Any] = {}
    capture_progress_tracker(tracker_ref)
    source = ab.get_source("source-twilio", config=dict(config), local_executable=str(executable))
    source.select_all_streams()
    cache = DuckDBCache(db_path=str(DB_PATH), schema_name=SCHEMA, cache_dir=DEMO_DIR / "cache")

    ticker = Ticker(emulator, total_streams, tracker_ref)
    ticker.start()
    try:
        result = source.read(cache=cache, force_full_refresh=True, write_strategy="replace")
    except Exception as error:
        raise DemoError(f"read failed: {type(error).__name__}: {error}") from error
    finally:
        ticker.stop()
    tracker = tracker_ref.get("tracker")
    counts = dict(tracker.stream_read_counts) if tracker is not None else {}
    say(f"  read finished: {result.processed_records:,} records in {time.monotonic() - ticker.started_at:.0f}s")
    # Release the DuckDB file (PyAirbyte's engine holds it) for the summary's own read-only connection.
    close = getattr(cache, "close", None) or getattr(cache, "dispose_engine", None)
    if close is not None:
        close()
    return counts


def duckdb_runner(db_path: Path) -> Tuple[RunSql, Callable[[], None]]:
    import duckdb

    connection = duckdb.connect(str(db_path), read_only=True)
    connection.execute("SET TimeZone = 'UTC'")

    def run(sql: str) -> List[Tuple[Any, ...]]:
        return connection.execute(sql).fetchall()

    return run, connection.close


# ---------------------------------------------------------------------------------------------------- summary
def ts(column: str) -> str:
    """A record date as a UTC TIMESTAMP, whether PyAirbyte stored it as a timestamp or as an ISO 8601 string."""
    return f"CAST(TRY_CAST({column} AS TIMESTAMPTZ) AS TIMESTAMP)"


def num(column: str) -> str:
    return f"TRY_CAST({column} AS DOUBLE)"


ENDED_CALL_STATUSES = ("completed", "busy", "no-answer", "failed", "canceled")
ABANDONED_CALL_STATUSES = ("busy", "no-answer", "canceled")


def _in(values: Sequence[str]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def summary_queries(schema: str = SCHEMA) -> Dict[str, str]:
    """The reports, as DuckDB SQL over the tables PyAirbyte writes (one per stream, named after it)."""
    calls, messages, accounts = f"{schema}.calls", f"{schema}.messages", f"{schema}.accounts"
    return {
        # One row: calls that have ended, completed, abandoned; average duration of completed calls.
        "call_kpis": f"""
            SELECT COUNT(*) AS all_calls,
                   COUNT(*) FILTER (WHERE status IN {_in(ENDED_CALL_STATUSES)}) AS ended,
                   COUNT(*) FILTER (WHERE status = 'completed') AS completed,
                   COUNT(*) FILTER (WHERE status IN {_in(ABANDONED_CALL_STATUSES)}) AS abandoned,
                   COUNT(*) FILTER (WHERE status = 'failed') AS failed,
                   AVG({num('duration')}) FILTER (WHERE status = 'completed') AS avg_duration_s,
                   MEDIAN({num('duration')}) FILTER (WHERE status = 'completed') AS median_duration_s
            FROM {calls}""",
        # The last 14 days of the data (ending at its newest call), per day the call was created: the same date as the
        # weekly costs, so a day's calls add up to its week's (start_time would leave out calls still queued).
        "daily_calls": f"""
            WITH c AS (SELECT CAST({ts('date_created')} AS DATE) AS day, status, {num('duration')} AS duration
                       FROM {calls})
            SELECT day, COUNT(*) AS calls,
                   COUNT(*) FILTER (WHERE status = 'completed') AS completed,
                   COUNT(*) FILTER (WHERE status IN {_in(ABANDONED_CALL_STATUSES)}) AS abandoned,
                   CAST(ROUND(SUM(duration) FILTER (WHERE status = 'completed') / 60.0) AS BIGINT) AS talk_minutes
            FROM c WHERE day > (SELECT MAX(day) FROM c) - INTERVAL 14 DAY
            GROUP BY day ORDER BY day""",
        # Spend per ISO week (Twilio prices are negative: money spent), calls and messages side by side.
        "weekly_cost": f"""
            WITH c AS (SELECT CAST(date_trunc('week', {ts('date_created')}) AS DATE) AS week,
                              COUNT(*) AS calls, -SUM({num('price')}) AS call_cost
                       FROM {calls} GROUP BY 1),
                 m AS (SELECT CAST(date_trunc('week', {ts('date_created')}) AS DATE) AS week,
                              COUNT(*) AS messages, SUM(COALESCE({num('num_segments')}, 1)) AS segments,
                              -SUM({num('price')}) AS sms_cost
                       FROM {messages} GROUP BY 1)
            SELECT COALESCE(c.week, m.week) AS week, COALESCE(calls, 0), COALESCE(call_cost, 0),
                   COALESCE(messages, 0), COALESCE(segments, 0), COALESCE(sms_cost, 0)
            FROM c FULL OUTER JOIN m ON c.week = m.week ORDER BY week""",
        # Messages per status, split inbound (received) / outbound (api, reply, call).
        "sms_by_status": f"""
            SELECT status,
                   COUNT(*) FILTER (WHERE direction = 'inbound') AS inbound,
                   COUNT(*) FILTER (WHERE direction <> 'inbound' OR direction IS NULL) AS outbound,
                   COUNT(*) AS total,
                   -SUM({num('price')}) AS cost
            FROM {messages} GROUP BY status ORDER BY total DESC, status""",
        # Traffic and spend per account (the main account and its readable subaccounts).
        "by_account": f"""
            WITH c AS (SELECT account_sid, COUNT(*) AS calls, -SUM({num('price')}) AS call_cost
                       FROM {calls} GROUP BY 1),
                 m AS (SELECT account_sid, COUNT(*) AS messages, -SUM({num('price')}) AS sms_cost
                       FROM {messages} GROUP BY 1)
            SELECT a.friendly_name, a.status, COALESCE(m.messages, 0), COALESCE(c.calls, 0),
                   COALESCE(m.sms_cost, 0) + COALESCE(c.call_cost, 0) AS spend
            FROM {accounts} a LEFT JOIN c ON c.account_sid = a.sid LEFT JOIN m ON m.account_sid = a.sid
            ORDER BY a.sid <> COALESCE(a.owner_account_sid, a.sid), a.friendly_name""",
        "period": f"""
            SELECT MIN(CAST({ts('date_created')} AS DATE)), MAX(CAST({ts('date_created')} AS DATE)) FROM {messages}""",
        **contact_centre_queries(schema),
        **intelligence_queries(schema),
    }


def _event_field(name: str) -> str:
    return f"json_extract_string(event_data, '$.{name}')"


def contact_centre_queries(schema: str = SCHEMA) -> Dict[str, str]:
    """The contact centre, from TaskRouter's event log (the history: Twilio deletes a task five minutes after it ends)
    and from the tasks Twilio holds now. A task counts when its `task.created` event is within the 30 days Twilio
    keeps; its wait is from that event to its reservation's `reservation.accepted`."""
    events, tasks = f"{schema}.taskrouter_events", f"{schema}.taskrouter_tasks"
    return {
        # Per queue (by name, across Workspaces and accounts): tasks, answered, abandoned, median wait until answered.
        "cc_queues": f"""
            WITH e AS (SELECT event_type, {ts('event_date')} AS event_at, {_event_field('task_sid')} AS task_sid,
                              {_event_field('task_queue_name')} AS queue
                       FROM {events} WHERE {_event_field('task_sid')} IS NOT NULL),
                 t AS (SELECT task_sid, MIN(queue) AS queue,
                              MIN(event_at) FILTER (WHERE event_type = 'task.created') AS created,
                              MIN(event_at) FILTER (WHERE event_type = 'reservation.accepted') AS answered,
                              BOOL_OR(event_type = 'task.canceled') AS abandoned
                       FROM e GROUP BY task_sid)
            SELECT queue, COUNT(*) AS tasks, COUNT(answered) AS answered,
                   COUNT(*) FILTER (WHERE abandoned) AS abandoned,
                   MEDIAN(date_diff('second', created, answered)) AS median_wait_s
            FROM t WHERE created IS NOT NULL GROUP BY queue ORDER BY tasks DESC, queue""",
        # Reservations offered to workers, by how they ended.
        "cc_reservations": f"""
            SELECT COUNT(*) FILTER (WHERE event_type = 'reservation.created') AS offered,
                   COUNT(*) FILTER (WHERE event_type = 'reservation.accepted') AS accepted,
                   COUNT(*) FILTER (WHERE event_type = 'reservation.rejected') AS rejected,
                   COUNT(*) FILTER (WHERE event_type = 'reservation.timeout') AS timed_out,
                   COUNT(*) FILTER (WHERE event_type = 'reservation.canceled') AS canceled
            FROM {events}""",
        # The tasks Twilio holds at the sync, by assignment status.
        "cc_tasks_now": f"""
            SELECT assignment_status, COUNT(*) FROM {tasks} GROUP BY assignment_status ORDER BY COUNT(*) DESC, assignment_status""",
        "cc_period": f"""
            SELECT MIN(CAST({ts('event_date')} AS DATE)), MAX(CAST({ts('event_date')} AS DATE)), COUNT(*) FROM {events}""",
    }


def intelligence_queries(schema: str = SCHEMA) -> Dict[str, str]:
    """What Conversation Intelligence adds to the contact centre: its operators' results per account, and the calls
    behind the transcripts (a transcript's `channel.media_properties.source_sid` is its recording, whose `call_sid`
    is the call)."""
    transcripts, results = f"{schema}.intelligence_transcripts", f"{schema}.intelligence_operator_results"
    recordings, calls, accounts = f"{schema}.recordings", f"{schema}.calls", f"{schema}.accounts"
    return {
        "ci_status": f"""
            SELECT status, COUNT(*) FROM {transcripts} GROUP BY status ORDER BY COUNT(*) DESC, status""",
        # Per account: completed transcripts, the share of each sentiment, the most frequent call reason.
        "ci_by_account": f"""
            WITH s AS (SELECT account_sid, transcript_sid, predicted_label AS sentiment FROM {results}
                       WHERE name = 'Sentiment Analysis'),
                 r AS (SELECT account_sid, predicted_label AS reason, COUNT(*) AS n FROM {results}
                       WHERE name = 'Call Reason' GROUP BY 1, 2),
                 top AS (SELECT account_sid, arg_max(reason, n) AS reason FROM r GROUP BY 1)
            SELECT a.friendly_name, COUNT(*) AS transcripts,
                   COUNT(*) FILTER (WHERE sentiment = 'positive') AS positive,
                   COUNT(*) FILTER (WHERE sentiment = 'negative') AS negative, MIN(top.reason) AS top_reason
            FROM s JOIN {accounts} a ON a.sid = s.account_sid LEFT JOIN top ON top.account_sid = s.account_sid
            GROUP BY a.friendly_name ORDER BY transcripts DESC, a.friendly_name""",
        # Per sentiment: the calls behind the transcripts, through SourceSid (the recording) and its call.
        "ci_calls_by_sentiment": f"""
            WITH s AS (SELECT transcript_sid, predicted_label AS sentiment FROM {results} WHERE name = 'Sentiment Analysis')
            SELECT s.sentiment, COUNT(*) AS transcripts, COUNT(c.sid) AS calls_joined,
                   AVG({num('c.duration')}) AS avg_call_s,
                   COUNT(*) FILTER (WHERE c.direction = 'inbound') AS inbound
            FROM s JOIN {transcripts} t ON t.sid = s.transcript_sid
                 LEFT JOIN {recordings} r ON r.sid = json_extract_string(t.channel, '$.media_properties.source_sid')
                 LEFT JOIN {calls} c ON c.sid = r.call_sid
            GROUP BY s.sentiment ORDER BY transcripts DESC, s.sentiment""",
    }


EXAMPLE_QUERY = (
    "SELECT status, COUNT(*) AS calls, ROUND(AVG(duration)) AS avg_seconds, ROUND(-SUM(price), 2) AS cost "
    "FROM calls GROUP BY status ORDER BY calls DESC"
)


def example_command(python: str, db_path: str) -> str:
    """A shell command that runs EXAMPLE_QUERY with the duckdb package PyAirbyte installed (no CLI needed)."""
    code = f"import duckdb; db = duckdb.connect('{db_path}', read_only=True); db.sql('{EXAMPLE_QUERY}').show()"
    if any(char in code for char in '"$`\\!'):
        return f"{shlex.quote(python)} -c {shlex.quote(code)}"
    return f'{shlex.quote(python)} -c "{code}"'  # easier to read than shlex's quoting, and the same to a shell


def render_summary(run: RunSql, record_counts: Mapping[str, int], schema: str = SCHEMA) -> str:
    """The readable summary: records per stream, then the call and messaging reports."""
    queries = summary_queries(schema)
    out: List[str] = []

    out.append("Records per stream")
    rows = sorted(record_counts.items(), key=lambda item: (-item[1], item[0]))
    out.append(_columns([f"{name:<34}{count:>9,}" for name, count in rows], columns=2))
    out.append(f"  {len(rows)} streams, {sum(record_counts.values()):,} records in total")

    first, last = run(queries["period"])[0]
    out.append("")
    out.append(f"Accounts (traffic from {_cell(first)} to {_cell(last)})")
    out.append(format_table(["account", "status", "messages", "calls", "spend"],
                            [(n, s, m, c, money(spend)) for n, s, m, c, spend in run(queries["by_account"])]))

    all_calls, ended, completed, abandoned, failed, avg_duration, median_duration = run(queries["call_kpis"])[0]
    out.append("")
    out.append("Calls")
    still_open = all_calls - ended
    out.append(f"  calls:                 {all_calls:,}" + (f" ({still_open:,} still queued, ringing or in progress)" if still_open else
                                                         " (none queued, ringing or in progress when synced)"))
    out.append(f"  completion rate:       {percent(completed, ended)}  ({completed:,} completed of {ended:,} ended)")
    out.append(f"  abandon rate:          {percent(abandoned, ended)}  ({abandoned:,} busy, no-answer or canceled)")
    out.append(f"  failure rate:          {percent(failed, ended)}  ({failed:,} failed)")
    if avg_duration is not None:
        out.append(f"  average call duration: {avg_duration:,.0f} s ({avg_duration / 60:.1f} min; median {median_duration:,.0f} s), completed calls")

    daily = run(queries["daily_calls"])
    out.append("")
    out.append("Daily call volume by date created, last 14 days (the last day is partial: up to the sync)")
    peak = max((row[1] for row in daily), default=0)
    newest = daily[-1][0] if daily else None
    out.append(format_table(["day", "calls", "completed", "abandoned", "talk min", ""],
                            [(f"{day} so far" if day == newest else day, calls, done, lost, minutes, bar(calls, peak, 24))
                             for day, calls, done, lost, minutes in daily]))

    weekly = run(queries["weekly_cost"])
    out.append("")
    out.append("Cost per week by date created (USD; Twilio prices are negative numbers, shown here as spend)")
    peak = max((row[2] + row[5] for row in weekly), default=0)
    out.append(format_table(["week of", "calls", "call cost", "messages", "segments", "SMS cost", "total", ""],
                            [(week, calls, money(call_cost), msgs, int(segments), money(sms_cost),
                              money(call_cost + sms_cost), bar(call_cost + sms_cost, peak, 20))
                             for week, calls, call_cost, msgs, segments, sms_cost in weekly]))
    if weekly:
        out.append(f"  total: calls {money(sum(r[2] for r in weekly))}, SMS {money(sum(r[5] for r in weekly))}"
                   "; first and last weeks are partial")

    sms = run(queries["sms_by_status"])
    total = sum(row[3] for row in sms)
    out.append("")
    out.append("SMS traffic by status")
    out.append(format_table(["status", "inbound", "outbound", "total", "share", "cost"],
                            [(status, inbound, outbound, count, percent(count, total), money(cost))
                             for status, inbound, outbound, count, cost in sms]))
    inbound = sum(row[1] for row in sms)
    out.append(f"  {total:,} messages: {inbound:,} inbound ({percent(inbound, total)}), "
               f"{total - inbound:,} outbound ({percent(total - inbound, total)})")
    out.append("")
    out += render_contact_centre(run, queries, record_counts)
    out.append("")
    out += render_intelligence(run, queries, record_counts)
    return "\n".join(out)


def render_intelligence(run: RunSql, queries: Mapping[str, str], record_counts: Mapping[str, int]) -> List[str]:
    """What Conversation Intelligence found in the calls (or why there is nothing to show)."""
    if not record_counts.get("intelligence_transcripts"):
        return ["Conversation Intelligence", "  no transcripts: no account has an Intelligence Service"]
    statuses = run(queries["ci_status"])
    out = ["Conversation Intelligence (transcripts: " + ", ".join(f"{count:,} {status}" for status, count in statuses) + ")"]
    out.append(format_table(["account", "transcripts", "positive", "negative", "negative share", "top call reason"],
                            [(name, n, pos, neg, percent(neg, n), reason) for name, n, pos, neg, reason in run(queries["ci_by_account"])]))
    out.append("  the calls behind them (each transcript's SourceSid is its recording, whose call_sid is the call):")
    out.append(format_table(["sentiment", "transcripts", "calls joined", "avg call", "inbound"],
                            [(label, n, joined, seconds(avg), inbound) for label, n, joined, avg, inbound in run(queries["ci_calls_by_sentiment"])]))
    return out


def render_contact_centre(run: RunSql, queries: Mapping[str, str], record_counts: Mapping[str, int]) -> List[str]:
    """The contact-centre section: per queue, reservations, tasks in progress (or why there is nothing to show)."""
    if not record_counts.get("taskrouter_events"):
        return ["Contact centre (TaskRouter)", "  no TaskRouter events: no account has a Workspace"]
    first, last, events = run(queries["cc_period"])[0]
    out = [f"Contact centre (TaskRouter events from {_cell(first)} to {_cell(last)}: {events:,}; Twilio keeps 30 days)"]
    queues = run(queries["cc_queues"])
    out.append(format_table(["queue", "tasks", "answered", "abandoned", "abandon rate", "median wait"],
                            [(queue, tasks, answered, abandoned, percent(abandoned, tasks), seconds(wait))
                             for queue, tasks, answered, abandoned, wait in queues]))
    offered, accepted, rejected, timed_out, canceled = run(queries["cc_reservations"])[0]
    out.append(f"  reservations offered to workers: {offered:,}; accepted {accepted:,} ({percent(accepted, offered)}), "
               f"rejected {rejected:,} ({percent(rejected, offered)}), timed out {timed_out:,} ({percent(timed_out, offered)}), "
               f"canceled {canceled:,} ({percent(canceled, offered)})")
    now = run(queries["cc_tasks_now"])
    out.append("  tasks Twilio holds now: " + (", ".join(f"{count:,} {status}" for status, count in now) or "none"))
    return out


def seconds(value: Optional[float]) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f} s" if value < 120 else f"{value / 60:,.1f} min"


def _columns(items: Sequence[str], columns: int = 2, indent: str = "  ", gap: str = "    ") -> str:
    """Lays items out in `columns` columns, filled top to bottom."""
    if not items:
        return indent + "(none)"
    height = (len(items) + columns - 1) // columns
    lines = []
    for r in range(height):
        row = [items[c * height + r] for c in range(columns) if c * height + r < len(items)]
        lines.append((indent + gap.join(row)).rstrip())
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------- main
def demo_config(emulator: Any) -> Dict[str, Any]:
    """The config a user enters: the main account's SID and auth token, history from the world's first day."""
    sid, token = emulator.main_credentials
    return {"account_sid": sid, "auth_token": token, "start_date": emulator.world["history_start"][:10]}


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_WORLD["seed"])
    parser.add_argument("--accounts", type=int, default=DEFAULT_WORLD["accounts"], help="subaccounts (the last one closed, the one before it suspended)")
    parser.add_argument("--messages-per-account", type=int, default=DEFAULT_WORLD["messages_per_account"])
    parser.add_argument("--calls-per-account", type=int, default=DEFAULT_WORLD["calls_per_account"])
    parser.add_argument("--connector", help="the source-twilio executable to run (default: the one next to this Python)")
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    DEMO_DIR.mkdir(exist_ok=True)
    # PyAirbyte reads these at import: no registry or telemetry calls, logs next to the database, and plain
    # progress (its live view needs an interactive terminal and would fight with the progress lines).
    os.environ["AIRBYTE_OFFLINE_MODE"] = "1"
    os.environ["DO_NOT_TRACK"] = "1"
    os.environ.setdefault("AIRBYTE_LOGGING_ROOT", str(DEMO_DIR / "logs"))
    os.environ.setdefault("AIRBYTE_CACHE_ROOT", str(DEMO_DIR / "cache"))
    os.environ.setdefault("AIRBYTE_PROJECT_DIR", str(DEMO_DIR))
    os.environ.setdefault("NO_LIVE_PROGRESS", "1")

    from integration_tests.emulator import Emulator

    say("source-twilio demo: a full sync of every stream from a local Twilio emulator into DuckDB")
    closed = min(DEFAULT_WORLD["closed"], args.accounts)
    suspended = min(DEFAULT_WORLD["suspended"], args.accounts - closed)
    emulator = Emulator(seed=args.seed, accounts=args.accounts, closed=closed, suspended=suspended,
                        messages_per_account=args.messages_per_account, calls_per_account=args.calls_per_account,
                        subprocess=True)
    try:
        step(1, "Starting the Twilio emulator")
        emulator.start()
        world = emulator.world
        os.environ["TWILIO_API_BASE_URL"] = emulator.url  # the connector reads the emulator instead of twilio.com
        say(f"  {emulator.url} (pid {emulator.process.pid}), seed {args.seed}, now {world['now']}")
        for account in world["accounts"]:
            role = "main account" if account["is_main"] else "subaccount"
            say(f"  {account['sid']}  {account['friendly_name']:<22} {role:<12} {account['status']}")
        say(f"  {args.messages_per_account:,} messages and {args.calls_per_account:,} calls per account over "
            f"{world['history_start'][:10]} .. {world['now'][:10]}; the closed account is not readable")

        config = demo_config(emulator)
        executable = connector_executable(args.connector)
        shown = executable.relative_to(REPO) if executable.is_relative_to(REPO) else executable
        step(2, f"spec, check, discover through the connector's entry point ({shown})")
        streams = spec_check_discover(executable, config)

        step(3, f"Full read of all {len(streams)} streams with PyAirbyte into {DB_PATH.relative_to(REPO)}")
        counts = sync_to_duckdb(executable, config, emulator, len(streams))
        stats = emulator.stats()
        say(f"  emulator: {stats['requests']:,} requests, {stats['bytes_served'] / 1e6:,.1f} MB served, "
            f"{stats['records_served']:,} records in its pages: more than the {sum(counts.values()):,} read, since child "
            "streams list their parents again (message_media the messages, conference_participants the conferences, "
            "step the executions, ...), the open-records pass reads the newest pages unfiltered to keep only the open "
            "messages, a busy account's probe page is asked again by its first window, and two windows both ask for "
            "their shared boundary; each record is emitted once")

        step(4, "Summary (queried from DuckDB)")
        run, close = duckdb_runner(DB_PATH)
        try:
            # Records per stream as stored, for every discovered stream (0 when a stream had nothing).
            stored = {}
            for stream in streams:
                name = stream["name"]
                try:
                    stored[name] = run(f'SELECT COUNT(*) FROM {SCHEMA}."{name}"')[0][0]
                except Exception:
                    stored[name] = 0
            if counts and any(counts.get(name, 0) != stored[name] for name in stored):
                differ = [f"{n} (read {counts.get(n, 0)}, stored {stored[n]})" for n in stored if counts.get(n, 0) != stored[n]]
                say(f"  note: stored counts differ from records read for {', '.join(differ)}")
            empty = sorted(name for name, count in stored.items() if not count)
            if empty:
                say(f"  note: {len(empty)} streams have no records: {', '.join(empty)}")
            say(render_summary(run, stored))

            step(5, "Done")
            say(f"  DuckDB file: {DB_PATH}")
            say(f"  One table per stream ({', '.join(sorted(stored)[:4])}, ...), in schema {SCHEMA}. An example query:")
            say(f"    {EXAMPLE_QUERY}")
            say(format_table(["status", "calls", "avg_seconds", "cost"], run(EXAMPLE_QUERY), indent="    "))
            python = os.path.relpath(sys.executable, REPO) if Path(sys.executable).is_relative_to(REPO) else sys.executable
            say("  Run it yourself, or your own SQL, from the repository root:")
            say(f"    {example_command(python, str(DB_PATH.relative_to(REPO)))}")
        finally:
            close()
        say(f"  Total time: {time.monotonic() - started:.0f}s")
        return 0
    except DemoError as error:
        say(f"\nDEMO FAILED: {error}")
        return 1
    except Exception as error:  # anything unexpected: say what, and fail
        say(f"\nDEMO FAILED: {type(error).__name__}: {error}")
        import traceback

        traceback.print_exc()
        return 1
    finally:
        emulator.stop()


if __name__ == "__main__":
    sys.exit(main())
