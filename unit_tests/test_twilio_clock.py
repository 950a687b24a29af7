"""How far back Twilio keeps records is counted on Twilio's clock (config.on_twilio_clock): the offset of the account
listing's Date header from this machine's clock moves the retention floor, so a machine ahead of Twilio's clock does
not leave out the oldest records Twilio keeps, and one behind does not ask for a range Twilio refuses (20004)."""

from __future__ import annotations

import email.utils
import time
from datetime import datetime, timezone

import pytest
from airbyte_cdk.models import SyncMode
from airbyte_cdk.test.mock_http import HttpMocker
from builders import (
    MAIN_ACCOUNT_SID,
    NOW,
    ConfigBuilder,
    TwilioPage,
    accounts_list_request,
    an_account,
    api_request,
    given_no_open_records,
    read_stream,
)
from freezegun import freeze_time

from source_twilio.config import normalize_config, on_twilio_clock, settings_of

FROZEN = datetime(2024, 1, 10, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "offset, messages_start, retention",
    [
        (-3600, "2022-12-05T23:00:05Z", "P400DT59M55S"),  # Twilio an hour behind: its 400 days end an hour earlier
        (3600, "2022-12-06T01:00:05Z", "P399DT22H59M55S"),  # an hour ahead
        (1.5, "2022-12-06T00:00:05Z", "P399DT23H59M55S"),  # a second and a half: Date's resolution, no skew
    ],
)
def test_given_twilios_clock_then_the_retention_floor_is_counted_on_it(offset: float, messages_start: str, retention: str) -> None:
    settings = settings_of(normalize_config(ConfigBuilder().with_start_date("2020-01-01T00:00:00Z").build(), now=FROZEN))

    moved = on_twilio_clock(settings, offset, now=FROZEN)

    assert moved.stream_starts["messages"] == messages_start
    assert moved.retention["messages"] == retention


@freeze_time(NOW)
@HttpMocker()
def test_given_twilios_clock_an_hour_behind_when_messages_are_read_then_they_start_400_days_before_twilios_now(
    http_mocker: HttpMocker,
) -> None:
    behind = email.utils.formatdate(time.time() - 3600, usegmt=True)
    listing = TwilioPage("accounts").with_records([an_account(MAIN_ACCOUNT_SID)]).build(headers={"Date": behind})
    http_mocker.get(accounts_list_request(), listing)
    given_no_open_records(http_mocker, "Messages.json")
    http_mocker.get(
        api_request(MAIN_ACCOUNT_SID, "Messages.json", {"DateSent>": "2022-12-05T23:00:05Z", "DateSent<": "2024-01-10T00:00:00Z"}),
        TwilioPage("messages").build(),
    )

    output = read_stream("messages", ConfigBuilder().with_start_date("2020-01-01T00:00:00Z").build(), SyncMode.incremental)

    assert not output.errors
