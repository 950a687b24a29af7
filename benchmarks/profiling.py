"""Where A's CPU goes: one run of A under py-spy, summarised by package and function."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any, Dict, List, Optional

from benchmarks.common import REPO, STREAMS, WORK, log
from benchmarks.contenders import Contenders
from benchmarks.targets import Section
from benchmarks.worlds import World


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


def profile(c: Contenders, world: World, start: datetime) -> Optional[Dict[str, Any]]:
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
        name = profile_group(frames)
        groups[name] = groups.get(name, 0) + n
        names = [re.sub(r"\(.*?(site-packages|lib/python3\.\d+)/", "(", re.sub(r":\d+\)$", ")", f)) for f in frames]
        functions[names[-1]] = functions.get(names[-1], 0) + n
        for func in set(names):
            inclusive[func] = inclusive.get(func, 0) + n
    return {"raw": raw, "wall": wall, "total": total, "groups": groups, "functions": functions, "inclusive": inclusive}


def profile_section(c: Contenders, world: World) -> Section:
    sec = Section("profile", "Where A's CPU goes (py-spy, samples of the thread holding the GIL)",
                  world.describe() + "; streams messages + calls, full refresh.")
    prof = profile(c, world, world.start_date)
    if prof is None:
        sec.lines.append("py-spy was not found on PATH or next to the interpreter (`pip install py-spy`): nothing profiled.")
        return sec
    total = max(prof["total"], 1)
    L = sec.lines
    L += [f"One extra full-refresh run of A on the dense world under `py-spy record --gil --rate 100 --format raw` "
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
    return sec
