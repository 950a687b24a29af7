"""The connector's spec, as `spec` prints it: what the Airbyte UI shows a user setting up the source."""

from __future__ import annotations

import logging
from typing import Any, Dict

import pytest
from airbyte_cdk.test.mock_http import HttpMocker
from builders import (
    MAIN_ACCOUNT_SID,
    ConfigBuilder,
    TwilioPage,
    given_accounts,
    parse_messages,
    probe_request,
    run_entrypoint,
    write_json,
)

from source_twilio import SourceTwilio
from source_twilio.config import config_problems


@pytest.fixture(scope="module")
def connection_specification() -> Dict[str, Any]:
    """The connectionSpecification the source declares (what `spec` prints)."""
    return SourceTwilio().spec(logging.getLogger("airbyte")).connectionSpecification


def test_given_spec_command_when_run_then_one_spec_message_is_printed(capfd) -> None:
    """`spec` needs no config and prints exactly one SPEC message, through the real entry point."""
    exit_code = run_entrypoint(["spec"])

    out, _ = capfd.readouterr()
    specs = [message for message in parse_messages(out) if message["type"] == "SPEC"]
    assert exit_code is None
    assert len(specs) == 1
    assert specs[0]["spec"]["connectionSpecification"]["properties"]["account_sid"]["title"] == "Account SID"


def test_given_spec_when_printed_then_only_account_sid_is_required(connection_specification) -> None:
    """Only the Account SID is mandatory: credentials are either an auth token or an API key, everything else has a default."""
    assert connection_specification["required"] == ["account_sid"]


@pytest.mark.parametrize("field", ["auth_token", "api_key_secret"])
def test_given_secret_field_when_spec_printed_then_it_is_marked_airbyte_secret(connection_specification, field) -> None:
    """Secrets are masked in the UI and filtered from logs only when the spec marks them airbyte_secret."""
    assert connection_specification["properties"][field].get("airbyte_secret") is True


def test_given_spec_when_printed_then_no_other_field_is_secret(connection_specification) -> None:
    """The Account SID and API key SID are identifiers, shown in clear so a user can check what was entered."""
    secret_fields = {name for name, spec in connection_specification["properties"].items() if spec.get("airbyte_secret")}
    assert secret_fields == {"auth_token", "api_key_secret"}


def test_given_spec_when_printed_then_every_property_has_title_description_and_a_unique_order(connection_specification) -> None:
    """The UI lays fields out by `order` and labels them by title and description; none may be missing or collide."""
    properties = connection_specification["properties"]
    for name, spec in properties.items():
        assert spec.get("title"), f"{name} has no title"
        assert spec.get("description"), f"{name} has no description"
        assert isinstance(spec.get("order"), int), f"{name} has no order"
    orders = [spec["order"] for spec in properties.values()]
    assert len(orders) == len(set(orders))


@pytest.mark.parametrize("field", ["account_sid", "api_key_sid", "start_date", "end_date", "slice_step_duration", "lookback_window", "num_workers"])
def test_given_free_text_field_when_spec_printed_then_it_shows_an_example(connection_specification, field) -> None:
    """Fields whose format a user must guess (SIDs, dates, durations, counts) show an example."""
    assert connection_specification["properties"][field].get("examples")


def test_given_the_window_size_field_then_it_has_no_default(connection_specification) -> None:
    """The UI fills a field's default into every new connection, and a slice_step_duration in the config fixes every
    window's length: a default would turn off the windows each account's history sizes for itself."""
    assert "default" not in connection_specification["properties"]["slice_step_duration"]


@pytest.mark.parametrize("value", ["2024-01-01T00:00:00Z", "2024-01-01"])
def test_given_documented_start_date_example_when_validated_then_it_is_accepted(connection_specification, value) -> None:
    """Every start_date example the spec shows passes the connector's own validation."""
    assert value in connection_specification["properties"]["start_date"]["examples"]
    assert config_problems(ConfigBuilder().with_start_date(value).build()) == []


def test_given_legacy_num_worker_when_validated_then_it_is_accepted() -> None:
    """Configs saved by earlier versions use `num_worker`; it is still a valid config."""
    assert config_problems(ConfigBuilder().with_field("num_worker", 5).build()) == []


@HttpMocker()
def test_given_legacy_num_worker_when_check_then_connection_succeeds(http_mocker: HttpMocker, tmp_path, capfd) -> None:
    """`num_worker` passes the spec validation of the real entry point (not only the connector's own checks)."""
    given_accounts(http_mocker)
    http_mocker.get(probe_request(MAIN_ACCOUNT_SID), TwilioPage("incoming_phone_numbers").build())
    config_path = write_json(str(tmp_path), "config.json", ConfigBuilder().with_field("num_worker", 5).build())

    exit_code = run_entrypoint(["check", "--config", config_path])

    out, _ = capfd.readouterr()
    statuses = [message["connectionStatus"] for message in parse_messages(out) if message["type"] == "CONNECTION_STATUS"]
    assert exit_code is None
    assert [status["status"] for status in statuses] == ["SUCCEEDED"]


def test_given_the_redaction_option_then_it_is_off_by_default_and_says_what_turning_it_on_exposes(connection_specification) -> None:
    """Conversation Intelligence transcripts are read redacted unless the user turns this on; its description names
    what then reaches the destination, and a config without it (every config saved before it existed) is valid."""
    option = connection_specification["properties"]["intelligence_unredacted"]
    assert option["type"] == "boolean" and option["default"] is False
    for exposed in ("names", "phone numbers", "card", "every word"):
        assert exposed in option["description"], exposed
    assert config_problems(ConfigBuilder().build()) == []
