"""Contender D: airbyte-cdk as it ships, with nothing but what reading the pages takes.

A declarative manifest of one stream (messages or calls): per account a SimpleRetriever that follows
`next_page_uri` with PageSize=1000, a DpathExtractor, an empty schema, no cursor, no date windows, no record
filter, no transformation, the CDK's own JSON decoder. The accounts come in the config (`account_sids`), so D does
not even read Accounts.json; its garbage collector is set as A's (source_twilio/run.py), so what D measures is the
CDK's own cost of turning pages into Airbyte messages: a floor under any airbyte-cdk source of these pages.

    python benchmarks/bare_cdk.py read --config C --catalog K

with C = {"api_root": "http://127.0.0.1:PORT/api", "account_sid": ..., "auth_token": ..., "account_sids": [...]}
(the emulator's api.twilio.com); not for any real account.
"""

from __future__ import annotations

import gc
import sys
from typing import Any, Dict

RESOURCES = {"messages": "Messages.json", "calls": "Calls.json"}
YOUNG_GENERATION_THRESHOLD = 50_000  # as source_twilio/run.py


def stream(name: str) -> Dict[str, Any]:
    return {
        "type": "DeclarativeStream",
        "name": name,
        "primary_key": ["sid"],
        "schema_loader": {"type": "InlineSchemaLoader", "schema": {"type": "object", "additionalProperties": True, "properties": {}}},
        "retriever": {
            "type": "SimpleRetriever",
            "requester": {
                "type": "HttpRequester",
                "url_base": "{{ config['api_root'] }}",
                "path": f"/2010-04-01/Accounts/{{{{ stream_partition.account_sid }}}}/{RESOURCES[name]}",
                "http_method": "GET",
                "authenticator": {"type": "BasicHttpAuthenticator", "username": "{{ config['account_sid'] }}",
                                  "password": "{{ config['auth_token'] }}"},
                "request_parameters": {"PageSize": "1000"},
            },
            "record_selector": {"type": "RecordSelector", "extractor": {"type": "DpathExtractor", "field_path": [name]}},
            "paginator": {
                "type": "DefaultPaginator",
                "pagination_strategy": {"type": "CursorPagination",
                                        "cursor_value": "{{ config['api_root'] }}{{ response.next_page_uri }}",
                                        "stop_condition": "{{ not response.next_page_uri }}"},
                "page_token_option": {"type": "RequestPath"},
            },
            "partition_router": {"type": "ListPartitionRouter", "values": "{{ config['account_sids'] }}",
                                 "cursor_field": "account_sid"},
        },
    }


MANIFEST: Dict[str, Any] = {
    "version": "7.0.0",
    "type": "DeclarativeSource",
    "spec": {"type": "Spec", "connection_specification": {"type": "object", "properties": {}}},
    "check": {"type": "CheckStream", "stream_names": ["messages"]},
    "concurrency_level": {"type": "ConcurrencyLevel", "default_concurrency": "{{ config.get('num_workers', 10) }}",
                          "max_concurrency": 50},
    "streams": [stream(name) for name in RESOURCES],
}


def main(args: list) -> None:
    gc.freeze()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, *gc.get_threshold()[1:])
    from airbyte_cdk.entrypoint import AirbyteEntrypoint, launch
    from airbyte_cdk.sources.declarative.concurrent_declarative_source import ConcurrentDeclarativeSource

    catalog_path, config_path = AirbyteEntrypoint.extract_catalog(args), AirbyteEntrypoint.extract_config(args)
    config = ConcurrentDeclarativeSource.read_config(config_path) if config_path else None
    catalog = ConcurrentDeclarativeSource.read_catalog(catalog_path) if catalog_path else None
    launch(ConcurrentDeclarativeSource(catalog=catalog, config=config, state=None, source_config=MANIFEST), args)


if __name__ == "__main__":
    main(sys.argv[1:])
