"""Available phone numbers are asked only for the types a country offers.

Twilio's `AvailablePhoneNumbers.json` lists each country with the number types it offers in `subresource_uris`
(`{"local": ".../DK/Local.json"}` for Denmark in Twilio's own example, reference/twilio-api/fixtures/
available_phone_number_countries.json); a type a country lacks is a 404. The manifest's `RecordFilter` could keep the
countries, but not say which were left out and why: that is said once per read, at INFO, instead of a 404 warning per
country and account blamed on a product not enabled.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Optional

from airbyte_cdk.sources.declarative.extractors.record_filter import RecordFilter
from airbyte_cdk.sources.types import StreamSlice, StreamState

from . import progress

logger = logging.getLogger("airbyte")


@dataclass
class CountriesOffering(RecordFilter):
    """Keeps the countries whose `subresource_uris` lists the stream's `number_type` (`local`, `mobile`, `toll_free`,
    a `$parameters` entry of the stream that reads those numbers, propagated to its parent stream's filter)."""

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        super().__post_init__(parameters)
        self.number_type = str(parameters.get("number_type") or "")
        self.child = f"available_phone_numbers_{self.number_type}"

    def filter_records(
        self,
        records: Iterable[Mapping[str, Any]],
        stream_state: StreamState,
        stream_slice: Optional[StreamSlice] = None,
        next_page_token: Optional[Mapping[str, Any]] = None,
    ) -> Iterable[Mapping[str, Any]]:
        lacking = []
        for record in records:
            offered = record.get("subresource_uris") or {}
            if self.number_type in offered:
                yield record
            else:
                lacking.append(f"{record.get('country_code')} ({', '.join(sorted(offered)) or 'none'})")
        if lacking:
            reason = (
                f"{self.child}: not asked for {', '.join(lacking)}: Twilio lists no {self.number_type} numbers for "
                "these countries (the types each offers, from its subresource_uris, in brackets)."
            )
            if progress.current().note(self.child, reason):
                logger.info(reason)
