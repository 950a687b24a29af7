"""The demo's pure-Python parts: its report queries name real columns, and the summary renders from query rows.

These need neither PyAirbyte nor duckdb (the test environment has neither); `make demo` runs the whole thing.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path

from integration_tests import demo
from integration_tests.emulator.catalog import Catalog, Ctx
from integration_tests.emulator.world import World, WorldConfig

SCHEMAS = Path(__file__).resolve().parents[1] / "source_twilio" / "schemas"


def schema_columns(stream: str) -> set:
    return set(json.loads((SCHEMAS / f"{stream}.json").read_text())["properties"])


def test_given_report_queries_then_every_column_they_use_is_in_the_stream_schema():
    """The reports only use columns the calls, messages and accounts schemas declare (PyAirbyte makes one column
    per schema property), so a renamed field cannot silently empty a report."""
    used = {
        "calls": {"status", "duration", "date_created", "price", "account_sid"},
        "messages": {"status", "direction", "date_created", "price", "num_segments", "account_sid"},
        "accounts": {"sid", "friendly_name", "status", "owner_account_sid"},
        "taskrouter_events": {"event_type", "event_date", "event_data"},
        "taskrouter_tasks": {"assignment_status"},
        "intelligence_transcripts": {"sid", "status", "channel"},
        "intelligence_operator_results": {"account_sid", "transcript_sid", "name", "predicted_label"},
        "recordings": {"sid", "call_sid"},
    }
    columns = {stream: schema_columns(stream) for stream in used}
    for stream, names in used.items():
        assert names <= columns[stream], (stream, names - columns[stream])
    sql = " ".join(demo.summary_queries().values())
    identifiers = set(re.findall(r"\b[a-z_]+\b", sql))
    for stream, names in used.items():
        assert names <= identifiers, (stream, names - identifiers)
    # Twilio's accounts carry owner_account_sid; parent_account_sid is a column they do not have
    assert "parent_account_sid" not in identifiers


def test_given_the_contact_centre_queries_then_the_event_data_they_read_is_in_every_task_event():
    """The queue report reads task_sid and task_queue_name from event_data, the names TaskRouter's event reference
    gives them: every task and reservation event of the emulator's contact centre carries both."""
    sql = " ".join(demo.contact_centre_queries().values())
    fields = set(re.findall(r"event_data, '\$\.([a-z_]+)'", sql))
    assert fields == {"task_sid", "task_queue_name"}
    world = World(WorldConfig(seed=1, subaccounts=0, messages_per_account=0, calls_per_account=0))
    catalog, ctx = Catalog(world), Ctx(world, world.state, world.main)
    log = catalog.build("taskrouter_events", ctx, catalog.workspaces(world.main)[0].sid)
    items = [log.record(i)[0] for i in range(len(log))]
    task_events = [e for e in items if e["event_type"].startswith(("task.", "task-queue.", "reservation."))]
    assert task_events and all(fields <= set(e["event_data"]) for e in task_events)


def fake_runner(rows_by_query: dict):
    queries = {" ".join(sql.split()): name for name, sql in demo.summary_queries().items()}

    def run(sql: str):
        return rows_by_query[queries[" ".join(sql.split())]]

    return run


def test_given_query_rows_when_render_summary_then_readable_report_with_every_metric():
    rows = {
        "period": [(dt.date(2024, 3, 1), dt.date(2024, 5, 30))],
        "by_account": [("Main", "active", 300, 100, 12.5), ("Old", "closed", 0, 0, 0.0)],
        "call_kpis": [(100, 96, 72, 20, 4, 612.4, 590.0)],
        "daily_calls": [(dt.date(2024, 5, 29), 40, 30, 8, 300), (dt.date(2024, 5, 30), 20, 15, 4, 160)],
        "weekly_cost": [(dt.date(2024, 5, 20), 60, 9.5, 200, 240, 1.9), (dt.date(2024, 5, 27), 40, 6.25, 100, 120, 0.95)],
        "sms_by_status": [("delivered", 0, 200, 200, 1.6), ("received", 60, 0, 60, 0.4), ("failed", 0, 40, 40, None)],
        "cc_period": [(dt.date(2024, 5, 1), dt.date(2024, 5, 30), 900)],
        "cc_queues": [("Support", 40, 35, 5, 75.0), ("Sales", 20, 18, 2, 200.0)],
        "cc_reservations": [(80, 53, 12, 10, 5)],
        "cc_tasks_now": [("assigned", 3), ("pending", 1)],
        "ci_status": [("completed", 110), ("queued", 3)],
        "ci_by_account": [("Main", 80, 30, 20, "billing"), ("Sub", 30, 10, 12, "sales")],
        "ci_calls_by_sentiment": [("neutral", 48, 48, 310.0, 30), ("negative", 32, 30, 95.0, 20)],
    }
    text = demo.render_summary(fake_runner(rows), {"messages": 300, "calls": 100, "accounts": 2, "taskrouter_events": 900,
                                                   "intelligence_transcripts": 113})

    assert "messages" in text and "1,415 records in total" in text
    assert "completion rate:       75.0%  (72 completed of 96 ended)" in text
    assert "abandon rate:          20.8%" in text
    assert "average call duration: 612 s (10.2 min; median 590 s)" in text
    assert "(4 still queued, ringing or in progress)" in text
    assert "2024-05-29            40" in text and "2024-05-30 so far     20" in text  # the newest day is partial
    assert "$9.50" in text and "$11.40" in text  # call cost, and call + SMS cost of that week
    assert "total: calls $15.75, SMS $2.85" in text
    assert "delivered" in text and "66.7%" in text
    assert "300 messages: 60 inbound (20.0%), 240 outbound (80.0%)" in text
    assert "Old" in text and "closed" in text
    assert "Contact centre (TaskRouter events from 2024-05-01 to 2024-05-30: 900" in text
    assert "Support     40        35          5  12.5%         75 s" in text
    assert "Sales       20        18          2  10.0%         3.3 min" in text
    assert "accepted 53 (66.2%), rejected 12 (15.0%), timed out 10 (12.5%), canceled 5 (6.2%)" in text
    assert "tasks Twilio holds now: 3 assigned, 1 pending" in text
    assert "Conversation Intelligence (transcripts: 110 completed, 3 queued)" in text
    assert "Main              80        30        20  25.0%           billing" in text
    assert "negative            32            30  95 s           20" in text


def test_given_the_intelligence_queries_then_the_source_sid_they_join_on_is_every_transcripts_recording():
    """The sentiment-to-calls report joins a transcript to its call through `channel.media_properties.source_sid` (the
    recording) and the recording's call_sid: in the emulator every transcript's source is one of its account's
    recordings."""
    assert "'$.media_properties.source_sid'" in demo.intelligence_queries()["ci_calls_by_sentiment"]
    world = World(WorldConfig(seed=1, subaccounts=0, messages_per_account=0, calls_per_account=50))
    catalog, ctx = Catalog(world), Ctx(world, world.state, world.main)
    transcripts = catalog.build("intelligence_transcripts", ctx)
    recordings = {catalog.build("recordings", ctx).record(i)[0]["sid"] for i in range(len(catalog.build("recordings", ctx)))}
    sources = [transcripts.record(i)[0]["channel"]["media_properties"]["source_sid"] for i in range(len(transcripts))]
    assert sources and set(sources) <= recordings


def test_given_no_calls_when_render_summary_then_no_division_by_zero():
    rows = {
        "period": [(None, None)],
        "by_account": [],
        "call_kpis": [(0, 0, 0, 0, 0, None, None)],
        "daily_calls": [],
        "weekly_cost": [],
        "sms_by_status": [],
    }
    text = demo.render_summary(fake_runner(rows), {})
    assert "completion rate:       n/a" in text
    assert "no TaskRouter events" in text
    assert "no transcripts" in text
    assert "0 streams, 0 records in total" in text


def test_format_table_aligns_numbers_right_and_text_left():
    table = demo.format_table(["name", "count"], [("a", 1), ("bbbb", 12345)]).splitlines()
    assert table == ["  name   count", "  ----  ------", "  a          1", "  bbbb  12,345"]


def test_given_no_console_script_then_a_wrapper_runs_main_py(tmp_path, monkeypatch):
    monkeypatch.setattr(demo, "DEMO_DIR", tmp_path)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no venv" / "python"))
    wrapper = demo.connector_executable()
    assert wrapper == tmp_path / "bin" / "source-twilio"
    assert "main.py" in wrapper.read_text() and "'" in wrapper.read_text()  # the path with a space is quoted


def test_given_the_daily_and_weekly_call_tables_then_both_count_calls_by_the_date_they_were_created():
    """The daily table and the weekly costs date calls alike (date_created), so a day's calls add up to its week's:
    by start_time the daily table would leave out today's calls still queued, which the weekly table counts."""
    queries = demo.summary_queries()
    for name in ("daily_calls", "weekly_cost"):
        assert "date_created" in queries[name] and "start_time" not in queries[name], name
