"""Records of the 2010-04-01 REST API (api.twilio.com), shaped like Twilio's.

Field sets follow reference/twilio-api/item_shapes.json (recorded Twilio bodies):
RFC 2822 dates with "+0000", prices as strings ("-0.00790"), counts as numeric strings
("duration", "num_segments", "num_media"), relative ``uri`` / ``subresource_uris``.

Messages and Calls are the large streams: record ``i`` is computed from
``(seed, account, i)`` and its time from the account's Timeline; they are returned
newest first.  The newest ``open_tail`` of each are still open (queued / accepted
messages without ``date_sent``; queued / ringing calls without ``start_time``,
in-progress calls without ``end_time``) until ``advance`` completes them.  Failed and
canceled calls never get an ``end_time`` (Twilio leaves it empty when a call "did not
complete successfully"), so no ``EndTime`` filter matches them.

Modules: ``common`` (codecs, shared constants), ``messaging`` (Messages, Media),
``voice`` (Calls, Recordings, Transcriptions, Notifications, Conferences, Participants),
``usage`` (usage records and triggers), ``account`` (configuration objects, available
numbers, accounts, balance).
"""
from .account import (  # noqa: F401
                      AVAILABLE_COUNTRIES,
                      PATH_TYPE,
                      TYPE_PATH,
                      accounts_list,
                      addresses,
                      applications,
                      available_countries,
                      available_numbers,
                      balance,
                      dependent_numbers,
                      incoming_numbers,
                      keys,
                      outgoing_caller_ids,
                      queues,
)
from .common import API_VERSION, MSG_BODIES, AccountCodecs, formatted  # noqa: F401
from .messaging import (  # noqa: F401
                      MEDIA_SLOTS,
                      MEDIA_TYPES,
                      MSG_ERRORS,
                      MessagesCollection,
                      media_collection,
)
from .usage import USAGE_CATEGORIES, UsageCollection, usage_triggers  # noqa: F401
from .voice import (  # noqa: F401
                      CALL_PRICE_PER_MIN,
                      CALL_STATUSES_WITHOUT_END,
                      OPEN_CALL_STATUSES,
                      SETTLED_CALL_STATUSES,
                      CallsCollection,
                      conferences_collection,
                      notifications_collection,
                      participants_collection,
                      recordings_collection,
                      transcriptions_collection,
)
