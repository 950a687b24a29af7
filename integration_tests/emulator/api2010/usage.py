"""Usage: daily usage records (one per day and category) and usage triggers."""
from __future__ import annotations

from ..ids import mix64
from ..listing import Collection
from ..timefmt import DAY, iso_offset, ymd
from ..timefmt import rfc2822 as rfc
from .common import API_VERSION, AccountCodecs, _t

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
