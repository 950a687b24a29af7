"""test_transport_faults.py's tests at 21 accounts and 4 workers, part 2: bodies that are no Twilio page, HTML 5xx, a
lone surrogate and odd JSON (part 1 in test_transport_faults_21.py)."""

from __future__ import annotations

import pytest

from integration_tests.test_transport_faults import (  # noqa: F401 (the tests are collected here again)
    catalog,
    faulted_world,
    test_given_a_lone_surrogate_and_odd_json_when_sync_then_the_records_arrive_with_u_fffd,
    test_given_html_5xx_pages_when_sync_then_they_are_retried_and_every_record_arrives,
    test_given_valid_json_that_is_no_twilio_page_when_sync_then_it_is_retried_and_no_record_is_lost,
)


@pytest.fixture(scope="module")
def world():
    yield from faulted_world(20, 4)
