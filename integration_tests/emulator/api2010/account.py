"""Account-level configuration objects of the 2010-04-01 API: addresses, phone numbers,
applications, caller IDs, queues, keys, available numbers, the accounts list and the
balance.  These never change after the world is created."""
from __future__ import annotations

from ..ids import mix64, salt_for
from ..listing import ListCollection
from ..timefmt import DAY
from ..timefmt import rfc2822 as rfc
from ..world import Account, World
from .common import API_VERSION, AccountCodecs, _t, formatted


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


def keys(cc: AccountCodecs, world: World, n: int) -> list:
    """Keys.json items carry no account_sid; an account lists its API keys (world.api_keys) and ``n`` more."""
    acc = cc.acc
    out = []
    for k in world.keys_of(acc.sid):
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
