"""Local Twilio REST API emulator for the source-twilio integration tests.

Python API::

    from integration_tests.emulator import Emulator

    with Emulator(seed=42, accounts=3, messages_per_account=2000) as emu:
        emu.url                      # "http://127.0.0.1:PORT" (set TWILIO_API_BASE_URL to it)
        emu.world                    # accounts, sids, auth tokens, API keys, now
        emu.main_credentials         # (main account sid, auth token)
        emu.credentials(sub_sid)     # (subaccount sid, its own auth token): product hosts need these
        emu.api_key(type="main")     # (SK..., secret); "standard" keys exist in every account
        emu.truth("messages")        # {"count": n, "keys": [{"sid": ...}, ...], ...}
        emu.advance(minutes=30, new_per_account=100)
        emu.add_subaccount(minutes_ago=600, messages=50)   # a subaccount joins between syncs
        emu.configure(rate_429=0.1, latency_ms=20)
        emu.stats()

``Emulator(..., subprocess=True)`` runs the server in a child process (its own CPU
core and GIL, which is what a benchmark wants); the default runs it in a daemon
thread of the calling process.  See README.md in this directory.
"""
from __future__ import annotations

import json
import os
import subprocess as _subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

from .control import Knobs
from .server import EmulatorServer, serve_in_thread
from .world import World, WorldConfig

__all__ = ["Emulator", "EmulatorServer", "Knobs", "World", "WorldConfig"]

_REPO_ROOT = Path(__file__).resolve().parents[2]


class Emulator:
    def __init__(self, seed: int = 42, accounts: int = 3, messages_per_account: int = 2000,
                 calls_per_account: int = 1000, alerts_per_account: int = 200, history_days: int = 90,
                 now: int | str | None = None, closed: int = 1, suspended: int = 1, open_tail: int = 6,
                 counts: dict | None = None, host: str = "127.0.0.1", port: int = 0, subprocess: bool = False,
                 alerts_by_account: dict | None = None, alert_bursts: list | None = None,
                 recent_subaccounts: dict | None = None, **knobs):
        from .timefmt import to_epoch

        self.config = WorldConfig(
            seed=seed, subaccounts=accounts, closed=closed, suspended=suspended, now=to_epoch(now),
            history_days=history_days, messages_per_account=messages_per_account,
            calls_per_account=calls_per_account, alerts_per_account=alerts_per_account,
            open_tail=open_tail, counts=dict(counts or {}),
            alerts_by_account={int(k): int(v) for k, v in (alerts_by_account or {}).items()},
            alert_bursts=[dict(b) for b in (alert_bursts or [])],
            recent_subaccounts={int(k): float(v) for k, v in (recent_subaccounts or {}).items()},
        )
        self.knobs = Knobs()
        self.knobs.update(knobs)
        self.host, self.port, self.subprocess = host, port, subprocess
        self.url: str | None = None
        self.server: EmulatorServer | None = None
        self.process: _subprocess.Popen | None = None
        self._world: dict | None = None

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> "Emulator":
        if self.subprocess:
            cmd = [sys.executable, "-m", "integration_tests.emulator", "--host", self.host, "--port", str(self.port),
                   "--seed", str(self.config.seed), "--accounts", str(self.config.subaccounts),
                   "--closed", str(self.config.closed), "--suspended", str(self.config.suspended),
                   "--messages-per-account", str(self.config.messages_per_account),
                   "--calls-per-account", str(self.config.calls_per_account),
                   "--alerts-per-account", str(self.config.alerts_per_account),
                   "--history-days", str(self.config.history_days), "--open-tail", str(self.config.open_tail),
                   "--counts", json.dumps(self.config.counts), "--config", json.dumps(self.knobs.as_dict()),
                   "--world", json.dumps(self.config.extras())]
            if self.config.now is not None:
                cmd += ["--now", str(self.config.now)]
            env = dict(os.environ)
            env["PYTHONPATH"] = str(_REPO_ROOT) + os.pathsep + env.get("PYTHONPATH", "")
            self.process = _subprocess.Popen(cmd, stdout=_subprocess.PIPE, cwd=str(_REPO_ROOT), env=env, text=True)
            line = self.process.stdout.readline().strip()
            if not line.startswith("EMULATOR_URL="):
                self.process.kill()
                raise RuntimeError(f"emulator did not start: {line!r}")
            self.url = line.split("=", 1)[1]
        else:
            self.server = EmulatorServer(World(self.config), self.knobs, self.host, self.port)
            serve_in_thread(self.server)
            self.url = self.server.base_url
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except _subprocess.TimeoutExpired:
                self.process.kill()
            self.process = None

    def __enter__(self) -> "Emulator":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # ------------------------------------------------------------------ control API (HTTP, same in both modes)
    def control(self, method: str, path: str, body: dict | None = None, params: dict | None = None):
        url = f"{self.url}/__emulator/{path.lstrip('/')}"
        if params:
            url += "?" + urllib.parse.urlencode(params)
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=600) as resp:
            return json.loads(resp.read())

    @property
    def world(self) -> dict:
        if self._world is None:
            self._world = self.control("GET", "world")
        return self._world

    @property
    def main_credentials(self) -> tuple[str, str]:
        main = self.world["accounts"][0]
        return main["sid"], main["auth_token"]

    def credentials(self, account_sid: str | None = None) -> tuple[str, str]:
        for a in self.world["accounts"]:
            if account_sid in (None, a["sid"]):
                return a["sid"], a["auth_token"]
        raise KeyError(account_sid)

    def api_key(self, account_sid: str | None = None, type: str = "standard") -> tuple[str, str]:  # noqa: A002
        """(key SID, secret) of an account's API key ("standard", or "main" for the main account)."""
        account_sid = account_sid or self.world["main_account_sid"]
        for k in self.world["api_keys"]:
            if k["account_sid"] == account_sid and k["type"] == type:
                return k["sid"], k["secret"]
        raise KeyError((account_sid, type))

    def truth(self, stream: str, since: str | None = None, keys: bool = True, cursor: str | None = None,
              account: str | None = None) -> dict:
        params = {"stream": stream}
        if account:
            params["account"] = account
        if since:
            params["since"] = since
        if cursor:
            params["cursor"] = cursor
        if not keys:
            params["keys"] = "0"
        return self.control("GET", "truth", params=params)

    def advance(self, minutes: float = 0, new_per_account: int = 0, new_small: int | None = None) -> dict:
        body = {"minutes": minutes, "new_per_account": new_per_account}
        if new_small is not None:
            body["new_small"] = new_small
        res = self.control("POST", "advance", body)
        self._world = res["world"]
        return res

    def add_subaccount(self, minutes_ago: float = 24 * 60, **fields) -> dict:
        """A subaccount joins the world now (POST /__emulator/subaccounts); returns its description.

        Fields: ``minutes_ago`` (creation, at least 120), ``friendly_name``, ``status``,
        ``messages``, ``calls``, ``alerts``, ``small`` (records of every other dated stream).
        """
        res = self.control("POST", "subaccounts", {"minutes_ago": minutes_ago, **fields})
        self._world = res["world"]
        return res["account"]

    def configure(self, **knobs) -> dict:
        return self.control("POST", "config", knobs)

    def stats(self) -> dict:
        return self.control("GET", "stats")

    def reset_stats(self) -> dict:
        return self.control("POST", "stats/reset", {})
