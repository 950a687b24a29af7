"""Voice Insights (insights.twilio.com/v1): call summaries."""
from __future__ import annotations

from ..api2010 import CallsCollection
from ..ids import mix64
from ..listing import Collection
from ..timefmt import iso
from .common import INSIGHTS, ProductCodecs

# =========================================================================== Voice Insights call summaries

CALL_STATE = {"completed": "completed", "busy": "busy", "no-answer": "noanswer", "failed": "fail", "canceled": "canceled"}


class SummariesCollection(Collection):
    """GET insights /v1/Voice/Summaries: one summary per ``stride``-th settled call.

    Summary k describes call ``k * stride``; ordered by start_time ascending.
    """

    key = "call_summaries"
    lags = {"start_time": (0, 20)}

    def __init__(self, pc: ProductCodecs, calls: CallsCollection, stride: int):
        self.pc, self.calls, self.stride = pc, calls, max(1, stride)
        self.n = (calls.settle.settled_upto + self.stride - 1) // self.stride

    def __len__(self):
        return self.n

    def has_times(self):
        return True

    def _bound(self, t: int, strict: bool) -> int:
        lo, hi = 0, self.n
        tl = self.calls.tl
        while lo < hi:
            mid = (lo + hi) >> 1
            v = tl.time(mid * self.stride)
            if v < t or (strict and v == t):
                lo = mid + 1
            else:
                hi = mid
        return lo

    def index_bounds(self, t_lo, t_hi):
        return (0 if t_lo is None else self._bound(t_lo, False)), (self.n if t_hi is None else self._bound(t_hi, True))

    def record(self, k: int):
        ci = k * self.stride
        citem, ca = self.calls.record(ci)
        h = mix64(self.pc.salt ^ (ci * 2246822519 + 9))
        start, end = ca["start_time"], ca["end_time"]
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
            "processing_state": "complete",
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
        return item, {"call_sid": ca["sid"], "start_time": start}
