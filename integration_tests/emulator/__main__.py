"""Command line: ``python -m integration_tests.emulator --port 0 --seed 42 ...``

Prints one line ``EMULATOR_URL=http://127.0.0.1:PORT`` and serves until killed.
"""
from __future__ import annotations

import argparse
import gc
import json
import signal
import sys

from .control import Knobs
from .server import EmulatorServer
from .timefmt import to_epoch
from .world import World, WorldConfig


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m integration_tests.emulator", description="Local Twilio REST API emulator")
    w = p.add_argument_group("world")
    w.add_argument("--seed", type=int, default=42)
    w.add_argument("--accounts", type=int, default=3, help="number of subaccounts (besides the main account)")
    w.add_argument("--closed", type=int, default=1, help="how many subaccounts are closed")
    w.add_argument("--suspended", type=int, default=1, help="how many subaccounts are suspended")
    w.add_argument("--messages-per-account", type=int, default=2000)
    w.add_argument("--calls-per-account", type=int, default=1000)
    w.add_argument("--alerts-per-account", type=int, default=200)
    w.add_argument("--history-days", type=int, default=90)
    w.add_argument("--now", default=None, help="ISO date-time or epoch; default: current time")
    w.add_argument("--open-tail", type=int, default=6, help="newest messages/calls that are still open")
    w.add_argument("--counts", default=None, help='JSON overrides of small counts, e.g. \'{"recordings": 100}\'')
    w.add_argument("--world", default=None, help='JSON of further world fields, e.g. \'{"alerts_by_account": {"0": 60000}, '
                   '"alert_bursts": [{"account": 0, "count": 12000, "days_ago": 3}]}\'')
    s = p.add_argument_group("server")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=0)
    k = p.add_argument_group("knobs (also settable at runtime: POST /__emulator/config)")
    k.add_argument("--latency-ms", type=float, default=0.0)
    k.add_argument("--rate-429", type=float, default=0.0)
    k.add_argument("--retry-after", type=float, default=None)
    k.add_argument("--rate-5xx", type=float, default=0.0)
    k.add_argument("--max-concurrency", type=int, default=0)
    k.add_argument("--drop-rate", type=float, default=0.0)
    k.add_argument("--no-auth", action="store_true", help="accept requests without valid credentials")
    k.add_argument("--forbid", action="append", default=[], metavar="STREAM:ACCOUNT:STATUS",
                   help="make STREAM answer STATUS (403/404) for ACCOUNT ('*' = any); repeatable")
    k.add_argument("--insights-default-hours", type=float, default=None)
    k.add_argument("--config", default=None, help="JSON object of knobs (see README)")
    return p


def config_from_args(a: argparse.Namespace) -> tuple[WorldConfig, Knobs]:
    cfg = WorldConfig(
        seed=a.seed, subaccounts=a.accounts, closed=a.closed, suspended=a.suspended, now=to_epoch(
            int(a.now) if a.now and a.now.isdigit() else a.now),
        history_days=a.history_days, messages_per_account=a.messages_per_account,
        calls_per_account=a.calls_per_account, alerts_per_account=a.alerts_per_account,
        open_tail=a.open_tail, counts=json.loads(a.counts) if a.counts else {},
    )
    if a.world:
        cfg.set_extras(json.loads(a.world))
    knobs = Knobs()
    values = {
        "latency_ms": a.latency_ms, "rate_429": a.rate_429, "retry_after": a.retry_after, "rate_5xx": a.rate_5xx,
        "max_concurrency": a.max_concurrency, "drop_rate": a.drop_rate, "auth": not a.no_auth,
    }
    if a.insights_default_hours is not None:
        values["insights_default_hours"] = a.insights_default_hours
    if a.forbid:
        rules = []
        for spec in a.forbid:
            stream, account, status = (spec.split(":") + ["*", "403"])[:3]
            rules.append({"stream": stream, "account": account or "*", "status": int(status)})
        values["forbidden"] = rules
    if a.config:
        values.update(json.loads(a.config))
    knobs.update(values)
    return cfg, knobs


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    cfg, knobs = config_from_args(args)
    server = EmulatorServer(World(cfg), knobs, args.host, args.port)
    # pages allocate many short-lived dicts: collect the young generation less often
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"EMULATOR_URL={server.base_url}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
