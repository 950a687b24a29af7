"""Bad configs end in one message that names the field to fix: as a failed check, or as one config_error trace
(no stack trace, non-zero exit) for discover and read, before any request leaves the connector."""

from __future__ import annotations

from typing import Any, Dict, List, Tuple

import pytest
from airbyte_cdk.test.mock_http import HttpMocker
from builders import (
    API_KEY_SID,
    AUTH_TOKEN,
    MAIN_ACCOUNT_SID,
    SUBACCOUNT_SID,
    UNKNOWN_ACCOUNT_SID,
    ConfigBuilder,
    TwilioPage,
    an_account,
    api_request,
    configured_catalog,
    given_accounts,
    parse_messages,
    probe_request,
    run_entrypoint,
    write_json,
)

from source_twilio.config import config_problems

# (case id, config, the field its one message must name)
BAD_CONFIGS: List[Tuple[str, Dict[str, Any], str]] = [
    ("missing_account_sid", ConfigBuilder().without("account_sid").build(), "account_sid"),
    ("short_account_sid", ConfigBuilder().with_account_sid("AC123").build(), "account_sid"),
    ("api_key_sid_as_account_sid", ConfigBuilder().with_account_sid(API_KEY_SID).build(), "account_sid"),
    ("no_token_and_no_key", ConfigBuilder().without("auth_token").build(), "auth_token"),
    ("api_key_without_secret", ConfigBuilder().with_api_key(secret=None).build(), "api_key_secret"),
    ("malformed_api_key_sid", ConfigBuilder().with_api_key(key_sid="SK123").build(), "api_key_sid"),
    ("start_date_in_the_future", ConfigBuilder().with_start_date("2999-01-01T00:00:00Z").build(), "start_date"),
    ("start_date_unparseable", ConfigBuilder().with_start_date("01/02/2024").build(), "start_date"),
    ("end_date_before_start_date", ConfigBuilder().with_start_date("2024-01-10").with_end_date("2024-01-05").build(), "end_date"),
    ("end_date_unparseable", ConfigBuilder().with_end_date("next tuesday").build(), "end_date"),
    ("negative_lookback_window", ConfigBuilder().with_lookback_window(-5).build(), "lookback_window"),
    ("lookback_window_over_30_days", ConfigBuilder().with_lookback_window(50000).build(), "lookback_window"),
    ("unknown_region", ConfigBuilder().with_field("region", "mars1").build(), "region"),
    ("unknown_edge", ConfigBuilder().with_field("edge", "atlantis").build(), "edge"),
    ("num_workers_zero", ConfigBuilder().with_field("num_workers", 0).build(), "num_workers"),
    ("num_workers_1000", ConfigBuilder().with_field("num_workers", 1000).build(), "num_workers"),
    ("legacy_num_worker_zero", ConfigBuilder().with_field("num_worker", 0).build(), "num_worker"),
    ("malformed_account_sids", ConfigBuilder().with_account_sids(["AC123", "not-a-sid"]).build(), "account_sids"),
    ("account_sids_not_a_list", ConfigBuilder().with_account_sids(SUBACCOUNT_SID).build(), "account_sids"),
    ("slice_step_duration_in_words", ConfigBuilder().with_slice_step_duration("7 days").build(), "slice_step_duration"),
    ("slice_step_duration_empty_period", ConfigBuilder().with_slice_step_duration("P").build(), "slice_step_duration"),
    ("sync_last_n_days_zero", ConfigBuilder().with_field("sync_last_n_days", 0).build(), "sync_last_n_days"),
]
CASES = [pytest.param(config, field, id=case) for case, config, field in BAD_CONFIGS]
# Each end-to-end run builds the whole source (~0.3 s): these 14 cover every kind of mistake through the entry point.
END_TO_END = [
    "missing_account_sid",
    "short_account_sid",
    "no_token_and_no_key",
    "api_key_without_secret",
    "start_date_in_the_future",
    "start_date_unparseable",
    "end_date_before_start_date",
    "negative_lookback_window",
    "unknown_region",
    "num_workers_zero",
    "num_workers_1000",
    "legacy_num_worker_zero",
    "malformed_account_sids",
    "slice_step_duration_in_words",
]
_BY_CASE = {case: (config, field) for case, config, field in BAD_CONFIGS}
END_TO_END_CASES = [pytest.param(*_BY_CASE[case], id=case) for case in END_TO_END]
# read and discover share the entry point's config validation; each case goes through one of them, both are covered.
READ_OR_DISCOVER_CASES = [
    pytest.param(*_BY_CASE[case], "read" if index % 2 == 0 else "discover", id=f"{'read' if index % 2 == 0 else 'discover'}-{case}")
    for index, case in enumerate(END_TO_END)
]


def _run(command: str, config: Dict[str, Any], tmp_path, capfd) -> Tuple[Any, List[Dict[str, Any]], str]:
    """Runs the real entry point; returns (exit code, Airbyte messages, everything printed)."""
    args = [command, "--config", write_json(str(tmp_path), "config.json", config)]
    if command == "read":
        args += ["--catalog", write_json(str(tmp_path), "catalog.json", configured_catalog("addresses"))]
    exit_code = run_entrypoint(args)
    out, err = capfd.readouterr()
    return exit_code, parse_messages(out), out + err


@pytest.mark.parametrize("config, field", CASES)
def test_given_bad_config_when_validated_then_one_problem_names_the_field(config, field) -> None:
    """config_problems reports exactly one problem for a config with one mistake, starting with the field's name."""
    problems = config_problems(config)

    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{field}:")


@pytest.mark.parametrize("config, field", END_TO_END_CASES)
def test_given_bad_config_when_check_then_status_failed_names_the_field(config, field, tmp_path, capfd) -> None:
    """check answers FAILED with the field in the message, exits normally and sends no request."""
    with HttpMocker():  # no request mocked: any request would fail the check with a different message
        exit_code, messages, printed = _run("check", config, tmp_path, capfd)

    statuses = [message["connectionStatus"] for message in messages if message["type"] == "CONNECTION_STATUS"]
    assert exit_code in (None, 0)
    assert len(statuses) == 1
    assert statuses[0]["status"] == "FAILED"
    assert f"{field}:" in statuses[0]["message"]
    assert "Traceback" not in printed


@pytest.mark.parametrize("config, field, command", READ_OR_DISCOVER_CASES)
def test_given_bad_config_when_read_or_discover_then_one_config_error_trace_and_non_zero_exit(
    config, field, command, tmp_path, capfd
) -> None:
    """discover and read emit one config_error trace naming the field, exit non-zero, and print no stack trace."""
    with HttpMocker():
        exit_code, messages, printed = _run(command, config, tmp_path, capfd)

    errors = [message["trace"]["error"] for message in messages if message["type"] == "TRACE" and message["trace"]["type"] == "ERROR"]
    assert exit_code not in (None, 0)
    assert len(errors) == 1, errors
    assert errors[0]["failure_type"] == "config_error"
    assert f"{field}:" in errors[0]["message"]
    assert "Traceback" not in printed
    assert not [message for message in messages if message["type"] == "RECORD"]


def test_given_several_mistakes_when_validated_then_each_field_is_named() -> None:
    """A config with several mistakes lists every one, so the user fixes them in one round trip."""
    config = ConfigBuilder().with_account_sid("AC1").with_start_date("yesterday").with_field("region", "mars1").build()

    problems = config_problems(config)

    assert [problem.split(":")[0] for problem in problems] == ["account_sid", "start_date", "region"]


def test_given_bad_config_when_message_printed_then_no_secret_is_in_it(tmp_path, capfd) -> None:
    """The auth token never appears in what the connector prints, even when the config around it is wrong."""
    config = ConfigBuilder().with_account_sid("AC123").build()

    with HttpMocker():
        _, _, printed = _run("read", config, tmp_path, capfd)

    assert AUTH_TOKEN not in printed


@pytest.mark.parametrize("start_date", ["2024-01-01T02:00:00+02:00", " 2024-01-01"])
def test_given_start_date_the_connector_accepts_when_check_then_the_spec_does_not_reject_it_with_a_raw_schema_error(
    start_date, tmp_path, capfd
) -> None:
    """The connector's own validation and the spec agree: a start_date config_problems accepts (an offset, a stray
    space) is not turned away by the spec's pattern with a message that names no field."""
    config = ConfigBuilder().with_start_date(start_date).build()
    assert config_problems(config) == []

    with HttpMocker() as http_mocker:  # the outcome decides whether these are requested
        given_accounts(http_mocker)
        http_mocker.get(probe_request(MAIN_ACCOUNT_SID), TwilioPage("incoming_phone_numbers").build())
        _, messages, _ = _run("check", config, tmp_path, capfd)

    statuses = [message["connectionStatus"] for message in messages if message["type"] == "CONNECTION_STATUS"]
    assert len(statuses) == 1
    assert statuses[0]["status"] == "SUCCEEDED" or "start_date:" in statuses[0]["message"], statuses[0]


class TestUnknownAccountSid:
    @HttpMocker()
    def test_given_account_sids_with_unknown_sid_when_read_then_config_error_names_account_sids(
        self, http_mocker: HttpMocker, tmp_path, capfd
    ) -> None:
        """An account_sids entry that is neither the main account nor one of its subaccounts is a bad config like any
        other: one config_error trace naming account_sids and the SID, a non-zero exit, no stack trace."""
        given_accounts(http_mocker, an_account(MAIN_ACCOUNT_SID), an_account(SUBACCOUNT_SID))
        config = ConfigBuilder().with_account_sids([SUBACCOUNT_SID, UNKNOWN_ACCOUNT_SID]).build()

        exit_code, messages, printed = _run("read", config, tmp_path, capfd)

        errors = [message["trace"]["error"] for message in messages if message["type"] == "TRACE" and message["trace"]["type"] == "ERROR"]
        assert exit_code not in (None, 0)
        assert not [message for message in messages if message["type"] == "RECORD"]
        assert len(errors) == 1, [error["message"] for error in errors]
        assert errors[0]["failure_type"] == "config_error"
        assert errors[0]["message"].startswith("account_sids:") and UNKNOWN_ACCOUNT_SID in errors[0]["message"]
        assert "Traceback" not in printed

    @HttpMocker()
    def test_given_account_sids_with_unknown_sid_when_check_then_failed_names_account_sids(
        self, http_mocker: HttpMocker, tmp_path, capfd
    ) -> None:
        """check reports the unknown SID before any stream is read."""
        given_accounts(http_mocker, an_account(MAIN_ACCOUNT_SID), an_account(SUBACCOUNT_SID))
        config = ConfigBuilder().with_account_sids([UNKNOWN_ACCOUNT_SID]).build()

        exit_code, messages, _ = _run("check", config, tmp_path, capfd)

        statuses = [message["connectionStatus"] for message in messages if message["type"] == "CONNECTION_STATUS"]
        assert exit_code in (None, 0)
        assert len(statuses) == 1 and statuses[0]["status"] == "FAILED"
        assert "account_sids" in statuses[0]["message"] and UNKNOWN_ACCOUNT_SID in statuses[0]["message"]


def test_given_catalog_with_an_unknown_stream_when_read_then_one_config_error_naming_the_catalog(tmp_path, capfd) -> None:
    """A configured catalog naming a stream this connector does not have fails with one config error, before any
    request, instead of silently marking the stream incomplete."""
    config_path = write_json(str(tmp_path), "config.json", ConfigBuilder().build())
    catalog_path = write_json(str(tmp_path), "catalog.json", configured_catalog("messages", "not_a_stream"))
    with HttpMocker():
        exit_code = run_entrypoint(["read", "--config", config_path, "--catalog", catalog_path])
    printed = capfd.readouterr().out
    errors = [m["trace"]["error"] for m in parse_messages(printed) if m["type"] == "TRACE" and m["trace"]["type"] == "ERROR"]
    assert exit_code not in (None, 0)
    assert [error["failure_type"] for error in errors] == ["config_error"]
    assert errors[0]["message"].startswith("catalog: not_a_stream")
    assert "Traceback" not in printed


@HttpMocker()
def test_given_a_source_built_with_one_config_when_read_with_another_then_the_read_uses_the_one_it_is_given(http_mocker: HttpMocker) -> None:
    """read() builds its streams from the config it receives, not from the one the source was constructed with (the
    CDK's own read would use the latter)."""
    import logging

    from airbyte_cdk.models import SyncMode, Type
    from airbyte_cdk.test.catalog_builder import CatalogBuilder

    from source_twilio import SourceTwilio

    given_accounts(http_mocker, an_account(MAIN_ACCOUNT_SID), an_account(SUBACCOUNT_SID))
    http_mocker.get(api_request(SUBACCOUNT_SID, "Addresses.json"), TwilioPage("addresses").build())
    catalog = CatalogBuilder().with_stream("addresses", SyncMode.full_refresh).build()
    built_with = ConfigBuilder().with_account_sids([MAIN_ACCOUNT_SID]).build()
    read_with = ConfigBuilder().with_account_sids([SUBACCOUNT_SID]).build()

    messages = list(SourceTwilio(catalog, built_with, None).read(logging.getLogger("airbyte"), read_with, catalog))

    # Only the subaccount's addresses were asked for: a request for the main account's would match no mock and fail.
    assert [m for m in messages if m.type == Type.TRACE and m.trace.error] == []


def test_given_a_valid_source_when_discover_gets_a_bad_config_then_it_reports_that_config():
    """discover() validates the config it receives."""
    import logging

    from source_twilio import SourceTwilio
    from source_twilio.config import ConfigError

    source = SourceTwilio(config=ConfigBuilder().build())
    with pytest.raises(ConfigError, match="account_sid"):
        source.discover(logging.getLogger("airbyte"), ConfigBuilder().with_account_sid("not-a-sid").build())


# Type errors the spec's JSON schema refuses (config_problems leaves types to it): the message still names the field
# and says what it must be, for check, read and discover alike, and never shows a secret's value.
TYPE_ERRORS = [
    pytest.param({"start_date": 20240101}, "start_date", "must be a string, not an integer", id="start_date_a_number"),
    pytest.param({"call_status": "bogus"}, "call_status", "must be one of 'queued'", id="call_status_unknown"),
    pytest.param({"auth_token": ["s3cr3t-in-a-list"]}, "auth_token", "must be a string, not a list", id="auth_token_a_list"),
]


@pytest.mark.parametrize("command", ["check", "read", "discover"])
@pytest.mark.parametrize("change, field, says", TYPE_ERRORS)
def test_given_a_field_of_the_wrong_type_then_the_message_names_the_field_and_what_it_must_be(change, field, says, command, tmp_path, capfd) -> None:
    config = {**ConfigBuilder().build(), **change}
    with HttpMocker():
        exit_code, messages, printed = _run(command, config, tmp_path, capfd)

    if command == "check":
        said = [message["connectionStatus"]["message"] for message in messages if message["type"] == "CONNECTION_STATUS"]
        assert exit_code in (None, 0)
    else:
        said = [m["trace"]["error"]["message"] for m in messages if m["type"] == "TRACE" and m["trace"]["type"] == "ERROR"]
        assert exit_code not in (None, 0)
    assert len(said) == 1, said
    assert f"{field}: {says}" in said[0], said[0]
    assert "s3cr3t-in-a-list" not in printed and "Traceback" not in printed
