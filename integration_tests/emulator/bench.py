"""Serving-speed benchmark: ``python -m integration_tests.emulator.bench [--records 300000]``

1. render-only: pages of 1000 built and serialised in-process (no HTTP), per CPU-second;
2. over HTTP: the emulator runs in a child process with ~1,000,000 messages; this
   process pages through Messages and Calls with PageSize=1000 over one keep-alive
   connection; the server's CPU time is read from /proc, so "records per server
   CPU-second" is the figure that matters when the connector competes for cores;
3. cache: the same page requested repeatedly (rendered-page LRU hits).
"""
from __future__ import annotations

import argparse
import os
import time

import orjson

from . import Emulator
from .catalog import Catalog, Ctx
from .client import EmulatorClient
from .listing import Query
from .pages import select
from .world import World, WorldConfig


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def render_only(stream: str, pages: int = 30) -> float:
    w = World(WorldConfig(messages_per_account=334_000, calls_per_account=150_000, subaccounts=0))
    coll = Catalog(w).build(stream, Ctx(w, w.state, w.main))
    q, cursor, n = Query(), None, 0
    t = time.process_time()  # CPU time: robust to other load on the machine
    for p in range(pages):
        sl = select(coll, q, 0, len(coll), 1000, cursor, False, p)
        orjson.dumps({stream: sl.records})
        n += len(sl.records)
        cursor = sl.next_cursor
    return n / (time.process_time() - t)


def over_http(emu: Emulator, stream: str, records: int) -> dict:
    w = emu.world
    sid, tok = emu.main_credentials
    c = EmulatorClient(emu.url, sid, tok)
    pid = emu.process.pid
    cpu0, t0, n, nbytes = cpu_seconds(pid), time.perf_counter(), 0, 0
    for acc in w["readable_account_sids"]:
        url = f"/api/2010-04-01/Accounts/{acc}/{'Messages' if stream == 'messages' else 'Calls'}.json?PageSize=1000"
        while url and n < records:
            status, _, body = c.request(url)
            assert status == 200, body[:200]
            page = orjson.loads(body)
            n += len(page[stream])
            nbytes += len(body)
            nxt = page["next_page_uri"]
            url = "/api" + nxt if nxt else None
        if n >= records:
            break
    wall = time.perf_counter() - t0
    cpu = cpu_seconds(pid) - cpu0
    return {"stream": stream, "records": n, "wall_s": round(wall, 2), "server_cpu_s": round(cpu, 2),
            "records_per_wall_s": round(n / wall), "records_per_server_cpu_s": round(n / max(cpu, 1e-9)),
            "MB": round(nbytes / 1e6, 1)}


def cached(emu: Emulator, repeats: int = 200) -> dict:
    sid, tok = emu.main_credentials
    c = EmulatorClient(emu.url, sid, tok)
    url = f"/api/2010-04-01/Accounts/{sid}/Messages.json?PageSize=1000"
    c.request(url)
    pid = emu.process.pid
    cpu0, t0 = cpu_seconds(pid), time.perf_counter()
    for _ in range(repeats):
        c.request(url)
    wall, cpu = time.perf_counter() - t0, cpu_seconds(pid) - cpu0
    return {"cached_page_requests": repeats, "records_per_wall_s": round(repeats * 1000 / wall),
            "records_per_server_cpu_s": round(repeats * 1000 / max(cpu, 1e-9))}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=300_000)
    args = ap.parse_args()
    for stream in ("messages", "calls"):
        print(f"render-only {stream}: {render_only(stream):,.0f} records/s")
    with Emulator(seed=42, accounts=2, closed=0, suspended=0, messages_per_account=334_000,
                  calls_per_account=150_000, subprocess=True) as emu:
        for stream in ("messages", "calls"):
            print("http", over_http(emu, stream, args.records))
        print("http", cached(emu))
        with open(f"/proc/{emu.process.pid}/status") as f:
            rss = next(line for line in f if line.startswith("VmRSS")).split()[1]
        print(f"server RSS after the run: {int(rss) / 1024:.0f} MB")


if __name__ == "__main__":
    main()
