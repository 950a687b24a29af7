"""One pinned dependency set: setup.py, requirements.lock, the Docker image, make and CI install the same versions,
and the tests run with them (a CDK upgrade is then a deliberate commit whose tests prove it)."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def locked() -> dict:
    pins = {}
    for line in (REPO / "requirements.lock").read_text().splitlines():
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)==(\S+)", line.strip())
        if match:
            pins[match.group(1).lower().replace("_", "-")] = match.group(2)
    return pins


def test_given_setup_py_then_its_cdk_pin_is_the_locked_version():
    """setup.py pins airbyte-cdk exactly, to the version requirements.lock holds."""
    pin = re.search(r'"airbyte-cdk==([^"]+)"', (REPO / "setup.py").read_text())
    assert pin, "setup.py must pin airbyte-cdk with =="
    assert pin.group(1) == locked()["airbyte-cdk"]


def test_given_the_test_environment_then_every_locked_package_has_its_locked_version():
    """The environment the tests run in is the locked one (make installs requirements-test.lock)."""
    wrong = {}
    for name, version in locked().items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = None
        if installed != version:
            wrong[name] = (version, installed)
    assert wrong == {}, "installed versions differ from requirements.lock (locked, installed): run make clean test"


def test_given_the_dockerfile_then_it_installs_the_lock_and_resolves_nothing_else():
    """The image installs requirements.lock, then the connector with --no-deps."""
    dockerfile = (REPO / "Dockerfile").read_text()
    assert "pip install --no-cache-dir -r requirements.lock" in dockerfile
    assert re.search(r"pip install --no-cache-dir --no-deps \.", dockerfile)


def test_given_make_and_ci_then_they_install_from_the_lock():
    """make (which .ci/run calls) installs requirements-test.lock, which includes requirements.lock."""
    makefile = (REPO / "Makefile").read_text()
    assert "-r requirements-test.lock" in makefile and "--no-deps -e ." in makefile
    assert "-r requirements.lock" in (REPO / "requirements-test.lock").read_text()
    assert "make test" in (REPO / ".ci" / "run").read_text()
