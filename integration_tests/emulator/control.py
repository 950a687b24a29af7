"""Runtime knobs, request statistics, and the /__emulator/ control API.

Control endpoints (no auth, never subject to injected faults):

  GET  /__emulator/world                 accounts, SIDs, auth tokens, API keys, now, counts
  GET  /__emulator/truth?stream=NAME[&since=ISO][&cursor=FIELD][&account=AC...][&keys=0]
  POST /__emulator/advance  {"minutes": M, "new_per_account": K[, "new_small": S]}
  POST /__emulator/subaccounts {"minutes_ago": M, "messages": n, "calls": n, "alerts": n, "small": n, ...}
  GET  /__emulator/config   current knobs
  POST /__emulator/config   {knob: value, ...}   (partial update; returns all knobs)
  GET  /__emulator/stats    requests per stream / status, 429s, max in-flight, ...
  POST /__emulator/stats/reset
  GET  /__emulator/health
"""
from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field, fields


@dataclass
class Knobs:
    """Behaviour switches; every field can be set with POST /__emulator/config."""

    auth: bool = True  # enforce HTTP Basic auth
    latency_ms: float = 0.0  # added to every API request
    rate_429: float = 0.0  # fraction of requests answered 429 (code 20429)
    retry_after: float | None = None  # seconds, sent as Retry-After on 429s when set
    rate_5xx: float = 0.0  # fraction answered 500 / 502 / 503
    max_concurrency: int = 0  # per-account requests in flight above this -> 429 (0 = unlimited)
    drop_rate: float = 0.0  # fraction of responses cut off mid-body (socket closed)
    garbage_rate: float = 0.0  # fraction of 200s whose body is truncated JSON (complete response, bad body)
    fault_streams: list | None = None  # limit 429/5xx/drop injection to these streams
    forbidden: list = field(default_factory=list)  # [{"stream": s|"*", "account": sid|"*", "status": 403|404}]
    require_page_token: bool = True  # Page > 0 without PageToken -> 400
    # PageSize above the spec's maximum for the path (undocumented): "400" -> 400 code 20001; "clamp" -> serve the max
    page_size_over_max: str = "400"
    # NOT a Twilio behaviour, a test's tool: at most this many records a page (0: what PageSize asks), so that a small
    # world's lists have next links (the foreign-next-link tests need pages to follow). Twilio serves PageSize records.
    page_size_cap: int = 0
    # a main-account Standard API key asking for a subaccount's 2010 resources is denied ("Main account API Keys are
    # only available to access main account resources. Access to subaccount resources will be denied."); the status
    # is not documented: 401 (code 20003, the 20003 page lists this cause), 403 (20403) or 404 (20404)
    key_subaccount_denial_status: int = 401
    # a suspended subaccount's 2010 resources read through the parent (undocumented): "readable" or "401" (20003)
    suspended_subaccount_reads: str = "readable"
    # mid-sync account events (events.py): {account SID: N} -> after the N-th request about that account, its auth
    # token is rotated (old one 401, code 20003) / the subaccount is suspended (its own credentials 401; 2010 paths
    # through the parent follow suspended_subaccount_reads); setting suspend_after again reactivates it
    rotate_token_after: dict = field(default_factory=dict)
    suspend_after: dict = field(default_factory=dict)
    # Usage Records for days before the account existed (undocumented; users report 20404 on usage lists): "empty"
    # (no records there) or "404" (a StartDate before the account's creation day -> 404 code 20404)
    usage_before_creation: str = "empty"
    # Messages (and their media) are listed for this many days; a DateSent range reaching further -> 400 code 20004
    messages_retention_days: int = 400
    monitor_retention_days: int = 30  # Alerts / Events StartDate older than this -> 400; lists cover this window
    # "The maximum number of Alert resources you can fetch per request to this API is 10,000": the Alerts page that
    # would go beyond this many results -> 400 "Invalid page and pageSize combination..." (0 = no limit)
    alerts_max_results: int = 10000
    # order of Monitor Alerts, which Twilio does not document: "desc" (newest first) or "asc"
    alerts_order: str = "desc"
    # whether a 2010 upper bound (DateSent<, StartTime<, EndTime<, DateCreated<, DateUpdated<, MessageDate<, Usage
    # EndDate) includes records exactly at it: "spec" reads each parameter's own description (DateSent and EndDate
    # "on (and) before", Calls "before", the others "on or before midnight of this date"); "inclusive" (a date covers
    # its whole day) or "exclusive" (before midnight at the start of the date / strictly before the instant) for all
    le_bound: str = "spec"
    # Studio Executions DateCreatedTo ("starting before this date-time"): "exclusive" or "inclusive"
    studio_date_created_to: str = "exclusive"
    # Verify Attempts DateCreatedBefore / DateCreatedAfter ("created before / after this datetime")
    verify_date_created_before: str = "exclusive"
    verify_date_created_after: str = "exclusive"
    insights_default_hours: float = 4.0  # Voice Summaries without StartTime cover this many hours ("Defaults to 4h")
    # Voice Insights StartTime older than its 30 days (undocumented whether refused): "400" -> 400 code 17002;
    # "empty" -> accepted, and summaries older than 30 days simply do not exist
    insights_old_start: str = "400"
    # Voice Summaries without ProcessingState (default undocumented): "all" (partial and complete) or "completed"
    insights_processing_state: str = "all"
    # TaskRouter Tasks' and Workers' `attributes` in a list (the spec's description: null, shown only when fetching one;
    # its examples: shown): "null" or "shown"
    taskrouter_list_attributes: str = "null"
    # order of TaskRouter Events, which Twilio does not document: "desc" (newest first) or "asc"
    taskrouter_events_order: str = "desc"
    # TaskRouter Events StartDate older than the 30 days Twilio keeps (undocumented whether refused): "400" -> 400
    # code 20001; "empty" -> accepted, and older events simply do not exist
    taskrouter_events_old_start: str = "400"
    # Conversation Intelligence Transcripts AfterDateCreated / BeforeDateCreated ("Filter by after / before
    # DateCreated": whether the instant itself is included is not said)
    intelligence_after_date_created: str = "exclusive"
    intelligence_before_date_created: str = "exclusive"
    # what Sentences and OperatorResults of a transcript not yet completed answer (undocumented): "empty" (200, no
    # records), "partial" (an in-progress transcript lists the sentences transcribed so far) or "404"
    intelligence_open_children: str = "empty"
    # how long Twilio keeps transcripts (undocumented; 0: all of them); older ones are not listed, their children 404
    intelligence_retention_days: int = 0
    # order of the Transcripts list, which Twilio does not document: "desc" (newest first) or "asc"
    intelligence_transcripts_order: str = "desc"
    # --- transport faults (issue 20): valid HTTP that is not what Twilio sends; each limited by fault_streams
    # fraction of 200s whose body is valid JSON but no Twilio page (a proxy's or cache's): "mixed" cycles through
    # "{}", "[]", "string" (a JSON string), "no_list" (the list key removed), "no_envelope" (next_page_uri / meta removed)
    not_a_page_rate: float = 0.0
    not_a_page: str = "mixed"
    html_5xx: bool = False  # injected 5xx (rate_5xx) are a load balancer's text/html page (502, 503 or 504)
    lone_surrogate: bool = False  # each page's first "body" starts with "hi \ud83d" (valid JSON, an SMS cut mid-emoji)
    # each page's first record also holds 1.5e3, -2.5E-7, a 30-digit integer, 64 nested arrays, and a duplicate "sid"
    # key before the real one (the last one wins, RFC 8259 section 4 leaves it open; every common parser keeps the last)
    odd_json: bool = False
    foreign_next_link: str | None = None  # an origin (http://127.0.0.1:PORT): every next link points there instead
    redirect_to: str | None = None  # an origin: every API request answers 307 to the same path there
    reject_repeated_params: bool = False  # a request naming a query parameter twice -> 400 (code 20001)
    trickle_rate: float = 0.0  # fraction of 200s whose body is sent trickle_bytes every trickle_ms
    trickle_ms: float = 0.0
    trickle_bytes: int = 64
    cache_mb: float = 64.0  # rendered-page LRU budget
    fault_seed: int = 1234  # seed of the fault-injection RNG

    def update(self, values: dict) -> None:
        names = {f.name: f for f in fields(self)}
        for k, v in values.items():
            if k not in names:
                raise ValueError(f"unknown knob {k!r}; known: {sorted(names)}")
            if k in CHOICES and str(v) not in [str(c) for c in CHOICES[k]]:
                raise ValueError(f"knob {k!r} must be one of {CHOICES[k]}, not {v!r}")
        for k, v in values.items():
            current = getattr(self, k)
            if isinstance(current, bool):
                v = v.strip().lower() in ("1", "true", "yes", "on") if isinstance(v, str) else bool(v)
            elif isinstance(current, int) and not isinstance(current, bool) and v is not None:
                v = int(v)
            elif isinstance(current, float) and v is not None:
                v = float(v)
            if k in CHOICES:
                v = type(CHOICES[k][0])(v)
            if k == "forbidden":
                v = [dict(rule) for rule in (v or [])]
                for rule in v:
                    rule.setdefault("stream", "*")
                    rule.setdefault("account", "*")
                    rule["status"] = int(rule.get("status", 403))
            setattr(self, k, v)

    def as_dict(self) -> dict:
        return asdict(self)


# knobs that choose between readings of Twilio's documentation: the allowed values, the default first
CHOICES = {
    "page_size_over_max": ("400", "clamp"),
    "key_subaccount_denial_status": (401, 403, 404),
    "suspended_subaccount_reads": ("readable", "401"),
    "usage_before_creation": ("empty", "404"),
    "alerts_order": ("desc", "asc"),
    "le_bound": ("spec", "inclusive", "exclusive"),
    "studio_date_created_to": ("exclusive", "inclusive"),
    "verify_date_created_before": ("exclusive", "inclusive"),
    "verify_date_created_after": ("exclusive", "inclusive"),
    "insights_old_start": ("400", "empty"),
    "insights_processing_state": ("all", "completed"),
    "taskrouter_list_attributes": ("null", "shown"),
    "taskrouter_events_order": ("desc", "asc"),
    "taskrouter_events_old_start": ("400", "empty"),
    "intelligence_after_date_created": ("exclusive", "inclusive"),
    "intelligence_before_date_created": ("exclusive", "inclusive"),
    "intelligence_open_children": ("empty", "partial", "404"),
    "intelligence_transcripts_order": ("desc", "asc"),
    "not_a_page": ("mixed", "{}", "[]", "string", "no_list", "no_envelope"),
}


class Stats:
    """Thread-safe counters reported by GET /__emulator/stats."""

    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with getattr(self, "_lock", threading.Lock()):
            self.requests = 0
            self.by_stream: dict[str, int] = {}
            self.by_status: dict[str, int] = {}
            self.records = 0
            self.bytes = 0
            self.injected_429 = 0
            self.concurrency_429 = 0
            self.injected_5xx = 0
            self.dropped = 0
            self.garbage = 0
            self.repeated_params = 0
            self.not_a_page = 0
            self.trickled = 0
            self.cache_hits = 0
            self.cache_misses = 0
            self.in_flight = 0
            self.max_in_flight = 0
            self.account_in_flight: dict[str, int] = {}
            self.max_account_in_flight: dict[str, int] = {}

    def enter(self, account: str | None, limit: int) -> bool:
        """Count a request in; False (and nothing counted) if the account is over its limit."""
        with self._lock:
            if account is not None:
                cur = self.account_in_flight.get(account, 0)
                if limit and cur >= limit:
                    self.concurrency_429 += 1
                    return False
                self.account_in_flight[account] = cur + 1
                if cur + 1 > self.max_account_in_flight.get(account, 0):
                    self.max_account_in_flight[account] = cur + 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            return True

    def leave(self, account: str | None) -> None:
        with self._lock:
            self.in_flight -= 1
            if account is not None:
                self.account_in_flight[account] -= 1

    def done(self, stream: str, status: int, records: int, nbytes: int) -> None:
        with self._lock:
            self.requests += 1
            self.by_stream[stream] = self.by_stream.get(stream, 0) + 1
            key = str(status)
            self.by_status[key] = self.by_status.get(key, 0) + 1
            self.records += records
            self.bytes += nbytes

    def bump(self, name: str, n: int = 1) -> None:
        with self._lock:
            setattr(self, name, getattr(self, name) + n)

    def as_dict(self) -> dict:
        with self._lock:
            return {
                "requests": self.requests,
                "by_stream": dict(self.by_stream),
                "by_status": dict(self.by_status),
                "records_served": self.records,
                "bytes_served": self.bytes,
                "429s": self.injected_429 + self.concurrency_429,
                "injected_429": self.injected_429,
                "concurrency_429": self.concurrency_429,
                "injected_5xx": self.injected_5xx,
                "dropped_connections": self.dropped,
                "repeated_params": self.repeated_params,
                "not_a_page": self.not_a_page,
                "trickled": self.trickled,
                "cache_hits": self.cache_hits,
                "cache_misses": self.cache_misses,
                "in_flight": self.in_flight,
                "max_in_flight": self.max_in_flight,
                "max_in_flight_per_account": dict(self.max_account_in_flight),
            }
