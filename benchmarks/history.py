"""The `many-accounts-history` scenario: what a sync of the whole catalog costs, per stream, against its floor.

The main account and 20 subaccounts (200 with --history-accounts 201) created 3 to 36 months ago, one closed,
start_date 2025-01-01, every stream (incremental where it can be, full refresh otherwise). Three syncs: (a) the first
one, (b) a second one from (a)'s state with nothing new, (c) a second one from (a)'s state after the emulator moved 30
minutes on and added records. Each is counted per stream (the emulator's `/__emulator/stats`, by the Twilio resource
a request asked for) against a floor computed from the emulator's truth in the same run (`stream_floor`). Counting,
not timing: CPU taken by other jobs on the machine does not move a request figure.
"""

from __future__ import annotations

import hashlib
import json
import math
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Mapping, Optional, Sequence, Set, Tuple

from benchmarks.common import REPO, WORK, iso, log
from benchmarks.targets import Section, Target, open_pass_requests

START_DATE = datetime(2025, 1, 1, tzinfo=timezone.utc)
HISTORY_DAYS = 3 * 365  # the main account's 36 months; subaccounts from 3 to 36 months (HISTORY_MONTHS)
ADVANCE_MINUTES = 30
SHARE_TOLERATED = 0.05  # re-emitted unchanged records, as a share of what the later sync emits
RATIO_TOLERATED = 1.3

# How Twilio lets each resource be read (the emulator's stream names, which are the connector's), and so the fewest
# requests a sync can make. Every term is named in the report:
#   windowed   a list with a date filter: one request per account, plus a page per page_size new or changed records
#   whole      a list without one: read whole every sync (one request per account, plus its pages)
#   per_parent a child list read per parent record every sync (Twilio lists it per parent and cannot say which parent
#              changed): one request per parent
#   new_parent a child list read per new parent only (its parent's date filter says which are new)
#   fetched    a list per Workspace, then one fetch per new or changed record (their `attributes` come only on a
#              single fetch, Twilio's spec), and after a first sync one per Workspace for its record at the saved second
#   catalogue  Twilio's own list, the same for every account: one request (Conversation Intelligence's operator
#              types; its operators: Twilio's pre-built ones once, then each account's custom ones)
WINDOWED = ("messages", "calls", "conferences", "notifications", "recordings", "usage_records", "alerts",
            "monitor_events", "verify_attempts", "call_summaries", "intelligence_transcripts")
WHOLE = ("addresses", "applications", "incoming_phone_numbers", "keys", "outgoing_caller_ids", "queues",
         "transcriptions", "usage_triggers", "conversations", "users", "conversation_services", "conversation_roles",
         "services", "flows", "verify_services", "messaging_services", "trunks", "sinks", "subscriptions",
         "taskrouter_workspaces", "available_phone_number_countries", "account_balance", "event_types",
         "intelligence_services", "intelligence_operators")
CATALOGUE = ("intelligence_operator_types", "intelligence_operators")
# child -> (parent, whether the child is windowed by date within each parent)
PER_PARENT = {"dependent_phone_numbers": ("addresses", False), "user_conversations": ("users", False),
              "roles": ("services", False), "conversation_messages": ("conversations", False),
              "conversation_participants": ("conversations", False), "executions": ("flows", True),
              "taskrouter_activities": ("taskrouter_workspaces", False),
              "taskrouter_task_channels": ("taskrouter_workspaces", False),
              "taskrouter_task_queues": ("taskrouter_workspaces", False),
              "taskrouter_workflows": ("taskrouter_workspaces", False),
              "taskrouter_events": ("taskrouter_workspaces", True)}
# child -> parent whose new (or changed) records have children to list
NEW_PARENT = {"conference_participants": "conferences", "message_media": "message_media", "step": "executions",
              "taskrouter_reservations": "taskrouter_tasks", "intelligence_sentences": "intelligence_transcripts",
              "intelligence_operator_results": "intelligence_transcripts"}
FETCHED = ("taskrouter_tasks", "taskrouter_workers")
AVAILABLE = ("available_phone_numbers_local", "available_phone_numbers_mobile", "available_phone_numbers_toll_free")
PRICING = ("pricing_messaging_countries", "pricing_voice_countries")
PAGE_SIZE_NAME = {"taskrouter_tasks": "taskrouter_task_list", "taskrouter_workers": "taskrouter_worker_list"}


def history_ages(subaccounts: int) -> Dict[int, float]:
    """Days since each subaccount's creation: evenly from 3 months (90 days) to 36 months (1,080 days)."""
    if subaccounts <= 1:
        return {1: 90.0} if subaccounts else {}
    return {i: 90 + (1080 - 90) * (i - 1) / (subaccounts - 1) for i in range(1, subaccounts + 1)}


@dataclass
class Counts:
    """What the truth says one sync has to read, per account (None for Twilio's global catalogues) and stream."""

    records: Dict[Tuple[Optional[str], str], int] = field(default_factory=dict)  # new or changed (all: a first sync)
    every: Dict[Tuple[Optional[str], str], int] = field(default_factory=dict)  # every record the API lists
    countries: Dict[Tuple[Optional[str], str], int] = field(default_factory=dict)  # countries listing a number type


def pages(n: int, size: int) -> int:
    return max(1, math.ceil(n / size))


def stream_floor(stream: str, accounts: Sequence[Optional[str]], counts: Counts, page_size: Mapping[str, int],
                 open_pass: Mapping[str, int], first: bool = False) -> Dict[str, int]:
    """The fewest requests that read `stream`'s share of one sync, by named term (see the rules above)."""
    size = page_size.get(PAGE_SIZE_NAME.get(stream, stream), 1000)
    rec, every = counts.records, counts.every
    terms: Dict[str, int] = {}

    def add(name: str, n: int) -> None:
        if n:
            terms[name] = terms.get(name, 0) + n

    if stream == "accounts":
        add("Accounts.json", pages(len(accounts), size))
        return terms
    for a in accounts:
        if stream in WINDOWED:
            add("one request per account", 1)
            add(f"pages of {size} new or changed records", pages(rec.get((a, stream), 0), size) - 1)
            add("open-records pass (source_twilio/open_records.py)", open_pass.get(stream, 0))
        elif stream in WHOLE:
            add("one request per account", 1)
            add(f"pages of {size} records (no date filter: read whole)", pages(every.get((a, stream), 0), size) - 1)
        elif stream in PER_PARENT:
            parent, windowed = PER_PARENT[stream]
            parents = every.get((a, parent), 0)
            if parent == "conversations" and (a, "conversations open") in counts.every:
                # a closed conversation unchanged since the last sync takes no new messages or participants
                parents = counts.every[(a, "conversations open")] + rec.get((a, "conversations"), 0)
            n = rec.get((a, stream), 0) if windowed else every.get((a, stream), 0)
            add(f"one request per {parent} record (listed per parent"
                + (": the open ones and those changed)" if parent == "conversations" and (a, "conversations open") in counts.every else ")"), parents)
            add(f"pages of {size}", max(0, math.ceil(n / size) - parents))
        elif stream in NEW_PARENT:
            parent = NEW_PARENT[stream]
            add(f"one request per new or changed {parent} record", rec.get((a, parent), 0))
        elif stream in FETCHED:
            workspaces = every.get((a, "taskrouter_workspaces"), 0)
            add("the list, one request per Workspace", workspaces)
            add("one single fetch per new or changed record (attributes)", rec.get((a, stream), 0))
            if not first:
                # Twilio's dates have whole seconds: a change later in the saved second carries the same date_updated
                at_saved = min(workspaces, every.get((a, stream), 0)) - rec.get((a, stream), 0)
                add("one fetch per Workspace of its record at the saved second", max(0, at_saved))
        elif stream in AVAILABLE:
            add("one request per country listing the number type", counts.countries.get((a, stream), 0))
    if stream in CATALOGUE:
        add("Twilio's catalogue, once", 1)
    if stream in PRICING:
        add("the country list", 1)
        add("one request per country (its prices)", every.get((None, stream), 0))
    return terms


def ratio(value: float, floor: float) -> float:
    return value / floor if floor else (math.inf if value else 1.0)


# --------------------------------------------------------------------------------------------- running A
@dataclass
class Sync:
    label: str
    wall: float
    exit_code: int
    requests: int
    by_stream: Dict[str, int]
    records: Dict[str, List[tuple]]
    states: List[Any]
    stderr_tail: str = ""
    open_conversations: Dict[str, int] = field(default_factory=dict)  # per account: those not closed
    digests: Dict[str, Dict[tuple, str]] = field(default_factory=dict)  # per stream and key: the emitted data's digest

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.records.values())


def full_catalog(config_path, env) -> Dict[str, Any]:
    """Every stream of A's discover: incremental where it supports it (its default cursor), full refresh otherwise."""
    out = subprocess.run([sys.executable, str(REPO / "main.py"), "discover", "--config", str(config_path)],
                         capture_output=True, env=env, cwd=str(REPO), timeout=300)
    catalog = next(json.loads(line)["catalog"] for line in out.stdout.splitlines() if line.startswith(b'{"type":"CATALOG"'))
    streams = []
    for s in catalog["streams"]:
        incremental = "incremental" in s["supported_sync_modes"]
        entry = {"stream": s, "sync_mode": "incremental" if incremental else "full_refresh",
                 "destination_sync_mode": "append" if incremental else "overwrite"}
        if incremental:
            entry["cursor_field"] = s.get("default_cursor_field") or []
        if s.get("source_defined_primary_key"):
            entry["primary_key"] = s["source_defined_primary_key"]
        streams.append(entry)
    return {"streams": streams}


def run_sync(emu, label: str, config_path, catalog_path, env, keys: Mapping[str, Sequence[str]],
             state_path=None) -> Sync:
    """A's read (stdout to a file), its requests per stream (emulator stats) and the key of every record it emitted."""
    emu.reset_stats()
    out_path = WORK / f"history-{label}.jsonl"
    err_path = WORK / "logs" / f"history-{label}.stderr"
    err_path.parent.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, str(REPO / "main.py"), "read", "--config", str(config_path), "--catalog", str(catalog_path)]
    if state_path:
        cmd += ["--state", str(state_path)]
    log(f"run history {label}: {' '.join(cmd[:3])} ...")
    started = time.perf_counter()
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        code = subprocess.run(cmd, stdout=out, stderr=err, env=env, cwd=str(REPO)).returncode
    wall = time.perf_counter() - started
    stats = emu.stats()
    records: Dict[str, List[tuple]] = {}
    digests: Dict[str, Dict[tuple, str]] = {}
    states: Dict[str, Any] = {}
    open_conversations: Dict[str, int] = {}
    with open(out_path, "rb") as f:
        for line in f:
            if line.startswith(b'{"type":"RECORD"'):
                rec = json.loads(line)["record"]
                pk = keys.get(rec["stream"], ("sid",))
                key = tuple(str(rec["data"].get(k)) for k in pk)
                records.setdefault(rec["stream"], []).append(key)
                digests.setdefault(rec["stream"], {})[key] = hashlib.sha1(
                    json.dumps(rec["data"], sort_keys=True).encode()).hexdigest()
                if rec["stream"] == "conversations" and rec["data"].get("state") != "closed":
                    open_conversations[rec["data"].get("account_sid")] = open_conversations.get(rec["data"].get("account_sid"), 0) + 1
            elif line.startswith(b'{"type":"STATE"'):
                state = json.loads(line)["state"]
                states[state["stream"]["stream_descriptor"]["name"]] = state
    tail = err_path.read_text(errors="replace")[-1500:] if code else ""
    sync = Sync(label, wall, code, stats["requests"], dict(stats.get("by_stream", {})), records, list(states.values()), tail,
                open_conversations, digests)
    log(f"  {sync.total:,} records, {sync.requests:,} requests in {wall:.1f} s, exit {code}")
    return sync


# --------------------------------------------------------------------------------------------- the truth
def truth_counts(emu, streams: Sequence[str], accounts: Sequence[str], since: str, cursors: Mapping[str, Optional[str]],
                 first: bool = False) -> Counts:
    """Per account and stream: every record the API lists, and those a sync has to read: for a first sync those whose
    cursor is on or after `since` (start_date) with the open ones, and every record of a stream without a cursor;
    for a later sync those new or changed since `since` (`cursors`: the attribute that says so)."""
    from integration_tests.emulator.catalog import STREAM_KEYS

    counts = Counts()
    for stream in streams:
        if stream == "accounts":
            continue
        for account in accounts:
            every = emu.truth(stream, account=account, keys=stream in AVAILABLE)
            counts.every[(account, stream)] = every["count"]
            if stream in AVAILABLE:
                counts.countries[(account, stream)] = len({k["iso_country"] for k in every["keys"]})
            cursor = STREAM_KEYS[stream][1] if first else cursors.get(stream)
            if first and not cursor:
                counts.records[(account, stream)] = every["count"]
            elif cursor:
                changed = emu.truth(stream, account=account, since=since, cursor=cursor, keys=False)
                counts.records[(account, stream)] = changed["count"] + (changed.get("open_count") or 0 if first else 0)
        if stream in PRICING or stream == "event_types":
            counts.every[(None, stream)] = counts.every.get((accounts[0], stream), 0)
    return counts


def changed_keys(emu, stream: str, since: str, cursor: Optional[str], open_since: Optional[str] = None) -> Optional[Set[tuple]]:
    """The keys of `stream`'s records new or changed since `since`, the open ones (no cursor value) included: all of
    them, or with `open_since` those created since then (a sync reads an open record created since start_date:
    open_records.py). None: the truth cannot tell."""
    if not cursor:
        return None
    t = emu.truth(stream, since=since, cursor=cursor)
    keys = t["primary_key"]
    open_keys = t.get("open_keys") or []
    if open_keys and open_since:
        created = {k["sid"] for k in emu.truth(stream, since=open_since, cursor="date_created")["keys"]}
        open_keys = [k for k in open_keys if k.get("sid") in created]
    return {tuple(str(k[f]) for f in keys) for k in t["keys"]} | {tuple(str(k[f]) for f in keys) for k in open_keys}


# streams the truth cannot check this way, and why
NOT_CHECKED = {"conference_participants": "the participants of conferences since start_date (the truth lists every "
                                          "conference's)",
               "event_types": "Twilio's one catalogue, emitted once per account (the truth's key has no account)"}


TRANSCRIPT_CHILDREN = ("intelligence_sentences", "intelligence_operator_results")


def expiring_days() -> Dict[str, int]:
    """Streams Twilio keeps a limited time (the connector's RETENTION_DAYS, and the children read with them)."""
    from source_twilio.config import RETENTION_DAYS

    return {**RETENTION_DAYS, "message_media": RETENTION_DAYS["messages"], "step": RETENTION_DAYS["executions"]}


def check_first_sync(emu, first: Sync, streams: Sequence[str], stream_keys, expired: Optional[Dict[str, int]] = None) -> List[str]:
    """Per stream, what the first sync got wrong against the truth since start_date: missing, unexpected, twice.

    The emulator's clock stands still during a sync while Twilio's moves on: a stream Twilio keeps N days is asked,
    late in a long sync, for the N days before Twilio's clock *then* (the connector counts on from the Date header of
    its account listing), and the records the world still keeps but Twilio would have deleted meanwhile (dated within
    the sync's duration after the world's retention floor) may come or not: `expired` gets their count per stream."""
    out = []
    days_kept = expiring_days()
    world_now = emu.world["now_epoch"]
    for stream in streams:
        if stream not in stream_keys or stream in NOT_CHECKED:
            continue
        pk, cursor = stream_keys[stream]
        # date_updated streams are read from the epoch (an object made years ago and unchanged belongs in the warehouse)
        t = emu.truth(stream, since=iso(START_DATE)) if cursor and cursor != "date_updated" else emu.truth(stream)
        open_keys = t.get("open_keys") or []
        if open_keys:  # a record without a cursor is read when it was created since start_date (open_records.py)
            created = {k["sid"] for k in emu.truth(stream, since=iso(START_DATE), cursor="date_created")["keys"]}
            open_keys = [k for k in open_keys if k.get("sid") in created]
        want = {tuple(str(k[f]) for f in pk) for k in t["keys"] + open_keys}
        if stream in TRANSCRIPT_CHILDREN:  # children of the transcripts since start_date (the truth lists every one's)
            since_start = {k["sid"] for k in emu.truth("intelligence_transcripts", since=iso(START_DATE))["keys"]}
            want = {key for key in want if key[pk.index("transcript_sid")] in since_start}
        got_list = first.records.get(stream, [])
        got = set(got_list)
        gone = want - got
        if gone and stream in days_kept:
            edge = datetime.fromtimestamp(world_now - days_kept[stream] * 86400 + first.wall + 6, timezone.utc)
            later = {tuple(str(k[f]) for f in pk) for k in emu.truth(stream, since=iso(edge))["keys"]}
            if expired is not None and gone - later:
                expired[stream] = len(gone - later)
            gone &= later
        missing, extra, twice = len(gone), len(got - want), len(got_list) - len(got)
        if missing or extra or twice:
            out.append(f"{stream}: {missing} missing, {extra} unexpected, {twice} twice (of {len(want)})")
    return out


def change_cursor(stream: str, stream_keys: Mapping[str, Tuple[tuple, Optional[str]]]) -> Optional[str]:
    """The attribute by which the truth says a record of `stream` is new or changed: its cursor, else date_updated
    where its records carry one (lists without a date filter), else none (never counted as changed)."""
    cursor = stream_keys[stream][1]
    if cursor:
        return cursor
    return "date_updated" if stream in WHOLE + tuple(PER_PARENT) and stream not in ("available_phone_number_countries", "account_balance", "event_types") else None


# --------------------------------------------------------------------------------------------- the scenario
def many_accounts_history(b: Any) -> Section:
    from integration_tests.emulator import Emulator
    from integration_tests.emulator.catalog import STREAM_KEYS
    from source_twilio.config import page_sizes

    args = b.args
    subaccounts = max(1, args.history_accounts - 1)
    scale = args.scale
    messages, calls = max(1, round(1000 * scale)), max(1, round(500 * scale))
    ages = history_ages(subaccounts)
    log(f"starting emulator 'many-accounts-history': main + {subaccounts} subaccounts (one closed), {messages} messages and "
        f"{calls} calls per account, histories of 3 to 36 months")
    # Twilio's clock starts ADVANCE_MINUTES (and a little) behind this machine's, so that after the emulator moves
    # ADVANCE_MINUTES on, sync (c) runs at or after Twilio's "now" as a sync 30 minutes later would: a sync reads up
    # to its own clock, and records dated after it would wait for the next sync. Until then the connector's clock is
    # ahead of Twilio's, which its state never passes (the Date header, twilio.CLOCK_MARGIN).
    started = datetime.now(timezone.utc).replace(second=0, microsecond=0) - timedelta(minutes=ADVANCE_MINUTES + 2)
    emu = Emulator(seed=42, accounts=subaccounts, closed=1, suspended=0, messages_per_account=messages,
                   calls_per_account=calls, history_days=HISTORY_DAYS, subprocess=True, latency_ms=0,
                   max_concurrency=args.max_concurrency, recent_subaccounts=ages, now=iso(started)).start()
    try:
        return _scenario(b, emu, subaccounts, messages, calls, STREAM_KEYS, page_sizes())
    finally:
        emu.stop()


def _scenario(b: Any, emu, subaccounts: int, messages: int, calls: int, stream_keys, sizes) -> Section:
    world = emu.world
    readable = list(world["readable_account_sids"])
    main_sid, token = emu.main_credentials
    env = b.c.env(SimpleWorld(emu))
    WORK.mkdir(parents=True, exist_ok=True)
    config_path = WORK / "config-history.json"
    config_path.write_text(json.dumps({"account_sid": main_sid, "auth_token": token, "start_date": iso(START_DATE)}))
    catalog = full_catalog(config_path, env)
    catalog_path = WORK / "catalog-history.json"
    catalog_path.write_text(json.dumps(catalog))
    streams = [s["stream"]["name"] for s in catalog["streams"]]
    incremental = {s["stream"]["name"] for s in catalog["streams"] if s["sync_mode"] == "incremental"}
    keys = {name: stream_keys[name][0] for name in streams if name in stream_keys}
    cursors = {name: change_cursor(name, stream_keys) for name in streams if name in stream_keys}
    opass = open_pass_requests()

    sec = Section("many-accounts-history", "Many accounts with years of history: requests per stream against the floor",
                  f"main + {subaccounts} subaccounts created 3 to 36 months ago (one closed: {len(readable)} readable), "
                  f"{messages:,} messages and {calls:,} calls per account over its history, the emulator's other "
                  f"streams at their default sizes; no latency; start_date {iso(START_DATE)}; all {len(streams)} "
                  f"streams ({len(incremental)} incremental, the others full refresh); up to {world['now']}.")
    first = run_sync(emu, "1st", config_path, catalog_path, env, keys)
    expired: Dict[str, int] = {}
    mismatches = check_first_sync(emu, first, streams, stream_keys, expired)
    state_path = WORK / "state-history.json"
    state_path.write_text(json.dumps(first.states))
    first_counts = truth_counts(emu, streams, readable, iso(START_DATE), cursors, first=True)
    nothing = run_sync(emu, "2nd-nothing-new", config_path, catalog_path, env, keys, state_path)
    nothing_counts = truth_counts(emu, streams, readable, world["now"], cursors)
    for account in readable:
        nothing_counts.every[(account, "conversations open")] = first.open_conversations.get(account, 0)
    before = world["now"]
    emu.advance(minutes=ADVANCE_MINUTES, new_per_account=max(1, messages // 20))
    later = run_sync(emu, "2nd-30-minutes-later", config_path, catalog_path, env, keys, state_path)
    later_counts = truth_counts(emu, streams, readable, before, cursors)
    for account in readable:
        later_counts.every[(account, "conversations open")] = first.open_conversations.get(account, 0)

    rows, totals = [], {"1st": [0, 0], "2nd": [0, 0], "later": [0, 0]}
    above: List[str] = []
    for stream in sorted(set(streams) | set(first.by_stream) | set(later.by_stream)):
        floors = [stream_floor(stream, readable, c, sizes, opass, first=c is first_counts)
                  for c in (first_counts, nothing_counts, later_counts)]
        got = [s.by_stream.get(stream, 0) for s in (first, nothing, later)]
        cells = []
        for key, g, f in zip(("1st", "2nd", "later"), got, floors):
            fl = sum(f.values())
            totals[key][0] += g
            totals[key][1] += fl
            cells.append(f"{g:,} / {fl:,} ({ratio(g, fl):.1f}x)")
            if ratio(g, fl) > RATIO_TOLERATED and g - fl > 1:
                above.append(f"{stream} ({key})")
        terms = "; ".join(f"{n} {name}" for name, n in floors[2].items())
        rows.append(f"| {stream} | {' | '.join(cells)} | {terms or '-'} |")

    emitted = reemitted = by_key = 0
    reemit_rows = []
    for stream in sorted(later.records):
        if stream not in incremental:
            continue
        got = later.records[stream]
        before_keys = set(first.records.get(stream, ()))
        changed = changed_keys(emu, stream, before, cursors.get(stream)) or set()
        first_data, later_data = first.digests.get(stream, {}), later.digests.get(stream, {})
        same_key = [k for k in got if k in before_keys and k not in changed]
        # unchanged: the truth does not list it as new or changed, and its data is what the first sync emitted (a
        # usage record of a day not over carries a newer `as_of`, "usage records up to date as of this timestamp")
        unchanged = sum(1 for k in same_key if first_data.get(k) == later_data.get(k))
        emitted += len(got)
        reemitted += unchanged
        by_key += len(same_key)
        if unchanged:
            reemit_rows.append(f"{stream} {unchanged:,} of {len(got):,}")
    share = reemitted / emitted if emitted else 0.0
    # No record lost: every record the truth lists as new or changed since (a) came in (a) or (c) (a record of the
    # saved second may have come in (a) and, unchanged, not again in (c))
    lost = []
    for stream in sorted(incremental):
        if stream in NOT_CHECKED:
            continue
        changed = changed_keys(emu, stream, before, cursors.get(stream), open_since=iso(START_DATE))
        if changed:
            gone = changed - set(first.records.get(stream, ())) - set(later.records.get(stream, ()))
            if gone:
                lost.append(f"{stream}: {len(gone)} of {len(changed)}")
    full = sum(len(v) for s, v in later.records.items() if s not in incremental)
    rate = first.requests / first.wall if first.wall else 0.0

    sec.lines += [
        f"Requests per stream (the emulator's `by_stream`: the Twilio resource a request asked for) / the floor, for "
        f"(a) the first sync, (b) a second sync from (a)'s state with nothing new, (c) a second sync from (a)'s state "
        f"after the emulator moved {ADVANCE_MINUTES} minutes on and added records. The floor's terms are those of (c) "
        "(benchmarks/history.py, `stream_floor`, page sizes from source_twilio/page_sizes.json).", "",
        "| stream | (a) first | (b) nothing new | (c) 30 minutes later | floor terms of (c) |",
        "|---|---:|---:|---:|---|", *rows,
        f"| **total** | {totals['1st'][0]:,} / {totals['1st'][1]:,} ({ratio(*totals['1st']):.2f}x) | "
        f"{totals['2nd'][0]:,} / {totals['2nd'][1]:,} ({ratio(*totals['2nd']):.2f}x) | "
        f"{totals['later'][0]:,} / {totals['later'][1]:,} ({ratio(*totals['later']):.2f}x) | |", "",
        f"Records: (a) {first.total:,}, (b) {nothing.total:,}, (c) {later.total:,}. In (c), of the {emitted:,} records "
        f"of incremental streams, {reemitted:,} ({share * 100:.1f}%) were emitted by the first sync already and are "
        f"not in the truth's set of records new or changed since, with the same data as then (re-emitted unchanged; for a "
        f"stream whose records carry no change date, every record the first sync emitted too, unless its data changed): "
        f"{', '.join(reemit_rows) or 'none'}; by key alone (data not compared) {by_key:,}; full-refresh streams emitted {full:,} more.",
        f"First sync: {first.requests:,} requests in {first.wall:.0f} s = {rate:.1f} requests/s at zero latency; the "
        f"second with nothing new (nearly every request an empty window or an unchanged list): {nothing.requests:,} in "
        f"{nothing.wall:.1f} s = {nothing.requests / nothing.wall if nothing.wall else 0.0:.1f} requests/s, the process's "
        "start included (timings: other jobs on this machine move them; the request counts above they do not).",
        f"Above {RATIO_TOLERATED}x their floor: {', '.join(above) or 'none'}.",
    ]
    for s in (first, nothing, later):
        if s.exit_code:
            sec.lines.append(f"{s.label} exited {s.exit_code}: {s.stderr_tail}")
    sec.lines.append("First sync against the truth (every record since start_date once, the open ones included): "
                     + ("; ".join(mismatches) if mismatches else "every stream ok")
                     + ("; not read, and expired by Twilio's clock at the request (the emulator's stands still during a "
                        "sync of " + f"{first.wall:.0f} s): " + ", ".join(f"{k} {v}" for k, v in sorted(expired.items()))
                        if expired else "") + "; not checked: "
                     + "; ".join(f"{k} ({v})" for k, v in NOT_CHECKED.items()) + ".")
    sec.targets += [
        Target("many-accounts-history", "first sync: every record once", not mismatches,
               "; ".join(mismatches)[:600] if mismatches else "every stream's records match the truth"),
        Target("many-accounts-history", "every sync succeeded", all(s.exit_code == 0 for s in (first, nothing, later)),
               ", ".join(f"{s.label}: exit {s.exit_code}" for s in (first, nothing, later))),
        Target("many-accounts-history", "no record new or changed since the first sync missing after both syncs",
               not lost, "; ".join(lost)[:600] if lost else "every one came in (a) or (c)"),
        Target("many-accounts-history", "first sync at most 1.5x its floor", ratio(*totals["1st"]) <= 1.5,
               f"{totals['1st'][0]:,} vs {totals['1st'][1]:,} = {ratio(*totals['1st']):.2f}x"),
        Target("many-accounts-history", "second sync, nothing new, at most 1.3x its floor", ratio(*totals["2nd"]) <= 1.3,
               f"{totals['2nd'][0]:,} vs {totals['2nd'][1]:,} = {ratio(*totals['2nd']):.2f}x"),
        Target("many-accounts-history", "second sync 30 minutes later at most 1.3x its floor",
               ratio(*totals["later"]) <= 1.3,
               f"{totals['later'][0]:,} vs {totals['later'][1]:,} = {ratio(*totals['later']):.2f}x"),
        Target("many-accounts-history", "re-emitted unchanged records at most 5% of what the later sync emits",
               share <= SHARE_TOLERATED, f"{reemitted:,} of {emitted:,} = {share * 100:.1f}%"),
    ]
    return sec


@dataclass
class SimpleWorld:
    """What Contenders.env needs of a world: its emulator."""

    emu: Any
