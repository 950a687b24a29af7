"""Runs the connector the way Airbyte does, through its entry point in a child process, and reads its output."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

from source_twilio.config import RETENTION_DAYS, RETENTION_SLACK, format_datetime

REPO = Path(__file__).resolve().parents[1]


@dataclass
class Output:
    """The messages of one connector run, parsed."""

    returncode: int
    messages: List[Mapping[str, Any]]
    stdout: str
    stderr: str
    # when the run started and ended, real time (epoch seconds): what the connector computed "now" from
    started: float = 0.0
    ended: float = 0.0

    def of_type(self, kind: str) -> List[Mapping[str, Any]]:
        return [m for m in self.messages if m.get("type") == kind]

    @property
    def records(self) -> List[Mapping[str, Any]]:
        return [m["record"] for m in self.of_type("RECORD")]

    def records_of(self, stream: str) -> List[Mapping[str, Any]]:
        return [r["data"] for r in self.records if r["stream"] == stream]

    def record_counts(self) -> Counter:
        return Counter(r["stream"] for r in self.records)

    @property
    def states(self) -> List[Mapping[str, Any]]:
        return [m["state"] for m in self.of_type("STATE")]

    def final_states(self) -> List[Mapping[str, Any]]:
        """The last STATE of each stream, as a state file for the next run."""
        last: Dict[str, Mapping[str, Any]] = {}
        for state in self.states:
            last[state["stream"]["stream_descriptor"]["name"]] = state
        return list(last.values())

    @property
    def errors(self) -> List[Mapping[str, Any]]:
        return [m["trace"]["error"] for m in self.of_type("TRACE") if m["trace"].get("type") == "ERROR"]

    def logs(self, level: Optional[str] = None) -> List[str]:
        return [m["log"]["message"] for m in self.of_type("LOG") if level is None or m["log"]["level"] == level]


def run_connector(
    command: Union[str, Sequence[str]],
    base_url: Optional[str],
    config: Optional[Mapping[str, Any]] = None,
    catalog: Optional[Mapping[str, Any]] = None,
    state: Optional[Sequence[Mapping[str, Any]]] = None,
    timeout: float = 600,
    extra_env: Optional[Mapping[str, str]] = None,
) -> Output:
    """`python main.py <command> [flags] --config ... [--catalog ...] [--state ...]` against the emulator at
    base_url; `command` is "read" or a list such as ["read", "--debug"]."""
    with tempfile.TemporaryDirectory() as tmp:
        args = [sys.executable, str(REPO / "main.py"), *([command] if isinstance(command, str) else command)]
        for flag, content in (("--config", config), ("--catalog", catalog), ("--state", state)):
            if content is not None:
                path = Path(tmp) / f"{flag[2:]}.json"
                path.write_text(json.dumps(content))
                args += [flag, str(path)]
        env = {key: value for key, value in os.environ.items() if key != "TWILIO_API_BASE_URL"}
        if base_url:
            env["TWILIO_API_BASE_URL"] = base_url
        env.update(extra_env or {})
        started = time.time()
        if os.environ.get(PLAIN_SUBPROCESS_ENV):
            done = subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=env, cwd=REPO)
        else:
            done = _forks().run(args[2:], env, Path(tmp), timeout)  # after the interpreter and main.py
        ended = time.time()
    messages = []
    for line in done.stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            messages.append(json.loads(line))
    return Output(done.returncode, messages, done.stdout, done.stderr, started, ended)


# Set (to anything) to start each run with its own interpreter instead of forking it from integration_tests/forkserver.py.
PLAIN_SUBPROCESS_ENV = "SOURCE_TWILIO_TESTS_PLAIN_SUBPROCESS"


class _ForkServer:
    """This test process's forkserver (forkserver.py says why): each run is a child it forks, with `main.py`'s argv,
    the run's environment and the repository as working directory; its output is read from files once it ended."""

    def __init__(self) -> None:
        env = {key: value for key, value in os.environ.items() if key != "TWILIO_API_BASE_URL"}
        self._process = subprocess.Popen(
            [sys.executable, "-m", "integration_tests.forkserver"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            text=True, env=env, cwd=REPO,
        )
        self._send = threading.Lock()
        self._started: "queue.Queue[int]" = queue.Queue()
        self._ended: Dict[int, "queue.Queue[int]"] = {}
        self._ended_lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            message = json.loads(line)
            if "returncode" in message:
                self._waiting(message["pid"]).put(message["returncode"])
            else:
                self._started.put(message["pid"])

    def _waiting(self, pid: int) -> "queue.Queue[int]":
        with self._ended_lock:
            return self._ended.setdefault(pid, queue.Queue())

    def run(self, args: Sequence[str], env: Mapping[str, str], tmp: Path, timeout: float) -> subprocess.CompletedProcess:
        stdout, stderr = tmp / "stdout", tmp / "stderr"
        job = {"args": [str(REPO / "main.py"), *args], "env": dict(env), "cwd": str(REPO), "stdout": str(stdout), "stderr": str(stderr)}
        assert self._process.stdin is not None
        with self._send:
            self._process.stdin.write(json.dumps(job) + "\n")
            self._process.stdin.flush()
            pid = self._started.get(timeout=60)
        try:
            returncode = self._waiting(pid).get(timeout=timeout)
        except queue.Empty:
            os.kill(pid, signal.SIGKILL)
            self._waiting(pid).get(timeout=60)
            raise subprocess.TimeoutExpired(args, timeout) from None
        finally:
            with self._ended_lock:
                self._ended.pop(pid, None)
        return subprocess.CompletedProcess(args, returncode, stdout.read_text(errors="replace"), stderr.read_text(errors="replace"))


_FORKS: Dict[int, _ForkServer] = {}


def _forks() -> _ForkServer:
    """The forkserver of this process (one per pytest worker; a forked test process starts its own)."""
    server = _FORKS.get(os.getpid())
    if server is None or server._process.poll() is not None:
        server = _FORKS[os.getpid()] = _ForkServer()
    return server


def configured_catalog(discovered: Mapping[str, Any], streams: Optional[Sequence[str]] = None, incremental: bool = True) -> Mapping[str, Any]:
    """A configured catalog for the named streams (all when None): incremental where supported and asked for."""
    configured = []
    for stream in discovered["streams"]:
        if streams is not None and stream["name"] not in streams:
            continue
        use_incremental = incremental and "incremental" in stream["supported_sync_modes"]
        entry = {
            "stream": stream,
            "sync_mode": "incremental" if use_incremental else "full_refresh",
            "destination_sync_mode": "append_dedup" if use_incremental else "overwrite",
            "primary_key": stream.get("source_defined_primary_key"),
        }
        if use_incremental:
            entry["cursor_field"] = stream.get("default_cursor_field")
        configured.append(entry)
    return {"streams": configured}


# The emulator's clock stands still from the world's start while the real one moves on, so the days Twilio keeps of
# these streams, which the connector counts back from the real clock, end later than the days the world keeps: records
# of that gap may come or not. The world has TaskRouter events all along it (its tasks go back 90 days).
KEPT_DAYS = {"taskrouter_events": RETENTION_DAYS["taskrouter_events"]}


def surely_read_since(stream: str, output: Output, kept: Mapping[str, int] = KEPT_DAYS) -> Optional[str]:
    """For a stream of `kept` (days Twilio keeps it), the oldest moment the run surely asked for (its end less those
    days, less the connector's slack); None for the other streams, which are read whole."""
    if stream not in kept:
        return None
    since = datetime.fromtimestamp(output.ended, timezone.utc) - timedelta(days=kept[stream]) + RETENTION_SLACK
    return format_datetime(since + timedelta(seconds=1))


def primary_keys(discovered: Mapping[str, Any]) -> Dict[str, List[str]]:
    return {s["name"]: [path[0] for path in s["source_defined_primary_key"]] for s in discovered["streams"]}


def keys_of(records: Sequence[Mapping[str, Any]], key_fields: Sequence[str]) -> List[tuple]:
    return [tuple(record.get(field) for field in key_fields) for record in records]


def duplicates(keys: Sequence[tuple]) -> Dict[tuple, int]:
    return {key: count for key, count in Counter(keys).items() if count > 1}
