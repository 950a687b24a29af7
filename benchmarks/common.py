"""Paths, constants and small helpers every part of the benchmark uses (see benchmarks/README.md)."""

from __future__ import annotations

import os
import platform
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "benchmarks"
WORK = BENCH / ".work"
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

AIRBYTE_PACKAGE = "airbyte-source-twilio"
AIRBYTE_VERSION = "0.16.0"
AIRBYTE_DEFAULT_WORKERS = 3  # its manifest: default_concurrency "{{ config.get('num_workers', 3) }}"
STREAMS = ("messages", "calls")
SID_PREFIX = {b"SM": "messages", b"MM": "messages", b"CA": "calls"}
SLICE = "A on B's slice"


def config_constants() -> Dict[str, Any]:
    """The connector's defaults the contenders are run at, imported from source_twilio/config.py."""
    from source_twilio.config import DEFAULT_NUM_WORKERS, DEFAULT_SLICE_STEP

    return {"DEFAULT_NUM_WORKERS": DEFAULT_NUM_WORKERS, "DEFAULT_SLICE_STEP": DEFAULT_SLICE_STEP}


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
