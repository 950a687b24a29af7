"""Voice Insights (insights.twilio.com/v1): call summaries."""
from __future__ import annotations

from ..api2010 import CallsCollection
from ..ids import mix64
from ..listing import Collection
from ..timefmt import iso
from .common import INSIGHTS, ProductCodecs

# =========================================================================== Voice Insights call summaries

CALL_STATE = {"completed": "completed", "busy": "busy", "no-answer": "noanswer", "failed": "fail", "canceled": "canceled"}


# "a partial summary record will be available within ten minutes of a call ending"; "A completed Call Summary may
# take up to a half hour to generate" (https://www.twilio.com/docs/voice/voice-insights/api/call/call-summaries-resource)
PARTIAL_AFTER = 10 * 60
RETENTION_DAYS = 30  # "Voice Insights only stores 30 days worth of call data" (https://www.twilio.com/docs/api/errors/17002)
COMPLETE_AFTER = 30 * 60
CALL_LAG = 20 + 1830  # a call's start and end trail its creation by at most this much (settled at creation)


class SummariesCollection(Collection):
    """GET insights /v1/Voice/Summaries: one summary per ``stride``-th settled call, for the calls Voice
    Insights still has.

    Summary of call ``k * stride`` exists once 10 minutes have passed since the call ended and while the
    call started within the retention window (30 days: "Voice Insights data is available for calls or
    conferences made within the last 30 days", https://www.twilio.com/docs/voice/voice-insights); it is
    ``partial`` until 30 minutes after the call ended, then ``complete``.  Ordered by call creation,
    oldest first (Twilio does not document the order without SortBy: this project's choice).

    Summaries are not stored: most candidates ``k`` exist (the calls between the retention edge and the
    last 41 minutes); only the few near either edge are checked one by one.
    """

    key = "call_summaries"
    lags = {"start_time": (0, 20)}

    def __init__(self, pc: ProductCodecs, calls: CallsCollection, stride: int, now: int,
                 retention_days: float = RETENTION_DAYS):
        self.pc, self.calls, self.stride, self.now = pc, calls, max(1, stride), now
        self.cutoff = now - int(retention_days * 86400)
        n = (calls.settle.settled_upto + self.stride - 1) // self.stride
        k_a = self._first_k(n, self.cutoff - 20)  # the first call whose start may be inside the window
        k_b = self._first_k(n, self.cutoff)  # from here every start is inside it
        recent = now - PARTIAL_AFTER - CALL_LAG
        k_c = self._first_k(n, recent)  # from here a call may have ended less than 10 minutes ago
        for r in calls.settle.late_ranges():  # calls completed by an advance end in (t_prev, t_settle]
            if r.t_settle > now - PARTIAL_AFTER:
                k_c = min(k_c, -(-r.lo // self.stride))
        k_c = max(k_c, k_b)
        self.head = [k for k in range(k_a, k_b) if self._exists(k)]
        self.mid = (k_b, k_c)
        self.tail = [k for k in range(k_c, n) if self._exists(k)]
        self.n = len(self.head) + (k_c - k_b) + len(self.tail)

    def _first_k(self, n: int, t: int) -> int:
        lo, hi, tl = 0, n, self.calls.tl
        while lo < hi:
            mid = (lo + hi) >> 1
            if tl.time(mid * self.stride) < t:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def _exists(self, k: int) -> bool:
        a = self.calls.attrs(k * self.stride)
        return (a["ended"] is not None and a["ended"] + PARTIAL_AFTER <= self.now
                and a["start_time"] is not None and a["start_time"] >= self.cutoff)

    def _k(self, j: int) -> int:
        if j < len(self.head):
            return self.head[j]
        j -= len(self.head)
        k_b, k_c = self.mid
        if j < k_c - k_b:
            return k_b + j
        return self.tail[j - (k_c - k_b)]

    def __len__(self):
        return self.n

    def has_times(self):
        return True

    def _bound(self, t: int, strict: bool) -> int:
        lo, hi = 0, self.n
        tl = self.calls.tl
        while lo < hi:
            mid = (lo + hi) >> 1
            v = tl.time(self._k(mid) * self.stride)
            if v < t or (strict and v == t):
                lo = mid + 1
            else:
                hi = mid
        return lo

    def index_bounds(self, t_lo, t_hi):
        return (0 if t_lo is None else self._bound(t_lo, False)), (self.n if t_hi is None else self._bound(t_hi, True))

    def record(self, j: int):
        ci = self._k(j) * self.stride
        citem, ca = self.calls.record(ci)
        h = mix64(self.pc.salt ^ (ci * 2246822519 + 9))
        start, end = ca["start_time"], ca["end_time"]
        state = "complete" if ca["ended"] + COMPLETE_AFTER <= self.now else "partial"
        inbound = citem["direction"] == "inbound"
        annotated = h % 5 != 0
        item = {
            "account_sid": citem["account_sid"],
            "annotation": {
                "answered_by": "human" if (h >> 3) & 3 else "machine",
                "call_score": 1 + (h >> 6) % 5,
                "comment": None,
                "connectivity_issue": "no_connectivity_issue",
                "incident": None,
                "quality_issues": ["no_quality_issue"] if (h >> 9) % 4 else ["choppy_robotic"],
                "spam": False,
            } if annotated else None,
            "answered_by": "unknown" if citem["answered_by"] is None else ("human" if citem["answered_by"] == "human" else "machine_start"),
            "attributes": {"conference_participant": False},
            "call_sid": ca["sid"],
            "call_state": CALL_STATE.get(ca["status"], "completed"),
            "call_type": "carrier",
            "carrier_edge": {"properties": {"direction": "inbound" if inbound else "outbound", "edge_location": "ashburn",
                                            "media_region": "us1", "signaling_region": "us1"}},
            "client_edge": None,
            "connect_duration": max(0, end - start - 2) if end is not None else 0,
            "created_time": iso(ca["date_created"]),
            "duration": (end - start) if end is not None else 0,
            "end_time": iso(end),
            "from": {"caller": citem["from"], "carrier": "Emulated Carrier", "connection": "mobile",
                     "country_code": "US", "number_prefix": citem["from"][1:5]},
            "processing_state": state,
            "properties": {"direction": "inbound" if inbound else "outbound_api", "disconnected_by": "callee",
                           "last_sip_response_num": 200, "pdd_ms": 100 + h % 900},
            "sdk_edge": None,
            "sip_edge": None,
            "start_time": iso(start),
            "tags": None,
            "to": {"callee": citem["to"], "carrier": "Emulated Carrier", "connection": "mobile",
                   "country_code": "US", "number_prefix": citem["to"][1:5]},
            "trust": None,
            "url": f"{INSIGHTS}/Voice/{ca['sid']}/Summary",
        }
        return item, {"call_sid": ca["sid"], "start_time": start, "processing_state": state}
