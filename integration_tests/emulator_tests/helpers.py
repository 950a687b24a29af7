"""Helpers of the emulator's tests: clients, and a sync the way a connector must read each stream."""
from __future__ import annotations

from email.utils import parsedate_to_datetime
from pathlib import Path

from integration_tests.emulator import Emulator
from integration_tests.emulator.catalog import STREAM_KEYS
from integration_tests.emulator.client import EmulatorClient
from integration_tests.emulator.timefmt import iso, parse_when

NOW = "2024-06-01T12:00:00Z"
NOW_T = parse_when(NOW)[0]
SHAPES = Path(__file__).resolve().parents[2] / "reference" / "twilio-api" / "item_shapes.json"




def t2010(s: str | None) -> int | None:
    return None if s is None else int(parsedate_to_datetime(s).timestamp())


def tiso(s: str | None) -> int | None:
    return None if s is None else parse_when(s)[0]


def client(emu: Emulator, account_sid: str | None = None, password: str | None = None) -> EmulatorClient:
    sid, tok = emu.main_credentials
    return EmulatorClient(emu.url, account_sid or sid, password or tok)


def acc_path(acc: str) -> str:
    return f"/2010-04-01/Accounts/{acc}"


def readable_accounts(emu: Emulator) -> list[str]:
    return emu.world["readable_account_sids"]


# What a connector does per stream: (product, path template, list key, parent stream, parent -> path vars)
TOP = {
    "addresses": ("api", "{A}/Addresses.json", "addresses"),
    "applications": ("api", "{A}/Applications.json", "applications"),
    "calls": ("api", "{A}/Calls.json", "calls"),
    "conferences": ("api", "{A}/Conferences.json", "conferences"),
    "incoming_phone_numbers": ("api", "{A}/IncomingPhoneNumbers.json", "incoming_phone_numbers"),
    "keys": ("api", "{A}/Keys.json", "keys"),
    "messages": ("api", "{A}/Messages.json", "messages"),
    "notifications": ("api", "{A}/Notifications.json", "notifications"),
    "outgoing_caller_ids": ("api", "{A}/OutgoingCallerIds.json", "outgoing_caller_ids"),
    "queues": ("api", "{A}/Queues.json", "queues"),
    "recordings": ("api", "{A}/Recordings.json", "recordings"),
    "transcriptions": ("api", "{A}/Transcriptions.json", "transcriptions"),
    "usage_records": ("api", "{A}/Usage/Records/Daily.json", "usage_records"),
    "usage_triggers": ("api", "{A}/Usage/Triggers.json", "usage_triggers"),
    "alerts": ("monitor", "/v1/Alerts", "alerts"),
    "monitor_events": ("monitor", "/v1/Events", "events"),
    "conversations": ("conversations", "/v1/Conversations", "conversations"),
    "users": ("conversations", "/v1/Users", "users"),
    "conversation_services": ("conversations", "/v1/Services", "services"),
    "conversation_roles": ("conversations", "/v1/Roles", "roles"),
    "services": ("chat", "/v2/Services", "services"),
    "flows": ("studio", "/v2/Flows", "flows"),
    "verify_services": ("verify", "/v2/Services", "services"),
    "verify_attempts": ("verify", "/v2/Attempts", "attempts"),
    "messaging_services": ("messaging", "/v1/Services", "services"),
    "trunks": ("trunking", "/v1/Trunks", "trunks"),
    "event_types": ("events", "/v1/Types", "types"),
    "sinks": ("events", "/v1/Sinks", "sinks"),
    "subscriptions": ("events", "/v1/Subscriptions", "subscriptions"),
    "call_summaries": ("insights", "/v1/Voice/Summaries?StartTime=30d", "call_summaries"),
    "pricing_messaging_countries": ("pricing", "/v1/Messaging/Countries", "countries"),
    "pricing_voice_countries": ("pricing", "/v2/Voice/Countries", "countries"),
    "taskrouter_workspaces": ("taskrouter", "/v1/Workspaces", "workspaces"),
    "intelligence_services": ("intelligence", "/v2/Services", "services"),
    "intelligence_transcripts": ("intelligence", "/v2/Transcripts", "transcripts"),
    # /v2/Operators lists the pre-built operators for every account: they are read once (`sync`), then each account's own
    "intelligence_operators": ("intelligence", "/v2/Operators/Custom", "operators"),
    "intelligence_operator_types": ("intelligence", "/v2/OperatorTypes", "operator_types"),
}
SUB = {
    "dependent_phone_numbers": ("addresses", "api", "{A}/Addresses/{sid}/DependentPhoneNumbers.json", "dependent_phone_numbers"),
    "conference_participants": ("conferences", "api", "{A}/Conferences/{sid}/Participants.json", "participants"),
    "message_media": ("messages", "api", "{A}/Messages/{sid}/Media.json", "media_list"),
    "conversation_messages": ("conversations", "conversations", "/v1/Conversations/{sid}/Messages", "messages"),
    "conversation_participants": ("conversations", "conversations", "/v1/Conversations/{sid}/Participants", "participants"),
    "user_conversations": ("users", "conversations", "/v1/Users/{sid}/Conversations", "conversations"),
    "roles": ("services", "chat", "/v2/Services/{sid}/Roles", "roles"),
    "executions": ("flows", "studio", "/v2/Flows/{sid}/Executions", "executions"),
    "taskrouter_activities": ("taskrouter_workspaces", "taskrouter", "/v1/Workspaces/{sid}/Activities", "activities"),
    "taskrouter_task_channels": ("taskrouter_workspaces", "taskrouter", "/v1/Workspaces/{sid}/TaskChannels", "channels"),
    "taskrouter_task_queues": ("taskrouter_workspaces", "taskrouter", "/v1/Workspaces/{sid}/TaskQueues", "task_queues"),
    "taskrouter_workflows": ("taskrouter_workspaces", "taskrouter", "/v1/Workspaces/{sid}/Workflows", "workflows"),
    "taskrouter_workers": ("taskrouter_workspaces", "taskrouter", "/v1/Workspaces/{sid}/Workers", "workers"),
    "taskrouter_tasks": ("taskrouter_workspaces", "taskrouter", "/v1/Workspaces/{sid}/Tasks", "tasks"),
    # without StartDate, Events cover the last 15 minutes: ask for all 30 days Twilio keeps
    "taskrouter_events": ("taskrouter_workspaces", "taskrouter", "/v1/Workspaces/{sid}/Events?StartDate={kept_since}", "events"),
    "taskrouter_reservations": ("taskrouter_tasks", "taskrouter", "/v1/Workspaces/{ws}/Tasks/{sid}/Reservations", "reservations"),
}
GLOBAL = {"event_types", "pricing_messaging_countries", "pricing_voice_countries", "intelligence_operator_types"}
# Conversation Intelligence: a completed transcript's children (the list key of each)
TRANSCRIPT_CHILDREN = {"intelligence_sentences": "sentences", "intelligence_operator_results": "operator_results"}


def events_kept_since(emu: Emulator) -> str:
    """The oldest moment TaskRouter still keeps events for (30 days before now), plus a second."""
    return iso(parse_when(emu.world["now"])[0] - 30 * 86400 + 1)


def sync(emu: Emulator, stream: str) -> list[dict]:
    """Read a stream the way a connector must: the 2010 API of every readable account with the main
    account's credentials, product hosts with each active account's own credentials, every parent."""
    sid, tok = emu.main_credentials
    main = client(emu)
    out: list[dict] = []
    if stream == "accounts":
        return main.walk("api", "/2010-04-01/Accounts.json", "accounts")
    if stream == "intelligence_operators":
        out += main.walk("intelligence", "/v2/Operators/PreBuilt", "operators")
    product = "studio" if stream == "step" else "intelligence" if stream in TRANSCRIPT_CHILDREN else \
        TOP.get(stream, SUB.get(stream, ("", "")))[1 if stream in SUB else 0]
    if stream in GLOBAL:
        accounts = readable_accounts(emu)[:1]
    elif product not in ("api", ""):
        accounts = emu.world["active_account_sids"]
    else:
        accounts = readable_accounts(emu)
    for acc in accounts:
        # 2010 API: the main account reads every subaccount; product hosts need the account's own credentials
        c = main if acc == sid or product in ("api", "") else EmulatorClient(emu.url, *emu.credentials(acc))
        A = acc_path(acc)
        if stream == "account_balance":
            status, body = c.get(f"/api{A}/Balance.json")
            assert status == 200
            out.append(body)
        elif stream == "available_phone_number_countries":
            status, body = c.get(f"/api{A}/AvailablePhoneNumbers.json")
            assert status == 200 and set(body) == {"countries", "uri"}
            out += [dict(x, account_sid=acc) for x in body["countries"]]
        elif stream.startswith("available_phone_numbers_"):
            kind = stream[len("available_phone_numbers_"):]
            _, body = c.get(f"/api{A}/AvailablePhoneNumbers.json")
            for country in body["countries"]:
                uri = country["subresource_uris"].get(kind)
                if uri:
                    status, nums = c.get("/api" + uri)
                    assert status == 200
                    out += [dict(x, account_sid=acc) for x in nums["available_phone_numbers"]]
        elif stream in TOP:
            product, path, key = TOP[stream]
            out += c.walk(product, path.format(A=A), key)
        elif stream == "taskrouter_reservations":
            for ws in c.walk("taskrouter", "/v1/Workspaces", "workspaces"):
                for task in c.walk("taskrouter", f"/v1/Workspaces/{ws['sid']}/Tasks", "tasks"):
                    out += c.walk("taskrouter", f"/v1/Workspaces/{ws['sid']}/Tasks/{task['sid']}/Reservations", "reservations")
        elif stream in SUB:
            parent, product, path, key = SUB[stream]
            pproduct, ppath, pkey = TOP[parent]
            for p in c.walk(pproduct, ppath.format(A=A), pkey):
                if stream == "message_media" and p["num_media"] == "0":
                    continue
                out += c.walk(product, path.format(A=A, sid=p["sid"], kept_since=events_kept_since(emu)), key)
        elif stream in TRANSCRIPT_CHILDREN:
            key = TRANSCRIPT_CHILDREN[stream]
            for t in c.walk("intelligence", "/v2/Transcripts", "transcripts"):
                if t["status"] == "completed":
                    resource = "Sentences" if key == "sentences" else "OperatorResults"
                    out += [dict(x, transcript_sid=t["sid"]) for x in c.walk("intelligence", f"/v2/Transcripts/{t['sid']}/{resource}", key)]
        elif stream == "step":
            for f in c.walk("studio", "/v2/Flows", "flows"):
                for e in c.walk("studio", f"/v2/Flows/{f['sid']}/Executions", "executions"):
                    out += c.walk("studio", f"/v2/Flows/{f['sid']}/Executions/{e['sid']}/Steps", "steps")
        else:
            raise AssertionError(stream)
    return out


def keys_of(stream: str, items: list[dict]) -> list[tuple]:
    pk = STREAM_KEYS[stream][0]
    return [tuple(it[f] for f in pk) for it in items]
