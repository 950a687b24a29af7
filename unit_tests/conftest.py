"""Isolation shared by every unit test: no account list, HTTP cache or backoff sleep leaks from one test to the next."""

from __future__ import annotations

import time
import types

import backoff._sync
import pytest
import urllib3.util.retry
from airbyte_cdk.sources.streams.http import rate_limiting

from source_twilio.accounts import AccountDirectory


@pytest.fixture(autouse=True)
def fresh_account_directory():
    """Accounts.json is listed once per process; every test starts with an empty directory."""
    AccountDirectory.clear()
    yield
    AccountDirectory.clear()


@pytest.fixture(autouse=True)
def fresh_request_cache(tmp_path, monkeypatch):
    """Parent streams are read through the CDK's HTTP cache, in memory and shared by the process unless
    REQUEST_CACHE_PATH is set: one directory per test keeps a parent response from answering the next test."""
    monkeypatch.setenv("REQUEST_CACHE_PATH", str(tmp_path))


class _TimeWithoutSleep(types.ModuleType):
    """The `time` module as seen by the retry code, minus the waiting: retries are asserted on the wire
    (HttpMocker answers 429 then 200), not by the clock."""

    def __init__(self) -> None:
        super().__init__("time")
        self.sleeps = []

    def __getattr__(self, name):
        return getattr(time, name)

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)


@pytest.fixture(autouse=True)
def no_backoff_sleep(monkeypatch):
    fake_time = _TimeWithoutSleep()
    for module in (rate_limiting, backoff._sync, urllib3.util.retry):
        monkeypatch.setattr(module, "time", fake_time)
    return fake_time


@pytest.fixture
def http_mocker():
    """Lets pytest collect tests decorated with `@HttpMocker()`: the decorator replaces this None with itself, mocks
    the requests the test declares, fails on any other request and, after the test, on any declared one not made."""
    return None


@pytest.fixture(autouse=True, scope="session")
def manifest_resolved_once_per_process():
    """Every unit test builds its own SourceTwilio, and each one resolves its manifest's references and validates it
    against the CDK's schema: 0.35 s of CPU a source, most of the unit suite's time. The first source of each test
    process resolves and validates as always; the ones after it get a copy (an orjson round trip) of what that one
    resolved from the same manifest (a test that changes the manifest gets its own). So the manifest is still
    validated once in every test process, and in every connector process integration_tests/ runs."""
    import orjson
    from airbyte_cdk.sources.declarative.concurrent_declarative_source import ConcurrentDeclarativeSource

    resolve, validate = ConcurrentDeclarativeSource._pre_process_manifest, ConcurrentDeclarativeSource._validate_source
    resolved = {}

    def resolve_once(self, manifest):
        key = orjson.dumps(manifest, option=orjson.OPT_SORT_KEYS)
        if key not in resolved:
            resolved[key] = orjson.dumps(resolve(self, manifest))
            self._resolved_here = True
        return orjson.loads(resolved[key])

    def validate_once(self):
        if getattr(self, "_resolved_here", False):
            validate(self)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ConcurrentDeclarativeSource, "_pre_process_manifest", resolve_once)
        patch.setattr(ConcurrentDeclarativeSource, "_validate_source", validate_once)
        yield
