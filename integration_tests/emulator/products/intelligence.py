"""Conversation Intelligence (classic), intelligence.twilio.com/v2: Services, Transcripts of the account's recordings,
their Sentences and OperatorResults, Operators and OperatorTypes.

"If automatic transcription is enabled, Twilio creates a ... Transcript resource whenever a Voice call within your
Account has been recorded" (https://www.twilio.com/docs/conversation-intelligence-classic/api/transcript-resource): an
account with a Service (``World.intelligence_services``) has one transcript per recording, created 30 s after it, with
``channel.media_properties.source_sid`` the recording's SID (the shape the docs' create example sends,
https://www.twilio.com/docs/conversation-intelligence-classic) and ``customer_key`` the recording's call SID (what a
contact centre puts there to join back; Twilio leaves it to the creator).

A transcript's life is fixed at creation by ``(seed, account, index)``: ``queued`` for 1 to 10 minutes, then
``in-progress`` for 1 minute plus half the recording's length, then ``completed`` (one in twelve ``failed``); each
status change moves ``date_updated``. "now" decides which status it is in, so ``advance`` completes some. Sentences
and operator results exist once it is completed (knob ``intelligence_open_children`` says what an open one lists).
Redaction: a Service with ``auto_redaction`` has a redacted version of each sentence and result; ``Redacted`` (default
true when redaction is enabled, the spec's parameter) picks it; without auto_redaction there is only the text as said.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..ids import mix64, salt_for
from ..timefmt import iso
from ..world import Account, World

INTELLIGENCE = "https://intelligence.twilio.com/v2"
CREATED_AFTER_RECORDING = 30
FINAL_STATUSES = ("completed", "failed")

# Twilio's pre-built Language Operators (the emulator's selection; their author is Twilio, no account owns them).
PREBUILT = (
    ("Sentiment Analysis", "conversation-classify", ("positive", "neutral", "negative")),
    ("Call Reason", "conversation-classify", ("billing", "technical support", "sales", "cancellation")),
    ("Conversation Summary", "text-generation", ()),
    ("PII Extraction", "pii-extract", ()),
    ("Escalation Request", "utterance-classify", ()),
)
CUSTOM = (("Order Number", "extract"), ("Competitor Mention", "utterance-classify"))
OPERATOR_TYPES = (
    ("conversation-classify", "Conversation Classify", "text-classification", "twilio"),
    ("utterance-classify", "Utterance Classify", "text-classification", "twilio"),
    ("extract", "Extract", "text-extraction", "twilio"),
    ("pii-extract", "PII Extract", "text-extraction", "amazon"),
    ("text-generation", "Generative", "text-generation", "openai"),
)
# (channel, text as said, text redacted): agent on channel 1, caller on channel 2
LINES = (
    (1, "Thanks for calling, this is {agent}, how can I help?", "Thanks for calling, this is [PERSON], how can I help?"),
    (2, "Hi, my name is {caller} and my number is {phone}.", "Hi, my name is [PERSON] and my number is [PHONE_NUMBER]."),
    (2, "I was charged twice for order {order}.", "I was charged twice for order {order}."),
    (1, "I am sorry about that, let me check the account.", "I am sorry about that, let me check the account."),
    (1, "I see the second charge, I will refund it today.", "I see the second charge, I will refund it today."),
    (2, "Great, thank you, that is all I needed.", "Great, thank you, that is all I needed."),
    (2, "Can I speak to a supervisor please?", "Can I speak to a supervisor please?"),
    (1, "Of course, I am transferring you now.", "Of course, I am transferring you now."),
)
AGENTS = ("Alice", "Bruno", "Carmen", "Dmitri")
CALLERS = ("Jordan Smith", "Maria Garcia", "Wei Chen", "Amara Okafor")


def prebuilt_sid(world: World, k: int) -> str:
    return world.codec("LY", "intelligence_prebuilt").sid(k)


def operator_type_sid(world: World, k: int) -> str:
    return world.codec("EY", "intelligence_operator_types").sid(k)


@dataclass(frozen=True)
class Service:
    k: int
    account_sid: str
    sid: str
    name: str
    auto_redaction: bool
    created: int
    operators: tuple  # attached operator SIDs: every pre-built one and the account's custom ones


def custom_operators(world: World, acc: Account) -> list[tuple[str, str, str]]:
    """(sid, friendly_name, operator_type) of the account's custom operators: two for the main account, one for a
    subaccount with Intelligence."""
    if not world.intelligence_services(acc):
        return []
    codec = world.codec("LY", "intelligence_custom", acc.idx)
    return [(codec.sid(k), *CUSTOM[k]) for k in range(2 if acc.idx == 0 else 1)]


def services(world: World, acc: Account) -> list[Service]:
    codec = world.codec("GA", "intelligence_services", acc.idx)
    attached = tuple(prebuilt_sid(world, k) for k in range(len(PREBUILT))) + tuple(s for s, _, _ in custom_operators(world, acc))
    names = ("Contact Centre QA", "Sales Line")
    return [Service(k, acc.sid, codec.sid(k), names[k % 2], auto_redaction=(acc.idx + k) % 2 == 0, created=acc.at(2 * 86400 + k * 600),
                    operators=attached) for k in range(world.intelligence_services(acc))]


def service_items(svcs: list[Service]) -> list[tuple[dict, dict]]:
    return [({
        "account_sid": s.account_sid, "auto_redaction": s.auto_redaction, "media_redaction": False, "auto_transcribe": True,
        "data_logging": False, "date_created": iso(s.created), "date_updated": iso(s.created + 60),
        "friendly_name": s.name, "language_code": "en-US", "sid": s.sid, "unique_name": s.name.lower().replace(" ", "-"),
        "url": f"{INTELLIGENCE}/Services/{s.sid}", "webhook_url": None, "webhook_http_method": None,
        "read_only_attached_operator_sids": list(s.operators), "version": 1, "encryption_credential_sid": None,
    }, {"sid": s.sid, "date_updated": s.created + 60}) for s in svcs]


@dataclass(frozen=True)
class Transcript:
    """One transcript's life (module docstring)."""

    j: int  # its recording's index
    sid: str
    service: Service
    recording_sid: str
    call_sid: str
    created: int
    duration: int
    queued_until: int
    completed_at: int
    failed: bool
    salt: int

    def status_at(self, now: int) -> tuple[str, int]:
        """(status, date_updated) at now."""
        if now < self.queued_until:
            return "queued", self.created
        if now < self.completed_at:
            return "in-progress", self.queued_until
        return ("failed" if self.failed else "completed"), self.completed_at

    def sentences(self, world: World, acc: Account) -> list[dict]:
        """Every sentence of the completed transcript, as said and redacted."""
        h = self.salt
        n = 4 + h % 5
        lines = [LINES[k] for k in (0, 1, 2, 3, 4, 5, 6, 7)[:n]]
        codec = world.codec("GX", "intelligence_sentences", acc.idx)
        words = {"agent": AGENTS[h % len(AGENTS)], "caller": CALLERS[(h >> 8) % len(CALLERS)],
                 "phone": acc.customers[(h >> 16) % len(acc.customers)], "order": "A%05d" % ((h >> 24) % 100000)}
        step = max(2, self.duration // max(1, n))
        out = []
        for i, (channel, said, redacted) in enumerate(lines):
            out.append({"index": i, "sid": codec.sid(self.j * 16 + i), "channel": channel, "start": i * step,
                        "end": i * step + step - 1, "said": said.format(**words), "redacted": redacted.format(**words),
                        "confidence": "%.2f" % (0.8 + ((h >> (i + 3)) % 20) / 100)})
        return out


def transcript(world: World, acc: Account, svcs: list[Service], recordings, j: int) -> Transcript:
    item, attrs = recordings.record(j)
    created = attrs["date_created"] + CREATED_AFTER_RECORDING
    h = mix64(salt_for(world.config.seed, "intelligence", acc.idx) ^ (j * 0x9E37 + 11))
    duration = int(item["duration"])
    queued_until = created + 60 + h % 540
    return Transcript(j, world.codec("GT", "intelligence_transcripts", acc.idx).sid(j), svcs[j % len(svcs)], attrs["sid"],
                      attrs["call_sid"], created, duration, queued_until, queued_until + 60 + duration // 2,
                      failed=(h >> 12) % 12 == 0, salt=h >> 20)


def transcript_item(t: Transcript, now: int) -> tuple[dict, dict]:
    status, updated = t.status_at(now)
    url = f"{INTELLIGENCE}/Transcripts/{t.sid}"
    item = {
        "account_sid": t.service.account_sid, "service_sid": t.service.sid, "sid": t.sid, "date_created": iso(t.created),
        "date_updated": iso(updated), "status": status,
        "channel": {"media_properties": {"source_sid": t.recording_sid},
                    "participants": [{"channel_participant": 1, "role": "Agent"}, {"channel_participant": 2, "role": "Customer"}]},
        "data_logging": False, "language_code": "en-US", "customer_key": t.call_sid,
        "media_start_time": iso(t.created - CREATED_AFTER_RECORDING), "duration": t.duration, "url": url,
        "redaction": t.service.auto_redaction, "encryption_credential_sid": None,
        "links": {name: f"{url}/{path}" for name, path in (
            ("sentences", "Sentences"), ("encrypted_sentences", "Sentences/Encrypted"), ("media", "Media"),
            ("operator_results", "OperatorResults"), ("encrypted_operator_results", "OperatorResults/Encrypted"))},
    }
    attrs = {"sid": t.sid, "date_created": t.created, "date_updated": updated, "status": status,
             "service_sid": t.service.sid, "source_sid": t.recording_sid, "language_code": "en-US",
             "media_start_time": t.created - CREATED_AFTER_RECORDING}
    return item, attrs


def redacted_view(t: Transcript, query: dict) -> bool:
    """Which version a request gets: "If redaction is enabled, the default is `true`" (spec, Sentences `Redacted`);
    a Service without auto_redaction has only the text as said."""
    return t.service.auto_redaction and str(query.get("Redacted", "true")).lower() not in ("false", "0")


def sentence_items(world: World, acc: Account, t: Transcript, query: dict, upto: int | None = None) -> list[tuple[dict, dict]]:
    redacted = redacted_view(t, query)
    timestamps = str(query.get("WordTimestamps", "false")).lower() == "true"
    out = []
    for s in t.sentences(world, acc)[:upto]:
        text = s["redacted"] if redacted else s["said"]
        words = [{"word": w, "start_time": (str(s["start"]) if timestamps else None), "end_time": (str(s["end"]) if timestamps else None)}
                 for w in text.split()]
        out.append(({"media_channel": s["channel"], "sentence_index": s["index"], "start_time": str(s["start"]),
                     "end_time": str(s["end"]), "transcript": text, "sid": s["sid"], "confidence": s["confidence"],
                     "words": words},
                    {"transcript_sid": t.sid, "sentence_index": s["index"]}))
    return out


def operator_result_items(world: World, acc: Account, t: Transcript, query: dict) -> list[tuple[dict, dict]]:
    """One result per operator attached to the transcript's Service."""
    redacted = redacted_view(t, query)
    said = t.sentences(world, acc)
    caller = said[1]["redacted" if redacted else "said"].split(" my name is ")[1].split(" and ")[0]
    names = {prebuilt_sid(world, k): (name, kind, labels) for k, (name, kind, labels) in enumerate(PREBUILT)}
    names.update({sid: (name, kind, ()) for sid, name, kind in custom_operators(world, acc)})
    out = []
    for k, operator_sid in enumerate(t.service.operators):
        name, kind, labels = names[operator_sid]
        h = mix64(t.salt ^ (k + 1))
        item = {"operator_type": kind, "name": name, "operator_sid": operator_sid, "extract_match": None,
                "match_probability": None, "normalized_result": None, "utterance_results": [], "utterance_match": None,
                "predicted_label": None, "predicted_probability": None, "label_probabilities": None,
                "extract_results": None, "text_generation_results": None, "json_results": None,
                "transcript_sid": t.sid, "url": f"{INTELLIGENCE}/Transcripts/{t.sid}/OperatorResults/{operator_sid}"}
        if kind == "conversation-classify":
            label = labels[h % len(labels)]
            probability = 0.55 + (h >> 8) % 45 / 100
            rest = (1 - probability) / (len(labels) - 1)
            item.update(predicted_label=label, predicted_probability="%.2f" % probability,
                        label_probabilities={other: round(probability if other == label else rest, 2) for other in labels})
        elif kind == "text-generation":
            item["text_generation_results"] = {"format": "text", "result": f"{caller} reported a double charge; the agent refunded it."}
        elif kind == "pii-extract":
            item.update(extract_match=True, extract_results={"PERSON": [caller]})
        elif kind == "extract":
            item.update(extract_match=True, extract_results={"order_number": [said[2]["said"].split()[-1].rstrip(".")]})
        else:
            matched = [s["index"] for s in said if "supervisor" in s["said"] or "Competitor" in s["said"]]
            item.update(utterance_match=bool(matched), utterance_results=[{"utterance_index": i, "match_probability": 0.9} for i in matched])
        out.append((item, {"transcript_sid": t.sid, "operator_sid": operator_sid}))
    return out


def operator_items(world: World, acc: Account | None, which: str) -> list[tuple[dict, dict]]:
    """`which`: "PreBuilt", "Custom" (the account's) or "" (both, /v2/Operators)."""
    out = []
    if which in ("", "PreBuilt"):
        for k, (name, kind, _) in enumerate(PREBUILT):
            sid = prebuilt_sid(world, k)
            out.append(({"account_sid": None, "sid": sid, "friendly_name": name, "description": f"Twilio's {name} operator",
                         "author": "Twilio", "operator_type": kind, "version": 1, "availability": "general-availability",
                         "config": None, "date_created": "2024-01-15T00:00:00Z", "date_updated": "2024-01-15T00:00:00Z",
                         "url": f"{INTELLIGENCE}/Operators/PreBuilt/{sid}"}, {"sid": sid}))
    if which in ("", "Custom") and acc is not None:
        for k, (sid, name, kind) in enumerate(custom_operators(world, acc)):
            created = acc.at(2 * 86400 + 3600 + k * 60)
            out.append(({"account_sid": acc.sid, "sid": sid, "friendly_name": name, "description": f"{name}, this account's own",
                         "author": acc.sid, "operator_type": kind, "version": 1, "availability": "public",
                         "config": {"training_set": ["example one", "example two"]}, "date_created": iso(created),
                         "date_updated": iso(created), "url": f"{INTELLIGENCE}/Operators/Custom/{sid}"}, {"sid": sid}))
    return out


def operator_type_items(world: World) -> list[tuple[dict, dict]]:
    return [({"name": name, "sid": operator_type_sid(world, k), "friendly_name": friendly, "description": friendly,
              "docs_link": "https://www.twilio.com/docs/conversation-intelligence-classic/key-concepts#language-operators",
              "output_type": output, "supported_languages": ["en"], "provider": provider, "availability": "general-availability",
              "configurable": name in ("extract", "utterance-classify", "text-generation"), "config_schema": {"type": "object"},
              "date_created": "2024-01-15T00:00:00Z", "date_updated": "2024-01-15T00:00:00Z",
              "url": f"{INTELLIGENCE}/OperatorTypes/{operator_type_sid(world, k)}"}, {"sid": operator_type_sid(world, k)})
            for k, (name, friendly, output, provider) in enumerate(OPERATOR_TYPES)]

