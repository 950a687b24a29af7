"""Pricing (global catalogues): messaging v1 and voice v2 countries."""
from __future__ import annotations

from ..ids import mix64, salt_for
from .common import PRICING1, PRICING2

# =========================================================================== pricing (global)

PRICING_COUNTRIES = [
    ("AR", "Argentina"), ("AU", "Australia"), ("AT", "Austria"), ("BE", "Belgium"), ("BR", "Brazil"),
    ("CA", "Canada"), ("CL", "Chile"), ("CN", "China"), ("CO", "Colombia"), ("DK", "Denmark"),
    ("FI", "Finland"), ("FR", "France"), ("DE", "Germany"), ("HK", "Hong Kong"), ("IN", "India"),
    ("IE", "Ireland"), ("IL", "Israel"), ("IT", "Italy"), ("JP", "Japan"), ("MX", "Mexico"),
    ("NL", "Netherlands"), ("NZ", "New Zealand"), ("NO", "Norway"), ("PL", "Poland"), ("PT", "Portugal"),
    ("SG", "Singapore"), ("ZA", "South Africa"), ("ES", "Spain"), ("SE", "Sweden"), ("CH", "Switzerland"),
    ("GB", "United Kingdom"), ("US", "United States"),
]
PRICING_BY_ISO = dict(PRICING_COUNTRIES)


def pricing_list(version: str) -> list:
    base = f"{PRICING1}/Messaging" if version == "messaging" else f"{PRICING2}/Voice"
    return [({"country": name, "iso_country": iso_c, "url": f"{base}/Countries/{iso_c}"}, {"iso_country": iso_c})
            for iso_c, name in PRICING_COUNTRIES]


def _price(seed: int, *labels) -> str:
    return "%.4f" % (0.005 + (mix64(salt_for(seed, *labels)) % 900) / 10000.0)


def pricing_messaging_country(seed: int, iso_c: str) -> dict | None:
    name = PRICING_BY_ISO.get(iso_c)
    if name is None:
        return None
    carriers = [(f"{name} Mobile {k}", "%03d" % (200 + k), "%02d" % k) for k in range(2)]
    return {
        "country": name,
        "inbound_sms_prices": [{"base_price": _price(seed, iso_c, t, "in"), "current_price": _price(seed, iso_c, t, "in"),
                                "number_type": t} for t in ("local", "mobile", "toll free")],
        "iso_country": iso_c,
        "outbound_sms_prices": [{
            "carrier": c, "mcc": mcc, "mnc": mnc,
            "prices": [{"base_price": _price(seed, iso_c, c, t), "current_price": _price(seed, iso_c, c, t), "number_type": t}
                       for t in ("local", "mobile")],
        } for c, mcc, mnc in carriers],
        "price_unit": "USD",
        "url": f"{PRICING1}/Messaging/Countries/{iso_c}",
    }


def pricing_voice_country(seed: int, iso_c: str) -> dict | None:
    name = PRICING_BY_ISO.get(iso_c)
    if name is None:
        return None
    return {
        "country": name,
        "inbound_call_prices": [{"base_price": _price(seed, iso_c, t, "vin"), "current_price": _price(seed, iso_c, t, "vin"),
                                 "number_type": t} for t in ("local", "toll free")],
        "iso_country": iso_c,
        "outbound_prefix_prices": [{
            "base_price": _price(seed, iso_c, k, "vout"), "current_price": _price(seed, iso_c, k, "vout"),
            "destination_prefixes": [f"{10 + k}"], "friendly_name": f"Programmable Outbound Minute - {name} - {kind}",
            "origination_prefixes": ["ALL"],
        } for k, kind in enumerate(("Mobile", "Landline", "Toll Free"))],
        "price_unit": "USD",
        "url": f"{PRICING2}/Voice/Countries/{iso_c}",
    }
