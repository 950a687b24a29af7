"""test_transport_faults.py's tests at 21 accounts and 4 workers (fewer workers than accounts), part 1 (links and
trickles; part 2 in test_transport_faults_21_bodies.py, so that the suite's processes share them): faults on messages
and alerts, every record counted against the truth after a clean second sync. The sync of every stream that no
request repeats a parameter runs at 3 accounts only: which parameters a request names depends on its stream and
window, not on how many accounts are read."""

from __future__ import annotations

import pytest

from integration_tests.test_transport_faults import (  # noqa: F401 (the tests are collected here again)
    catalog,
    faulted_world,
    test_given_a_link_or_redirect_to_another_host_when_sync_then_no_credential_goes_there_and_the_stream_fails,
    test_given_trickling_pages_when_sync_then_each_attempt_is_cut_at_the_deadline_and_every_record_arrives,
)


@pytest.fixture(scope="module")
def world():
    yield from faulted_world(20, 4)
