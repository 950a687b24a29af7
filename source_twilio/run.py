"""Entry point for `source-twilio`, `python main.py` and the Docker image.

A bad config ends in one AirbyteTraceMessage (config_error) that names the field, without a stack trace: the
user needs the fix, not the connector's call stack.
"""

from __future__ import annotations

import gc
import sys
import time
from typing import Any, List, Mapping, Optional

import orjson
from airbyte_cdk.entrypoint import AirbyteEntrypoint
from airbyte_cdk.logger import PRINT_BUFFER
from airbyte_cdk.models import (
    AirbyteErrorTraceMessage,
    AirbyteMessage,
    AirbyteMessageSerializer,
    AirbyteTraceMessage,
    ConnectorSpecification,
    FailureType,
    TraceType,
    Type,
)
from airbyte_cdk.utils.airbyte_secrets_utils import filter_secrets
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from airbyte_cdk.sources.utils.schema_helpers import split_config

from .config import ConfigError, check_config, schema_problems
from .source import SourceTwilio


class TwilioEntrypoint(AirbyteEntrypoint):
    @staticmethod
    def validate_connection(source_spec: ConnectorSpecification, config: Mapping[str, Any]) -> None:
        # Our own checks first: they name the field and say what to enter (jsonschema's messages do neither).
        check_config(config)
        problems = schema_problems(split_config(config)[0], source_spec.connectionSpecification)
        if problems:  # the same validation as the CDK's, saying which field and what it must be
            raise ConfigError("Config validation error: " + " ".join(problems))
        AirbyteEntrypoint.validate_connection(source_spec, config)


def _emit_error(message: str, failure_type: FailureType) -> None:
    trace = AirbyteMessage(
        type=Type.TRACE,
        trace=AirbyteTraceMessage(
            type=TraceType.ERROR,
            emitted_at=time.time() * 1000,
            error=AirbyteErrorTraceMessage(message=message, internal_message=message, failure_type=failure_type),
        ),
    )
    print(filter_secrets(orjson.dumps(AirbyteMessageSerializer.dump(trace)).decode()), flush=True)


def _get_source(args: List[str]) -> Optional[SourceTwilio]:
    catalog_path = AirbyteEntrypoint.extract_catalog(args)
    config_path = AirbyteEntrypoint.extract_config(args)
    state_path = AirbyteEntrypoint.extract_state(args)
    try:
        return SourceTwilio(
            SourceTwilio.read_catalog(catalog_path) if catalog_path else None,
            SourceTwilio.read_config(config_path) if config_path else None,
            SourceTwilio.read_state(state_path) if state_path else None,
            config_path=config_path,
        )
    except AirbyteTracedException as error:
        _emit_error(error.message or str(error), error.failure_type or FailureType.system_error)
    except Exception as error:  # the files could not be read: say which, without a trace
        _emit_error(f"Could not start the connector: {filter_secrets(str(error))}", FailureType.config_error)
    return None


# A page of 1,000 records is some 30,000 new dicts and strings. At Python's default (a young-generation collection
# every 700 new objects) a read of 270,000 messages and calls from the emulator spent 4.2 of its 17.6 s collecting
# garbage (timed with gc.callbacks), holding the GIL every worker needs; at 50,000, 0.2 s. Records hold no reference
# cycles, so nothing waits longer to be freed: reference counting frees them once written. Peak RSS at 1,000,000
# messages stays 217 MB (benchmarks/RESULTS.md, memory).
YOUNG_GENERATION_THRESHOLD = 50_000


def _collect_garbage_less_often() -> None:
    """The objects alive once the source is built (modules, manifest, schemas) live as long as the process: frozen,
    no collection walks them again; young objects are collected every YOUNG_GENERATION_THRESHOLD allocations."""
    gc.freeze()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, *gc.get_threshold()[1:])


def run(args: Optional[List[str]] = None) -> None:
    args = sys.argv[1:] if args is None else args
    _collect_garbage_less_often()  # the modules imported
    source = _get_source(args)
    if source is None:
        sys.exit(1)
    _collect_garbage_less_often()  # and the source built from the manifest
    entrypoint = TwilioEntrypoint(source)
    parsed_args = entrypoint.parse_args(args)
    try:
        with PRINT_BUFFER:
            for message in entrypoint.run(parsed_args):
                print(f"{message}\n", end="")
    except AirbyteTracedException as error:
        if error.failure_type != FailureType.config_error:
            raise
        _emit_error(error.message or "Invalid configuration.", FailureType.config_error)
        sys.exit(1)
