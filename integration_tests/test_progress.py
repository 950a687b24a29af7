"""Progress lines and the sync summary, read from the message stream of a real `read` of every stream."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from integration_tests.conftest import config_for
from integration_tests.connector import configured_catalog, run_connector
from source_twilio.progress import INTERVAL_ENV

PROGRESS = re.compile(r"^Progress of ([a-z_]+): ([\d,]+) records(?:, ([\d,]+) of ([\d,]+)\+? windows done)?, ([\d,]+) requests, ([\d,]+) retries \(\d+ s\)\.$")


def number(text: str) -> int:
    return int(text.replace(",", ""))


@pytest.fixture(scope="module")
def sync(world, discovered):
    """A full sync of all 56 streams, windows sized per account (probed), a progress line every 0.2 s."""
    output = run_connector(
        "read",
        world.url,
        config_for(world),
        configured_catalog(discovered, incremental=True),
        extra_env={INTERVAL_ENV: "0.2"},
    )
    assert output.returncode == 0, output.stderr[-3000:]
    return output


def test_given_a_sync_of_every_stream_then_one_summary_whose_records_per_stream_equal_the_record_messages(sync):
    """One summary, after the last RECORD; its total and its per-stream counts are the RECORD messages of the sync."""
    messages = sync.messages
    summaries = [i for i, m in enumerate(messages) if m.get("type") == "LOG" and m["log"]["message"].startswith("Sync summary:")]
    assert len(summaries) == 1
    assert all(m.get("type") != "RECORD" for m in messages[summaries[0]:])
    summary = messages[summaries[0]]["log"]
    assert summary["level"] == "INFO"
    text = summary["message"]
    counted = sync.record_counts()
    total = re.search(r"Sync summary: ([\d,]+) records from (\d+) streams", text)
    assert number(total.group(1)) == sum(counted.values()) and int(total.group(2)) == len(counted)
    per_stream = text[text.index("Records per stream: ") + len("Records per stream: "):text.index(". Accounts skipped:")]
    said = {name: number(count) for name, count in re.findall(r"([a-z_]+): ([\d,]+)", per_stream)}
    assert said == dict(counted)
    requests = number(re.search(r"([\d,]+) page requests", text).group(1))
    assert requests >= len(counted)  # every stream that emitted a record asked at least once


def test_given_a_suspended_and_a_closed_subaccount_then_the_summary_says_which_accounts_were_skipped_and_why(sync, world):
    """The world's closed subaccount is named in the summary's "Accounts skipped", with its status."""
    text = next(m for m in sync.logs("INFO") if m.startswith("Sync summary:"))
    skipped = text[text.index("Accounts skipped: "):]
    closed = [account["sid"] for account in world.world["accounts"] if account.get("status") == "closed"]
    assert closed and all(sid in skipped for sid in closed)
    assert "'closed'" in skipped


def test_given_a_short_progress_interval_then_running_streams_get_progress_lines_whose_counts_are_the_records_so_far(sync):
    """Progress lines at INFO come with the messages; each line's record count is exactly the RECORD messages of its
    stream before it, its windows done never exceed those planned, and a windowed stream says its windows."""
    so_far: Counter = Counter()
    lines = []
    for message in sync.messages:
        if message.get("type") == "RECORD":
            so_far[message["record"]["stream"]] += 1
        elif message.get("type") == "LOG" and message["log"]["message"].startswith("Progress of "):
            assert message["log"]["level"] == "INFO"
            match = PROGRESS.match(message["log"]["message"])
            assert match, message["log"]["message"]
            stream, records, done, planned = match.group(1), number(match.group(2)), match.group(3), match.group(4)
            assert records == so_far[stream], message["log"]["message"]
            if done is not None:
                assert number(done) <= number(planned)
            lines.append((stream, records, done))
    assert len(lines) >= 3
    assert len({stream for stream, _, _ in lines}) >= 2
    assert any(stream == "messages" and done is not None for stream, _, done in lines) or any(done for _, _, done in lines)


def test_given_countries_offering_some_number_types_then_only_those_are_asked_and_the_rest_said_once_with_the_cause(sync, world):
    """The emulator's countries list their types in `subresource_uris` as Twilio's do (US: local and toll_free; DK:
    local): no 404 for a type a country lacks, one INFO line per stream naming the countries left out and what they
    offer, and every available number of the truth read."""
    assert not [m for m in sync.logs("WARN") if "AvailablePhoneNumbers" in m]
    for stream, lacking in (("available_phone_numbers_mobile", ("US", "CA", "DK")), ("available_phone_numbers_toll_free", ("DK",))):
        notes = [m for m in sync.logs("INFO") if m.startswith(f"{stream}: not asked for ")]
        assert len(notes) == 1, notes
        assert all(f"{country} (" in notes[0] for country in lacking)
        assert "subresource_uris" in notes[0] and "not enabled" not in notes[0]
        assert len(sync.records_of(stream)) == world.truth(stream)["count"]


def test_given_windows_sized_by_a_probe_then_an_estimate_trace_gives_each_probed_streams_records(sync):
    """Airbyte's ESTIMATE trace (type STREAM) once per stream whose every account a probe measured, before that
    stream's last record, within a fifth of the records read (the probe extrapolates the newest page's density; the
    open-records pass's calls are not in it); messages and calls have one."""
    estimates, last_record = {}, {}
    for position, message in enumerate(sync.messages):
        if message.get("type") == "RECORD":
            last_record[message["record"]["stream"]] = position
        elif message.get("type") == "TRACE" and message["trace"]["type"] == "ESTIMATE":
            estimate = message["trace"]["estimate"]
            assert estimate["type"] == "STREAM" and estimate["name"] not in estimates
            estimates[estimate["name"]] = (estimate["row_estimate"], position)
    assert {"messages", "calls"} <= set(estimates)
    counted = sync.record_counts()
    for stream, (rows, position) in estimates.items():
        assert 0.8 * counted[stream] <= rows <= 1.2 * counted[stream], (stream, rows, counted[stream])
        assert position < last_record[stream], stream
