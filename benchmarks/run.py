#!/usr/bin/env python3
"""Throughput, memory and incremental benchmark of source-twilio against the local Twilio emulator.

    python benchmarks/run.py                      # the full default run (~15 minutes on 2 cores)
    python benchmarks/run.py --quick              # a small world, a couple of minutes
    python benchmarks/run.py --skip-airbyte       # no Airbyte venv, no contender B
    python benchmarks/run.py --only memory|incremental|throughput

Contenders, run alternately (A B C A B C ...) for --rounds rounds on one emulator world:
  A   this connector at its defaults: `<this python> main.py read --config C --catalog K`
  B   Airbyte's published airbyte-source-twilio==0.16.0 in its own venv (benchmarks/.work/airbyte-venv), pointed
      at the emulator by a start-up hook (airbyte_redirect.py); at its default num_workers and at its best
  C   benchmarks/fetcher.py, a plain threaded requests + orjson fetcher, at A's default num_workers

Everything is set up and torn down here: benchmarks/.work/ (configs, catalogs, logs, the Airbyte venv), the
emulator as a child process on a free port. See benchmarks/README.md for what each number means.
"""

from __future__ import annotations

import argparse
import ast
import bisect
import http.client
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from collections import Counter
from typing import Any, Dict, List, Optional, Set, Tuple
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "benchmarks"
WORK = BENCH / ".work"
sys.path.insert(0, str(REPO))

from integration_tests.emulator import Emulator  # noqa: E402

AIRBYTE_PACKAGE = "airbyte-source-twilio"
AIRBYTE_VERSION = "0.16.0"
AIRBYTE_DEFAULT_WORKERS = 3  # its manifest: default_concurrency "{{ config.get('num_workers', 3) }}"
STREAMS = ("messages", "calls")
SID_PREFIX = {b"SM": "messages", b"MM": "messages", b"CA": "calls"}
PAGE = 1000
SLICE = "A on B's slice"


def config_constants() -> Dict[str, Any]:
    """DEFAULT_NUM_WORKERS and DEFAULT_SLICE_STEP of source_twilio/config.py, read without importing it."""
    tree = ast.parse((REPO / "source_twilio" / "config.py").read_text())
    wanted = {"DEFAULT_NUM_WORKERS", "DEFAULT_SLICE_STEP"}
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            if node.targets[0].id in wanted:
                found[node.targets[0].id] = ast.literal_eval(node.value)
    return found


def parse_step(step: str) -> timedelta:
    match = re.fullmatch(r"P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?", step)
    if not match:
        raise ValueError(f"cannot compute windows for slice step {step!r}")
    w, d, h, m, s = (int(x or 0) for x in match.groups())
    return timedelta(weeks=w, days=d, hours=h, minutes=m, seconds=s)


def iso(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def log(message: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def cpu_of(pid: int) -> float:
    """User+system CPU seconds of a live process (all its threads), from /proc."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return float("nan")


def code_version() -> str:
    """The commit, and whether source_twilio/ differs from it (others may be editing it while this runs)."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=str(REPO), capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "source_twilio", "main.py", "setup.py"], cwd=str(REPO),
                               capture_output=True, text=True).stdout.splitlines()
    except OSError:
        return "unknown (no git)"
    if not head:
        return "unknown (not a git checkout)"
    if not dirty:
        return f"commit {head}, source_twilio/ clean"
    import hashlib
    digest = hashlib.sha1()
    for path in sorted((REPO / "source_twilio").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(REPO)).encode() + b"\0" + path.read_bytes())
    return f"commit {head} plus uncommitted changes to {len(dirty)} file(s) (source_twilio/ content sha1 {digest.hexdigest()[:12]})"


def machine_facts() -> Dict[str, str]:
    model = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return {
        "nproc": str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()),
        "cpu": model,
        "memory": mem,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "loadavg": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


# --------------------------------------------------------------------------------------------- worlds
@dataclass
class World:
    name: str
    emu: Emulator
    accounts: List[str]
    main_sid: str
    token: str
    now: datetime
    history_start: datetime
    _truth: Dict[Tuple[str, str], Tuple[Set[bytes], Set[bytes]]] = field(default_factory=dict)

    @classmethod
    def start(cls, name: str, accounts: int, messages: int, calls: int, args: argparse.Namespace) -> "World":
        log(f"starting emulator '{name}': {accounts} accounts x ({messages:,} messages, {calls:,} calls), "
            f"latency {args.latency_ms} ms, max concurrency {args.max_concurrency}/account")
        # cache_mb=0: every page is rendered per request, as the real API would cost it, so repeated runs of the
        # same pages do not get cheaper for the emulator (which shares the machine's two cores with the contender).
        emu = Emulator(seed=42, accounts=accounts - 1, closed=0, suspended=0, messages_per_account=messages,
                       calls_per_account=calls, subprocess=True, latency_ms=args.latency_ms,
                       max_concurrency=args.max_concurrency, cache_mb=0).start()
        w = emu.world
        main_sid, token = emu.main_credentials
        return cls(name, emu, list(w["readable_account_sids"]), main_sid, token, parse_iso(w["now"]),
                   parse_iso(w["history_start"]))

    def stop(self) -> None:
        self.emu.stop()

    @property
    def pid(self) -> int:
        return self.emu.process.pid

    def truth(self, stream: str, since: datetime) -> Tuple[Set[bytes], Set[bytes]]:
        """(keys whose cursor is on or after `since`, keys whose cursor is still null)."""
        key = (stream, iso(since))
        if key not in self._truth:
            t = self.emu.truth(stream, since=iso(since))
            self._truth[key] = ({k["sid"].encode() for k in t["keys"]}, {k["sid"].encode() for k in t.get("open_keys") or []})
        return self._truth[key]


def windows(start: datetime, end: datetime, step: timedelta) -> List[Tuple[datetime, datetime]]:
    """The connector's date windows: DatetimeBasedCursor slices [s, s + step - 1s] up to `end` (granularity PT1S)."""
    out, s = [], start
    while s <= end:
        e = min(s + step - timedelta(seconds=1), end)
        out.append((s, e))
        s = e + timedelta(seconds=1)
    return out


def open_pass_requests() -> Dict[str, int]:
    """Fewest requests of the open-records pass per account, by stream: one per query the manifest lists for it
    (`open_queries` and `settled_queries` of the stream's $parameters)."""
    import yaml  # the CDK's dependency; the benchmark runs in the connector's interpreter

    streams = yaml.safe_load((REPO / "source_twilio" / "manifest.yaml").read_text())["definitions"]["streams"]
    counts = {}
    for name, definition in streams.items():
        parameters = definition.get("$parameters") or {}
        queries = len(parameters.get("open_queries") or []) + len(parameters.get("settled_queries") or [])
        if queries:
            counts[name] = queries
    return counts


OPEN_PASS_REQUESTS = open_pass_requests()


def minimum_requests(buckets: Dict[Tuple[str, str, str], int], start: Optional[datetime],
                     step: Optional[timedelta]) -> Dict[str, Any]:
    """Fewest requests that read the records a run returned.

    windowed: in the connector's windows (DatetimeBasedCursor slices [s, s + step - 1s] from start_date to now, per
    account and stream), the sum over windows of max(1, ceil(records in window / 1000)): the full pages plus each
    window's last page (an empty window still costs one request); plus one Accounts.json.
    unwindowed: ceil(records / 1000) per account and stream, plus one Accounts.json.
    Both include the open-records pass each account's newest window is followed by (records no date filter can
    match): one request for messages (the open ones are the newest, on the first page), one per status for calls
    (queued, ringing, in-progress; canceled, failed, busy, no-answer, which may lack end_time).

    `buckets` counts the run's records per (stream, account, cursor hour "YYYY-MM-DDTHH"), taken from its stdout;
    the check column says whether those records are the emulator's truth. Windows start on whole hours here (the
    start_date is a midnight and the default step P7D), so hour buckets fall entirely inside one window.
    """
    per_stream_account: Dict[Tuple[str, str], Dict[str, int]] = {}
    for (stream, account, hour), n in buckets.items():
        hours = per_stream_account.setdefault((stream, account), {})
        hours[hour] = hours.get(hour, 0) + n
    open_pass = sum(OPEN_PASS_REQUESTS.get(stream, 0) for stream, _ in per_stream_account)
    unwindowed = 1 + open_pass + sum(max(1, math.ceil(sum(h.values()) / PAGE)) for h in per_stream_account.values())
    result: Dict[str, Any] = {"unwindowed": unwindowed}
    if start is None or step is None:
        return result
    if start.minute or start.second or step.total_seconds() % 3600:
        return result  # hour buckets would straddle windows; not needed for the benchmark's configs
    now = datetime.now(timezone.utc).replace(microsecond=0)
    wins = windows(start, now, step)
    bounds = [iso(s)[:13] for s, _ in wins]
    windowed = 1 + open_pass
    for hours in per_stream_account.values():
        per_window = [0] * len(wins)
        for hour, n in hours.items():
            i = bisect.bisect_right(bounds, hour) - 1
            per_window[max(i, 0)] += n
        windowed += sum(max(1, math.ceil(n / PAGE)) for n in per_window)
    result.update({"windows_per_account": len(wins), "windowed": windowed})
    return result


# --------------------------------------------------------------------------------------------- running a contender
@dataclass
class Run:
    label: str
    contender: str
    records: Dict[str, int]
    expected: Dict[str, int]
    missing: Dict[str, int]
    missing_open: Dict[str, int]
    extra: Dict[str, int]
    duplicates: int
    wall: float
    cpu: float
    maxrss_mb: float
    emulator_cpu: float
    requests: int
    stats: Dict[str, Any]
    exit_code: int
    errors: List[str]
    states: Dict[str, Any]
    min_requests: Optional[Dict[str, Any]] = None
    note: str = ""
    buckets: Counter = field(default_factory=Counter)
    sys_cpu: float = 0.0
    ctx_switches: int = 0

    @property
    def total(self) -> int:
        return sum(self.records.values())

    @property
    def rate(self) -> float:
        return self.total / self.wall if self.wall else 0.0

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not any(self.missing.values()) and not any(self.extra.values()) and not self.duplicates

    def check(self) -> str:
        if self.exit_code != 0:
            return f"EXIT {self.exit_code}"
        parts = []
        for stream in self.expected:
            miss, opn, extra = self.missing.get(stream, 0), self.missing_open.get(stream, 0), self.extra.get(stream, 0)
            if miss:
                parts.append(f"{stream} -{miss}" + (f" ({opn} open)" if opn else ""))
            if extra:
                parts.append(f"{stream} +{extra} unexpected")
        if self.duplicates:
            parts.append(f"{self.duplicates} dup")
        return "ok" if not parts else "MISMATCH: " + ", ".join(parts)


CURSORS = {"messages": b'"date_sent":"', "calls": b'"end_time":"'}
ACCOUNT = b'"account_sid":"'


def scan_stdout(stream, envelope: bool) -> Tuple[Dict[str, List[bytes]], Counter, Dict[str, Any], List[str]]:
    """Reads the child's stdout as it comes (as Airbyte's platform would) with cheap byte searches, no JSON parsing
    per record: per stream the SID of every record; per (stream, account, cursor hour) a count (for the minimum
    number of requests); the last STATE per stream; ERROR logs and error traces."""
    sids: Dict[str, List[bytes]] = {}
    buckets: Counter = Counter()
    states: Dict[str, Any] = {}
    errors: List[str] = []
    rest = b""
    while True:
        chunk = stream.read1(1 << 20)
        if not chunk:
            break
        lines = (rest + chunk).split(b"\n")
        rest = lines.pop()
        for line in lines:
            if envelope:
                if not line.startswith(b'{"type":"RECORD"'):
                    _other_message(line, states, errors)
                    continue
                i = line.find(b'"stream":"')
                name = line[i + 10:line.index(b'"', i + 10)].decode()
            else:
                if not line:
                    continue
                name = None
            j = line.find(b'"sid":"')
            sid = line[j + 7:line.index(b'"', j + 7)] if j >= 0 else b""
            if name is None:
                name = SID_PREFIX.get(sid[:2], "other")
            bucket = sids.get(name)
            if bucket is None:
                bucket = sids[name] = []
            bucket.append(sid)
            a = line.find(ACCOUNT)
            account = line[a + 15:a + 49] if a >= 0 else b""
            # ISO cursors ("2026-09-04T23:52:11Z", as A writes them) bucket by hour; anything else (C's and B's raw
            # RFC 2822 dates, null) only counts for its account.
            pattern, hour = CURSORS.get(name), b""
            if pattern:
                c = line.find(pattern)
                if c >= 0:
                    hour = line[c + len(pattern):c + len(pattern) + 13]
            buckets[(name, account.decode(), hour.decode() if hour[10:11] == b"T" else "")] += 1
    if rest.strip():
        errors.append(f"unterminated last line: {rest[:200]!r}")
    return sids, buckets, states, errors


def _other_message(line: bytes, states: Dict[str, Any], errors: List[str]) -> None:
    if not line.strip():
        return
    if line.startswith(b'{"type":"STATE"'):
        msg = json.loads(line)["state"]
        name = msg.get("stream", {}).get("stream_descriptor", {}).get("name")
        states[name] = msg
    elif line.startswith(b'{"type":"TRACE"') and b'"type":"ERROR"' in line:
        msg = json.loads(line)["trace"].get("error", {})
        errors.append(f"TRACE ERROR: {msg.get('message')}")
    elif line.startswith(b'{"type":"LOG"') and (b'"level":"ERROR"' in line or b'"level":"FATAL"' in line):
        errors.append("LOG: " + json.loads(line)["log"]["message"][:300])
    elif not line.startswith(b"{"):
        errors.append(f"not JSON: {line[:200]!r}")


class PeakRss:
    """The child's peak resident memory: VmHWM ("high water mark") of /proc/PID/status, read every 50 ms until its
    stdout closes. VmHWM is the kernel's own maximum of the process's RSS since exec, so sampling loses only growth in
    the last interval before exit."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.pid, self.interval, self.kb = pid, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            with open(f"/proc/{self.pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        self.kb = max(self.kb, int(line.split()[1]))
                        return
        except (OSError, ValueError):
            pass

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._read()
            self._stop.wait(self.interval)

    def stop(self) -> None:
        if not self._stop.is_set():
            self._read()
            self._stop.set()
            self._thread.join()

    @property
    def mb(self) -> float:
        return self.kb / 1024


def run_contender(world: World, label: str, contender: str, cmd: List[str], env: Dict[str, str], cwd: Path,
                  expected_since: Optional[datetime], streams: Tuple[str, ...], envelope: bool = True,
                  timeout: float = 3600, note: str = "") -> Run:
    world.emu.reset_stats()
    emu_cpu0 = cpu_of(world.pid)
    (WORK / "logs").mkdir(parents=True, exist_ok=True)
    stderr_path = WORK / "logs" / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', label)}.stderr"
    log(f"run {label}: {' '.join(cmd[:3])} ...")
    started = time.perf_counter()
    with open(stderr_path, "wb") as stderr:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=stderr, env=env, cwd=str(cwd))
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    peak = PeakRss(proc.pid)
    try:
        sids, buckets, states, errors = scan_stdout(proc.stdout, envelope)
        peak.stop()
        # wait4: the exit status and the child's own CPU time (user + system), exact. Its ru_maxrss is not used: Linux
        # carries the parent's high-water mark over fork + exec, and this parent holds the truth sets.
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        timer.cancel()
        peak.stop()
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stdout.close()
    stats = world.emu.stats()
    emu_cpu = cpu_of(world.pid) - emu_cpu0
    if proc.returncode != 0:
        tail = stderr_path.read_text(errors="replace")[-1500:]
        errors.append(f"exit {proc.returncode}; stderr tail: {tail}")

    records, expected, missing, missing_open, extra, duplicates = {}, {}, {}, {}, {}, 0
    for stream in streams:
        got_list = sids.get(stream, [])
        got = set(got_list)
        duplicates += len(got_list) - len(got)
        records[stream] = len(got_list)
        if expected_since is not None:
            keys, open_keys = world.truth(stream, expected_since)
            want = keys | open_keys
            expected[stream] = len(want)
            miss = want - got
            missing[stream] = len(miss)
            missing_open[stream] = len(miss & open_keys)
            extra[stream] = len(got - want)
    for other in set(sids) - set(streams):
        errors.append(f"{len(sids[other])} records of unexpected stream {other}")
    run = Run(label, contender, records, expected, missing, missing_open, extra, duplicates, wall,
              usage.ru_utime + usage.ru_stime, peak.mb, emu_cpu, stats["requests"], stats,
              proc.returncode, errors, states, note=note)
    run.buckets = buckets
    run.sys_cpu = usage.ru_stime
    run.ctx_switches = usage.ru_nvcsw
    log(f"  {run.total:,} records in {wall:.1f} s = {run.rate:,.0f}/s, cpu {run.cpu:.1f} s ({usage.ru_stime:.1f} sys, "
        f"{usage.ru_nvcsw:,} voluntary context switches), "
        f"max RSS {run.maxrss_mb:.0f} MB, {run.requests} requests ({stats.get('429s', 0)} x 429), "
        f"max in flight {stats.get('max_in_flight')}, emulator cpu {emu_cpu:.1f} s: {run.check()}")
    for e in errors[:5]:
        log(f"  ! {e[:500]}")
    return run


# --------------------------------------------------------------------------------------------- contenders
class Contenders:
    def __init__(self, args: argparse.Namespace, consts: Dict[str, Any]) -> None:
        self.args = args
        self.a_workers = int(consts["DEFAULT_NUM_WORKERS"])
        self.a_step = str(consts["DEFAULT_SLICE_STEP"])
        self.airbyte_venv = WORK / "airbyte-venv"
        self.catalogs: Dict[Tuple[str, str, str], Path] = {}

    # ---------------- environment
    def env(self, world: World, base_url: Optional[str] = None, airbyte: bool = False) -> Dict[str, str]:
        env = dict(os.environ)
        env["TWILIO_API_BASE_URL"] = base_url or world.emu.url
        if airbyte:  # never let a PYTHONPATH pointing at this checkout shadow Airbyte's own source_twilio
            env.pop("PYTHONPATH", None)
        # Any non-empty PYTHONUNBUFFERED (even "0") makes stdout unbuffered: a write per message. Children get the
        # interpreter's default buffering, whatever the calling shell has.
        env.pop("PYTHONUNBUFFERED", None)
        return env

    def write(self, name: str, obj: Any) -> Path:
        path = WORK / name
        path.write_text(json.dumps(obj, indent=1))
        return path

    # ---------------- A
    def a_cmd(self, *rest: str) -> List[str]:
        return [sys.executable, str(REPO / "main.py"), *rest]

    def a_config(self, world: World, start: datetime, tag: str) -> Path:
        # The user's minimum: credentials and a start date; num_workers, slice_step_duration ... at their defaults.
        return self.write(f"config-A-{tag}.json", {"account_sid": world.main_sid, "auth_token": world.token,
                                                   "start_date": iso(start)})

    def catalog(self, who: str, world: World, config: Path, streams: Tuple[str, ...], mode: str) -> Path:
        key = (who, ",".join(streams), mode)
        if key in self.catalogs:
            return self.catalogs[key]
        cmd = self.a_cmd("discover", "--config", str(config)) if who == "A" else \
            [str(self.airbyte_venv / "bin" / "source-twilio"), "discover", "--config", str(config)]
        out = subprocess.run(cmd, capture_output=True, env=self.env(world, airbyte=who == "B"), cwd=str(WORK if who == "B" else REPO),
                             timeout=300)
        catalog = None
        for line in out.stdout.splitlines():
            if line.startswith(b'{"type":"CATALOG"'):
                catalog = json.loads(line)["catalog"]
        if catalog is None:
            raise SystemExit(f"discover failed for {who}: {out.stdout[-2000:]!r} {out.stderr[-2000:]!r}")
        by_name = {s["name"]: s for s in catalog["streams"]}
        configured = []
        for name in streams:
            s = by_name[name]
            entry = {"stream": s, "sync_mode": mode, "destination_sync_mode": "overwrite" if mode == "full_refresh" else "append"}
            if mode == "incremental":
                entry["cursor_field"] = s.get("default_cursor_field") or []
            if s.get("source_defined_primary_key"):
                entry["primary_key"] = s["source_defined_primary_key"]
            configured.append(entry)
        path = self.write(f"catalog-{who}-{'-'.join(streams)}-{mode}.json", {"streams": configured})
        self.catalogs[key] = path
        return path

    def run_a(self, world: World, label: str, start: datetime, streams: Tuple[str, ...] = STREAMS,
              mode: str = "full_refresh", state: Optional[Path] = None, base_url: Optional[str] = None,
              tag: str = "main", check: bool = True) -> Run:
        config = self.a_config(world, start, tag)
        catalog = self.catalog("A", world, config, streams, mode)
        cmd = self.a_cmd("read", "--config", str(config), "--catalog", str(catalog))
        if state:
            cmd += ["--state", str(state)]
        run = run_contender(world, label, "A", cmd, self.env(world, base_url), REPO, start if check else None, streams)
        if check:
            run.min_requests = minimum_requests(run.buckets, start, parse_step(self.a_step))
        return run

    # ---------------- B
    def setup_airbyte(self) -> None:
        venv, marker = self.airbyte_venv, self.airbyte_venv / f".installed-{AIRBYTE_VERSION}"
        python = venv / "bin" / "python"
        if not marker.exists():
            log(f"creating {venv} with {AIRBYTE_PACKAGE}=={AIRBYTE_VERSION} (pip) ...")
            shutil.rmtree(venv, ignore_errors=True)
            base = self.args.airbyte_python or sys.executable
            subprocess.run([base, "-m", "venv", str(venv)], check=True)
            pip = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                                  f"{AIRBYTE_PACKAGE}=={AIRBYTE_VERSION}"], capture_output=True, text=True)
            if pip.returncode != 0:
                raise SystemExit(f"pip could not install {AIRBYTE_PACKAGE}=={AIRBYTE_VERSION}:\n{pip.stdout[-3000:]}{pip.stderr[-3000:]}")
            marker.write_text(AIRBYTE_VERSION)
        site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                              capture_output=True, text=True, check=True).stdout.strip()
        # The redirect hook: a module plus a .pth line that imports it at every start-up of this venv's Python.
        shutil.copyfile(BENCH / "airbyte_redirect.py", Path(site) / "_twilio_emulator_redirect.py")
        (Path(site) / "_twilio_emulator_redirect.pth").write_text("import _twilio_emulator_redirect\n")
        probe = subprocess.run(
            [str(python), "-c",
             "import importlib.metadata as m, source_twilio, _twilio_emulator_redirect as r; "
             "print(m.version('airbyte-source-twilio'), m.version('airbyte-cdk'), source_twilio.__file__, "
             "r.rewrite('https://api.twilio.com/2010-04-01/Accounts.json?PageSize=1', 'http://127.0.0.1:1'))"],
            capture_output=True, text=True, env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"}, cwd=str(WORK))
        if probe.returncode != 0 or str(venv) not in probe.stdout:
            raise SystemExit(f"the Airbyte venv is not usable: {probe.stdout} {probe.stderr}")
        self.airbyte_versions = probe.stdout.split()[:2]
        log(f"Airbyte source {self.airbyte_versions[0]} (airbyte-cdk {self.airbyte_versions[1]}) ready; redirect: {probe.stdout.split()[-1]}")

    def b_config(self, world: World, start: datetime, workers: Optional[int]) -> Path:
        config = {"account_sid": world.main_sid, "auth_token": world.token,
                  "start_date": iso(start)}  # its spec: YYYY-MM-DDTHH:MM:SSZ, required with the two credentials
        if workers is not None:
            # 0.16.0's spec names the field `num_worker`, but its manifest reads `num_workers` (default 3): set both.
            config["num_worker"] = workers
            config["num_workers"] = workers
        return self.write(f"config-B-{workers or 'default'}-{iso(start)[:10]}.json", config)

    def run_b(self, world: World, label: str, start: datetime, workers: Optional[int]) -> Run:
        config = self.b_config(world, start, workers)
        catalog = self.catalog("B", world, config, STREAMS, "full_refresh")
        cmd = [str(self.airbyte_venv / "bin" / "source-twilio"), "read", "--config", str(config), "--catalog", str(catalog)]
        run = run_contender(world, label, "B", cmd, self.env(world, airbyte=True), WORK, start, STREAMS,
                            note=f"num_workers={workers or AIRBYTE_DEFAULT_WORKERS}")
        run.min_requests = minimum_requests(run.buckets, None, None)
        return run

    # ---------------- C
    def run_c(self, world: World, label: str, start: datetime) -> Run:
        cmd = [sys.executable, str(BENCH / "fetcher.py"), "--account-sid", world.main_sid, "--auth-token", world.token,
               "--workers", str(self.a_workers), "--streams", ",".join(STREAMS)]
        run = run_contender(world, label, "C", cmd, self.env(world), REPO, start, STREAMS, envelope=False,
                            note=f"{self.a_workers} threads")
        run.min_requests = minimum_requests(run.buckets, None, None)
        return run


# --------------------------------------------------------------------------------------------- request-counting proxy
class CountingProxy(ThreadingHTTPServer):
    """Forwards GETs to the emulator and counts them per (account, stream); for the small incremental run only."""

    daemon_threads = True

    def __init__(self, upstream: str) -> None:
        u = urlsplit(upstream)
        self.upstream = (u.hostname, u.port)
        self.counts: Dict[Tuple[str, str], int] = {}
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def count(self, path: str) -> None:
        m = re.match(r"/api/2010-04-01/Accounts(?:/(AC[0-9a-f]{32})(?:/([A-Za-z]+)\.json|\.json)?|\.json)", path)
        account = (m.group(1) if m and m.group(1) else "-")
        stream = (m.group(2).lower() if m and m.group(2) else "accounts") if m else path.split("?")[0]
        with self.lock:
            self.counts[(account, stream)] = self.counts.get((account, stream), 0) + 1


class _ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        self.server.count(self.path)
        conn = getattr(self, "_upstream", None)
        if conn is None:
            conn = self._upstream = http.client.HTTPConnection(*self.server.upstream, timeout=300)
        headers = {k: v for k, v in self.headers.items() if k.lower() in ("authorization", "accept", "user-agent")}
        conn.request("GET", self.path, headers=headers)
        resp = conn.getresponse()
        body = resp.read()
        self.send_response(resp.status)
        for k, v in resp.getheaders():
            if k.lower() not in ("content-length", "connection", "transfer-encoding", "date", "server"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


# --------------------------------------------------------------------------------------------- phases
def throughput(args: argparse.Namespace, c: Contenders, world: World, start: datetime) -> Dict[str, Any]:
    runs: List[Run] = []
    sweep: List[Run] = []
    b_best = None
    b_start = start if args.airbyte_days <= 0 else (world.now - timedelta(days=args.airbyte_days)).replace(
        hour=0, minute=0, second=0, microsecond=0)
    if not args.skip_airbyte:
        if args.airbyte_workers:
            b_best = args.airbyte_workers
        else:
            sweep_start = (world.now - timedelta(days=args.sweep_days)).replace(hour=0, minute=0, second=0, microsecond=0)
            log(f"B pre-pass: num_workers in {args.sweep} on the newest {args.sweep_days} days (from {iso(sweep_start)})")
            for n in args.sweep:
                sweep.append(c.run_b(world, "sweep B", sweep_start, n))
            best = max(sweep, key=lambda r: r.rate if r.ok or r.exit_code == 0 else 0)
            b_best = int(best.note.split("=")[1])
            log(f"B's best num_workers in the pre-pass: {b_best}")
    for r in range(1, args.rounds + 1):
        runs.append(c.run_a(world, f"r{r} A", start))
        if not args.skip_airbyte:
            runs.append(c.run_b(world, f"r{r} B-default", b_start, None))
            if b_best != AIRBYTE_DEFAULT_WORKERS:
                runs.append(c.run_b(world, f"r{r} B-best", b_start, b_best))
        runs.append(c.run_c(world, f"r{r} C", start))
        if not args.skip_airbyte and b_start != start:
            runs.append(c.run_a(world, f"r{r} {SLICE}", b_start, tag="slice"))
    return {"runs": runs, "sweep": sweep, "b_best": b_best, "b_start": b_start, "start": start}


def incremental(args: argparse.Namespace, c: Contenders, world: World, start: datetime) -> Dict[str, Any]:
    first = c.run_a(world, "incremental 1st (from start_date)", start, mode="incremental", tag="inc")
    state_path = WORK / "state-incremental.json"
    state_path.write_text(json.dumps(list(first.states.values()), indent=1))
    proxy = CountingProxy(world.emu.url)
    try:
        second = c.run_a(world, "incremental 2nd (final state, nothing new)", start, mode="incremental",
                         state=state_path, base_url=proxy.url, tag="inc", check=False)
    finally:
        proxy.shutdown()
        proxy.server_close()
    return {"first": first, "second": second, "per_account": dict(sorted(proxy.counts.items())), "state": first.states}


def memory(args: argparse.Namespace, c: Contenders, world: World, start: datetime) -> Dict[str, Any]:
    run = c.run_a(world, "memory A messages", start, streams=("messages",), tag="mem")
    return {"run": run}


PROFILE_GROUPS = (
    ("json/", "stdlib json"),
    ("threading.py", "threads, queues, locks"),
    ("queue.py", "threads, queues, locks"),
    ("concurrent/futures", "threads, queues, locks"),
    ("http/client", "HTTP: requests + urllib3 + http.client + socket"),
    ("socket.py", "HTTP: requests + urllib3 + http.client + socket"),
    ("ssl.py", "HTTP: requests + urllib3 + http.client + socket"),
    ("parsed_page (source_twilio", "source_twilio: orjson parse of each page"),
    ("decode (source_twilio", "source_twilio: orjson parse of each page"),
    ("source_twilio/", "source_twilio: other (typing records, extraction, accounts)"),
    ("airbyte_cdk/sources/declarative/interpolation", "CDK: Jinja interpolation"),
    ("jinja2/", "CDK: Jinja interpolation"),
    ("airbyte_cdk/sources/declarative", "CDK: declarative (retriever, paginator, cursor, selector)"),
    ("airbyte_cdk/sources/streams/concurrent", "CDK: concurrent framework (partitions, queue, cursor)"),
    ("airbyte_cdk/sources/concurrent_source", "CDK: concurrent framework (partitions, queue, cursor)"),
    ("airbyte_cdk/sources/utils/record_helper", "CDK: building Airbyte messages"),
    ("airbyte_cdk/entrypoint", "CDK: entrypoint (serialising messages)"),
    ("airbyte_cdk/sources/streams/http", "CDK: HTTP client (retries, error handling)"),
    ("airbyte_cdk/", "CDK: other"),
    ("airbyte_protocol", "protocol models / serialisation"),
    ("serpyco", "protocol models / serialisation"),
    ("requests/", "HTTP: requests + urllib3 + http.client + socket"),
    ("urllib3/", "HTTP: requests + urllib3 + http.client + socket"),
    ("http/client", "HTTP: requests + urllib3 + http.client + socket"),
    ("socket.py", "HTTP: requests + urllib3 + http.client + socket"),
    ("ssl.py", "HTTP: requests + urllib3 + http.client + socket"),
)
START_UP = (("<module>", "start-up: imports"), ("yaml/", "start-up: manifest and components"),
            ("SourceTwilio.__init__", "start-up: manifest and components"))


def profile_group(frames: List[str]) -> str:
    """Start-up if the stack is an import or the manifest build; else the group of the innermost frame that belongs to
    a known package (so `_strptime` called by the CDK's cursor counts for the CDK)."""
    for key, name in START_UP:
        if any(key in f for f in frames[1:]):  # frames[0] is the script's own <module>, the root of the main thread
            return name
    for frame in reversed(frames):
        for key, name in PROFILE_GROUPS:
            if key in frame:
                return name
    return "other (stdlib, interpreter)"


def profile(args: argparse.Namespace, c: "Contenders", world: World, start: datetime) -> Optional[Dict[str, Any]]:
    """One more run of A under py-spy (`record --gil -f raw`: samples of the thread holding the GIL, i.e. where
    the Python CPU goes), summarised by the innermost frame's package and by function."""
    pyspy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not os.path.exists(pyspy):
        log("py-spy not found (pip install py-spy); skipping the profile")
        return None
    config = c.a_config(world, start, "profile")
    catalog = c.catalog("A", world, config, STREAMS, "full_refresh")
    raw = WORK / "profile-A.raw"
    cmd = [pyspy, "record", "--gil", "--rate", "100", "--format", "raw", "--output", str(raw), "--",
           *c.a_cmd("read", "--config", str(config), "--catalog", str(catalog))]
    log(f"profiling A under py-spy -> {raw}")
    started = time.perf_counter()
    with open(WORK / "logs" / "profile-A.stderr", "wb") as err:
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=err, env=c.env(world), cwd=str(REPO), timeout=3600)
    wall = time.perf_counter() - started
    groups: Dict[str, int] = {}
    functions: Dict[str, int] = {}
    inclusive: Dict[str, int] = {}
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        if not stack or not n.isdigit():
            continue
        n = int(n)
        total += n
        frames = stack.split(";")
        leaf = frames[-1]
        name = profile_group(frames)
        groups[name] = groups.get(name, 0) + n
        names = [re.sub(r"\(.*?(site-packages|lib/python3\.\d+)/", "(", re.sub(r":\d+\)$", ")", f)) for f in frames]
        functions[names[-1]] = functions.get(names[-1], 0) + n
        for func in set(names):
            inclusive[func] = inclusive.get(func, 0) + n
    return {"raw": raw, "wall": wall, "total": total, "groups": groups, "functions": functions, "inclusive": inclusive}


# --------------------------------------------------------------------------------------------- report
def med(values: List[float]) -> float:
    return statistics.median(values) if values else float("nan")


def fmt_int(n: float) -> str:
    return "-" if n != n else f"{n:,.0f}"


def raw_table(runs: List[Run]) -> List[str]:
    out = ["| run | records | records/s | wall s | CPU s (sys) | voluntary context switches | max RSS MB | requests | min requests (windowed / unwindowed) | 429s | max in flight | emulator CPU s | check |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in runs:
        mr = r.min_requests or {}
        mins = f"{mr.get('windowed', '-')} / {mr.get('unwindowed', '-')}" if r.contender == "A" else f"- / {mr.get('unwindowed', '-')}"
        per = ", ".join(f"{k} {v:,}" for k, v in r.records.items())
        out.append(f"| {r.label}{' (' + r.note + ')' if r.note else ''} | {r.total:,} ({per}) | {r.rate:,.0f} | {r.wall:.1f} | {r.cpu:.1f} ({r.sys_cpu:.1f}) | "
                   f"{r.ctx_switches:,} | {r.maxrss_mb:.0f} | {r.requests} | {mins} | {r.stats.get('429s', 0)} | {r.stats.get('max_in_flight')} | "
                   f"{r.emulator_cpu:.1f} | {r.check()} |")
    return out


def report(args: argparse.Namespace, argv: List[str], c: Contenders, facts: Dict[str, str], worlds: Dict[str, Any],
           tp: Optional[Dict[str, Any]], inc: Optional[Dict[str, Any]], mem: Optional[Dict[str, Any]],
           prof: Optional[Dict[str, Any]], elapsed: float) -> str:
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    cmd = "python benchmarks/run.py" + ("" if not argv else " " + " ".join(argv))
    L = [f"## {now}{' (quick)' if args.quick else ''}", "",
         f"Command: `{cmd}` (interpreter: `{sys.executable}`), {elapsed / 60:.1f} minutes in all.", "",
         f"Code: {facts['code']}.", "",
         f"Machine: nproc {facts['nproc']}, {facts['cpu']}, {facts['memory']} RAM, Linux {facts['kernel']}, "
         f"Python {facts['python']}, load average at start {facts['loadavg']}. The emulator runs on the same machine "
         "as a child process and competes with the contender for the 2 cores (its CPU is in the table); nothing is pinned.", ""]
    for name, desc in worlds.items():
        L.append(f"- World `{name}`: {desc}")
    L.append(f"- A: this connector, defaults (num_workers {c.a_workers} from source_twilio/config.py DEFAULT_NUM_WORKERS, "
             f"slice_step_duration {c.a_step}), `{Path(sys.executable).name} main.py read`.")
    if tp and not args.skip_airbyte:
        L.append(f"- B: {AIRBYTE_PACKAGE}=={AIRBYTE_VERSION} (airbyte-cdk {c.airbyte_versions[1]}) in benchmarks/.work/airbyte-venv, "
                 f"default num_workers {AIRBYTE_DEFAULT_WORKERS}, best {tp['b_best']}"
                 + (" (given with --airbyte-workers)" if args.airbyte_workers else " (pre-pass below)") + ". "
                 + ("B reads the whole world." if tp["b_start"] == tp["start"] else
                    f"B reads the newest {args.airbyte_days} days (start_date {iso(tp['b_start'])}): at its speed the whole "
                    "world would take over 10 minutes per run; its records/s is compared with A's full run and with A "
                    "on the same slice (row `A on B's slice`)."))
    if tp:
        L.append(f"- C: benchmarks/fetcher.py, {c.a_workers} threads (A's default num_workers), unwindowed "
                 f"(one chain per account and stream, so at most {len(STREAMS) * 3} requests in flight with 3 accounts).")
    L.append("")

    if tp:
        runs: List[Run] = tp["runs"]
        groups: Dict[str, List[Run]] = {}
        for r in runs:
            groups.setdefault(r.label.split(" ", 1)[1], []).append(r)
        L += ["### Throughput (median of rounds)", "",
              "| contender | records | records/s | records/s, min - max | wall s | CPU s | voluntary context switches | max RSS MB | requests | checks |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
        for name, rs in groups.items():
            L.append(f"| {name}{' (' + rs[0].note + ')' if rs[0].note else ''} | {fmt_int(med([r.total for r in rs]))} | "
                     f"{fmt_int(med([r.rate for r in rs]))} | {fmt_int(min(r.rate for r in rs))} - {fmt_int(max(r.rate for r in rs))} | "
                     f"{med([r.wall for r in rs]):.1f} | {med([r.cpu for r in rs]):.1f} | {fmt_int(med([r.ctx_switches for r in rs]))} | "
                     f"{med([r.maxrss_mb for r in rs]):.0f} | {fmt_int(med([r.requests for r in rs]))} | "
                     f"{'; '.join(sorted(set(r.check() for r in rs)))} |")
        L.append("")
        rate = {name: med([r.rate for r in rs]) for name, rs in groups.items()}
        a = rate.get("A", float("nan"))
        targets = []
        L += ["Ratios (records/s, medians):", ""]
        if "B-default" in rate:
            x = a / rate["B-default"]
            line = f"- A / B-default = {x:.1f}x"
            if SLICE in rate:
                line += f" (A on B's slice / B-default = {rate[SLICE] / rate['B-default']:.1f}x)"
            L.append(line)
            targets.append(("A >= 5x B-default", x >= 5, f"{x:.1f}x"))
            best = rate.get("B-best", rate["B-default"])
            y = a / best
            line = f"- A / B-best (num_workers {tp['b_best']}) = {y:.1f}x"
            if SLICE in rate:
                line += f" (A on B's slice / B-best = {rate[SLICE] / best:.1f}x)"
            L.append(line)
            targets.append(("A ahead of B-best", y > 1, f"{y:.1f}x"))
        if "C" in rate:
            z = a / rate["C"]
            L.append(f"- A / C = {z:.2f} ({z * 100:.0f}% of the plain fetcher)")
            targets.append(("A >= 50% of C", z >= 0.5, f"{z * 100:.0f}%"))
        a_runs = groups.get("A", [])
        if a_runs:
            mr = a_runs[0].min_requests
            req = med([r.requests for r in a_runs])
            over = req / mr["windowed"] - 1
            L.append(f"- A's requests: {req:.0f} vs the minimum {mr['windowed']} for its {mr['windows_per_account']} windows per "
                     f"account and stream ({over * 100:+.1f}%); the unwindowed floor is {mr['unwindowed']} "
                     f"({(req / mr['unwindowed'] - 1) * 100:+.1f}%).")
            targets.append(("A's requests within 5% of the minimum", abs(over) <= 0.05, f"{over * 100:+.1f}%"))
            bad = [r for r in a_runs if not r.ok]
            targets.append(("A's records equal the truth", not bad, a_runs[0].check()))
        L.append("")
        if tp["sweep"]:
            L += ["B pre-pass (num_workers sweep, newest " f"{args.sweep_days} days):", ""] + raw_table(tp["sweep"]) + [""]
        L += ["Raw runs, in the order they ran:", ""] + raw_table(runs) + [""]
        tp["targets"] = targets

    if mem:
        r: Run = mem["run"]
        L += ["### Memory: A, full refresh of messages only", "", *raw_table([r]), "",
              f"Peak RSS of A: {r.maxrss_mb:.0f} MB for {r.total:,} messages (target < 300 MB).", ""]
        (tp or {}).setdefault("targets", [])
        mem["target"] = (f"A's peak RSS < 300 MB at {r.total / 1e6:.1f}M messages", r.maxrss_mb < 300, f"{r.maxrss_mb:.0f} MB")

    if inc:
        first, second = inc["first"], inc["second"]
        L += ["### Incremental with nothing new: A, messages + calls", "", *raw_table([first, second]), ""]
        L.append(f"Second run (state of the first, no new data): {second.requests} requests, {second.total} records. Per account and stream:")
        L.append("")
        L += ["| account | stream | requests |", "|---|---|---:|"]
        for (account, stream), n in inc["per_account"].items():
            L.append(f"| {account} | {stream} | {n} |")
        L.append("")
        # Per account: each stream's last window (1) and its open-records pass, plus the page after messages' first
        # (that one holds the open messages); plus Accounts.json.
        per_account = sum(1 + OPEN_PASS_REQUESTS.get(stream, 0) for stream in ("messages", "calls")) + 1
        inc["target"] = ("incremental with nothing new: a handful of requests", second.requests <= 3 * per_account + 1,
                         f"{second.requests} requests")

    if prof:
        total = max(prof["total"], 1)
        L += ["### Where A's CPU goes (py-spy, samples of the thread holding the GIL)", "",
              f"One extra full-refresh run of A on the throughput world under `py-spy record --gil --rate 100 --format raw` "
              f"({prof['total']:,} samples, {prof['wall']:.0f} s with the profiler attached; raw stacks in "
              f"benchmarks/.work/{prof['raw'].name}). Each sample counts for the innermost frame of a known package "
              "(stdlib helpers count for their caller: `_strptime` called by the CDK's cursor is the CDK's).", "",
              "| where | share |", "|---|---:|"]
        for name, n in sorted(prof["groups"].items(), key=lambda kv: -kv[1]):
            L.append(f"| {name} | {n / total * 100:.1f}% |")
        L += ["", "| function (innermost frame) | share |", "|---|---:|"]
        for name, n in sorted(prof["functions"].items(), key=lambda kv: -kv[1])[:20]:
            L.append(f"| `{name}` | {n / total * 100:.1f}% |")
        L += ["", "Inclusive (the function and what it calls; thread and entry-point wrappers above 60% left out):", "",
              "| function (anywhere in the stack) | share |", "|---|---:|"]
        shown = [(k, v) for k, v in prof["inclusive"].items() if v / total <= 0.6]
        for name, n in sorted(shown, key=lambda kv: -kv[1])[:25]:
            L.append(f"| `{name}` | {n / total * 100:.1f}% |")
        L.append("")

    targets = list((tp or {}).get("targets", []))
    for part in (mem, inc):
        if part and "target" in part:
            targets.append(part["target"])
    if targets:
        L += ["### Targets", "", "| target | met | value |", "|---|---|---|"]
        for name, met, value in targets:
            L.append(f"| {name} | {'yes' if met else '**NO**'} | {value} |")
        L.append("")
    return "\n".join(L) + "\n"


# --------------------------------------------------------------------------------------------- main
def parse_args(argv: List[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Benchmark source-twilio against the local Twilio emulator (see benchmarks/README.md).")
    p.add_argument("--rounds", type=int, default=2, help="rounds of A B C (default 2)")
    p.add_argument("--quick", action="store_true", help="a small world (10k messages + 5k calls per account; 100k-message memory world)")
    p.add_argument("--skip-airbyte", action="store_true", help="no contender B (no Airbyte venv)")
    p.add_argument("--only", choices=("throughput", "memory", "incremental", "profile"), help="run one part only")
    p.add_argument("--profile", action="store_true", help="also profile one run of A with py-spy (where its CPU goes)")
    p.add_argument("--latency-ms", type=float, default=80.0)
    p.add_argument("--max-concurrency", type=int, default=100, help="the emulator's per-account concurrency limit (429 above)")
    p.add_argument("--airbyte-days", type=float, default=None,
                   help="B reads the newest N days of the world (default 8, quick: the whole world); 0 = the whole world")
    p.add_argument("--airbyte-workers", type=int, default=None, help="B-best's num_workers; skips the pre-pass sweep")
    p.add_argument("--sweep", default="3,10,20,40", help="num_workers values of B's pre-pass")
    p.add_argument("--sweep-days", type=float, default=None, help="the pre-pass reads the newest N days (default 3)")
    p.add_argument("--airbyte-python", default=None, help="interpreter for the Airbyte venv (default: this one)")
    p.add_argument("--results", default=str(BENCH / "RESULTS.md"), help="file the dated section is appended to ('-': stdout only)")
    args = p.parse_args(argv)
    args.sweep = [int(x) for x in args.sweep.split(",") if x.strip()]
    if args.airbyte_days is None:
        args.airbyte_days = 0 if args.quick else 8
    if args.sweep_days is None:
        args.sweep_days = 10 if args.quick else 3
    return args


def main(argv: Optional[List[str]] = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    t0 = time.perf_counter()
    facts = machine_facts()
    facts["code"] = code_version()
    WORK.mkdir(parents=True, exist_ok=True)
    consts = config_constants()
    c = Contenders(args, consts)
    parts = {args.only} if args.only else {"throughput", "memory", "incremental"} | ({"profile"} if args.profile else set())
    if args.quick:
        msgs, calls, mem_msgs = 10_000, 5_000, 33_334
    else:
        msgs, calls, mem_msgs = 100_000, 50_000, 333_334
    if "throughput" in parts and not args.skip_airbyte:
        c.setup_airbyte()

    worlds: Dict[str, str] = {}
    tp = inc = mem = prof = None
    if parts & {"throughput", "incremental", "profile"}:
        world = World.start("throughput", 3, msgs, calls, args)
        start = world.history_start.replace(hour=0, minute=0, second=0, microsecond=0)
        worlds["throughput"] = (f"3 accounts (main + 2 subaccounts, none closed or suspended), {3 * msgs:,} messages and "
                                f"{3 * calls:,} calls ({msgs:,}/{calls:,} per account) over {(world.now - world.history_start).days} "
                                f"days up to {iso(world.now)}; {args.latency_ms:g} ms latency per request; 429 (code 20429) above "
                                f"{args.max_concurrency} concurrent requests per account; page cache off; start_date {iso(start)}; "
                                f"streams messages + calls, full refresh.")
        try:
            if "throughput" in parts:
                tp = throughput(args, c, world, start)
            if "incremental" in parts:
                inc = incremental(args, c, world, start)
            if "profile" in parts:
                prof = profile(args, c, world, start)
        finally:
            world.stop()
    if "memory" in parts:
        world = World.start("memory", 3, mem_msgs, 100, args)
        start = world.history_start.replace(hour=0, minute=0, second=0, microsecond=0)
        worlds["memory"] = (f"3 accounts x {mem_msgs:,} messages = {3 * mem_msgs:,} messages, same latency and limit; "
                            "stream messages, full refresh.")
        try:
            mem = memory(args, c, world, start)
        finally:
            world.stop()

    text = report(args, argv, c, facts, worlds, tp, inc, mem, prof, time.perf_counter() - t0)
    print(text)
    if args.results != "-":
        path = Path(args.results)
        if not path.exists():
            path.write_text("# Benchmark results\n\nEach section is one `benchmarks/run.py` run, appended; see README.md for how to read it.\n\n")
        with open(path, "a") as f:
            f.write("\n" + text)
        log(f"appended to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
