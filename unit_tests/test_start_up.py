"""What a run does before its first request: manifest.py gives a read a manifest of its catalog's streams, each
resolved exactly as in the whole manifest, read from the package whatever the working directory holds; run.py
freezes the imported modules for the garbage collector before it builds the source."""

from __future__ import annotations

import json
from typing import Any, Dict

import pytest
from airbyte_cdk.models import ConfiguredAirbyteCatalog, ConfiguredAirbyteCatalogSerializer
from airbyte_cdk.sources.declarative.parsers.manifest_component_transformer import ManifestComponentTransformer
from airbyte_cdk.sources.declarative.parsers.manifest_reference_resolver import ManifestReferenceResolver

from source_twilio import SourceTwilio
from source_twilio import manifest
from source_twilio.manifest import STREAM_NAMES, manifest_for

CONFIG = {"account_sid": "AC" + "a" * 32, "auth_token": "t" * 32, "start_date": "2024-01-01T00:00:00Z"}


def resolved_streams(manifest: Dict[str, Any]) -> Dict[str, Any]:
    """The streams as the CDK's source resolves them before it validates and builds them (references resolved,
    types and parameters propagated)."""
    resolved = ManifestReferenceResolver().preprocess_manifest(manifest)
    propagated = ManifestComponentTransformer().propagate_types_and_parameters("", resolved, {})
    return {stream["name"]: stream for stream in propagated["streams"]}


def catalog_of(*names: str) -> ConfiguredAirbyteCatalog:
    return ConfiguredAirbyteCatalogSerializer.load({"streams": [
        {"stream": {"name": name, "json_schema": {}, "supported_sync_modes": ["full_refresh"]},
         "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"} for name in names
    ]})


def test_given_any_one_stream_then_its_manifest_resolves_it_exactly_as_the_whole_manifest_does():
    """For each of the 62 streams (parents, families and the definitions they name included), the cut manifest
    resolves to the same stream, and to no stream but it and the one `check` reads."""
    whole = resolved_streams(manifest_for())
    assert set(whole) == STREAM_NAMES and len(STREAM_NAMES) == 62
    for name in sorted(STREAM_NAMES):
        cut = resolved_streams(manifest_for([name]))
        assert set(cut) == {name, "accounts"}, name
        assert json.dumps(cut[name], sort_keys=True) == json.dumps(whole[name], sort_keys=True), name


def test_given_names_it_does_not_declare_then_they_are_left_out_and_the_rest_kept():
    assert {stream["$ref"].rsplit("/", 1)[1] for stream in manifest_for(["calls", "nope"])["streams"]} == {"accounts", "calls"}


def test_given_a_read_catalog_then_the_source_builds_only_its_streams(tmp_path):
    source = SourceTwilio(catalog_of("message_media", "conversations"), CONFIG, None)
    assert {stream.name for stream in source.streams(source.prepare(CONFIG))} == {"accounts", "message_media", "conversations"}
    whole = SourceTwilio(None, CONFIG, None)
    assert {stream.name for stream in whole.streams(whole.prepare(CONFIG))} == set(STREAM_NAMES)


def test_given_a_source_built_for_one_catalog_when_it_reads_another_then_it_says_so_before_any_request():
    source = SourceTwilio(catalog_of("calls"), CONFIG, None)
    with pytest.raises(ValueError, match="built for the streams of another catalog \\(messages not among them\\)"):
        next(iter(source.read(source.logger, CONFIG, catalog_of("messages"), None)))


def test_given_a_manifest_yaml_in_the_working_directory_then_the_packages_own_is_used(tmp_path, monkeypatch):
    """The CDK's YAML source opened `manifest.yaml` in the working directory first: a connector started from a
    directory with another manifest ran that one."""
    (tmp_path / "manifest.yaml").write_text("version: 7.0.0\nstreams: []\n")
    monkeypatch.chdir(tmp_path)
    manifest._shipped.cache_clear()  # parsed again, from the working directory the test is in
    source = SourceTwilio(None, CONFIG, None)
    assert {stream.name for stream in source.streams(source.prepare(CONFIG))} == set(STREAM_NAMES)


def test_given_a_run_then_the_imported_modules_are_frozen_before_the_source_is_built(monkeypatch):
    """Building the source allocates enough for several full collections; with the imported modules (some 500,000
    objects) frozen first, none of them walks those (run.py, `_collect_garbage_less_often`)."""
    import gc

    from source_twilio import run

    seen = []
    monkeypatch.setattr(run, "_get_source", lambda args: seen.append(gc.get_freeze_count()))
    monkeypatch.setattr(gc, "freeze", lambda: seen.append("freeze"))
    monkeypatch.setattr(gc, "set_threshold", lambda *threshold: None)
    with pytest.raises(SystemExit):
        run.run(["spec"])
    assert seen[0] == "freeze" and len(seen) == 2
