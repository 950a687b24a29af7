"""Builds the collection behind every stream for one account and one world snapshot.

``Catalog.build(stream, ctx, parent=...)`` returns the Collection a list endpoint
serves (or None: unknown parent -> 404); ``Catalog.walk(stream, ctx)`` yields every
collection of a stream for an account -- one for top-level streams, one per parent
for sub-resources -- and is what the truth endpoint enumerates.

Stream names are the connector's stream names.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from . import api2010 as A
from . import products as P
from .listing import Collection, ListCollection, TimelineCollection
from .products import intelligence as CI
from .products import taskrouter as TR
from .products import taskrouter_tasks as TT
from .timefmt import DAY
from .world import TASKROUTER_TASKS, Account, World, WorldState

# "Studio retains Execution and Step data for 30 days after an Execution starts ... After the data expires, it's
# unavailable through the Studio REST API" (https://www.twilio.com/docs/studio/user-guide#data-retention-in-studio).
STUDIO_RETENTION_DAYS = 30


def expired_execution(execs, e: int, now: int) -> bool:
    """An execution Studio no longer serves (nor its steps)."""
    return execs.attrs(e)["date_created"] < now - STUDIO_RETENTION_DAYS * DAY


@dataclass
class Ctx:
    """What a request (or a truth computation) is looking at."""

    world: World
    state: WorldState
    acc: Account | None  # the account read (None for global catalogues)

    @property
    def now(self) -> int:
        return self.state.now

    @property
    def ast(self):
        return self.state.accounts[self.acc.sid]


# primary key fields (as the connector declares them), the attr holding each, and the cursor attr
STREAM_KEYS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "accounts": (("sid",), None),
    "account_balance": (("account_sid",), None),
    "addresses": (("sid",), None),
    "dependent_phone_numbers": (("sid",), None),
    "applications": (("sid",), None),
    "available_phone_number_countries": (("account_sid", "country_code"), None),
    "available_phone_numbers_local": (("account_sid", "iso_country", "phone_number"), None),
    "available_phone_numbers_mobile": (("account_sid", "iso_country", "phone_number"), None),
    "available_phone_numbers_toll_free": (("account_sid", "iso_country", "phone_number"), None),
    "calls": (("sid",), "end_time"),
    "conferences": (("sid",), "date_created"),
    "conference_participants": (("conference_sid", "call_sid"), None),
    "incoming_phone_numbers": (("sid",), None),
    "keys": (("sid",), None),
    "messages": (("sid",), "date_sent"),
    "message_media": (("sid",), "date_created"),
    "notifications": (("sid",), "message_date"),
    "outgoing_caller_ids": (("sid",), None),
    "queues": (("sid",), None),
    "recordings": (("sid",), "date_created"),
    "transcriptions": (("sid",), None),
    "usage_records": (("account_sid", "category", "start_date"), "start_date"),
    "usage_triggers": (("sid",), None),
    "alerts": (("sid",), "date_generated"),
    "monitor_events": (("sid",), "event_date"),
    "conversations": (("sid",), "date_updated"),
    "conversation_messages": (("sid",), None),
    "conversation_participants": (("sid",), None),
    "users": (("sid",), None),
    "user_conversations": (("user_sid", "conversation_sid"), None),
    "conversation_services": (("sid",), None),
    "conversation_roles": (("sid",), None),
    "services": (("sid",), None),
    "roles": (("sid",), None),
    "flows": (("sid",), None),
    "executions": (("sid",), "date_created"),
    "step": (("sid",), None),
    "verify_services": (("sid",), None),
    "verify_attempts": (("sid",), "date_created"),
    "messaging_services": (("sid",), None),
    "trunks": (("sid",), None),
    "event_types": (("type",), None),
    "sinks": (("sid",), None),
    "subscriptions": (("sid",), None),
    "call_summaries": (("call_sid",), "start_time"),
    "pricing_messaging_countries": (("iso_country",), None),
    "pricing_voice_countries": (("iso_country",), None),
    "taskrouter_workspaces": (("sid",), None),
    "taskrouter_activities": (("sid",), None),
    "taskrouter_task_channels": (("sid",), None),
    "taskrouter_task_queues": (("sid",), None),
    "taskrouter_workflows": (("sid",), None),
    "taskrouter_workers": (("sid",), "date_updated"),
    "taskrouter_tasks": (("sid",), "date_updated"),
    "taskrouter_reservations": (("sid",), "date_updated"),
    "taskrouter_events": (("sid",), "event_date"),
    "intelligence_services": (("sid",), None),
    "intelligence_transcripts": (("sid",), "date_created"),
    "intelligence_sentences": (("transcript_sid", "sentence_index"), None),
    "intelligence_operator_results": (("transcript_sid", "operator_sid"), None),
    "intelligence_operators": (("sid",), None),
    "intelligence_operator_types": (("sid",), None),
}
GLOBAL_STREAMS = {"event_types", "pricing_messaging_countries", "pricing_voice_countries", "intelligence_operator_types"}
TRANSCRIPT_CHILDREN = ("intelligence_sentences", "intelligence_operator_results")
KEY_ATTR = {("usage_records", "start_date"): "start_date_str"}  # key value differs from cursor attr
# A Workspace's configuration lists: stream -> the builder of its items
WORKSPACE_LISTS = {"taskrouter_activities": ("activities", TR.activity_items),
                   "taskrouter_task_channels": ("channels", TR.task_channel_items),
                   "taskrouter_task_queues": ("task_queues", TR.task_queue_items),
                   "taskrouter_workflows": ("workflows", TR.workflow_items)}
WORKSPACE_CHILDREN = (*WORKSPACE_LISTS, "taskrouter_workers", "taskrouter_tasks", "taskrouter_events")
AVAILABLE_KIND = {"available_phone_numbers_local": "local", "available_phone_numbers_mobile": "mobile",
                  "available_phone_numbers_toll_free": "toll_free"}


class Catalog:
    def __init__(self, world: World, knobs=None):
        from .control import Knobs

        self.world = world
        self.knobs = knobs if knobs is not None else Knobs()  # the readings some collections depend on (Intelligence)
        self._cc: dict[str, A.AccountCodecs] = {}
        self._pc: dict[str, P.ProductCodecs] = {}
        self._static: dict[tuple, list] = {}  # configuration objects never change: built once
        self._stories: dict[tuple, tuple] = {}  # (account, workspace) -> (tasks in its timeline, their stories)
        self._events: dict[tuple, tuple] = {}  # (account, workspace) -> (world version, its event log's entries)

    # ------------------------------------------------------------------ per-account constants
    def cc(self, acc: Account) -> A.AccountCodecs:
        c = self._cc.get(acc.sid)
        if c is None:
            c = self._cc[acc.sid] = A.AccountCodecs(self.world, acc)
        return c

    def pc(self, acc: Account) -> P.ProductCodecs:
        c = self._pc.get(acc.sid)
        if c is None:
            c = self._pc[acc.sid] = P.ProductCodecs(self.world, acc)
        return c

    def _cached(self, stream: str, acc: Account | None, make) -> list:
        key = (stream, acc.sid if acc else None)
        v = self._static.get(key)
        if v is None:
            v = self._static[key] = make()
        return v

    def _count(self, name: str) -> int:
        return self.world.config.count(name)

    # ------------------------------------------------------------------ big streams
    def messages(self, ctx: Ctx) -> A.MessagesCollection:
        st = ctx.ast
        return A.MessagesCollection(self.cc(ctx.acc), st.timelines["messages"], st.settles["messages"])

    def calls(self, ctx: Ctx) -> A.CallsCollection:
        st = ctx.ast
        return A.CallsCollection(self.cc(ctx.acc), st.timelines["calls"], st.settles["calls"], ctx.now)

    def _conferences(self, ctx: Ctx):
        return A.conferences_collection(self.cc(ctx.acc), ctx.ast.timelines["conferences"], ctx.now)

    def _conversations(self, ctx: Ctx):
        return P.conversations_collection(self.world, self.pc(ctx.acc), ctx.ast.timelines["conversations"], ctx.now)

    def _incoming(self, acc: Account) -> list:
        return self._cached("incoming_phone_numbers", acc, lambda: A.incoming_numbers(self.cc(acc), self._count("addresses")))

    # ------------------------------------------------------------------ build one collection
    def build(self, stream: str, ctx: Ctx, parent: str | None = None, extra: dict | None = None) -> Collection | None:
        """The collection behind ``stream`` for ctx.acc (``parent``: SID in the URL)."""
        acc = ctx.acc
        w = self.world
        extra = extra or {}
        if stream == "messages":
            return self.messages(ctx)
        if stream == "calls":
            return self.calls(ctx)
        if stream == "message_media":
            msgs = self.messages(ctx)
            i = msgs.cc.message.index(parent or "")
            if i is None or i >= len(msgs):
                return None
            return A.media_collection(msgs, i)
        if stream == "conferences":
            return self._conferences(ctx)
        if stream == "conference_participants":
            conf = self._conferences(ctx)
            j = self.cc(acc).conference.index(parent or "")
            if j is None or j >= len(conf):
                return None
            return A.participants_collection(self.cc(acc), conf, j, self.calls(ctx))
        if stream == "recordings":
            return A.recordings_collection(self.cc(acc), ctx.ast.timelines["recordings"], self.calls(ctx),
                                           ctx.ast.timelines["conferences"])
        if stream == "transcriptions":
            return A.transcriptions_collection(self.cc(acc), ctx.ast.timelines["recordings"])
        if stream == "notifications":
            return A.notifications_collection(self.cc(acc), ctx.ast.timelines["notifications"], self.calls(ctx))
        if stream == "usage_records":
            return A.UsageCollection(self.cc(acc), acc.history_start - acc.history_start % DAY, ctx.now)
        if stream == "accounts":
            return A.accounts_list(w, extra.get("accounts", w.accounts))
        if stream == "addresses":
            return ListCollection("addresses", self._cached(stream, acc, lambda: A.addresses(self.cc(acc), self._count("addresses"))))
        if stream == "dependent_phone_numbers":
            cc = self.cc(acc)
            k = cc.address.index(parent or "")
            if k is None or k >= self._count("addresses"):
                return None
            return ListCollection("dependent_phone_numbers", A.dependent_numbers(cc, self._incoming(acc), parent))
        if stream == "incoming_phone_numbers":
            return ListCollection("incoming_phone_numbers", self._incoming(acc))
        if stream == "applications":
            return ListCollection("applications", self._cached(stream, acc, lambda: A.applications(self.cc(acc), self._count("applications"))))
        if stream == "outgoing_caller_ids":
            return ListCollection("outgoing_caller_ids", self._cached(stream, acc, lambda: A.outgoing_caller_ids(self.cc(acc), self._count("outgoing_caller_ids"))))
        if stream == "queues":
            return ListCollection("queues", self._cached(stream, acc, lambda: A.queues(self.cc(acc), self._count("queues"))))
        if stream == "usage_triggers":
            return ListCollection("usage_triggers", self._cached(stream, acc, lambda: A.usage_triggers(self.cc(acc), self._count("usage_triggers"))))
        if stream == "keys":
            return ListCollection("keys", self._cached(stream, acc, lambda: A.keys(self.cc(acc), w, self._count("keys"))))
        if stream in AVAILABLE_KIND:
            nums = A.available_numbers(w.config.seed, acc, parent or "", AVAILABLE_KIND[stream], self._count("available_numbers_per_type"))
            if nums is None:
                return None
            return ListCollection("available_phone_numbers",
                                  [(n, {"account_sid": acc.sid, "iso_country": n["iso_country"], "phone_number": n["phone_number"]}) for n in nums])
        if stream == "available_phone_number_countries":
            return ListCollection("countries", [(c, {"account_sid": acc.sid, "country_code": c["country_code"]})
                                                for c in A.available_countries(acc)])
        # ---- v1 / v2 products
        pc = self.pc(acc) if acc is not None else None
        if stream == "alerts":
            return P.alerts_collection(pc, self.cc(acc), ctx.ast.timelines["alerts"])
        if stream == "monitor_events":
            return P.monitor_events_collection(pc, ctx.ast.timelines["monitor_events"])
        if stream == "conversations":
            return self._conversations(ctx)
        if stream in ("conversation_messages", "conversation_participants"):
            conv = self._conversations(ctx)
            c = pc.conversation.index(parent or "")
            if c is None or c >= len(conv):
                return None
            fn = P.conversation_messages if stream == "conversation_messages" else P.conversation_participants
            return fn(w, pc, conv, c, ctx.now)
        if stream == "users":
            return ListCollection("users", self._cached(stream, acc, lambda: P.users(w, pc)))
        if stream == "user_conversations":
            u = pc.user.index(parent or "")
            if u is None or u >= self._count("users"):
                return None
            return P.user_conversations(w, pc, self._conversations(ctx), u, ctx.now)
        if stream == "conversation_services":
            return ListCollection("services", self._cached(stream, acc, lambda: P.conversation_services(w, pc)))
        if stream == "conversation_roles":
            return ListCollection("roles", self._cached(stream, acc, lambda: P.conversation_roles(w, pc)))
        if stream == "services":
            return ListCollection("services", self._cached(stream, acc, lambda: P.chat_services(w, pc)))
        if stream == "roles":
            k = pc.chat_service.index(parent or "")
            if k is None or k >= self._count("chat_services"):
                return None
            return P.chat_roles(w, pc, k)
        if stream == "flows":
            return ListCollection("flows", self._cached(stream, acc, lambda: P.flows(w, pc)))
        if stream in ("executions", "step"):
            f = pc.flow.index(parent or "")
            if f is None or f >= self._count("flows"):
                return None
            execs = P.executions_collection(pc, f, ctx.ast.timelines[f"executions:{f}"], ctx.now)
            if stream == "executions":
                return execs
            idx = pc.execution.index(extra.get("execution", ""))
            e = None if idx is None else idx - f * 1_000_000
            if e is None or not 0 <= e < len(execs) or expired_execution(execs, e, ctx.now):
                return None
            return P.steps(pc, f, execs, e)
        if stream == "verify_services":
            return ListCollection("services", self._cached(stream, acc, lambda: P.verify_services(w, pc)))
        if stream == "verify_attempts":
            return P.verify_attempts_collection(w, pc, ctx.ast.timelines["verify_attempts"])
        if stream == "messaging_services":
            return ListCollection("services", self._cached(stream, acc, lambda: P.messaging_services(w, pc)))
        if stream == "trunks":
            return ListCollection("trunks", self._cached(stream, acc, lambda: P.trunks(w, pc)))
        if stream == "sinks":
            return ListCollection("sinks", self._cached(stream, acc, lambda: P.sinks(w, pc)))
        if stream == "subscriptions":
            return ListCollection("subscriptions", self._cached(stream, acc, lambda: P.subscriptions(w, pc)))
        if stream == "call_summaries":
            return P.SummariesCollection(pc, self.calls(ctx), self._count("call_summary_stride"), ctx.now)
        if stream.startswith("taskrouter_"):
            return self._taskrouter(stream, ctx, parent, extra)
        if stream.startswith("intelligence_"):
            return self._intelligence(stream, ctx, parent, extra)
        if stream == "event_types":
            return ListCollection("types", self._cached(stream, None, P.event_types))
        if stream == "pricing_messaging_countries":
            return ListCollection("countries", self._cached(stream, None, lambda: P.pricing_list("messaging")))
        if stream == "pricing_voice_countries":
            return ListCollection("countries", self._cached(stream, None, lambda: P.pricing_list("voice")))
        raise KeyError(stream)

    # ------------------------------------------------------------------ TaskRouter
    def workspaces(self, acc: Account) -> list:
        return self._cached("taskrouter_workspaces", acc, lambda: TR.workspaces(self.world, self.pc(acc)))

    def workspace(self, acc: Account, sid: str | None):
        return next((ws for ws in self.workspaces(acc) if ws.sid == sid), None)

    def stories(self, ctx: Ctx, ws) -> list:
        """Every task of the Workspace's timeline, as its story (stories never change; advance only appends)."""
        tl = ctx.ast.timelines[f"{TASKROUTER_TASKS}:{ws.w}"]
        key = (ctx.acc.sid, ws.w)
        cached = self._stories.get(key)
        if cached is None or cached[0] != tl.n:
            known = cached[1] if cached else []
            pc = self.pc(ctx.acc)
            made = [TT.story(ws, pc, i, tl.time(i), ctx.acc.customers) for i in range(len(known), tl.n)]
            cached = self._stories[key] = (tl.n, known + made)
        return cached[1]

    def listed_story(self, ctx: Ctx, ws, task_sid: str | None):
        """The story of a task Twilio still holds, by SID; None for a deleted or unknown task."""
        i = TT.index_of_task(self.pc(ctx.acc), ws, task_sid or "")
        stories = self.stories(ctx, ws)
        if i is None or i >= len(stories) or not stories[i].listed_at(ctx.now):
            return None
        return stories[i]

    def event_log(self, ctx: Ctx, ws) -> TT.EventLog:
        key = (ctx.acc.sid, ws.w)
        cached = self._events.get(key)
        if cached is None or cached[0] != ctx.state.version:
            cached = self._events[key] = (ctx.state.version, TT.event_entries(ws, self.pc(ctx.acc), self.stories(ctx, ws), ctx.now))
        return TT.EventLog(cached[1])

    def _taskrouter(self, stream: str, ctx: Ctx, parent: str | None, extra: dict) -> Collection | None:
        """A TaskRouter list: the account's Workspaces, or one Workspace's (`parent`) list; None for an unknown parent."""
        if stream == "taskrouter_workspaces":
            return ListCollection("workspaces", [TR.workspace_item(ws) for ws in self.workspaces(ctx.acc)])
        ws = self.workspace(ctx.acc, parent)
        if ws is None:
            return None
        if stream in WORKSPACE_LISTS:
            key, items = WORKSPACE_LISTS[stream]
            return ListCollection(key, self._cached(f"{stream}:{ws.w}", ctx.acc, lambda: items(ws)))
        if stream == "taskrouter_workers":
            return ListCollection("workers", TR.worker_items(ws, ctx.now))
        if stream == "taskrouter_tasks":
            return TT.tasks_collection(self.stories(ctx, ws), ctx.now)
        if stream == "taskrouter_reservations":
            story = self.listed_story(ctx, ws, extra.get("task"))
            return None if story is None else ListCollection("reservations", TT.reservation_items(story, ctx.now))
        if stream == "taskrouter_events":
            return self.event_log(ctx, ws)
        raise KeyError(stream)

    def taskrouter_record(self, stream: str, ctx: Ctx, parent: str | None, sid: str | None) -> dict | None:
        """One Task or Worker, as its instance endpoint returns it (attributes included); None when unknown."""
        coll = self.build(stream, ctx, parent)
        if coll is None:
            return None
        return next((item for item, attrs in (coll.record(i) for i in range(len(coll))) if attrs["sid"] == sid), None)

    # ------------------------------------------------------------------ Conversation Intelligence
    def intelligence_services(self, acc: Account) -> list:
        return self._cached("intelligence_services", acc, lambda: CI.services(self.world, acc))

    def transcript(self, ctx: Ctx, j: int):
        recordings = A.recordings_collection(self.cc(ctx.acc), ctx.ast.timelines["recordings"], self.calls(ctx),
                                             ctx.ast.timelines["conferences"])
        return CI.transcript(self.world, ctx.acc, self.intelligence_services(ctx.acc), recordings, j)

    def transcripts(self, ctx: Ctx) -> Collection:
        """One transcript per recording of an account with a Service, created 30 s after it (products/intelligence.py)."""
        if not self.intelligence_services(ctx.acc):
            return ListCollection("transcripts", [], times=[])
        return TimelineCollection("transcripts", ctx.ast.timelines["recordings"],
                                  lambda j, t: CI.transcript_item(self.transcript(ctx, j), ctx.now),
                                  {"date_created": (CI.CREATED_AFTER_RECORDING, CI.CREATED_AFTER_RECORDING),
                                   "media_start_time": (0, 0)}, order="desc")

    def kept_since(self, ctx: Ctx) -> int | None:
        """The oldest transcript Twilio still has (knob intelligence_retention_days: undocumented; 0 keeps them all)."""
        days = int(self.knobs.intelligence_retention_days)
        return ctx.now - days * DAY if days else None

    def listed_transcript(self, ctx: Ctx, sid: str | None):
        """The transcript a child path names, if Twilio still has it; else None."""
        if not self.intelligence_services(ctx.acc):
            return None
        j = self.world.codec("GT", "intelligence_transcripts", ctx.acc.idx).index(sid or "")
        if j is None or j >= ctx.ast.timelines["recordings"].n:
            return None
        t = self.transcript(ctx, j)
        kept = self.kept_since(ctx)
        return None if kept is not None and t.created < kept else t

    def _intelligence(self, stream: str, ctx: Ctx, parent: str | None, extra: dict) -> Collection | None:
        w, acc, query = self.world, ctx.acc, extra.get("query") or {}
        if stream == "intelligence_services":
            return ListCollection("services", CI.service_items(self.intelligence_services(acc)))
        if stream == "intelligence_transcripts":
            return self.transcripts(ctx)
        if stream == "intelligence_operators":
            return ListCollection("operators", CI.operator_items(w, acc, extra.get("operators", "")))
        if stream == "intelligence_operator_types":
            return ListCollection("operator_types", self._cached(stream, None, lambda: CI.operator_type_items(w)))
        t = self.listed_transcript(ctx, parent)
        if t is None:
            return None
        key = "sentences" if stream == "intelligence_sentences" else "operator_results"
        status, _ = t.status_at(ctx.now)
        if status != "completed":
            # what a transcript not completed lists (undocumented; knob intelligence_open_children)
            reading = self.knobs.intelligence_open_children
            if reading == "404" or status == "failed":
                return None
            if reading == "partial" and status == "in-progress" and stream == "intelligence_sentences":
                return ListCollection(key, CI.sentence_items(w, acc, t, query, upto=2))
            return ListCollection(key, [])
        if stream == "intelligence_sentences":
            return ListCollection(key, CI.sentence_items(w, acc, t, query))
        return ListCollection(key, CI.operator_result_items(w, acc, t, query))

    # ------------------------------------------------------------------ enumerate for truth
    def walk(self, stream: str, ctx: Ctx) -> Iterator[Collection]:
        """Every collection of ``stream`` for ctx.acc (sub-resources: one per parent)."""
        acc = ctx.acc
        if stream == "message_media":
            msgs = self.messages(ctx)
            for i in range(len(msgs)):
                if msgs.attrs(i)["num_media"]:
                    yield A.media_collection(msgs, i)
        elif stream == "conference_participants":
            conf = self._conferences(ctx)
            calls = self.calls(ctx)
            for j in range(len(conf)):
                yield A.participants_collection(self.cc(acc), conf, j, calls)
        elif stream == "dependent_phone_numbers":
            cc = self.cc(acc)
            for k in range(self._count("addresses")):
                yield self.build(stream, ctx, cc.address.sid(k))
        elif stream in AVAILABLE_KIND:
            for iso_c, _, types, _ in A.AVAILABLE_COUNTRIES:
                if AVAILABLE_KIND[stream] in types:
                    yield self.build(stream, ctx, iso_c)
        elif stream in ("conversation_messages", "conversation_participants"):
            pc = self.pc(acc)
            for c in range(ctx.ast.timelines["conversations"].n):
                yield self.build(stream, ctx, pc.conversation.sid(c))
        elif stream == "user_conversations":
            pc = self.pc(acc)
            for u in range(self._count("users")):
                yield self.build(stream, ctx, pc.user.sid(u))
        elif stream == "roles":
            pc = self.pc(acc)
            for k in range(self._count("chat_services")):
                yield self.build(stream, ctx, pc.chat_service.sid(k))
        elif stream in WORKSPACE_CHILDREN:
            for ws in self.workspaces(acc):
                yield self.build(stream, ctx, ws.sid)
        elif stream == "taskrouter_reservations":
            for ws in self.workspaces(acc):
                for story in self.stories(ctx, ws):
                    if story.listed_at(ctx.now):
                        yield self.build(stream, ctx, ws.sid, {"task": story.sid})
        elif stream in TRANSCRIPT_CHILDREN:
            transcripts, kept = self.transcripts(ctx), self.kept_since(ctx)
            for j in range(len(transcripts)):
                attrs = transcripts.attrs(j)
                if attrs["status"] == "completed" and (kept is None or attrs["date_created"] >= kept):
                    yield self.build(stream, ctx, attrs["sid"])
        elif stream in ("executions", "step"):
            pc = self.pc(acc)
            for f in range(self._count("flows")):
                fsid = pc.flow.sid(f)
                execs = self.build("executions", ctx, fsid)
                if stream == "executions":
                    yield execs
                else:
                    for e in range(len(execs)):
                        if not expired_execution(execs, e, ctx.now):
                            yield self.build("step", ctx, fsid, {"execution": pc.execution.sid(f * 1_000_000 + e)})
        else:
            yield self.build(stream, ctx)
