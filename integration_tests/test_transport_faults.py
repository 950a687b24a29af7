"""HTTP answers that are valid but not what Twilio sends (issue 20), end to end: a sync under the fault, then a clean
second sync from its state, every record counted against the emulator's truth, at 3 accounts and at 21 accounts read
by fewer workers. Each fault is an emulator switch (integration_tests/emulator/README.md, "Transport faults")."""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Set, Tuple

import pytest

from integration_tests.conftest import config_for
from integration_tests.connector import Output, configured_catalog, run_connector
from integration_tests.emulator import Emulator
from integration_tests.emulator.foreign import ForeignHost

# Windowed streams of both APIs (a day-windowed one), children of a windowed parent, a product list and its children,
# a plain list, and lists without paging links.
STREAMS = [
    "messages", "message_media", "calls", "conferences", "alerts", "conversations", "conversation_messages",
    "addresses", "usage_records", "account_balance", "available_phone_number_countries",
]
CLEAN = dict(not_a_page_rate=0, html_5xx=False, rate_5xx=0, lone_surrogate=False, odd_json=False, foreign_next_link=None,
             redirect_to=None, trickle_rate=0, fault_streams=None, page_size_cap=0)


def faulted_world(subaccounts: int, workers: int):
    # At 21 accounts, half the days and half the records an account has at 3: still two or three 10-day windows of
    # each windowed stream per account and a few pages of messages' media per window, in a third fewer requests.
    days, scale = (40, 1) if subaccounts < 10 else (20, 2)
    with Emulator(seed=23, accounts=subaccounts, closed=0, suspended=0, messages_per_account=300 // scale,
                  calls_per_account=120 // scale, alerts_per_account=40 // scale, history_days=days, subprocess=True) as emulator:
        emulator.workers = workers
        # At 21 accounts the faults hit two streams (every stream at 3): each fault costs a retry's wait, and the
        # test is about what a fault does to a window, which two streams of 21 accounts show as well as all of them.
        emulator.faulted = None if subaccounts < 10 else ["messages", "alerts"]
        yield emulator


@pytest.fixture(scope="module")
def world():
    """3 accounts, every stream faulted; test_transport_faults_21.py runs these tests at 21 accounts (a module of its
    own, so that the suite's two processes share the two worlds)."""
    yield from faulted_world(2, 3)


@pytest.fixture(scope="module")
def catalog(discovered):
    return configured_catalog(discovered, STREAMS, incremental=True)


def expected(world: Emulator, stream: str) -> Set[tuple]:
    truth = world.truth(stream, since=world.world["history_start"]) if stream in ("messages", "calls") else world.truth(stream)
    return {tuple(k[f] for f in truth["primary_key"]) for k in truth["keys"] + truth.get("open_keys", [])}


def missing(world: Emulator, *outputs: Output) -> Dict[str, int]:
    """Per stream, how many of the truth's records none of the outputs holds (streams missing nothing are left out)."""
    lost = {}
    for stream in STREAMS:
        key = world.truth(stream, keys=False)["primary_key"]
        have = {tuple(r.get(f) for f in key) for output in outputs for r in output.records_of(stream)}
        gap = len(expected(world, stream) - have)
        if gap:
            lost[stream] = gap
    return lost


def sync_then_clean_sync(world: Emulator, catalog, knobs: Mapping[str, Any], env: Optional[Mapping[str, str]] = None) -> Tuple[Output, Output]:
    """A sync under `knobs`, then a clean one from its state."""
    config = config_for(world, num_workers=world.workers, slice_step_duration="P10D")
    if world.faulted and "fault_streams" not in knobs:
        knobs = {**knobs, "fault_streams": world.faulted}
    world.configure(**knobs)
    try:
        first = run_connector("read", world.url, config, catalog, extra_env=env)
    finally:
        world.configure(**CLEAN)
    second = run_connector("read", world.url, config, catalog, state=first.final_states())
    assert second.returncode == 0 and second.errors == [], second.stderr[-2000:]
    return first, second


def assert_whole(world: Emulator, first: Output, second: Output) -> None:
    """The faulted sync succeeded with every record, and so did the clean one after it."""
    assert first.returncode == 0 and first.errors == [], [e["message"] for e in first.errors]
    assert missing(world, first) == {}
    assert missing(world, first, second) == {}


def test_given_valid_json_that_is_no_twilio_page_when_sync_then_it_is_retried_and_no_record_is_lost(world, catalog):
    """A 200 of `{}`, `[]`, a JSON string, a page without its list or without its paging envelope (a proxy's or a
    cache's), at 4% of pages, is retried like an unreadable page: it never reads as an empty last page whose window
    closes complete."""
    first, second = sync_then_clean_sync(world, catalog, {"not_a_page_rate": 0.04})
    assert_whole(world, first, second)
    assert any("is not a Twilio page" in line for line in first.logs())


def test_given_html_5xx_pages_when_sync_then_they_are_retried_and_every_record_arrives(world, catalog):
    """A load balancer's text/html 502, 503 or 504 is a server error: retried, never parsed as a page."""
    first, second = sync_then_clean_sync(world, catalog, {"rate_5xx": 0.05, "html_5xx": True})
    assert_whole(world, first, second)


def test_given_a_lone_surrogate_and_odd_json_when_sync_then_the_records_arrive_with_u_fffd(world, catalog):
    """A message body with a lone UTF-16 surrogate escape (an SMS cut mid-emoji) and records with exponents, a 30-digit
    integer, 64 nested arrays and a duplicate key are valid JSON: the pages parse, every record arrives, the
    surrogate as U+FFFD, the last of the duplicate keys kept."""
    first, second = sync_then_clean_sync(world, catalog, {"lone_surrogate": True, "odd_json": True, "fault_streams": ["messages"]})
    assert_whole(world, first, second)
    bodies = [record.get("body") or "" for record in first.records_of("messages")]
    assert any(body.startswith("hi \ufffd") for body in bodies)
    odd = [record for record in first.records_of("messages") if "odd_huge" in record]
    assert odd and all(record["odd_huge"] == 123456789012345678901234567890 and record["odd_exponent"] == 1500.0 for record in odd)
    assert all(record["sid"].startswith("SM") for record in first.records_of("messages"))


@pytest.mark.parametrize("switch", ["foreign_next_link", "redirect_to"])
def test_given_a_link_or_redirect_to_another_host_when_sync_then_no_credential_goes_there_and_the_stream_fails(world, catalog, switch):
    """A next-page link to another host is never followed, and an answer redirected there is never read as Twilio's:
    the streams fail naming the other host, no request with credentials reaches it, and the clean sync after brings
    every record (the state never moved past what was not read)."""
    with ForeignHost() as other:
        first, second = sync_then_clean_sync(world, catalog, {switch: other.url, "fault_streams": ["messages", "alerts"], "page_size_cap": 5})
        requests_there = list(other.requests)
    assert first.returncode == 1
    assert {e["message"].split(" ")[3] for e in first.errors if other.url in e["message"]} >= {"messages", "alerts"} if switch == "foreign_next_link" else True
    assert any(other.url in e["message"] for e in first.errors), [e["message"] for e in first.errors]
    assert [path for path, authorized in requests_there if authorized] == []
    if switch == "foreign_next_link":
        assert requests_there == []
    assert missing(world, first, second) == {}


def test_given_trickling_pages_when_sync_then_each_attempt_is_cut_at_the_deadline_and_every_record_arrives(world, catalog):
    """A page whose body trickles in (64 bytes every 20 ms: each chunk restarts the read timeout) is abandoned at the
    deadline per attempt (2 s here, through TWILIO_REQUEST_DEADLINE_SECONDS) and asked for again."""
    knobs = {"trickle_rate": 0.1, "trickle_ms": 20, "fault_streams": ["calls"] if world.faulted else ["messages", "calls"]}
    first, second = sync_then_clean_sync(world, catalog, knobs, env={"TWILIO_REQUEST_DEADLINE_SECONDS": "2"})
    assert_whole(world, first, second)
    assert any("deadline per attempt" in line for line in first.logs())


def test_given_a_sync_of_every_stream_then_no_request_names_a_parameter_twice(world, discovered):
    """Every request of a sync of all 56 streams names each query parameter once: the emulator refuses any that
    repeats one (reject_repeated_params), so a repeat would fail the sync."""
    world.configure(reject_repeated_params=True)
    world.reset_stats()
    try:
        output = run_connector("read", world.url, config_for(world, num_workers=world.workers), configured_catalog(discovered))
    finally:
        world.configure(reject_repeated_params=False)
    assert world.stats()["repeated_params"] == 0
    assert output.returncode == 0 and output.errors == [], [e["message"] for e in output.errors]
