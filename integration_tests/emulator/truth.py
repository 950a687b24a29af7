"""What a correct sync must return: the primary keys of every record of a stream.

``truth(world, catalog, stream)`` walks the same collections the HTTP endpoints
serve, for every account whose records of that stream can be read, and returns
``{"stream", "count", "keys": [{pk...}], ...}``:

* 2010-04-01 streams: every account that is not closed (the main account reads its
  subaccounts there; a suspended one only while knob suspended_subaccount_reads is
  "readable");
* product-host streams (monitor, conversations, studio, ...): active accounts only --
  they need the account's own credentials, which a suspended or closed account lacks;
* ``accounts``: every account, closed ones included (``Accounts.json`` lists them);
* global catalogues (event types, pricing): once.

With ``since`` (ISO date/time) only records whose cursor field (catalog.STREAM_KEYS) is on or
after it are listed; records whose cursor is still null (queued messages, calls not
ended) are returned separately as ``open_keys`` -- an incremental sync finds those
only through the open-status queries.

Alerts and Monitor events are limited to their retention window (last 30 days by
default), Messages and their media to 400 days, Studio executions and their steps to 30
days, TaskRouter events to 30 days, because that is all the API will ever return. TaskRouter
tasks and their reservations are those Twilio still holds (a finished task for five minutes).
"""
from __future__ import annotations

from .catalog import (
    GLOBAL_STREAMS,
    KEY_ATTR,
    STREAM_KEYS,
    STUDIO_RETENTION_DAYS,
    Catalog,
    Ctx,
)
from .products.taskrouter_tasks import EVENTS_RETENTION_DAYS as TASKROUTER_EVENTS_RETENTION_DAYS
from .routes import ROUTES
from .timefmt import DAY, iso, parse_when
from .world import World

# streams the API shows only for a while: the attribute that ages out (Monitor: 30 days; Messages and their
# media: 400 days, knob messages_retention_days)
RETENTION_ATTR = {"alerts": "date_generated", "monitor_events": "event_date", "messages": "date_created",
                  "message_media": "date_created", "executions": "date_created", "taskrouter_events": "event_date",
                  "intelligence_transcripts": "date_created"}
STREAM_PRODUCT = {}
for _r in ROUTES:
    STREAM_PRODUCT.setdefault(_r.stream, _r.product)


class UnknownStream(KeyError):
    pass


def readable_accounts(world: World, stream: str, suspended_readable: bool = True) -> list:
    """The accounts whose records of ``stream`` a sync can read (see the module docstring)."""
    if stream in GLOBAL_STREAMS:
        return [None]
    if stream == "accounts":
        return list(world.accounts)
    if STREAM_PRODUCT[stream] == "api":
        return [a for a in world.accounts if a.status == "active" or (a.status == "suspended" and suspended_readable)]
    return [a for a in world.accounts if a.status == "active"]


def truth(world: World, cat: Catalog, stream: str, since: str | None = None, cursor: str | None = None,
          keys: bool = True, retention_days: int = 30, account: str | None = None,
          suspended_readable: bool = True, messages_retention_days: int = 400) -> dict:
    """Expected keys of ``stream``; ``account`` limits it to one account's records."""
    if stream not in STREAM_KEYS:
        raise UnknownStream(stream)
    pk, default_cursor = STREAM_KEYS[stream]
    cursor = cursor or default_cursor
    state = world.state
    since_t = parse_when(since)[0] if since else None
    attr_for = [KEY_ATTR.get((stream, f), f) for f in pk]
    out: list[dict] = []
    open_keys: list[dict] = []
    partial_keys: list[dict] = []  # Voice Insights summaries still "partial" (complete 30 minutes after the call)
    count = 0
    seen: set = set()
    days = (messages_retention_days if stream in ("messages", "message_media")
            else STUDIO_RETENTION_DAYS if stream == "executions"
            else TASKROUTER_EVENTS_RETENTION_DAYS if stream == "taskrouter_events"
            else int(cat.knobs.intelligence_retention_days) if stream == "intelligence_transcripts" else retention_days)
    floor = state.now - days * DAY if stream in RETENTION_ATTR and days else None

    accounts = readable_accounts(world, stream, suspended_readable)
    if account and stream not in GLOBAL_STREAMS:
        accounts = [a for a in accounts if a.sid == account]

    for acc in accounts:
        ctx = Ctx(world, state, acc)
        if stream in ("account_balance", "accounts"):  # one record per account
            count += 1
            if keys:
                out.append({pk[0]: acc.sid})
            continue
        for coll in cat.walk(stream, ctx):
            for i in range(len(coll)):
                a = coll.attrs(i)
                if floor is not None and a[RETENTION_ATTR[stream]] < floor:
                    continue
                key = tuple(a[f] for f in attr_for)
                if key in seen:
                    continue
                seen.add(key)
                if since_t is not None and cursor:
                    v = a.get(cursor)
                    if v is None:
                        if keys:
                            open_keys.append(dict(zip(pk, key)))
                        continue
                    if v < since_t:
                        continue
                count += 1
                if keys:
                    out.append(dict(zip(pk, key)))
                if a.get("processing_state") == "partial":
                    partial_keys.append(dict(zip(pk, key)))
    result = {
        "stream": stream,
        "primary_key": list(pk),
        "cursor_field": cursor,
        "since": since,
        "account": account,
        "now": iso(state.now),
        "version": state.version,
        "count": count,
    }
    if keys:
        result["keys"] = out
    if stream == "call_summaries":
        result["partial_count"] = len(partial_keys)
        result["complete_count"] = count - len(partial_keys)
        if keys:
            result["partial_keys"] = partial_keys
    if since_t is not None:
        result["open_count"] = len(open_keys) if keys else None
        if keys:
            result["open_keys"] = open_keys
    return result
