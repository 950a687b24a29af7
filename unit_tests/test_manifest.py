"""The manifest reads as a ladder (requester -> retriever -> family -> stream): streams are short blocks that pick a
family, every family is named in the header, and streams never reach into a family's insides by JSON pointer."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, List

import yaml

MANIFEST = Path(__file__).resolve().parents[1] / "source_twilio" / "manifest.yaml"


def stream_blocks() -> Dict[str, List[str]]:
    """Each stream's block under `definitions.streams`, without comments, and the comment lines just above it."""
    lines = MANIFEST.read_text().splitlines()
    start = lines.index("  streams:")
    blocks: Dict[str, List[str]] = {}
    comments: List[str] = []
    current = None
    for line in lines[start + 1:]:
        if line and not line.startswith("    ") and not line.startswith("  #"):
            break
        stripped = line.strip()
        if stripped.startswith("#"):
            comments.append(stripped)
        elif re.fullmatch(r"    [a-z_]+:", line):
            current = stripped[:-1]
            blocks[current] = ["# " + " ".join(comments)] if comments else []
            blocks[current].append(line)
            comments = []
        elif current and stripped:
            blocks[current].append(line)
        elif not stripped:
            comments = []
    return blocks


def test_given_the_manifest_then_no_mapping_or_list_is_squeezed_into_a_long_line():
    """A stream is a multi-line block: a mapping or list written flow-style (`key: {...}`, `key: [...]`) fits in 118
    characters, a longer one is written as a block. (Jinja expressions and comments may run longer.)"""
    flow = re.compile(r"^\s*[^\s#][^:]*: (\{.*\}|\[.*\])\s*$")
    long = [number for number, line in enumerate(MANIFEST.read_text().splitlines(), 1) if len(line) > 118 and flow.match(line)]
    assert long == []


def test_given_the_manifest_header_then_it_names_every_family():
    """The header lists every family a stream picks (and BEHAVIOR.md, the components and the tests)."""
    text = MANIFEST.read_text()
    header = text[: text.index("version:")]
    definitions = yaml.safe_load(text)["definitions"]
    families = {value["$ref"].split("/")[-1] for value in definitions["streams"].values() if "$ref" in value and "/streams/" not in value["$ref"]}
    assert families and all(family in header for family in families), sorted(f for f in families if f not in header)
    assert "BEHAVIOR.md" in header and "unit_tests" in header


def test_given_the_streams_then_none_reaches_into_a_family_by_json_pointer():
    """Streams use named requesters and retrievers, not `#/definitions/<family>/retriever/requester` pointers."""
    reach_ins = [line.strip() for block in stream_blocks().values() for line in block if re.search(r'"#/definitions/[a-z_0-9]+/[a-z_]+', line)]
    allowed = [line for line in reach_ins if "#/definitions/streams/" in line]
    assert reach_ins == allowed
