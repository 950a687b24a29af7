"""Records of the 2010-04-01 REST API (api.twilio.com), shaped like Twilio's.

Field sets follow /work/shared/twilio-api/item_shapes.json (recorded Twilio bodies):
RFC 2822 dates with "+0000", prices as strings ("-0.00790"), counts as numeric strings
("duration", "num_segments", "num_media"), relative ``uri`` / ``subresource_uris``.

Messages and Calls are the large streams: record ``i`` is computed from
``(seed, account, i)`` and its time from the account's Timeline; they are returned
newest first.  The newest ``open_tail`` of each are still open (queued / accepted
messages without ``date_sent``; queued / ringing calls without ``start_time``,
in-progress calls without ``end_time``) until ``advance`` completes them.  Failed and
canceled calls never get an ``end_time`` (Twilio leaves it empty when a call "did not
complete successfully"), so no ``EndTime`` filter matches them.
"""
from __future__ import annotations

from .ids import mix64, salt_for
from .listing import Collection, ListCollection, TimelineCollection, TimelineIndexed
from .timefmt import DAY, iso_offset, rfc2822 as rfc, ymd
from .timeline import SettleLog, Timeline
from .world import Account, World

API_VERSION = "2010-04-01"

MSG_BODIES = [
    "Your verification code is 482913",
    "Your order #1042 has shipped and will arrive Tuesday.",
    "Reminder: your appointment is tomorrow at 10:00 AM. Reply C to confirm.",
    "Thanks! We received your payment of $42.00.",
    "Hi, is this still available?",
    "Your table for 2 is ready.",
    "STOP",
    "Sale ends tonight: 20% off everything with code SPRING.",
    "Driver is 5 minutes away.",
    "Can you call me back when you get a chance?",
    "Your package was delivered to the front door.",
    "Password reset requested. If this wasn't you, ignore this message.",
    "ok see you then",
    "Your ride receipt: $18.40. Rate your driver in the app.",
    "Low balance alert: your account balance is below $10.",
    "Welcome to Emulator Co! Reply HELP for help, STOP to opt out.",
]
MSG_ERRORS = [
    (30003, "Unreachable destination handset"),
    (30005, "Unknown destination handset"),
    (30006, "Landline or unreachable carrier"),
    (30007, "Message filtered"),
]
SMS_PRICE = ["-0.00790", "-0.01580", "-0.02370"]
MMS_PRICE = "-0.02000"
CALL_PRICE_PER_MIN = 0.014
OPEN_CALL_STATUSES = ("queued", "ringing", "in-progress")
SETTLED_CALL_STATUSES = ("completed", "busy", "no-answer", "failed", "canceled")
# Settled, yet without end_time (Twilio documents it empty when a call "did not complete successfully"; busy and
# no-answer calls keep theirs here, so both cases are served).
CALL_STATUSES_WITHOUT_END = ("failed", "canceled")
MEDIA_TYPES = ("image/jpeg", "image/png", "image/gif", "video/mp4", "application/pdf")
MEDIA_SLOTS = 4  # media index = message index * MEDIA_SLOTS + k


def formatted(number: str) -> str:
    """E.164 US number -> Twilio's "(415) 555-0100" display form."""
    if number.startswith("+1") and len(number) == 12:
        return f"({number[2:5]}) {number[5:8]}-{number[8:]}"
    return number


class AccountCodecs:
    """SID codecs and constant strings of one account, built once."""

    def __init__(self, world: World, acc: Account):
        c = world.codec
        i = acc.idx
        self.acc = acc
        self.message = c("SM", "messages", i)
        self.media = c("ME", "media", i)
        self.call = c("CA", "calls", i)
        self.conference = c("CF", "conferences", i)
        self.recording = c("RE", "recordings", i)
        self.transcription = c("TR", "transcriptions", i)
        self.notification = c("NO", "notifications", i)
        self.address = c("AD", "addresses", i)
        self.application = c("AP", "applications", i)
        self.number = c("PN", "incoming_phone_numbers", i)
        self.caller_id = c("PN", "outgoing_caller_ids", i)
        self.key = c("SK", "keys", i)
        self.queue = c("QU", "queues", i)
        self.trigger = c("UT", "usage_triggers", i)
        self.messaging_service = c("MG", "messaging_services", i)
        self.number_sids = {n: self.number.sid(k) for k, n in enumerate(acc.numbers)}
        self.fmt = {n: formatted(n) for n in acc.numbers + acc.customers}
        self.ms_sid = self.messaging_service.sid(0)
        self.salt_msg = salt_for(world.config.seed, "msg-attrs", i)
        self.salt_call = salt_for(world.config.seed, "call-attrs", i)


# =========================================================================== Messages


class MessagesCollection(TimelineIndexed):
    """GET /2010-04-01/Accounts/{AC}/Messages.json -- newest first."""

    key = "messages"
    order = "desc"
    lags = {"date_sent": (0, 4), "date_created": (0, 0)}

    def __init__(self, cc: AccountCodecs, tl: Timeline, settle: SettleLog):
        self.cc, self.tl, self.settle = cc, tl, settle
        acc = cc.acc
        self.base = acc.base + "/Messages/"
        self.acc_sid = acc.sid
        self.numbers, self.customers = acc.numbers, acc.customers

    def narrow(self, ranges, equals):
        lo, hi = super().narrow(ranges, equals)
        if "date_sent" in ranges:
            a, b = ranges["date_sent"]
            for r in self.settle.late_ranges():  # sent after having been queued: (t_prev, t_settle]
                if (b is None or r.t_prev < b) and (a is None or r.t_settle >= a):
                    lo, hi = (r.lo, r.hi) if lo >= hi else (min(lo, r.lo), max(hi, r.hi))
        return lo, hi

    def _core(self, i: int):
        t = self.tl.time(i)
        h = mix64(self.cc.salt_msg ^ i)
        info = self.settle.info(i)
        inbound = (h & 0xFF) < 31  # received messages are never "open": date_sent = arrival
        cust = self.customers[(h >> 8) % len(self.customers)]
        own = self.numbers[(h >> 14) % len(self.numbers)]
        if inbound:
            ds = updated = t
        elif info is None:
            ds = None
            updated = t
        elif info.t_prev is None:
            ds = min(t + 1 + ((h >> 44) & 3), info.t_settle)
            updated = ds
        else:
            span = info.t_settle - info.t_prev
            ds = max(t, info.t_prev + 1 + (h >> 44) % span) if span > 0 else info.t_settle
            updated = info.t_settle
        return t, h, info, inbound, cust, own, ds, updated

    def attrs(self, i: int) -> dict:
        t, h, info, inbound, cust, own, ds, _ = self._core(i)
        return {
            "sid": self.cc.message.sid(i),
            "date_created": t,
            "date_sent": ds,
            "from": cust if inbound else own,
            "to": own if inbound else cust,
            "num_media": 1 + (h >> 32) % 3 if ((h >> 24) & 0xFF) < 38 else 0,
        }

    def record(self, i: int):
        t, h, info, inbound, cust, own, ds, updated = self._core(i)
        sid = self.cc.message.sid(i)
        num_media = 1 + (h >> 32) % 3 if ((h >> 24) & 0xFF) < 38 else 0
        segs = 1 if (h >> 36) & 3 else 2
        ms = self.cc.ms_sid if ((h >> 40) & 7) < 3 else None
        error_code = error_message = None
        if inbound:
            frm, to, direction, status = cust, own, "inbound", "received"
            price = SMS_PRICE[segs - 1]
        else:
            frm, to = own, cust
            direction = "outbound-reply" if ((h >> 20) & 7) == 0 else "outbound-api"
            if info is None:
                status, price = ("accepted" if ms else "queued"), None
            else:
                r = (h >> 48) & 0xFF
                if r < 13:
                    status, price = "failed", None
                    error_code, error_message = MSG_ERRORS[(h >> 56) & 3]
                elif r < 26:
                    status, price = "undelivered", SMS_PRICE[segs - 1]
                    error_code, error_message = MSG_ERRORS[(h >> 56) & 3]
                elif r < 52:
                    status, price = "sent", SMS_PRICE[segs - 1]
                else:
                    status, price = "delivered", SMS_PRICE[segs - 1]
            if num_media and price is not None:
                price = MMS_PRICE
        uri = self.base + sid
        item = {
            "account_sid": self.acc_sid,
            "api_version": API_VERSION,
            "body": MSG_BODIES[(h >> 52) & 15],
            "date_created": rfc(t),
            "date_sent": rfc(ds),
            "date_updated": rfc(updated),
            "direction": direction,
            "error_code": error_code,
            "error_message": error_message,
            "from": frm,
            "messaging_service_sid": ms,
            "num_media": str(num_media),
            "num_segments": str(segs),
            "price": price,
            "price_unit": "USD",
            "sid": sid,
            "status": status,
            "subresource_uris": {"feedback": uri + "/Feedback.json", "media": uri + "/Media.json"},
            "tags": {"campaign_name": "Spring Sale", "message_type": "promo"} if ms and (h >> 60) == 0 else None,
            "to": to,
            "uri": uri + ".json",
        }
        attrs = {"sid": sid, "date_created": t, "date_sent": ds, "from": frm, "to": to, "num_media": num_media}
        return item, attrs


def media_collection(msgs: MessagesCollection, i: int) -> ListCollection:
    """GET .../Messages/{SM}/Media.json: ``num_media`` items, created with the message."""
    item, attrs = msgs.record(i)
    cc = msgs.cc
    t = attrs["date_created"]
    msid = attrs["sid"]
    recs, times = [], []
    for k in range(attrs["num_media"]):
        sid = cc.media.sid(i * MEDIA_SLOTS + k)
        h = mix64(cc.salt_msg ^ (i * MEDIA_SLOTS + k) ^ 0xABCDEF)
        recs.append((
            {
                "account_sid": cc.acc.sid,
                "content_type": MEDIA_TYPES[h % len(MEDIA_TYPES)],
                "date_created": rfc(t),
                "date_updated": rfc(t + 1 if attrs["date_sent"] else t),
                "parent_sid": msid,
                "sid": sid,
                "uri": f"{cc.acc.base}/Messages/{msid}/Media/{sid}.json",
            },
            {"sid": sid, "date_created": t, "parent_sid": msid},
        ))
        times.append(t)
    return ListCollection("media_list", recs, times, {"date_created": (0, 0)})


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
            if status in CALL_STATUSES_WITHOUT_END:
                # Twilio: end_time is "empty if the call did not complete successfully".
                end = None
        return t, h, info, status, start, end, updated

    def attrs(self, i: int) -> dict:
        t, h, info, status, start, end, _ = self._core(i)
        inbound = (h & 0xFF) < 77
        cust = self.customers[(h >> 32) % len(self.customers)]
        own = self.numbers[(h >> 40) % len(self.numbers)]
        return {
            "sid": self.cc.call.sid(i),
            "date_created": t,
            "start_time": start,
            "end_time": end,
            "status": status,
            "from": cust if inbound else own,
            "to": own if inbound else cust,
        }

    def record(self, i: int):
        t, h, info, status, start, end, updated = self._core(i)
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
        attrs = {"sid": sid, "date_created": t, "start_time": start, "end_time": end,
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


# =========================================================================== usage records

USAGE_CATEGORIES = [
    # category, description, count_unit, usage_unit, unit price
    ("calls", "Voice Minutes", "calls", "minutes", 0.014),
    ("calls-inbound", "Inbound Voice Minutes", "calls", "minutes", 0.0085),
    ("sms", "SMS", "messages", "messages", 0.0079),
    ("sms-inbound", "Inbound SMS", "messages", "messages", 0.0079),
    ("mms", "MMS", "messages", "messages", 0.02),
    ("phonenumbers", "Phone Numbers", "phonenumbers", "phonenumbers", 0.0383),
    ("recordings", "Voice Recordings", "recordings", "minutes", 0.0025),
    ("totalprice", "Total Price", "", "usd", 1.0),
]


class UsageCollection(Collection):
    """GET .../Usage/Records/Daily.json: one record per day and category, oldest first."""

    key = "usage_records"
    lags = {"start_date": (0, 0)}

    def __init__(self, cc: AccountCodecs, first_day: int, now: int):
        self.cc = cc
        self.first_day = first_day  # epoch of the first day (00:00)
        self.now = now
        self.days = (now - now % DAY - first_day) // DAY + 1
        self.ncat = len(USAGE_CATEGORIES)
        self.as_of = iso_offset(now)
        b = cc.acc.base + "/Usage/Records"
        self.sub = {
            cat: {
                "all_time": f"{b}/AllTime.json?Category={cat}",
                "daily": f"{b}/Daily.json?Category={cat}",
                "last_month": f"{b}/LastMonth.json?Category={cat}",
                "monthly": f"{b}/Monthly.json?Category={cat}",
                "this_month": f"{b}/ThisMonth.json?Category={cat}",
                "today": f"{b}/Today.json?Category={cat}",
                "yearly": f"{b}/Yearly.json?Category={cat}",
                "yesterday": f"{b}/Yesterday.json?Category={cat}",
            }
            for cat, *_ in USAGE_CATEGORIES
        }
        self.base = b

    def __len__(self):
        return self.days * self.ncat

    def has_times(self):
        return True

    def index_bounds(self, t_lo, t_hi):
        n = len(self)
        lo = 0 if t_lo is None else min(n, max(0, -(-(t_lo - self.first_day) // DAY)) * self.ncat)
        hi = n if t_hi is None else min(n, max(0, (t_hi - self.first_day) // DAY + 1) * self.ncat)
        return lo, hi

    def record(self, i: int):
        day, c = divmod(i, self.ncat)
        cat, desc, count_unit, usage_unit, unit = USAGE_CATEGORIES[c]
        t = self.first_day + day * DAY
        h = mix64(self.cc.salt_msg ^ (i * 2654435761 + 7))
        count = (h % 400) if cat != "phonenumbers" else len(self.cc.acc.numbers)
        if cat == "totalprice":
            usage = price = "%.5f" % ((h % 100000) / 1000.0)
            count_s = None
        else:
            usage_v = count * (1 + (h >> 20) % 3) if usage_unit == "minutes" else count
            usage = str(usage_v)
            price = "%.5f" % (usage_v * unit)
            count_s = str(count)
        d = ymd(t)
        item = {
            "account_sid": self.cc.acc.sid,
            "api_version": API_VERSION,
            "as_of": self.as_of,
            "category": cat,
            "count": count_s,
            "count_unit": count_unit,
            "description": desc,
            "end_date": d,
            "price": price,
            "price_unit": "usd",
            "start_date": d,
            "subresource_uris": self.sub[cat],
            "uri": f"{self.base}/Daily?Category={cat}&StartDate={d}&EndDate={d}",
            "usage": usage,
            "usage_unit": usage_unit,
        }
        return item, {"account_sid": self.cc.acc.sid, "category": cat, "start_date": t, "start_date_str": d}


# =========================================================================== static per-account lists


def _t(acc: Account, k: int, spacing: int = 3 * DAY) -> int:
    """Creation time of the k-th configuration object of an account (before history)."""
    return acc.date_created + 3600 + k * spacing


def addresses(cc: AccountCodecs, n: int) -> list:
    acc = cc.acc
    out = []
    for k in range(n):
        sid = cc.address.sid(k)
        t = _t(acc, k)
        out.append(({
            "account_sid": acc.sid,
            "city": ("San Francisco", "New York", "Austin")[k % 3],
            "customer_name": f"Emulator Co {k}",
            "date_created": rfc(t),
            "date_updated": rfc(t + 3600),
            "emergency_enabled": k == 0,
            "friendly_name": f"Office {k}" if k % 2 == 0 else None,
            "iso_country": "US",
            "postal_code": ("94105", "10001", "73301")[k % 3],
            "region": ("CA", "NY", "TX")[k % 3],
            "sid": sid,
            "street": f"{100 + k} Main St",
            "street_secondary": None,
            "uri": f"{acc.base}/Addresses/{sid}.json",
            "validated": True,
            "verified": k == 0,
        }, {"sid": sid}))
    return out


def incoming_numbers(cc: AccountCodecs, n_addresses: int) -> list:
    acc = cc.acc
    out = []
    for k, num in enumerate(acc.numbers):
        sid = cc.number.sid(k)
        t = _t(acc, k, 2 * DAY) + 7200
        addr = cc.address.sid(k % n_addresses) if n_addresses else None
        out.append(({
            "account_sid": acc.sid,
            "address_requirements": "none",
            "address_sid": addr,
            "api_version": API_VERSION,
            "beta": False,
            "bundle_sid": None,
            "capabilities": {"fax": False, "mms": True, "sms": True, "voice": True},
            "date_created": rfc(t),
            "date_updated": rfc(t + 60),
            "emergency_address_sid": None,
            "emergency_address_status": "unregistered",
            "emergency_status": "Inactive",
            "friendly_name": formatted(num),
            "identity_sid": None,
            "origin": "twilio",
            "phone_number": num,
            "sid": sid,
            "sms_application_sid": "",
            "sms_fallback_method": "POST",
            "sms_fallback_url": "",
            "sms_method": "POST",
            "sms_url": "https://example.com/twilio/sms",
            "status": "in-use",
            "status_callback": "",
            "status_callback_method": "POST",
            "subresource_uris": {"assigned_add_ons": f"{acc.base}/IncomingPhoneNumbers/{sid}/AssignedAddOns.json"},
            "trunk_sid": None,
            "uri": f"{acc.base}/IncomingPhoneNumbers/{sid}.json",
            "voice_application_sid": "",
            "voice_caller_id_lookup": False,
            "voice_fallback_method": "POST",
            "voice_fallback_url": None,
            "voice_method": "POST",
            "voice_receive_mode": "voice",
            "voice_url": "https://example.com/twilio/voice",
        }, {"sid": sid, "address_sid": addr, "t": t}))
    return out


def dependent_numbers(cc: AccountCodecs, incoming: list, address_sid: str) -> list:
    acc = cc.acc
    out = []
    for item, attrs in incoming:
        if attrs["address_sid"] != address_sid:
            continue
        t = attrs["t"]
        out.append(({
            "account_sid": acc.sid,
            "address_requirements": "any",
            "api_version": API_VERSION,
            "capabilities": {"MMS": True, "SMS": True, "Voice": True},
            "date_created": rfc(t),
            "date_updated": rfc(t + 60),
            "emergency_address_sid": None,
            "emergency_status": "Inactive",
            "friendly_name": item["friendly_name"],
            "phone_number": item["phone_number"],
            "sid": item["sid"],
            "sms_application_sid": "",
            "sms_fallback_method": "POST",
            "sms_fallback_url": "",
            "sms_method": "POST",
            "sms_url": item["sms_url"],
            "status_callback": "",
            "status_callback_method": "POST",
            "trunk_sid": None,
            "uri": item["uri"],
            "voice_application_sid": None,
            "voice_caller_id_lookup": False,
            "voice_fallback_method": "POST",
            "voice_fallback_url": None,
            "voice_method": "POST",
            "voice_url": item["voice_url"],
        }, {"sid": item["sid"]}))
    return out


def applications(cc: AccountCodecs, n: int) -> list:
    acc = cc.acc
    out = []
    for k in range(n):
        sid = cc.application.sid(k)
        t = _t(acc, k, DAY) + 600
        out.append(({
            "account_sid": acc.sid,
            "api_version": API_VERSION,
            "date_created": rfc(t),
            "date_updated": rfc(t + 600),
            "friendly_name": f"Emulator App {k}",
            "message_status_callback": None,
            "public_application_connect_enabled": False,
            "sid": sid,
            "sms_fallback_method": "POST",
            "sms_fallback_url": None,
            "sms_method": "POST",
            "sms_status_callback": None,
            "sms_url": f"https://example.com/apps/{k}/sms",
            "status_callback": None,
            "status_callback_method": "POST",
            "uri": f"{acc.base}/Applications/{sid}.json",
            "voice_caller_id_lookup": False,
            "voice_fallback_method": "POST",
            "voice_fallback_url": None,
            "voice_method": "POST",
            "voice_url": f"https://example.com/apps/{k}/voice",
        }, {"sid": sid}))
    return out


def outgoing_caller_ids(cc: AccountCodecs, n: int) -> list:
    acc = cc.acc
    out = []
    for k in range(n):
        sid = cc.caller_id.sid(k)
        num = acc.customers[k]
        t = _t(acc, k, DAY) + 900
        out.append(({
            "account_sid": acc.sid,
            "date_created": rfc(t),
            "date_updated": rfc(t),
            "friendly_name": formatted(num),
            "phone_number": num,
            "sid": sid,
            "uri": f"{acc.base}/OutgoingCallerIds/{sid}.json",
        }, {"sid": sid}))
    return out


def queues(cc: AccountCodecs, n: int) -> list:
    acc = cc.acc
    out = []
    for k in range(n):
        sid = cc.queue.sid(k)
        t = _t(acc, k, DAY) + 1200
        out.append(({
            "account_sid": acc.sid,
            "average_wait_time": 0,
            "current_size": 0,
            "date_created": rfc(t),
            "date_updated": rfc(t),
            "friendly_name": ("support", "sales", "billing")[k % 3] + ("" if k < 3 else str(k)),
            "max_size": 100,
            "sid": sid,
            "subresource_uris": {"members": f"{acc.base}/Queues/{sid}/Members.json"},
            "uri": f"{acc.base}/Queues/{sid}.json",
        }, {"sid": sid}))
    return out


def usage_triggers(cc: AccountCodecs, n: int) -> list:
    acc = cc.acc
    out = []
    for k in range(n):
        sid = cc.trigger.sid(k)
        t = _t(acc, k, DAY) + 1500
        cat = ("totalprice", "sms", "calls")[k % 3]
        out.append(({
            "account_sid": acc.sid,
            "api_version": API_VERSION,
            "callback_method": "POST",
            "callback_url": "https://example.com/usage-trigger",
            "current_value": "0",
            "date_created": rfc(t),
            "date_fired": None,
            "date_updated": rfc(t),
            "friendly_name": f"{cat} trigger",
            "recurring": ("monthly", "daily", "yearly")[k % 3],
            "sid": sid,
            "trigger_by": "price" if cat == "totalprice" else "count",
            "trigger_value": "50",
            "uri": f"{acc.base}/Usage/Triggers/{sid}",
            "usage_category": cat,
            "usage_record_uri": f"{acc.base}/Usage/Records?Category={cat}",
        }, {"sid": sid}))
    return out


def keys(cc: AccountCodecs, world: World, n: int) -> list:
    """Keys.json items carry no account_sid; the main account also lists its API key."""
    acc = cc.acc
    out = []
    if acc.idx == 0:
        k = world.api_key
        out.append(({"date_created": rfc(k.date_created), "date_updated": rfc(k.date_created),
                     "friendly_name": k.friendly_name, "sid": k.sid}, {"sid": k.sid}))
    for j in range(n):
        sid = cc.key.sid(j)
        t = _t(acc, j, DAY) + 1800
        out.append(({"date_created": rfc(t), "date_updated": rfc(t), "friendly_name": f"key {j}", "sid": sid},
                    {"sid": sid}))
    return out


# =========================================================================== available phone numbers

AVAILABLE_COUNTRIES = [
    # iso, name, types, area code / prefix
    ("US", "United States", ("local", "toll_free"), "+1"),
    ("CA", "Canada", ("local", "toll_free"), "+1"),
    ("GB", "United Kingdom", ("local", "mobile", "toll_free"), "+44"),
    ("AU", "Australia", ("local", "mobile", "toll_free"), "+61"),
    ("DK", "Denmark", ("local",), "+45"),
]
TYPE_PATH = {"local": "Local", "mobile": "Mobile", "toll_free": "TollFree"}
PATH_TYPE = {v: k for k, v in TYPE_PATH.items()}


def available_countries(acc: Account) -> list[dict]:
    out = []
    for iso_c, name, types, _ in AVAILABLE_COUNTRIES:
        out.append({
            "beta": False,
            "country": name,
            "country_code": iso_c,
            "subresource_uris": {t: f"{acc.base}/AvailablePhoneNumbers/{iso_c}/{TYPE_PATH[t]}.json" for t in types},
            "uri": f"{acc.base}/AvailablePhoneNumbers/{iso_c}.json",
        })
    return out


def available_numbers(seed: int, acc: Account, iso_c: str, kind: str, n: int) -> list[dict] | None:
    spec = next((c for c in AVAILABLE_COUNTRIES if c[0] == iso_c), None)
    if spec is None or kind not in spec[2]:
        return None
    salt = salt_for(seed, "available", acc.idx, iso_c, kind)
    out = []
    for k in range(n):
        h = mix64(salt ^ k)
        if spec[3] == "+1":
            area = ("800", "833", "844")[k % 3] if kind == "toll_free" else ("415", "628", "510", "604")[k % 4]
            num = "+1%s%07d" % (area, 2000000 + h % 7999999)
            friendly = formatted(num)
        else:
            num = "%s%d" % (spec[3], (800000000 if kind == "toll_free" else 700000000 if kind == "mobile" else 300000000) + h % 99999999)
            friendly = num
        local = kind == "local"
        out.append({
            "address_requirements": "none",
            "beta": False,
            "capabilities": {"mms": kind != "toll_free" or k % 2 == 0, "sms": True, "voice": kind != "mobile"},
            "friendly_name": friendly,
            "iso_country": iso_c,
            "lata": "722" if local and spec[3] == "+1" else None,
            "latitude": "37.770000" if local else None,
            "locality": "San Francisco" if local and iso_c == "US" else None,
            "longitude": "-122.420000" if local else None,
            "phone_number": num,
            "postal_code": "94103" if local and iso_c == "US" else None,
            "rate_center": "SNFC CNTRL" if local and spec[3] == "+1" else None,
            "region": "CA" if local and spec[3] == "+1" else None,
        })
    return out


def accounts_list(world: World, accounts: list[Account]) -> ListCollection:
    recs = []
    for a in accounts:
        base = a.base
        sub = {name: f"{base}/{path}.json" for name, path in (
            ("addresses", "Addresses"), ("applications", "Applications"),
            ("authorized_connect_apps", "AuthorizedConnectApps"), ("available_phone_numbers", "AvailablePhoneNumbers"),
            ("balance", "Balance"), ("calls", "Calls"), ("conferences", "Conferences"), ("connect_apps", "ConnectApps"),
            ("incoming_phone_numbers", "IncomingPhoneNumbers"), ("keys", "Keys"), ("messages", "Messages"),
            ("notifications", "Notifications"), ("outgoing_caller_ids", "OutgoingCallerIds"), ("queues", "Queues"),
            ("recordings", "Recordings"), ("short_codes", "SMS/ShortCodes"), ("signing_keys", "SigningKeys"),
            ("sip", "SIP"), ("transcriptions", "Transcriptions"), ("usage", "Usage"))}
        recs.append(({
            "auth_token": a.auth_token,
            "date_created": rfc(a.date_created),
            "date_updated": rfc(a.date_updated),
            "friendly_name": a.friendly_name,
            "owner_account_sid": a.owner_sid,
            "sid": a.sid,
            "status": a.status,
            "subresource_uris": sub,
            "type": "Full",
            "uri": base + ".json",
        }, {"sid": a.sid, "status": a.status, "friendly_name": a.friendly_name, "date_updated": a.date_updated}))
    return ListCollection("accounts", recs)


def balance(world: World, acc: Account) -> dict:
    h = mix64(salt_for(world.config.seed, "balance", acc.idx))
    return {"account_sid": acc.sid, "balance": "%.2f" % (20 + (h % 500000) / 100.0), "currency": "USD"}
