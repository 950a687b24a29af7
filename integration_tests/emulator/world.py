"""The emulated Twilio world: accounts, credentials, and the (tiny) mutable state.

Everything is derived from a seed.  A world has a main account and N subaccounts
(by default one of them "suspended" and one "closed", as Twilio reports them in
``Accounts.json``), each with its own auth token.  API keys (``SK...`` + secret): the
main account owns a Standard key and a Main key, every subaccount a Standard key
(https://www.twilio.com/docs/iam/api-keys: "Main: Full access to all Twilio API
resources. Equivalent to using your Account SID and Auth Token"; "Standard: Access to
all Twilio API resources, except for API key and Account resources").

Records are not stored.  Per account the state is a handful of ``Timeline`` objects
(how many records a stream has and when each was created) and ``SettleLog`` objects
(which of the newest messages / calls are still open).  ``advance`` produces a new
immutable ``WorldState``; request handlers take one snapshot and use it throughout.
"""
from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass, field

from .ids import SidCodec, hex32, mix64, salt_for
from .timefmt import DAY, iso
from .timeline import SettleLog, Timeline

DEFAULT_COUNTS = {
    # 2010 API, per account
    "addresses": 2,
    "applications": 2,
    "incoming_phone_numbers": 3,
    "outgoing_caller_ids": 2,
    "queues": 2,
    "usage_triggers": 2,
    "keys": 1,  # besides the API keys of world.api_keys
    "notifications": 30,
    "recordings": 40,
    "conferences": 10,
    "available_numbers_per_type": 5,
    # v1/v2 products, per account
    "monitor_events": 40,
    "conversations": 6,
    "users": 4,
    "conversation_roles": 3,
    "conversation_services": 1,
    "chat_services": 2,
    "chat_roles_per_service": 3,
    "flows": 3,
    "executions_per_flow": 15,
    "verify_services": 2,
    "verify_attempts": 40,
    "messaging_services": 2,
    "trunks": 1,
    "sinks": 2,
    "subscriptions": 2,
    "call_summary_stride": 5,  # one Voice Insights summary per this many settled calls
    # TaskRouter (World.taskrouter_workspaces): the main account's Workspaces (a subaccount has one, every third none)
    "taskrouter_workspaces": 2,
    "taskrouter_task_queues": 3,  # per Workspace, and so on
    "taskrouter_workflows": 2,
    "taskrouter_workers": 6,
    "taskrouter_tasks": 150,  # created over the history
    "taskrouter_live_tasks": 20,  # created in the last hour: some still waiting, reserved, assigned or wrapping
}

# streams with a per-account timeline (besides messages/calls) and the window they cover
SMALL_TIMELINES = ("notifications", "recordings", "conferences", "verify_attempts", "conversations")
MONITOR_TIMELINES = ("alerts", "monitor_events")
TASKROUTER_TASKS = "taskrouter_tasks"  # timelines "taskrouter_tasks:{w}": the tasks of the account's Workspace w
TASKROUTER_LIVE_SPAN = 60 * 60  # the busy last stretch in which a Workspace's live tasks were created
SETUP_SPAN = 10 * DAY  # configuration objects of an account are created within this long after the account
MIN_RECENT_AGE = 2 * 3600  # a recent or joined subaccount is at least this old (its objects' times stay before now)


# "Historically, Twilio has had a hard-coded four-hour call limit for all Voice calls ... Default Call Limits can be
# extended to 24 hours on a per-account basis" (https://www.twilio.com/en-us/blog/introducing-configurable-call-limits-for-programmable-voice).
CALL_LIMIT = 4 * 3600


@dataclass
class WorldConfig:
    seed: int = 42
    subaccounts: int = 3
    closed: int = 1  # how many subaccounts are closed (the last ones)
    suspended: int = 1  # how many are suspended (just before the closed ones)
    now: int | None = None  # epoch seconds; default: current time, floored to the minute
    history_days: int = 90
    messages_per_account: int = 2000
    calls_per_account: int = 1000
    alerts_per_account: int = 200
    alerts_by_account: dict = field(default_factory=dict)  # {account idx: alerts}, overrides alerts_per_account
    # dense bursts of alerts: [{"account": idx, "count": n, "days_ago": d, "hours": h}] puts n alerts of account idx in
    # [now - d days, now - d days + h hours] (h defaults to 24: more than 10,000 alerts within one day)
    alert_bursts: list = field(default_factory=list)
    # subaccounts created recently: {account idx: days before now}; their records all fall after their creation
    recent_subaccounts: dict = field(default_factory=dict)
    open_tail: int = 6  # newest messages/calls that are still queued / ringing / in progress
    monitor_days: float = 29.5  # alerts & monitor events are spread over this many last days
    counts: dict = field(default_factory=dict)

    def count(self, name: str) -> int:
        return int(self.counts.get(name, DEFAULT_COUNTS[name]))

    # fields with no command-line flag of their own; the CLI takes them as one JSON object (--world)
    EXTRA_FIELDS = ("alerts_by_account", "alert_bursts", "recent_subaccounts", "monitor_days")

    def extras(self) -> dict:
        return {k: getattr(self, k) for k in self.EXTRA_FIELDS}

    def set_extras(self, values: dict) -> None:
        for k, v in values.items():
            if k not in self.EXTRA_FIELDS:
                raise ValueError(f"unknown world field {k!r}; known: {self.EXTRA_FIELDS}")
            if k == "alerts_by_account":
                v = {int(a): int(n) for a, n in v.items()}
            if k == "recent_subaccounts":
                v = {int(a): float(d) for a, d in v.items()}
            setattr(self, k, v)


@dataclass
class Account:
    idx: int
    sid: str
    auth_token: str
    friendly_name: str
    status: str  # active | suspended | closed
    owner_sid: str  # main account sid (itself for the main account)
    parent_sid: str | None  # None for the main account
    date_created: int
    date_updated: int
    numbers: list[str]  # the account's incoming phone numbers (E.164)
    customers: list[str]  # external numbers it talks to
    history_start: int = 0  # its dated records (messages, calls, ...) fall after this

    def at(self, offset: float) -> int:
        """Time of a configuration object set up ``offset`` seconds into the account's life.

        Offsets (up to ``SETUP_SPAN``) are squeezed into the time between the account's
        creation and its history (less an hour, for the objects' own later updates), so an
        account created recently still has every object dated before its records and now.
        """
        room = max(0, self.history_start - self.date_created - 3600)
        return self.date_created + int(offset * min(1.0, room / SETUP_SPAN))

    @property
    def readable(self) -> bool:
        return self.status != "closed"

    @property
    def base(self) -> str:
        return "/2010-04-01/Accounts/" + self.sid


@dataclass
class ApiKey:
    sid: str
    secret: str
    account_sid: str
    friendly_name: str
    date_created: int
    type: str = "standard"  # "standard" | "main"

    def describe(self) -> dict:
        return {"sid": self.sid, "secret": self.secret, "account_sid": self.account_sid, "type": self.type,
                "friendly_name": self.friendly_name}


class AccountState:
    """Per-account mutable facts, replaced (never modified) by advance."""

    __slots__ = ("timelines", "settles")

    def __init__(self, timelines: dict[str, Timeline], settles: dict[str, SettleLog]):
        self.timelines = timelines
        self.settles = settles


class WorldState:
    __slots__ = ("version", "now", "now0", "accounts", "advances")

    def __init__(self, version: int, now: int, now0: int, accounts: dict[str, AccountState], advances: int):
        self.version = version
        self.now = now
        self.now0 = now0  # "now" when the world was created
        self.accounts = accounts
        self.advances = advances


def _phone(h: int, area: str) -> str:
    return "+1%s%07d" % (area, 5550000 + h % 10000 if area == "415" else h % 10_000_000)


class World:
    def __init__(self, config: WorldConfig | None = None):
        self.config = cfg = config or WorldConfig()
        now = cfg.now if cfg.now is not None else int(time.time()) // 60 * 60
        self.history_start = now - cfg.history_days * DAY
        self._codecs: dict[tuple, SidCodec] = {}
        self._lock = threading.Lock()
        self.accounts: list[Account] = []
        self.by_sid: dict[str, Account] = {}
        n_total = 1 + cfg.subaccounts
        for idx in range(n_total):
            self._add_account(idx, n_total, now)
        self.api_keys: dict[str, ApiKey] = {}
        for acc in self.accounts:
            self._add_keys(acc)
        self.api_key = self.key_of(self.main.sid, "standard")  # the main account's Standard key
        self.state = WorldState(1, now, now, {a.sid: self._initial_state(a, now) for a in self.accounts if a.readable}, 0)

    # ------------------------------------------------------------------ identity
    def codec(self, prefix: str, stream: str, *labels) -> SidCodec:
        key = (prefix, stream, labels)
        c = self._codecs.get(key)
        if c is None:
            c = self._codecs[key] = SidCodec(prefix, self.config.seed, stream, *labels)
        return c

    def _add_account(self, idx: int, n_total: int, now: int) -> None:
        cfg = self.config
        if idx == 0:
            status, name = "active", "Emulator Main Account"
        else:
            from_end = n_total - idx  # 1 = last subaccount
            if from_end <= cfg.closed:
                status = "closed"
            elif from_end <= cfg.closed + cfg.suspended:
                status = "suspended"
            else:
                status = "active"
            name = f"Emulator Subaccount {idx}"
        recent = {int(k): float(v) for k, v in cfg.recent_subaccounts.items()}
        if idx and idx in recent:  # created recently: objects first, records in the last 90% of its life
            created = now - max(MIN_RECENT_AGE, int(recent[idx] * DAY))
            history = created + (now - created) // 10
        else:
            # before the history: 60 days for the main account, then a day (from the 60th on: a minute) later each
            created = self.history_start - ((60 - idx) * DAY + idx * 3600 if idx < 60 else 2 * DAY - (idx - 60) * 60)
            history = self.history_start
        self._new_account(idx, status, name, created, history, now)

    def _new_account(self, idx: int, status: str, name: str, created: int, history: int, now: int) -> "Account":
        cfg = self.config
        sid = self.codec("AC", "account").sid(idx)
        h = salt_for(cfg.seed, "numbers", idx)
        numbers = [_phone(mix64(h + k) + idx * 10 + k, "415") for k in range(self.config.count("incoming_phone_numbers"))]
        numbers = list(dict.fromkeys(numbers))
        customers = [_phone(mix64(h ^ (k + 1000)), ("212", "646", "305", "312", "206", "512")[k % 6]) for k in range(40)]
        acc = Account(
            idx=idx,
            sid=sid,
            auth_token=hex32(cfg.seed, "auth-token", idx),
            friendly_name=name,
            status=status,
            owner_sid=self.accounts[0].sid if idx else sid,
            parent_sid=self.accounts[0].sid if idx else None,
            date_created=created,
            date_updated=min(now, max(created, created + 2 * DAY if status == "active" else now - 5 * DAY)),
            numbers=numbers,
            customers=customers,
            history_start=history,
        )
        # copy on write: request threads iterate these while a control call adds a subaccount
        self.accounts = self.accounts + [acc]
        self.by_sid = {**self.by_sid, sid: acc}
        return acc

    def _add_keys(self, acc: Account) -> None:
        """A Standard key per account; the main account also has a Main key."""
        kinds = ("standard", "main") if acc.idx == 0 else ("standard",)
        for j, kind in enumerate(kinds):
            # the main account's Standard key keeps the SID and secret it had before keys were per account
            secret = hex32(self.config.seed, "apikey-secret") if acc.idx == 0 and j == 0 else \
                hex32(self.config.seed, "apikey-secret", acc.idx, kind)
            key = ApiKey(sid=self.codec("SK", "apikey", acc.idx).sid(j), secret=secret, account_sid=acc.sid,
                         friendly_name=f"emulator {kind} key", date_created=acc.at(DAY + j * 60), type=kind)
            self.api_keys = {**self.api_keys, key.sid: key}

    def key_of(self, account_sid: str, kind: str = "standard") -> ApiKey | None:
        return next((k for k in self.api_keys.values() if k.account_sid == account_sid and k.type == kind), None)

    def keys_of(self, account_sid: str) -> list[ApiKey]:
        return [k for k in self.api_keys.values() if k.account_sid == account_sid]

    @property
    def main(self) -> Account:
        return self.accounts[0]

    def subaccounts_of(self, acc: Account) -> list[Account]:
        return [a for a in self.accounts if a.parent_sid == acc.sid]

    # ------------------------------------------------------------------ state
    def _salt(self, acc: Account, stream: str) -> int:
        return salt_for(self.config.seed, "timeline", stream, acc.idx)

    def _initial_state(self, acc: Account, now: int, sizes: dict | None = None) -> AccountState:
        """Timelines of an account's dated streams over [its history start, now]; ``sizes`` overrides counts."""
        cfg = self.config
        sizes = sizes or {}
        start = acc.history_start

        def size(name: str, default: int) -> int:
            return int(sizes.get(name, default))

        tl = {
            "messages": Timeline.spread(size("messages", cfg.messages_per_account), start, now, self._salt(acc, "messages")),
            "calls": Timeline.spread(size("calls", cfg.calls_per_account), start, now, self._salt(acc, "calls")),
        }
        mon_start = max(start, now - int(cfg.monitor_days * DAY))
        tl["alerts"] = self._alerts_timeline(acc, mon_start, now, sizes.get("alerts"))
        tl["monitor_events"] = Timeline.spread(size("monitor_events", cfg.count("monitor_events")), mon_start, now,
                                               self._salt(acc, "monitor_events"))
        for name in SMALL_TIMELINES:
            tl[name] = Timeline.spread(size(name, cfg.count(name)), start, max(start, now - 600), self._salt(acc, name))
        for f in range(cfg.count("flows")):
            key = f"executions:{f}"
            tl[key] = Timeline.spread(size("executions_per_flow", cfg.count("executions_per_flow")),
                                      min(start + DAY, (start + now) // 2), max(start, now - 60), self._salt(acc, key))
        for w in range(self.taskrouter_workspaces(acc)):
            key = f"{TASKROUTER_TASKS}:{w}"
            history_end = max(start, now - 2 * TASKROUTER_LIVE_SPAN)
            tl[key] = Timeline.from_parts([
                (size("taskrouter_tasks", cfg.count("taskrouter_tasks")), start, history_end),
                (size("taskrouter_live_tasks", cfg.count("taskrouter_live_tasks")),
                 max(history_end, now - TASKROUTER_LIVE_SPAN), max(history_end, now - 60)),
            ], self._salt(acc, key))
        settles = {
            "messages": SettleLog.initial(tl["messages"].n, cfg.open_tail, now),
            # A call is in progress for 4 hours at most (Twilio's default call limit), so only calls created within
            # the last 4 hours can still be open.
            "calls": SettleLog.initial(tl["calls"].n, min(cfg.open_tail, tl["calls"].n - tl["calls"].lower_bound(now - CALL_LIMIT)), now),
        }
        return AccountState(tl, settles)

    def taskrouter_workspaces(self, acc: Account) -> int:
        """How many TaskRouter Workspaces an account has: count("taskrouter_workspaces") for the main account, one for a
        subaccount, none for every third subaccount (not every part of a company runs a contact centre)."""
        if acc.idx % 3 == 2:
            return 0
        return self.config.count("taskrouter_workspaces") if acc.idx == 0 else 1

    def intelligence_services(self, acc: Account) -> int:
        """How many Conversation Intelligence Services an account has: two for the main account, one for a subaccount,
        none for every fourth subaccount (it records calls without transcribing them)."""
        if acc.idx % 4 == 3:
            return 0
        return 2 if acc.idx == 0 else 1

    def _alerts_timeline(self, acc: Account, t0: int, now: int, n: int | None = None) -> Timeline:
        """The account's alerts spread over [t0, now], with its bursts (config.alert_bursts) cut into the spread."""
        cfg = self.config
        if n is None:
            n = int({int(k): v for k, v in cfg.alerts_by_account.items()}.get(acc.idx, cfg.alerts_per_account))
        bursts = []
        for b in cfg.alert_bursts:
            if int(b.get("account", 0)) == acc.idx:
                b0 = now - int(float(b.get("days_ago", 1)) * DAY)
                bursts.append((int(b["count"]), max(t0, b0), min(now, b0 + int(float(b.get("hours", 24)) * 3600))))
        bursts.sort(key=lambda x: x[1])
        gaps, cur = [], t0
        for _, b0, b1 in bursts:
            gaps.append((cur, max(cur, b0)))
            cur = max(cur, b1)
        gaps.append((cur, max(cur, now)))
        span = sum(g1 - g0 for g0, g1 in gaps) or 1
        parts, given = [], 0
        for k, (g0, g1) in enumerate(gaps):  # the ordinary alerts, shared among the gaps between bursts
            m = n - given if k == len(gaps) - 1 else n * (g1 - g0) // span
            given += m
            parts.append((m, g0, g1))
        return Timeline.from_parts(parts + bursts, self._salt(acc, "alerts"))

    def add_subaccount(self, minutes_ago: float = 24 * 60, friendly_name: str | None = None, status: str = "active",
                       messages: int = 0, calls: int = 0, alerts: int = 0, small: int | None = None) -> Account:
        """A subaccount joins the world now (control call POST /__emulator/subaccounts).

        It was created ``minutes_ago`` before now (at least two hours) and gets its own
        auth token and Standard API key; its dated records (``messages``, ``calls``,
        ``alerts``, and ``small`` of every other dated stream -- default none) fall in the
        last 90% of its life.  Later ``advance`` calls add records to it like to any other.
        """
        if status not in ("active", "suspended", "closed"):
            raise ValueError(f"status must be active, suspended or closed, not {status!r}")
        with self._lock:
            old = self.state
            now = old.now
            idx = len(self.accounts)
            created = now - max(MIN_RECENT_AGE, int(float(minutes_ago) * 60))
            acc = self._new_account(idx, status, friendly_name or f"Emulator Subaccount {idx}", created,
                                    created + (now - created) // 10, now)
            self._add_keys(acc)
            accounts = dict(old.accounts)
            if acc.readable:
                k = 0 if small is None else int(small)
                sizes = {"messages": messages, "calls": calls, "alerts": alerts, "monitor_events": k,
                         "executions_per_flow": k, "taskrouter_tasks": k, "taskrouter_live_tasks": k,
                         **{name: k for name in SMALL_TIMELINES}}
                accounts[acc.sid] = self._initial_state(acc, now, sizes)
            self.state = WorldState(old.version + 1, now, old.now0, accounts, old.advances)
            return acc

    def advance(self, minutes: float, new_per_account: int = 0, new_small: int | None = None) -> WorldState:
        """Move "now" forward; append records; complete the records that were open.

        Messages and calls get ``new_per_account`` new records created in
        (old now, new now]; alerts get a tenth of that, the other dated streams
        ``new_small`` (default: a fiftieth, at least one when anything is added).
        Messages that were queued/accepted become delivered (``date_sent`` after the
        old now), ringing / in-progress calls complete (``end_time`` after the old
        now, price filled in); the newest ``open_tail`` new records are open.
        """
        with self._lock:
            old = self.state
            t_prev = old.now
            t_now = t_prev + max(0, int(minutes * 60))
            k = max(0, int(new_per_account))
            k_alerts = max(1, k // 10) if k else 0
            k_small = (max(1, k // 50) if k else 0) if new_small is None else int(new_small)
            lo = min(t_prev + 1, t_now)
            accounts = {}
            for sid, st in old.accounts.items():
                tl = dict(st.timelines)
                settles = dict(st.settles)
                for name in ("messages", "calls"):
                    n_old = tl[name].n
                    tl[name] = tl[name].appended(k, lo, t_now)
                    settles[name] = settles[name].advanced(n_old, tl[name].n, self.config.open_tail, t_prev, t_now)
                for name in MONITOR_TIMELINES:
                    tl[name] = tl[name].appended(k_alerts if name == "alerts" else k_small, lo, t_now)
                for name in SMALL_TIMELINES + ("executions:0",) + tuple(n for n in tl if n.startswith(TASKROUTER_TASKS)):
                    if name in tl:
                        tl[name] = tl[name].appended(k_small, lo, max(lo, t_now - 60))
                accounts[sid] = AccountState(tl, settles)
            self.state = WorldState(old.version + 1, t_now, old.now0, accounts, old.advances + 1)
            return self.state

    # ------------------------------------------------------------------ reporting
    @staticmethod
    def _describe_account(a: Account, st: AccountState | None) -> dict:
        return {
            "sid": a.sid,
            "auth_token": a.auth_token,
            "friendly_name": a.friendly_name,
            "status": a.status,
            "parent_sid": a.parent_sid,
            "is_main": a.idx == 0,
            "date_created": iso(a.date_created),
            "history_start": iso(a.history_start),  # its dated records fall after this
            "phone_numbers": a.numbers,
            # records per dated stream ("executions:F" = executions of flow F)
            "counts": {name: tl.n for name, tl in st.timelines.items()} if st else {},
            # newest records still open (queued messages, unfinished calls)
            "open": {name: st.timelines[name].n - log.settled_upto for name, log in st.settles.items()} if st else {},
        }

    def describe(self) -> dict:
        st = self.state
        return {
            "seed": self.config.seed,
            "now": iso(st.now),
            "now_epoch": st.now,
            "created_now": iso(st.now0),
            "history_start": iso(self.history_start),
            "version": st.version,
            "advances": st.advances,
            "main_account_sid": self.main.sid,
            "accounts": [self._describe_account(a, st.accounts.get(a.sid)) for a in self.accounts],
            # every API key: the main account's Standard and Main keys, each subaccount's Standard key
            "api_keys": [k.describe() for k in self.api_keys.values()],
            "api_key": self.api_key.describe(),  # the main account's Standard key (kept for older callers)
            "closed_account_sids": [a.sid for a in self.accounts if a.status == "closed"],
            # accounts whose 2010-04-01 resources the main account reads (every account that is not closed)
            "readable_account_sids": [a.sid for a in self.accounts if a.readable],
            # accounts whose own credentials work, so whose product-host data (monitor, conversations, ...) is readable
            "active_account_sids": [a.sid for a in self.accounts if a.status == "active"],
            "config": dict(asdict(self.config), alerts_by_account={str(k): v for k, v in self.config.alerts_by_account.items()},
                           recent_subaccounts={str(k): v for k, v in self.config.recent_subaccounts.items()}),
        }
