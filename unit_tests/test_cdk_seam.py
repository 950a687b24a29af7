"""The seam to airbyte-cdk (source_twilio/cdk_seam.py): every private name it relies on still exists on the installed
CDK, and nothing else in the connector touches one. A CDK upgrade that moves one fails here, naming it."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest
from airbyte_cdk.models import SyncMode
from airbyte_cdk.test.catalog_builder import CatalogBuilder
from builders import NOW, ConfigBuilder
from freezegun import freeze_time

from source_twilio import SourceTwilio, cdk_seam
from source_twilio.cdk_seam import (
    CHECKED_AGAINST,
    PRIVATE_NAMES,
    WindowCheckpointCursor,
)

PACKAGE = Path(cdk_seam.__file__).parent


def a_source_and_its_cursor():
    """A source built as a read builds it, and the per-account cursor of its messages stream."""
    config = ConfigBuilder().build()
    catalog = CatalogBuilder().with_stream("messages", SyncMode.incremental).build()
    source = SourceTwilio(catalog, config, None)
    streams = {stream.name: stream for stream in source.streams(config)}
    return source, streams["messages"].cursor


@freeze_time(NOW)
@pytest.mark.parametrize("owner, name", [(owner, name) for owner, names in PRIVATE_NAMES.items() for name in names])
def test_given_the_installed_cdk_then_each_private_name_the_seam_uses_exists(owner, name):
    """Each private name of PRIVATE_NAMES is still on its owner (a class attribute, or one its instances get)."""
    source, cursor = a_source_and_its_cursor()
    instances = [instance for instance in (source, cursor) if isinstance(instance, owner)]
    found = hasattr(owner, name) or any(hasattr(instance, name) for instance in instances)
    assert found, (
        f"the installed airbyte-cdk has no {owner.__name__}.{name}, which source_twilio/cdk_seam.py relies on (checked "
        f"against {CHECKED_AGAINST}); see that module's docstring for what it is used for."
    )


@freeze_time(NOW)
def test_given_a_source_then_its_per_account_cursors_are_window_checkpoint_cursors():
    """The factory method the seam replaces still builds the per-account cursors: each one is adopted."""
    _, cursor = a_source_and_its_cursor()
    assert isinstance(cursor, WindowCheckpointCursor)


def test_given_the_cdk_methods_the_seam_calls_then_their_signatures_are_the_ones_checked():
    """`_emit_state_message(throttle=...)` and `_throttle_state_message()` keep the signatures the seam calls."""
    from airbyte_cdk.sources.declarative.incremental import ConcurrentPerPartitionCursor

    assert list(inspect.signature(ConcurrentPerPartitionCursor._emit_state_message).parameters) == ["self", "throttle"]
    assert list(inspect.signature(ConcurrentPerPartitionCursor._throttle_state_message).parameters) == ["self"]


def test_given_the_connector_then_only_the_seam_touches_cdk_private_names():
    """No module but cdk_seam.py reads or writes an underscore attribute of a CDK object (its own ones are fine)."""
    cdk_private = {name for names in PRIVATE_NAMES.values() for name in names if name.startswith("_")}
    offenders = []
    for path in PACKAGE.glob("*.py"):
        if path.name == "cdk_seam.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr in cdk_private:
                offenders.append(f"{path.name}:{node.lineno} .{node.attr}")
    assert offenders == []


def test_given_the_installed_cdk_then_it_is_the_version_the_seam_was_checked_against():
    """The seam names the CDK version it was checked against; the installed one (the lock's) must be it."""
    from importlib import metadata

    assert metadata.version("airbyte-cdk") == CHECKED_AGAINST
