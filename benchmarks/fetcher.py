"""Contender C: the plainest concurrent fetcher that gets every message and call, as a reference point.

    TWILIO_API_BASE_URL=http://127.0.0.1:PORT python benchmarks/fetcher.py \
        --account-sid AC... --auth-token ... --workers 10 [--streams messages,calls] > records.jsonl

What it does, and nothing more:
1. GET {api}/2010-04-01/Accounts.json?PageSize=1000 with the main account's SID and token (following
   next_page_uri) and keeps every account that is not closed (Twilio serves suspended ones).
2. One chain per (account, stream): GET .../Accounts/{sid}/Messages.json?PageSize=1000 (Calls.json), then
   follow `next_page_uri` until it is null. No date windows: unfiltered lists are the fewest requests
   (ceil(n / 1000) per account and stream) and include records whose date is still null (queued messages,
   calls not yet ended), which a date filter never matches.
3. The chains run on a pool of --workers threads (one requests.Session per thread, HTTP keep-alive). A chain
   is sequential by nature (each page names the next), so at most min(workers, accounts x streams) requests
   are in flight.
4. Each record is written to stdout as one JSON line (orjson), unchanged (no typing, no envelope); a page's
   lines are written together under a lock.
5. 429 and 5xx are retried (Retry-After honoured, else 0.5 s doubling, 8 tries); anything else fails loudly.

Without TWILIO_API_BASE_URL it reads https://api.twilio.com (the real API).
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Iterator, List, Optional, Tuple

import orjson
import requests

RESOURCES = {"messages": "Messages.json", "calls": "Calls.json"}


def api_root() -> str:
    base = os.environ.get("TWILIO_API_BASE_URL", "").strip().rstrip("/")
    return f"{base}/api" if base else "https://api.twilio.com"


class Fetcher:
    def __init__(self, account_sid: str, auth_token: str, page_size: int = 1000, out=None) -> None:
        self.auth = (account_sid, auth_token)
        self.main = account_sid
        self.page_size = page_size
        self.root = api_root()
        self.out = out or sys.stdout.buffer
        self.lock = threading.Lock()
        self.local = threading.local()
        self.requests = 0
        self.records = 0

    def session(self) -> requests.Session:
        session = getattr(self.local, "session", None)
        if session is None:
            session = self.local.session = requests.Session()
            session.auth = self.auth
        return session

    def get(self, url: str) -> dict:
        delay = 0.5
        for _attempt in range(8):
            response = self.session().get(url, timeout=120)
            with self.lock:
                self.requests += 1
            if response.status_code == 200:
                return orjson.loads(response.content)
            if response.status_code == 429 or response.status_code >= 500:
                retry_after = response.headers.get("Retry-After")
                time.sleep(float(retry_after) if retry_after else delay)
                delay = min(delay * 2, 30)
                continue
            raise RuntimeError(f"GET {url} -> {response.status_code}: {response.text[:300]}")
        raise RuntimeError(f"GET {url}: still failing after 8 tries")

    def pages(self, path: str, key: str) -> Iterator[List[dict]]:
        url: Optional[str] = f"{self.root}{path}?PageSize={self.page_size}"
        while url:
            page = self.get(url)
            yield page.get(key) or []
            next_uri = page.get("next_page_uri")
            url = f"{self.root}{next_uri}" if next_uri else None

    def accounts(self) -> List[str]:
        sids = []
        for accounts in self.pages("/2010-04-01/Accounts.json", "accounts"):
            sids += [a["sid"] for a in accounts if a.get("status") != "closed"]
        return sids or [self.main]

    def chain(self, job: Tuple[str, str]) -> int:
        account, stream = job
        n = 0
        for records in self.pages(f"/2010-04-01/Accounts/{account}/{RESOURCES[stream]}", stream):
            if records:
                blob = b"\n".join(orjson.dumps(r) for r in records) + b"\n"
                with self.lock:
                    self.out.write(blob)
                n += len(records)
        with self.lock:
            self.records += n
        return n


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--account-sid", required=True)
    parser.add_argument("--auth-token", required=True)
    parser.add_argument("--workers", type=int, default=10)
    parser.add_argument("--streams", default="messages,calls")
    parser.add_argument("--page-size", type=int, default=1000)
    args = parser.parse_args(argv)

    fetcher = Fetcher(args.account_sid, args.auth_token, args.page_size)
    started = time.perf_counter()
    accounts = fetcher.accounts()
    jobs = [(account, stream) for stream in args.streams.split(",") for account in accounts]
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        list(pool.map(fetcher.chain, jobs))
    sys.stdout.buffer.flush()
    print(
        f"fetcher: {fetcher.records} records, {fetcher.requests} requests, {len(accounts)} accounts, "
        f"{args.workers} workers, {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
