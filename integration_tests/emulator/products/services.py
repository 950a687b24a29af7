"""Configuration lists of the smaller products: messaging services (messaging v1),
SIP trunks (trunking v1), Event Streams types, sinks and subscriptions (events v1)."""
from __future__ import annotations

from ..timefmt import DAY, iso
from ..world import World
from .common import EVENTS, MESSAGING, TRUNKING, ProductCodecs


def messaging_services(world: World, pc: ProductCodecs) -> list:
    acc = pc.acc
    out = []
    for k in range(world.config.count("messaging_services")):
        sid = pc.messaging_service.sid(k)
        t = acc.at(5 * DAY + k * 600)
        out.append(({
            "account_sid": acc.sid,
            "area_code_geomatch": True,
            "date_created": iso(t),
            "date_updated": iso(t + 120),
            "fallback_method": "POST",
            "fallback_to_long_code": True,
            "fallback_url": None,
            "friendly_name": ("Notifications", "Marketing", "Support")[k % 3] + ("" if k < 3 else f" {k}"),
            "inbound_method": "POST",
            "inbound_request_url": "https://example.com/twilio/inbound",
            "links": {name: f"{MESSAGING}/Services/{sid}/{path}" for name, path in (
                ("phone_numbers", "PhoneNumbers"), ("short_codes", "ShortCodes"), ("alpha_senders", "AlphaSenders"),
                ("messages", "Messages"), ("us_app_to_person", "Compliance/Usa2p"),
                ("us_app_to_person_usecases", "Compliance/Usa2p/Usecases"), ("channel_senders", "ChannelSenders"),
                ("destination_alpha_senders", "DestinationAlphaSenders"))},
            "mms_converter": True,
            "scan_message_content": "inherit",
            "sid": sid,
            "smart_encoding": True,
            "status_callback": None,
            "sticky_sender": True,
            "synchronous_validation": False,
            "url": f"{MESSAGING}/Services/{sid}",
            "us_app_to_person_registered": False,
            "use_inbound_webhook_on_number": False,
            "usecase": ("notifications", "marketing", "customer_care")[k % 3],
            "validity_period": 14400,
        }, {"sid": sid}))
    return out


def trunks(world: World, pc: ProductCodecs) -> list:
    acc = pc.acc
    out = []
    for k in range(world.config.count("trunks")):
        sid = pc.trunk.sid(k)
        t = acc.at(6 * DAY + k * 600)
        out.append(({
            "account_sid": acc.sid,
            "auth_type": "",
            "auth_type_set": [],
            "cnam_lookup_enabled": False,
            "date_created": iso(t),
            "date_updated": iso(t + 60),
            "disaster_recovery_method": "POST",
            "disaster_recovery_url": None,
            "domain_name": f"emulator-{acc.idx}-{k}.pstn.twilio.com",
            "friendly_name": f"Trunk {k}",
            "links": {name: f"{TRUNKING}/Trunks/{sid}/{path}" for name, path in (
                ("credential_lists", "CredentialLists"), ("ip_access_control_lists", "IpAccessControlLists"),
                ("origination_urls", "OriginationUrls"), ("phone_numbers", "PhoneNumbers"), ("recordings", "Recording"))},
            "recording": {"mode": "do-not-record", "trim": "do-not-trim"},
            "secure": False,
            "sid": sid,
            "symmetric_rtp_enabled": False,
            "transfer_caller_id": "from-transferee",
            "transfer_mode": "disable-all",
            "url": f"{TRUNKING}/Trunks/{sid}",
        }, {"sid": sid}))
    return out


EVENT_TYPES = [
    ("com.twilio.messaging.message.delivered", "Messaging.MessageStatus", "Messaging- delivered message"),
    ("com.twilio.messaging.message.failed", "Messaging.MessageStatus", "Messaging- failed message"),
    ("com.twilio.messaging.message.queued", "Messaging.MessageStatus", "Messaging- queued message"),
    ("com.twilio.messaging.message.sent", "Messaging.MessageStatus", "Messaging- sent message"),
    ("com.twilio.messaging.message.undelivered", "Messaging.MessageStatus", "Messaging- undelivered message"),
    ("com.twilio.messaging.inbound-message.received", "Messaging.InboundMessageV1", "Messaging- inbound message received"),
    ("com.twilio.voice.insights.call-summary.complete", "Voice.Insights.CallSummary", "Voice Insights- call summary"),
    ("com.twilio.voice.status-callback.call.completed", "Voice.StatusCallback", "Voice- call completed"),
    ("com.twilio.voice.status-callback.call.ringing", "Voice.StatusCallback", "Voice- call ringing"),
    ("com.twilio.studio.flow.execution.ended", "Studio.FlowExecution", "Studio- flow execution ended"),
]
EVENT_TYPES_T0 = 1597325300  # 2020-08-13T13:28:20Z, as in Twilio's examples


def event_types() -> list:
    out = []
    for k, (typ, schema, desc) in enumerate(EVENT_TYPES):
        t = EVENT_TYPES_T0 - k
        out.append(({
            "date_created": iso(t),
            "date_updated": iso(t),
            "description": desc,
            "documentation_url": None,
            "links": {"schema": f"{EVENTS}/Schemas/{schema}/Versions"},
            "schema_id": schema,
            "status": "available",
            "type": typ,
            "url": f"{EVENTS}/Types/{typ}",
        }, {"type": typ}))
    return out


def sinks(world: World, pc: ProductCodecs) -> list:
    acc = pc.acc
    out = []
    for k in range(world.config.count("sinks")):
        sid = pc.sink.sid(k)
        t = acc.at(7 * DAY + k * 600)
        kinesis = k % 2 == 0
        out.append(({
            "date_created": iso(t),
            "date_updated": iso(t + 60),
            "description": f"{'Kinesis' if kinesis else 'Webhook'} sink {k}",
            "links": {"sink_test": f"{EVENTS}/Sinks/{sid}/Test", "sink_validate": f"{EVENTS}/Sinks/{sid}/Validate"},
            "sid": sid,
            "sink_configuration": {"arn": f"arn:aws:kinesis:us-east-1:111111111:stream/emulator{k}",
                                   "role_arn": "arn:aws:iam::111111111:role/Role", "external_id": "1234567890"}
            if kinesis else {"destination": "https://example.com/events", "method": "POST", "batch_events": True},
            "sink_type": "kinesis" if kinesis else "webhook",
            "status": "active",
            "url": f"{EVENTS}/Sinks/{sid}",
        }, {"sid": sid}))
    return out


def subscriptions(world: World, pc: ProductCodecs) -> list:
    acc = pc.acc
    out = []
    n_sinks = max(1, world.config.count("sinks"))
    for k in range(world.config.count("subscriptions")):
        sid = pc.subscription.sid(k)
        t = acc.at(7 * DAY + 3600 + k * 600)
        out.append(({
            "account_sid": acc.sid,
            "date_created": iso(t),
            "date_updated": iso(t + 93),
            "description": f"Subscription {k}",
            "links": {"subscribed_events": f"{EVENTS}/Subscriptions/{sid}/SubscribedEvents"},
            "sid": sid,
            "sink_sid": pc.sink.sid(k % n_sinks),
            "url": f"{EVENTS}/Subscriptions/{sid}",
        }, {"sid": sid}))
    return out
