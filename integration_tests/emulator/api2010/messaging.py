"""Messages and their Media (GET .../Messages.json, .../Messages/{SM}/Media.json).

Record ``i`` is computed from ``(seed, account, i)`` and its time from the account's
Timeline; messages are returned newest first.  The newest ``open_tail`` are still open
(queued / accepted, without ``date_sent``) until ``advance`` sends them.
"""
from __future__ import annotations

from ..ids import mix64
from ..listing import ListCollection, TimelineIndexed
from ..timefmt import rfc2822 as rfc
from ..timeline import SettleLog, Timeline
from .common import API_VERSION, MSG_BODIES, AccountCodecs

MSG_ERRORS = [
    (30003, "Unreachable destination handset"),
    (30005, "Unknown destination handset"),
    (30006, "Landline or unreachable carrier"),
    (30007, "Message filtered"),
]
SMS_PRICE = ["-0.00790", "-0.01580", "-0.02370"]
MMS_PRICE = "-0.02000"
MEDIA_TYPES = ("image/jpeg", "image/png", "image/gif", "video/mp4", "application/pdf")
MEDIA_SLOTS = 4  # media index = message index * MEDIA_SLOTS + k


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
