"""Twilio's OpenAPI specs (vendored in ``reference/twilio-api/specs/``), read for the route table.

The specs are the contract: every route of the emulator is a GET path of one of them
(``twilio_{product}_{version}.json``; the 2010-04-01 API is ``twilio_api_v2010.json``),
each query parameter a route accepts is a query parameter of that path, and a route's
``PageSize`` maximum is the ``maximum`` of that path's ``PageSize`` parameter (1000 on
most lists, 100, 50 or 5 on Conversations and Chat lists).  Nothing here is hand-typed.
"""
from __future__ import annotations

import functools
from pathlib import Path

import orjson

SPEC_DIR = Path(__file__).resolve().parents[2] / "reference" / "twilio-api" / "specs"


def spec_file(product: str, path: str) -> str:
    """File name of the spec that defines ``path`` on ``{product}.twilio.com``."""
    if product == "api":
        return "twilio_api_v2010.json"
    version = path.strip("/").split("/", 1)[0]
    return f"twilio_{product}_{version}.json"


@functools.lru_cache(maxsize=None)
def _paths(file: str) -> dict:
    p = SPEC_DIR / file
    if not p.exists():
        raise FileNotFoundError(f"Twilio OpenAPI spec {p} is missing (vendored under reference/twilio-api/specs/)")
    return orjson.loads(p.read_bytes())["paths"]


def get_operation(product: str, path: str) -> dict | None:
    """The spec's GET operation of ``path`` (None if the spec has no such GET)."""
    item = _paths(spec_file(product, path)).get(path)
    return None if item is None else item.get("get")


def query_params(product: str, path: str) -> dict[str, dict]:
    """Query parameters of the GET operation: name -> parameter object."""
    op = get_operation(product, path) or {}
    return {p["name"]: p for p in op.get("parameters", []) if p.get("in") == "query"}


def page_size_max(product: str, path: str) -> int | None:
    """The ``maximum`` of the path's ``PageSize`` parameter (None: the path does not page)."""
    p = query_params(product, path).get("PageSize")
    if p is None:
        return None
    return int(p.get("schema", {})["maximum"])
