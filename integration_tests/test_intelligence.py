"""Conversation Intelligence end to end: every Service, transcript, sentence, operator result and operator of the main
account and of each subaccount, read with each account's own credentials, exactly once; an incremental sync after
transcripts complete brings their sentences and results and nothing twice; a 403/404 on one account's Intelligence
skips that account only, once, named; right under every reading the emulator's knobs offer."""

from __future__ import annotations

import time
from collections import Counter
from typing import Dict, Iterable, List, Mapping

import pytest

from integration_tests.conftest import config_for
from integration_tests.connector import Output, configured_catalog, keys_of, run_connector
from integration_tests.emulator import Emulator

STREAMS = [
    "intelligence_services", "intelligence_transcripts", "intelligence_sentences", "intelligence_operator_results",
    "intelligence_operators", "intelligence_operator_types",
]
CHILDREN = ["intelligence_sentences", "intelligence_operator_results"]
KEYS = {"intelligence_sentences": ["transcript_sid", "sentence_index"], "intelligence_operator_results": ["transcript_sid", "operator_sid"]}
READINGS = {
    "documented": {},
    "AfterDateCreated and BeforeDateCreated inclusive, oldest first": {
        "intelligence_after_date_created": "inclusive", "intelligence_before_date_created": "inclusive",
        "intelligence_transcripts_order": "asc"},
    "open transcripts list their sentences so far; 30 days kept": {"intelligence_open_children": "partial", "intelligence_retention_days": 30},
    "open transcripts' children answer 404": {"intelligence_open_children": "404"},
}
DEFAULT_KNOBS = {"intelligence_after_date_created": "exclusive", "intelligence_before_date_created": "exclusive",
                 "intelligence_transcripts_order": "desc", "intelligence_open_children": "empty", "intelligence_retention_days": 0}


def new_world(accounts: int, seed: int) -> Emulator:
    """A world whose clock runs three hours behind the real one (advancing it stays in the past), with a few recordings
    of every account made in the last minutes, so that some transcripts are still queued or in progress."""
    now = int(time.time()) // 60 * 60 - 3 * 3600
    emulator = Emulator(seed=seed, accounts=accounts, closed=0, suspended=1 if accounts < 10 else 2,
                        messages_per_account=20, calls_per_account=40, now=now)
    emulator.start()
    emulator.advance(minutes=8, new_per_account=0, new_small=4)
    return emulator


@pytest.fixture(scope="module")
def world():
    emulator = new_world(4, seed=31)
    yield emulator
    emulator.stop()


@pytest.fixture(scope="module")
def catalog(discovered):
    return configured_catalog(discovered, STREAMS, incremental=True)


def read(world: Emulator, catalog: Mapping, state=None, credential: str = "auth_token", **config) -> Output:
    output = run_connector("read", world.url, config_for(world, credential, **config), catalog, state=state)
    assert output.returncode == 0 and output.errors == [], output.stderr[-3000:]
    return output


def key_of(stream: str) -> List[str]:
    return KEYS.get(stream, ["sid"])


def truth_keys(world: Emulator, stream: str, account: str = None) -> set:
    return {tuple(k[f] for f in key_of(stream)) for k in world.truth(stream, account=account)["keys"]}


def exactness_problems(world: Emulator, output: Output, streams: Iterable[str] = STREAMS, accounts: Iterable[str] = None) -> Dict:
    """stream (and account) -> what differs from the truth: missing, extra or repeated keys."""
    problems = {}
    for stream in streams:
        records = output.records_of(stream)
        if accounts is not None and stream != "intelligence_operator_types":
            records = [r for r in records if r.get("account_sid") in accounts or (stream == "intelligence_operators" and r.get("account_sid") is None)]
        got = keys_of(records, key_of(stream))
        want = set().union(*(truth_keys(world, stream, a) for a in accounts)) if accounts is not None and stream != "intelligence_operator_types" else truth_keys(world, stream)
        twice = sum(n - 1 for n in Counter(got).values() if n > 1)
        if set(got) != want or twice:
            problems[stream] = f"{len(want - set(got))} missing, {len(set(got) - want)} extra, {twice} twice"
    return problems


@pytest.mark.parametrize("credential", ["auth_token", "main_key"])
def test_given_a_full_sync_then_every_intelligence_record_of_every_account_arrives_exactly_once(world, catalog, credential):
    """Each stream holds exactly the truth: the Services, transcripts (still open ones too), the sentences and operator
    results of every completed transcript, Twilio's pre-built operators once and each account's custom ones, operator
    types once; every per-account record names its account, every child its transcript and Service; sentences come
    redacted where the Service redacts."""
    output = read(world, catalog, credential=credential)
    assert exactness_problems(world, output) == {}
    transcripts = {r["sid"]: r for r in output.records_of("intelligence_transcripts")}
    assert {r["status"] for r in transcripts.values()} >= {"completed", "queued"} | ({"in-progress"} & {r["status"] for r in transcripts.values()})
    for stream in CHILDREN:
        assert output.records_of(stream), f"{stream} is empty: the test would prove nothing"
        for record in output.records_of(stream):
            parent = transcripts[record["transcript_sid"]]
            assert (record["account_sid"], record["service_sid"], record["transcript_date_created"]) == (
                parent["account_sid"], parent["service_sid"], parent["date_created"])
    redacting = {r["sid"] for r in output.records_of("intelligence_services") if r["auto_redaction"]}
    said = [r["transcript"] for r in output.records_of("intelligence_sentences") if r["service_sid"] in redacting]
    assert said and not [text for text in said if "my name is" in text and "[PERSON]" not in text]
    prebuilt = [r for r in output.records_of("intelligence_operators") if r["author"] == "Twilio"]
    assert prebuilt and all(r.get("account_sid") is None for r in prebuilt)
    without = world.world["accounts"][3]["sid"]  # every fourth subaccount has no Intelligence Service: nothing, no warning
    assert not [w for w in output.logs("WARN") if without in w]


def test_given_transcripts_completing_between_two_syncs_then_the_second_brings_their_children_and_nothing_twice(world, catalog):
    """After a first sync, the world moves on an hour: the transcripts then queued or in progress complete, and new
    recordings are transcribed. The second sync, from the first one's state, brings the sentences and results of exactly
    the transcripts completed since (and of no transcript whose children came before), and every transcript that
    changed; the two syncs together hold the truth once."""
    first = read(world, catalog)
    before = {sid for (sid,) in truth_keys(world, "intelligence_transcripts")}
    completed_before = {t for t, _ in truth_keys(world, "intelligence_operator_results")}
    world.advance(minutes=60, new_per_account=0, new_small=3)
    second = read(world, catalog, state=first.final_states())

    completed_now = {t for t, _ in truth_keys(world, "intelligence_operator_results")}
    newly = completed_now - completed_before
    assert newly & before, "no transcript open at the first sync completed: the test would prove nothing"
    for stream in CHILDREN:
        got = keys_of(second.records_of(stream), key_of(stream))
        assert {t for t, *_ in got} == newly, stream
        both = keys_of(first.records_of(stream) + second.records_of(stream), key_of(stream))
        assert set(both) == truth_keys(world, stream) and len(both) == len(set(both)), stream
    changed = {r["sid"] for r in second.records_of("intelligence_transcripts")}
    assert newly <= changed and not changed & (completed_before - newly)
    latest = {r["sid"]: r["status"] for r in first.records_of("intelligence_transcripts") + second.records_of("intelligence_transcripts")}
    assert latest.keys() == {sid for (sid,) in truth_keys(world, "intelligence_transcripts")}


@pytest.mark.parametrize(
    "status,account", [(403, 1), (404, 2)], ids=["403 for a subaccount's Intelligence", "404 for a subaccount's Intelligence"],
)
def test_given_twilio_refuses_an_accounts_intelligence_then_that_account_is_skipped_once_named_and_the_rest_arrives(world, catalog, status, account):
    """A 403 or 404 on every Intelligence list of one account skips that account only: one warning per stream names it,
    every other account (and Twilio's own lists) arrive exactly."""
    refused = world.world["accounts"][account]["sid"]
    streams = ["intelligence_services", "intelligence_transcripts", "intelligence_operators"]
    world.configure(forbidden=[{"stream": stream, "account": refused, "status": status} for stream in streams])
    try:
        output = read(world, catalog)
    finally:
        world.configure(forbidden=[])
    others = [sid for sid in world.world["active_account_sids"] if sid != refused]
    assert exactness_problems(world, output, accounts=others) == {}
    assert not [r for stream in STREAMS for r in output.records_of(stream) if r.get("account_sid") == refused]
    warnings = [w for w in output.logs("WARN") if refused in w]
    assert sorted(w.split()[1] for w in warnings) == sorted(streams) and all(f"{status}" in w for w in warnings)


@pytest.mark.parametrize("reading", list(READINGS))
def test_given_a_reading_of_twilios_docs_when_synced_twice_then_every_record_arrives_once(reading, catalog):
    """Under each reading the knobs offer (whether AfterDateCreated/BeforeDateCreated include their instant, the list's
    order, what an open transcript lists as children, how long transcripts are kept), a first sync and one after the
    world moved on hold exactly the truth, once."""
    emulator = new_world(3, seed=37)
    try:
        emulator.configure(**READINGS[reading])
        first = read(emulator, catalog, slice_step_duration="P10D")
        assert exactness_problems(emulator, first) == {}
        emulator.advance(minutes=45, new_per_account=0, new_small=3)
        second = read(emulator, catalog, state=first.final_states(), slice_step_duration="P10D")
        for stream in CHILDREN:
            both = keys_of(first.records_of(stream) + second.records_of(stream), key_of(stream))
            assert set(both) == truth_keys(emulator, stream) and len(both) == len(set(both)), (reading, stream)
    finally:
        emulator.configure(**DEFAULT_KNOBS)
        emulator.stop()


@pytest.mark.parametrize("credential", ["auth_token", "main_key"])
def test_given_more_accounts_than_workers_then_each_is_read_with_its_own_credentials_exactly_once(catalog, credential):
    """21 accounts and 4 workers: every account's records exactly once on a full sync and after transcripts complete,
    each subaccount read with its own credentials (the parent's are refused on product hosts)."""
    emulator = new_world(20, seed=41)
    try:
        first = read(emulator, catalog, credential=credential, num_workers=4)
        assert exactness_problems(emulator, first) == {}
        assert len({r["account_sid"] for r in first.records_of("intelligence_transcripts")}) > 10
        emulator.advance(minutes=60, new_per_account=0, new_small=2)
        second = read(emulator, catalog, state=first.final_states(), credential=credential, num_workers=4)
        for stream in CHILDREN:
            both = keys_of(first.records_of(stream) + second.records_of(stream), key_of(stream))
            assert set(both) == truth_keys(emulator, stream) and len(both) == len(set(both)), stream
    finally:
        emulator.stop()
