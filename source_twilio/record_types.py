"""Each record typed as its stream's schema says: RFC 2822 dates to ISO 8601 UTC, numeric strings to numbers, and
the account it was read for on each record (TwilioRecordNormalizer, the manifest's `normalizer` transformation).

Components are shared across the CDK's worker threads: nothing here keeps per-read state on `self`.
"""

from __future__ import annotations

import json
from dataclasses import InitVar, dataclass, field
from importlib import resources
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple, cast

from airbyte_cdk.sources.declarative.transformations import RecordTransformation
from airbyte_cdk.sources.types import Config, StreamSlice, StreamState

from .twilio import account_of, to_iso_utc


def _to_number(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if value == "":
        return None  # Twilio sends "" for a duration or price that does not exist yet
    if value.lstrip("-+").isdecimal():
        return int(value)
    try:
        return float(value)
    except ValueError:
        return value  # not a number after all: passed through as sent, never dropped


def _to_integer(value: Any) -> Any:
    number = _to_number(value)
    return int(number) if isinstance(number, float) and number.is_integer() else number


def load_schema(stream_name: str) -> Mapping[str, Any]:
    return cast(Mapping[str, Any], json.loads(resources.files("source_twilio").joinpath("schemas", f"{stream_name}.json").read_text()))


Converter = Callable[[Any], Any]


def _types(spec: Mapping[str, Any]) -> List[str]:
    types = spec.get("type", [])
    return [types] if isinstance(types, str) else list(types)


def _converter(spec: Mapping[str, Any]) -> Optional[Converter]:
    """How to turn a wire value into the schema's type, or None when it already is that type."""
    types = _types(spec)
    if spec.get("format") == "date-time":
        return to_iso_utc
    if "integer" in types and "string" not in types:
        return _to_integer
    if "number" in types and "string" not in types:
        return _to_number
    if "object" in types and spec.get("properties"):
        plan = conversion_plan(spec)
        if plan:
            return lambda value: _apply(plan, value) if isinstance(value, dict) else value
    if "array" in types and isinstance(spec.get("items"), dict):
        convert_item = _converter(spec["items"])
        if convert_item:
            return lambda value: [convert_item(item) for item in value] if isinstance(value, list) else value
    return None


def conversion_plan(schema: Mapping[str, Any]) -> List[Tuple[str, Converter]]:
    """(field, converter) for each field whose wire form differs from its schema type (nested ones included:
    pricing lists carry prices as strings inside arrays of objects)."""
    plan = []
    for name, spec in schema.get("properties", {}).items():
        convert = _converter(spec)
        if convert:
            plan.append((name, convert))
    return plan


def _apply(plan: List[Tuple[str, Converter]], record: Dict[str, Any]) -> Dict[str, Any]:
    for name, convert in plan:
        value = record.get(name)
        if value is not None:
            record[name] = convert(value)
    return record


@dataclass
class TwilioRecordNormalizer(RecordTransformation):
    """Types each record as its stream's schema says and tags it with the account it came from.

    The CDK's schema normalization walks every record through jsonschema validators (two thirds of a sync's CPU,
    see benchmarks/); this does the same job with a precomputed plan per stream:

    {"date_sent": "Fri, 18 Oct 2019 17:00:00 +0000", "price": "-0.00750", "num_segments": "1"}
    -> {"date_sent": "2019-10-18T17:00:00Z", "price": -0.0075, "num_segments": 1, "account_sid": "AC..."}

    `drop_fields` removes fields that must never reach a warehouse (an account's `auth_token`); `copy_fields`
    fills a missing field from another one (an account's `account_sid` is its own `sid`).
    """

    parameters: InitVar[Mapping[str, Any]]
    stream_name: str = ""
    drop_fields: List[str] = field(default_factory=list)
    copy_fields: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self._stream = self.stream_name or parameters.get("name", "")
        self._plan = conversion_plan(load_schema(self._stream))

    def transform(
        self,
        record: Dict[str, Any],
        config: Optional[Config] = None,
        stream_state: Optional[StreamState] = None,
        stream_slice: Optional[StreamSlice] = None,
    ) -> None:
        _apply(self._plan, record)
        for name in self.drop_fields:
            record.pop(name, None)
        for target, source in self.copy_fields.items():
            if record.get(target) is None:
                record[target] = record.get(source)
        if not record.get("account_sid") and stream_slice is not None:
            account_sid = account_of(stream_slice.partition)
            if account_sid:
                record["account_sid"] = account_sid


