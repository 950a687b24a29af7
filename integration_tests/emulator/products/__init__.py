"""Records of the v1/v2 product APIs (monitor, conversations, chat, studio, verify,
messaging, trunking, events, insights, pricing), shaped like Twilio's.

These APIs use ISO 8601 "Z" dates, JSON numbers for counts, and absolute ``url`` /
``links`` pointing at the real product host (https://conversations.twilio.com/...), as
Twilio returns them -- only the paging links are rewritten to point at the emulator.
The account a request reads is the one its credentials belong to (see server.py, `_authorize`).

Modules: ``common`` (hosts, codecs), ``monitor``, ``conversations``, ``chat``, ``studio``,
``verify``, ``services`` (messaging services, trunks, Event Streams), ``insights``,
``pricing``.
"""
from .chat import chat_roles, chat_services  # noqa: F401
from .common import (  # noqa: F401
                     CHAT,
                     CONV,
                     EVENTS,
                     INSIGHTS,
                     MESSAGING,
                     MONITOR,
                     PRICING1,
                     PRICING2,
                     STUDIO,
                     TRUNKING,
                     VERIFY,
                     ProductCodecs,
)
from .conversations import (  # noqa: F401
                     conversation_messages,
                     conversation_participants,
                     conversation_parts,
                     conversation_roles,
                     conversation_services,
                     conversations_collection,
                     user_conversations,
                     users,
)
from .insights import (  # noqa: F401
                     CALL_STATE,
                     COMPLETE_AFTER,
                     PARTIAL_AFTER,
                     RETENTION_DAYS,
                     SummariesCollection,
)
from .monitor import (  # noqa: F401
                     ALERT_CODES,
                     EVENT_TYPES_MONITOR,
                     alerts_collection,
                     monitor_events_collection,
)
from .pricing import (  # noqa: F401
                     PRICING_BY_ISO,
                     PRICING_COUNTRIES,
                     pricing_list,
                     pricing_messaging_country,
                     pricing_voice_country,
)
from .services import (  # noqa: F401
                     EVENT_TYPES,
                     EVENT_TYPES_T0,
                     event_types,
                     messaging_services,
                     sinks,
                     subscriptions,
                     trunks,
)
from .studio import STEP_NAMES, executions_collection, flows, steps  # noqa: F401
from .verify import verify_attempts_collection, verify_services  # noqa: F401
