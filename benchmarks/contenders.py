"""How contenders A, B and C are run and measured: the child process, its rusage and peak RSS, and its stdout scan.

  A   this connector at its defaults: `<this python> main.py read --config C --catalog K`
  B   Airbyte's published airbyte-source-twilio==0.16.0 in its own venv (benchmarks/.work/airbyte-venv), pointed
      at the emulator by a start-up hook (airbyte_redirect.py)
  C   benchmarks/fetcher.py, a plain threaded requests + orjson fetcher, at A's default num_workers
  D   benchmarks/bare_cdk.py, airbyte-cdk as it ships reading the same pages with nothing else (many-accounts only):
      the floor under any airbyte-cdk source, at A's default num_workers
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from benchmarks.common import (AIRBYTE_DEFAULT_WORKERS, AIRBYTE_PACKAGE, AIRBYTE_VERSION, BENCH, REPO, SID_PREFIX,
                               STREAMS, WORK, cpu_of, iso, log, parse_step)
from benchmarks.worlds import World, minimum_requests


@dataclass
class Run:
    """One run of one contender: what it returned against the truth, and what it cost."""

    label: str  # unique in the benchmark run, e.g. "dense r1 A"
    contender: str  # A, B or C
    group: str  # the row it counts for in its scenario's summary: "A", "C", "B-default", "A on B's slice" ...
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
    subset: bool = False  # checked as a subset of the truth (an incremental sync): nothing unexpected, nothing twice
    started: float = 0.0  # time.perf_counter() when the process was started (the proxy's timeline uses the same clock)

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
        for stream in self.records:
            miss, opn, extra = self.missing.get(stream, 0), self.missing_open.get(stream, 0), self.extra.get(stream, 0)
            if miss:
                parts.append(f"{stream} -{miss}" + (f" ({opn} open)" if opn else ""))
            if extra:
                parts.append(f"{stream} +{extra} unexpected")
        if self.duplicates:
            parts.append(f"{self.duplicates} dup")
        if parts:
            return "MISMATCH: " + ", ".join(parts)
        if not self.expected:
            return "not checked"
        return "ok (subset: none unexpected, none twice)" if self.subset else "ok"


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
                  timeout: float = 3600, note: str = "", group: str = "", subset: bool = False) -> Run:
    """Runs `cmd`, reads its stdout as it comes, and checks the SIDs against the emulator's truth since
    `expected_since` (None: not checked): every expected record once, or with `subset` only that none is unexpected
    or twice."""
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
            extra[stream] = len(got - want)
            if not subset:
                miss = want - got
                missing[stream] = len(miss)
                missing_open[stream] = len(miss & open_keys)
    for other in set(sids) - set(streams):
        errors.append(f"{len(sids[other])} records of unexpected stream {other}")
    run = Run(label, contender, group or contender, records, expected, missing, missing_open, extra, duplicates, wall,
              usage.ru_utime + usage.ru_stime, peak.mb, emu_cpu, stats["requests"], stats,
              proc.returncode, errors, states, note=note, subset=subset)
    run.buckets = buckets
    run.started = started
    run.sys_cpu = usage.ru_stime
    run.ctx_switches = usage.ru_nvcsw
    log(f"  {run.total:,} records in {wall:.1f} s = {run.rate:,.0f}/s, cpu {run.cpu:.1f} s ({usage.ru_stime:.1f} sys, "
        f"{usage.ru_nvcsw:,} voluntary context switches), "
        f"max RSS {run.maxrss_mb:.0f} MB, {run.requests} requests ({stats.get('429s', 0)} x 429), "
        f"max in flight {stats.get('max_in_flight')}, emulator cpu {emu_cpu:.1f} s: {run.check()}")
    for e in errors[:5]:
        log(f"  ! {e[:500]}")
    return run


class Contenders:
    """Builds each contender's config, catalog and command line, and runs it against a world."""

    def __init__(self, args: argparse.Namespace, consts: Dict[str, Any]) -> None:
        self.args = args
        self.a_workers = int(consts["DEFAULT_NUM_WORKERS"])
        self.a_step = str(consts["DEFAULT_SLICE_STEP"])
        self.airbyte_venv = WORK / "airbyte-venv"
        self.airbyte_versions = ["?", "?"]
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
        WORK.mkdir(parents=True, exist_ok=True)
        path = WORK / name
        path.write_text(json.dumps(obj, indent=1))
        return path

    # ---------------- A
    def a_cmd(self, *rest: str) -> List[str]:
        return [sys.executable, str(REPO / "main.py"), *rest]

    def a_config(self, world: World, start: datetime, tag: str) -> Path:
        # The user's minimum: credentials and a start date; num_workers, slice_step_duration ... at their defaults.
        return self.write(f"config-A-{world.name}-{tag}.json", {"account_sid": world.main_sid, "auth_token": world.token,
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
              tag: str = "main", check: bool = True, subset: bool = False, group: str = "A") -> Run:
        config = self.a_config(world, start, tag)
        catalog = self.catalog("A", world, config, streams, mode)
        cmd = self.a_cmd("read", "--config", str(config), "--catalog", str(catalog))
        if state:
            cmd += ["--state", str(state)]
        run = run_contender(world, label, "A", cmd, self.env(world, base_url), REPO, start if check else None, streams,
                            group=group, subset=subset)
        if check and not subset:
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
        return self.write(f"config-B-{world.name}-{workers or 'default'}-{iso(start)[:10]}.json", config)

    def run_b(self, world: World, label: str, start: datetime, workers: Optional[int], group: str = "B") -> Run:
        config = self.b_config(world, start, workers)
        catalog = self.catalog("B", world, config, STREAMS, "full_refresh")
        cmd = [str(self.airbyte_venv / "bin" / "source-twilio"), "read", "--config", str(config), "--catalog", str(catalog)]
        run = run_contender(world, label, "B", cmd, self.env(world, airbyte=True), WORK, start, STREAMS,
                            note=f"num_workers={workers or AIRBYTE_DEFAULT_WORKERS}", group=group)
        run.min_requests = minimum_requests(run.buckets, None, None)
        return run

    # ---------------- C
    def run_d(self, world: World, label: str, start: datetime, streams: Tuple[str, ...] = STREAMS) -> Run:
        config = self.write(f"config-D-{world.name}.json", {
            "api_root": world.emu.url.rstrip("/") + "/api", "account_sid": world.main_sid, "auth_token": world.token,
            "account_sids": list(world.accounts), "num_workers": self.a_workers})
        catalog = self.write(f"catalog-D-{'-'.join(streams)}.json", {"streams": [
            {"stream": {"name": name, "json_schema": {}, "supported_sync_modes": ["full_refresh"]},
             "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"} for name in streams]})
        cmd = [sys.executable, str(BENCH / "bare_cdk.py"), "read", "--config", str(config), "--catalog", str(catalog)]
        run = run_contender(world, label, "D", cmd, self.env(world), REPO, start, streams,
                            note=f"num_workers {self.a_workers}")
        run.min_requests = minimum_requests(run.buckets, None, None)
        return run

    def run_c(self, world: World, label: str, start: datetime, streams: Tuple[str, ...] = STREAMS,
              base_url: Optional[str] = None) -> Run:
        cmd = [sys.executable, str(BENCH / "fetcher.py"), "--account-sid", world.main_sid, "--auth-token", world.token,
               "--workers", str(self.a_workers), "--streams", ",".join(streams)]
        run = run_contender(world, label, "C", cmd, self.env(world, base_url), REPO, start, streams, envelope=False,
                            note=f"{self.a_workers} threads")
        run.min_requests = minimum_requests(run.buckets, None, None)
        return run
