"""The manifest a source is built from: `manifest.yaml` as shipped, parsed once per process; for a read, only the
streams its catalog names.

- The file is this package's own (`importlib.resources`), never a `manifest.yaml` in the working directory: the
  CDK's YAML source opens that path relative to the working directory first, so a connector started from a directory
  holding another manifest would run that one.
- The CDK resolves, propagates and validates the whole manifest it is given, and builds every stream in it, before a
  read starts: about half a second of CPU for the 56 streams here, paid on every run. A read builds only the streams
  of its catalog, so a manifest cut down to those streams (and the stream definitions they name, such as a parent)
  builds the same streams for it, in a fraction of that time. Spec, check and discover (no catalog) get every stream.
"""

from __future__ import annotations

import copy
import functools
from importlib import resources
from typing import Any, Dict, Iterable, Iterator, Optional, Set, Tuple

from airbyte_cdk.utils.yaml_loader import safe_load_yaml

STREAM_REF = "#/definitions/streams/"


@functools.lru_cache(maxsize=1)
def _shipped() -> Dict[str, Any]:
    text = resources.files(__package__).joinpath("manifest.yaml").read_text(encoding="utf-8")
    manifest: Dict[str, Any] = safe_load_yaml(text)  # as the CDK's YAML source parses it
    return manifest


def _stream_names() -> frozenset[str]:
    manifest = _shipped()
    return frozenset(_name(manifest["definitions"]["streams"], entry) for entry in manifest["streams"])


def manifest_for(stream_names: Iterable[str] = ()) -> Dict[str, Any]:
    """A copy of the shipped manifest; given stream names (a read's catalog), with only those streams, the streams
    `check` names, and the definitions any of them refers to, directly or through another definition. Names it does
    not declare are left out (SourceTwilio.read refuses them, naming them). A copy, because the parsed manifest is
    shared by every source the process builds and the CDK makes no promise to leave alone what it is given (it
    costs a millisecond)."""
    manifest = _shipped()
    wanted = set(stream_names)
    if not wanted:
        return copy.deepcopy(manifest)
    wanted |= set(manifest.get("check", {}).get("stream_names", []))
    streams = manifest["definitions"]["streams"]
    cut = {key: value for key, value in manifest.items() if key not in ("definitions", "streams")}
    cut["streams"] = [entry for entry in manifest["streams"] if _name(streams, entry) in wanted]
    reached = _reached(manifest["definitions"], cut)
    cut["definitions"] = {key: value for key, value in manifest["definitions"].items() if key != "streams" and (key,) in reached}
    cut["definitions"]["streams"] = {key: value for key, value in streams.items() if ("streams", key) in reached}
    return copy.deepcopy(cut)


def _name(streams: Dict[str, Any], entry: Dict[str, Any]) -> str:
    """The name of a `streams:` entry, which refers to a stream definition: its `name`, or the one its `$parameters`
    give it (as every stream here does)."""
    definition = streams[entry["$ref"][len(STREAM_REF):]]
    name: str = definition.get("name") or definition["$parameters"]["name"]
    return name


def _reached(definitions: Dict[str, Any], start: Any) -> Set[Tuple[str, ...]]:
    """The definitions `start` refers to and, transitively, every one they refer to: ("streams", key) for a stream
    definition, (key,) for any other."""
    reached: Set[Tuple[str, ...]] = set()
    todo = [_definition(ref) for ref in _refs(start)]
    while todo:
        node = todo.pop()
        if node is None or node in reached:
            continue
        reached.add(node)
        value = definitions["streams"][node[1]] if node[0] == "streams" and len(node) == 2 else definitions[node[0]]
        todo.extend(_definition(ref) for ref in _refs(value))
    return reached


def _definition(ref: str) -> Optional[Tuple[str, ...]]:
    """Which definition a reference is into: "#/definitions/streams/calls/retriever" -> ("streams", "calls"),
    "#/definitions/api_requester" -> ("api_requester",); None for a reference elsewhere."""
    parts = ref[2:].split("/")
    if parts[0] != "definitions" or len(parts) < 2:
        return None
    return ("streams", parts[2]) if parts[1] == "streams" and len(parts) > 2 else (parts[1],)


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)
    elif isinstance(node, str) and node.startswith("#/"):
        yield node


# Every stream the connector declares.
STREAM_NAMES = _stream_names()
