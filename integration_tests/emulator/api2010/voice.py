"""Calls and the voice records around them: recordings, transcriptions, notifications,
conferences and their participants.

Calls are newest first; the newest ``open_tail`` are queued / ringing (no ``start_time``)
or in progress (no ``end_time``) until ``advance`` completes them.  Failed and canceled
calls never get an ``end_time`` (Twilio leaves it empty when a call "did not complete
successfully"), so no ``EndTime`` filter matches them.
"""
from __future__ import annotations

from ..ids import mix64
from ..listing import ListCollection, TimelineCollection, TimelineIndexed
from ..timefmt import rfc2822 as rfc
from ..timeline import SettleLog, Timeline
from .common import API_VERSION, MSG_BODIES, AccountCodecs

CALL_PRICE_PER_MIN = 0.014
OPEN_CALL_STATUSES = ("queued", "ringing", "in-progress")
SETTLED_CALL_STATUSES = ("completed", "busy", "no-answer", "failed", "canceled")
# Settled, yet without end_time (Twilio documents it empty when a call "did not complete successfully"; busy and
# no-answer calls keep theirs here, so both cases are served).
CALL_STATUSES_WITHOUT_END = ("failed", "canceled")


# =========================================================================== Calls


class CallsCollection(TimelineIndexed):
    """GET /2010-04-01/Accounts/{AC}/Calls.json -- newest first."""

    key = "calls"
    order = "desc"
    lags = {"start_time": (0, 20), "end_time": (0, 1830), "date_created": (0, 0)}

    def __init__(self, cc: AccountCodecs, tl: Timeline, settle: SettleLog, now: int):
        self.cc, self.tl, self.settle, self.now = cc, tl, settle, now
        acc = cc.acc
        self.base = acc.base + "/Calls/"
        self.acc_sid = acc.sid
        self.numbers, self.customers = acc.numbers, acc.customers
        self.feedback_summaries = acc.base + "/Calls/FeedbackSummary.json"

    def narrow(self, ranges, equals):
        lo, hi = super().narrow(ranges, equals)
        for attr in ("start_time", "end_time"):
            if attr in ranges:
                a, b = ranges[attr]
                for r in self.settle.late_ranges():
                    if (b is None or r.t_prev < b) and (a is None or r.t_settle >= a - 1830):
                        lo, hi = (r.lo, r.hi) if lo >= hi else (min(lo, r.lo), max(hi, r.hi))
        status = equals.get("status")
        if status in OPEN_CALL_STATUSES:
            lo = max(lo, self.settle.settled_upto)
        elif status in SETTLED_CALL_STATUSES:
            hi = min(hi, self.settle.settled_upto)
        return lo, hi

    def _core(self, i: int):
        t = self.tl.time(i)
        h = mix64(self.cc.salt_call ^ i)
        info = self.settle.info(i)
        ring = 1 + (h >> 8) % 20
        if info is None:
            status = OPEN_CALL_STATUSES[i % 3]
            start = min(t + ring, self.now) if status == "in-progress" else None
            end = None
            updated = start or t
        else:
            r = (h >> 16) & 0xFF
            status = ("completed" if r < 205 else "busy" if r < 220 else "no-answer" if r < 235
                      else "failed" if r < 245 else "canceled")
            start = t + ring
            if info.t_prev is None:
                dur = 5 + (h >> 24) % 1800 if status == "completed" else (h >> 24) % 30
                end = min(start + dur, info.t_settle)
                updated = end
            else:  # was open at t_prev, completed by t_settle
                status = "completed" if status in ("busy", "failed") else "no-answer" if status == "canceled" else status
                span = info.t_settle - info.t_prev
                end = info.t_prev + 1 + (h >> 24) % span if span > 0 else info.t_settle
                updated = info.t_settle
            start = min(start, end)
        ended = end  # when the call finished, even where Twilio leaves end_time empty (Voice Insights needs it)
        if status in CALL_STATUSES_WITHOUT_END:
            # Twilio: end_time is "empty if the call did not complete successfully".
            end = None
        return t, h, info, status, start, end, updated, ended

    def attrs(self, i: int) -> dict:
        t, h, info, status, start, end, _, ended = self._core(i)
        inbound = (h & 0xFF) < 77
        cust = self.customers[(h >> 32) % len(self.customers)]
        own = self.numbers[(h >> 40) % len(self.numbers)]
        return {
            "sid": self.cc.call.sid(i),
            "date_created": t,
            "start_time": start,
            "end_time": end,
            "ended": ended,
            "status": status,
            "from": cust if inbound else own,
            "to": own if inbound else cust,
        }

    def record(self, i: int):
        t, h, info, status, start, end, updated, ended = self._core(i)
        cc = self.cc
        sid = cc.call.sid(i)
        r = h & 0xFF
        cust = self.customers[(h >> 32) % len(self.customers)]
        own = self.numbers[(h >> 40) % len(self.numbers)]
        if r < 77:
            direction, frm, to, parent = "inbound", cust, own, None
        elif r < 102 and i > 0:
            direction, frm, to, parent = "outbound-dial", own, cust, cc.call.sid(i - 1)
        else:
            direction, frm, to, parent = "outbound-api", own, cust, None
        if end is not None and status == "completed":
            secs = end - start
            duration = str(secs)
            price = "%.5f" % (-CALL_PRICE_PER_MIN * max(1, -(-secs // 60)))
        elif status in SETTLED_CALL_STATUSES:
            duration, price = "0", ("0.00000" if status in ("busy", "no-answer") else None)
        else:
            duration, price = None, None
        answered = ("human" if (h >> 48) & 3 else "machine_start") if direction == "outbound-api" and status == "completed" and (h >> 50) & 1 else None
        u = self.base + sid
        item = {
            "account_sid": self.acc_sid,
            "annotation": None,
            "answered_by": answered,
            "api_version": API_VERSION,
            "caller_name": None,
            "date_created": rfc(t),
            "date_updated": rfc(updated),
            "direction": direction,
            "duration": duration,
            "end_time": rfc(end),
            "forwarded_from": None,
            "from": frm,
            "from_formatted": cc.fmt[frm],
            "group_sid": None,
            "parent_call_sid": parent,
            "phone_number_sid": cc.number_sids[own],
            "price": price,
            "price_unit": "USD",
            "queue_time": "0",
            "sid": sid,
            "start_time": rfc(start),
            "status": status,
            "subresource_uris": {
                "events": u + "/Events.json",
                "feedback": u + "/Feedback.json",
                "feedback_summaries": self.feedback_summaries,
                "notifications": u + "/Notifications.json",
                "payments": u + "/Payments.json",
                "recordings": u + "/Recordings.json",
                "siprec": u + "/Siprec.json",
                "streams": u + "/Streams.json",
                "user_defined_message_subscriptions": u + "/UserDefinedMessageSubscriptions.json",
                "user_defined_messages": u + "/UserDefinedMessages.json",
            },
            "to": to,
            "to_formatted": cc.fmt[to],
            "trunk_sid": None,
            "uri": u + ".json",
        }
        attrs = {"sid": sid, "date_created": t, "start_time": start, "end_time": end, "ended": ended,
                 "status": status, "from": frm, "to": to, "duration": None if duration is None else int(duration)}
        return item, attrs


# =========================================================================== dated small streams


def recordings_collection(cc: AccountCodecs, tl: Timeline, calls: CallsCollection, conf_tl: Timeline) -> TimelineCollection:
    acc = cc.acc
    n_settled = max(1, calls.settle.settled_upto)

    def make(i: int, t: int):
        h = mix64(cc.salt_call ^ (i * 7919 + 17))
        sid = cc.recording.sid(i)
        conf = cc.conference.sid(h % conf_tl.n) if conf_tl.n and (h >> 8) % 5 == 0 else None
        dur = 3 + (h >> 12) % 600
        item = {
            "account_sid": acc.sid,
            "api_version": API_VERSION,
            "call_sid": cc.call.sid((h >> 20) % n_settled),
            "channels": 1 + (h >> 30) % 2,
            "conference_sid": conf,
            "date_created": rfc(t),
            "date_updated": rfc(t + 4),
            "duration": str(dur),
            "encryption_details": None,
            "error_code": None,
            "media_url": f"https://api.twilio.com{acc.base}/Recordings/{sid}",
            "price": "-%.4f" % (0.0025 * max(1, dur // 60)),
            "price_unit": "USD",
            "sid": sid,
            "source": "Conference" if conf else ("OutboundAPI", "DialVerb", "RecordVerb", "StartCallRecordingAPI")[(h >> 34) % 4],
            "start_time": rfc(t),
            "status": "completed",
            "subresource_uris": {
                "add_on_results": f"{acc.base}/Recordings/{sid}/AddOnResults.json",
                "transcriptions": f"{acc.base}/Recordings/{sid}/Transcriptions.json",
            },
            "uri": f"{acc.base}/Recordings/{sid}.json",
        }
        return item, {"sid": sid, "date_created": t, "call_sid": item["call_sid"]}

    return TimelineCollection("recordings", tl, make, {"date_created": (0, 0)})


def transcriptions_collection(cc: AccountCodecs, rec_tl: Timeline) -> ListCollection:
    """One transcription for every other recording, 30 s after it."""
    acc = cc.acc
    recs = []
    for j in range((rec_tl.n + 1) // 2):
        t = rec_tl.time(2 * j) + 30
        h = mix64(cc.salt_call ^ (j * 104729 + 3))
        sid = cc.transcription.sid(j)
        failed = h % 10 == 0
        recs.append((
            {
                "account_sid": acc.sid,
                "api_version": "2008-08-01",
                "date_created": rfc(t),
                "date_updated": rfc(t + 5),
                "duration": str(3 + (h >> 8) % 120),
                "price": None if failed else "-0.05000",
                "price_unit": "USD",
                "recording_sid": cc.recording.sid(2 * j),
                "sid": sid,
                "status": "failed" if failed else "completed",
                "transcription_text": None if failed else MSG_BODIES[(h >> 16) % len(MSG_BODIES)],
                "type": "fast",
                "uri": f"{acc.base}/Transcriptions/{sid}.json",
            },
            {"sid": sid, "date_created": t},
        ))
    return ListCollection("transcriptions", recs)


def notifications_collection(cc: AccountCodecs, tl: Timeline, calls: CallsCollection) -> TimelineCollection:
    acc = cc.acc
    n_calls = max(1, calls.settle.settled_upto)

    def make(i: int, t: int):
        h = mix64(cc.salt_call ^ (i * 31337 + 5))
        sid = cc.notification.sid(i)
        log = "0" if h % 3 == 0 else "1"
        code = ("11200", "13227", "21609", "11750")[(h >> 4) % 4]
        md = t - (h >> 8) % 3
        call_sid = cc.call.sid((h >> 12) % n_calls)
        item = {
            "account_sid": acc.sid,
            "api_version": "2010-04-01",
            "call_sid": call_sid,
            "date_created": rfc(t),
            "date_updated": rfc(t + 1),
            "error_code": code,
            "log": log,
            "message_date": rfc(md),
            "message_text": f"LogLevel={'ERROR' if log == '0' else 'WARN'}&ErrorCode={code}&Msg=Emulated+notification+{i}",
            "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "request_method": "POST" if code == "11200" else None,
            "request_url": "https://example.com/twilio/voice" if code == "11200" else "",
            "sid": sid,
            "uri": f"{acc.base}/Notifications/{sid}.json",
        }
        return item, {"sid": sid, "message_date": md, "log": log, "date_created": t}

    return TimelineCollection("notifications", tl, make, {"message_date": (-2, 0), "date_created": (0, 0)})


def conferences_collection(cc: AccountCodecs, tl: Timeline, now: int) -> TimelineCollection:
    acc = cc.acc
    last = tl.n - 1

    def make(i: int, t: int):
        h = mix64(cc.salt_call ^ (i * 65537 + 11))
        sid = cc.conference.sid(i)
        live = i == last and now - t < 3 * 3600
        updated = t if live else min(now, t + 60 + h % 3000)
        item = {
            "account_sid": acc.sid,
            "api_version": API_VERSION,
            "call_sid_ending_conference": None if live else cc.call.sid(h % 997),
            "date_created": rfc(t),
            "date_updated": rfc(updated),
            "friendly_name": f"Room {1000 + i}",
            "reason_conference_ended": None if live else "last-participant-left",
            "region": ("us1", "ie1", "jp1")[(h >> 20) % 3],
            "sid": sid,
            "status": "in-progress" if live else "completed",
            "subresource_uris": {
                "participants": f"{acc.base}/Conferences/{sid}/Participants.json",
                "recordings": f"{acc.base}/Conferences/{sid}/Recordings.json",
            },
            "uri": f"{acc.base}/Conferences/{sid}.json",
        }
        return item, {"sid": sid, "date_created": t, "date_updated": updated, "status": item["status"],
                      "friendly_name": item["friendly_name"]}

    return TimelineCollection("conferences", tl, make, {"date_created": (0, 0), "date_updated": (0, 3060)})


def participants_collection(cc: AccountCodecs, conf: TimelineCollection, j: int, calls: CallsCollection) -> ListCollection:
    """Participants of conference j (no sid: the key is conference_sid + call_sid)."""
    acc = cc.acc
    citem, cattrs = conf.record(j)
    live = citem["status"] == "in-progress"
    t = cattrs["date_created"]
    h = mix64(cc.salt_call ^ (j * 15485863 + 29))
    n_calls = calls.settle.settled_upto
    count = 2 + h % 3
    recs = []
    for p in range(count):
        ci = ((h >> 8) + p * 7919) % n_calls if n_calls > count else p
        call_sid = cc.call.sid(ci)
        coach = p == 2 and (h >> 4) & 1 == 1
        recs.append((
            {
                "account_sid": acc.sid,
                "call_sid": call_sid,
                "call_sid_to_coach": recs[0][0]["call_sid"] if coach else None,
                "coaching": coach,
                "conference_sid": cattrs["sid"],
                "date_created": rfc(t + p * 5),
                "date_updated": rfc(t + p * 5 + (0 if live else 60)),
                "end_conference_on_exit": p == 0,
                "hold": False,
                "label": f"participant-{p}" if p else "host",
                "muted": p == 1 and (h >> 5) & 1 == 1,
                "start_conference_on_enter": True,
                "status": "connected" if live else "complete",
                "uri": f"{acc.base}/Conferences/{cattrs['sid']}/Participants/{call_sid}.json",
            },
            {"conference_sid": cattrs["sid"], "call_sid": call_sid},
        ))
    return ListCollection("participants", recs)
