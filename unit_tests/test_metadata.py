"""metadata.yaml (what Airbyte's registry reads), setup.py, the Dockerfile and the connector's hosts agree."""

from __future__ import annotations

import fnmatch
import itertools
import re
import uuid
from pathlib import Path

import pytest
import yaml

from source_twilio import config as twilio_config

ROOT = Path(__file__).resolve().parent.parent
REQUIRED = (
    "name",
    "definitionId",
    "connectorType",
    "connectorSubtype",
    "dockerRepository",
    "dockerImageTag",
    "documentationUrl",
    "githubIssueLabel",
    "icon",
    "license",
    "releaseStage",
    "supportLevel",
    "tags",
    "allowedHosts",
    "connectorBuildOptions",
    "registryOverrides",
    "ab_internal",
)


@pytest.fixture(scope="module")
def metadata() -> dict:
    document = yaml.safe_load((ROOT / "metadata.yaml").read_text())
    assert isinstance(document, dict) and isinstance(document.get("data"), dict), "metadata.yaml needs a `data:` mapping"
    assert document.get("metadataSpecVersion") == "1.0"
    return document["data"]


def major_release() -> str:
    """The major release the current version belongs to (2.1.0 -> 2.0.0): the one whose breaking change it carries."""
    return f"{setup_version().split('.')[0]}.0.0"


def setup_version() -> str:
    match = re.search(r'^VERSION\s*=\s*["\']([^"\']+)["\']', (ROOT / "setup.py").read_text(), re.MULTILINE)
    assert match, "setup.py has no VERSION = \"...\" line"
    return match.group(1)


def dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text()


def dockerfile_base_image() -> str:
    match = re.search(r"^ARG\s+BASE_IMAGE=(\S+)\s*$", dockerfile(), re.MULTILINE)
    assert match, "Dockerfile has no `ARG BASE_IMAGE=<default>` line"
    return match.group(1)


def dockerfile_labels() -> dict:
    return dict(re.findall(r"^LABEL\s+([\w.-]+)=\"?([^\s\"]+)\"?\s*$", dockerfile(), re.MULTILINE))


def allowed(host: str, patterns: list) -> bool:
    return any(fnmatch.fnmatchcase(host, pattern) for pattern in patterns)


def test_required_keys(metadata):
    missing = [key for key in REQUIRED if metadata.get(key) in (None, "", [], {})]
    assert not missing, f"metadata.yaml data is missing {missing}"
    assert metadata["connectorType"] == "source"
    assert metadata["connectorSubtype"] == "api"
    assert metadata["dockerRepository"] == "airbyte/source-twilio"
    assert metadata["name"] == "Twilio"
    assert metadata["license"] == "MIT"
    assert metadata["githubIssueLabel"] == "source-twilio"
    assert metadata["documentationUrl"].startswith("https://")
    assert metadata["releaseStage"] in ("alpha", "beta", "generally_available", "custom")
    assert metadata["supportLevel"] in ("community", "certified", "archived")
    assert metadata["ab_internal"]["sl"] in (0, 100, 200, 300)
    assert metadata["ab_internal"]["ql"] in (0, 100, 200, 300, 400, 500, 600)
    for registry in ("oss", "cloud"):
        assert metadata["registryOverrides"][registry]["enabled"] is True


def test_definition_id_is_airbytes_twilio_uuid(metadata):
    definition_id = metadata["definitionId"]
    assert str(uuid.UUID(definition_id)) == definition_id
    # Airbyte's Twilio definition: existing connections can switch to this image.
    assert definition_id == "b9dc6155-672e-42ea-b10d-9f1f1fb95ab1"


def test_image_tag_is_setup_py_version(metadata):
    assert re.fullmatch(r"\d+\.\d+\.\d+", setup_version())
    assert str(metadata["dockerImageTag"]) == setup_version()


def test_base_image_is_the_dockerfile_default(metadata):
    base_image = metadata["connectorBuildOptions"]["baseImage"]
    assert base_image == dockerfile_base_image()
    assert re.fullmatch(r"docker\.io/airbyte/python-connector-base:\d+\.\d+\.\d+@sha256:[0-9a-f]{64}", base_image)


def test_dockerfile_labels_and_entrypoint(metadata):
    labels = dockerfile_labels()
    assert labels.get("io.airbyte.name") == metadata["dockerRepository"]
    assert labels.get("io.airbyte.version") == setup_version()
    text = dockerfile()
    assert re.search(r"^FROM \$\{BASE_IMAGE\}\s*$", text, re.MULTILINE)
    assert 'ENV AIRBYTE_ENTRYPOINT="python /airbyte/integration_code/main.py"' in text
    assert 'ENTRYPOINT ["python", "/airbyte/integration_code/main.py"]' in text


def test_dockerignore_keeps_dev_files_out():
    entries = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()}
    for entry in (".venv", ".git", "unit_tests", "integration_tests", "benchmarks", "**/__pycache__"):
        assert entry in entries, f".dockerignore should exclude {entry}"
    for needed in ("setup.py", "main.py", "source_twilio"):
        assert needed not in entries


def test_tags(metadata):
    assert {"language:python", "cdk:low-code"} <= set(metadata["tags"])


def test_every_product_host_is_allowed(metadata):
    patterns = metadata["allowedHosts"]["hosts"]
    for product in twilio_config.PRODUCTS:
        host = f"{product}.twilio.com"
        assert host in patterns, f"{host} should be listed explicitly in allowedHosts"
    assert "*.twilio.com" in patterns


def test_every_host_the_connector_can_call_is_allowed(metadata, monkeypatch):
    """Default, regional and edge hosts, as source_twilio/config.py builds them from `region` and `edge`."""
    monkeypatch.delenv(twilio_config.BASE_URL_ENV, raising=False)
    patterns = metadata["allowedHosts"]["hosts"]
    configs = [{}] + [
        {"region": region, "edge": edge}
        for region, edge in itertools.product(("",) + twilio_config.REGIONS, ("",) + twilio_config.EDGES)
    ]
    for config in configs:
        urls = twilio_config.hosts(config)
        assert set(urls) == set(twilio_config.PRODUCTS)
        for url in urls.values():
            host = re.match(r"https://([^/:]+)", url).group(1)
            assert host.endswith(".twilio.com")
            assert allowed(host, patterns), f"{host} (config {config}) is not in allowedHosts"


def docs() -> str:
    return (ROOT / "docs" / "twilio.md").read_text()


def migrations() -> str:
    return (ROOT / "docs" / "twilio-migrations.md").read_text()


def docs_stream_table() -> set:
    """The streams the docs' stream table lists."""
    table = docs()[docs().index("## Supported streams"):docs().index("## Incremental behaviour")]
    return set(re.findall(r"^\| `([a-z_]+)` \|", table, re.MULTILINE))


def test_given_a_release_then_setup_py_metadata_image_label_changelog_and_migration_guide_name_the_same_version(metadata):
    """One version everywhere: setup.py, metadata.yaml, the image label, the docs' header and the changelog's newest row."""
    version = setup_version()
    assert str(metadata["dockerImageTag"]) == version == dockerfile_labels()["io.airbyte.version"]
    assert f"version {version})" in docs()
    newest = re.search(r"^\| (\d+\.\d+\.\d+) \|", docs()[docs().index("## Changelog"):], re.MULTILINE).group(1)
    assert newest == version


def test_given_the_release_is_above_airbytes_twilio_source_then_it_is_not_a_downgrade():
    """Airbyte's Twilio source is at 0.16.0 (its registry later moved to 1.0.x): this release must be newer."""
    major, minor, patch = (int(part) for part in setup_version().split("."))
    assert (major, minor, patch) > (1, 0, 99)


def test_given_breaking_changes_then_each_follows_airbytes_schema_and_has_a_migration_guide_section(metadata):
    """Each `releases.breakingChanges` entry has Airbyte's fields (message, upgradeDeadline, scopedImpact of streams),
    is a major version, and has its section in docs/twilio-migrations.md."""
    changes = metadata["releases"]["breakingChanges"]
    assert changes
    for version, change in changes.items():
        assert re.fullmatch(r"\d+\.0\.0", str(version))
        assert set(change) <= {"message", "upgradeDeadline", "migrationDocumentationUrl", "scopedImpact"}
        assert change["message"].strip() and re.fullmatch(r"\d{4}-\d{2}-\d{2}", change["upgradeDeadline"])
        assert change["migrationDocumentationUrl"].endswith(f"twilio-migrations#{version}")
        for scope in change["scopedImpact"]:
            assert set(scope) == {"scopeType", "impactedScopes"} and scope["scopeType"] == "stream" and scope["impactedScopes"]
        assert f"## Upgrading to {version}" in migrations()
    assert major_release() in changes, "this major version breaks 0.16.0 users: its .0.0 release needs its breakingChanges entry"
    release = tuple(int(part) for part in setup_version().split("."))
    assert all(tuple(int(part) for part in str(version).split(".")) <= release for version in changes), "a breaking change is newer than the release"


def test_given_the_breaking_change_then_its_streams_are_real_streams_named_in_the_migration_guide():
    """The impacted streams are streams of the docs' table (and of the manifest), and the guide's "Who is affected"
    names each of them."""
    metadata_doc = yaml.safe_load((ROOT / "metadata.yaml").read_text())["data"]
    impacted = {stream for scope in metadata_doc["releases"]["breakingChanges"][major_release()]["scopedImpact"] for stream in scope["impactedScopes"]}
    assert impacted <= docs_stream_table()
    who = migrations()[migrations().index("### Who is affected"):migrations().index("### What to do")]
    first_bullet = who[who.index("- Every connection that syncs"):who.index("- Every connection that set")]
    assert impacted == set(re.findall(r"`([a-z_]+)`", first_bullet))


def test_given_the_docs_stream_table_then_it_lists_exactly_the_manifests_streams():
    from source_twilio.source import SourceTwilio

    assert docs_stream_table() == {stream["name"] for stream in SourceTwilio().resolved_manifest["streams"]}


def test_given_the_pypi_package_metadata_publishes_then_setup_py_builds_that_distribution(metadata):
    """PyAirbyte installs `remoteRegistries.pypi.packageName` from PyPI: setup.py must build a distribution of that name
    (Airbyte's connectors are published as airbyte-source-<name>), whose console script is the connector's name."""
    package = metadata["remoteRegistries"]["pypi"]["packageName"]
    assert package == "airbyte-source-twilio"
    setup_py = (ROOT / "setup.py").read_text()
    assert re.search(r'^\s*name="([^"]+)"', setup_py, re.MULTILINE).group(1) == package
    assert '"source-twilio=source_twilio.run:run"' in setup_py


def test_given_the_icon_metadata_names_then_an_svg_icon_is_beside_it(metadata):
    """metadata.yaml names an icon; the file Airbyte's publishing reads is icon.svg in the connector's directory."""
    import xml.etree.ElementTree as ElementTree

    assert metadata["icon"].endswith(".svg")
    root = ElementTree.parse(ROOT / "icon.svg").getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and root.get("viewBox")


def release_key(version: str) -> tuple:
    """1.2.3 -> (1, 2, 3, 1); 1.2.3-rc.4 -> (1, 2, 3, 0, 4): a release candidate sorts below its release."""
    match = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)(?:-rc\.(\d+))?", version)
    assert match, version
    major, minor, patch, rc = match.groups()
    return (int(major), int(minor), int(patch)) + (((0, int(rc)) if rc else (1,)))


def test_given_the_changelog_then_every_row_is_this_connectors_own_version_above_airbytes_published_ones():
    """Airbyte published airbyte/source-twilio 0.1.0 to 0.17.x (and 1.0.x manifest-only): no row reuses one of those
    numbers, the rows are newest first, and the changelog points to Airbyte's own history instead of copying it."""
    changelog = docs()[docs().index("## Changelog"):]
    versions = re.findall(r"^\| (\d+\.\d+\.\d+(?:-rc\.\d+)?) \|", changelog, re.MULTILINE)
    assert versions and versions[0] == setup_version()
    assert all(release_key(version) > (1, 0, 99, 1) for version in versions), versions
    assert [release_key(v) for v in versions] == sorted((release_key(v) for v in versions), reverse=True)
    assert "https://docs.airbyte.com/integrations/sources/twilio#changelog" in changelog
