"""Conversation Intelligence (intelligence.twilio.com/v2), read with each account's own credentials: transcripts in
AfterDateCreated/BeforeDateCreated windows whose state never passes a transcript still open, the sentences and
operator results of each transcript once it is completed (redacted unless the user says otherwise), Twilio's
pre-built operators and operator types once, each account's custom operators."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from airbyte_cdk.models import SyncMode
from airbyte_cdk.test.mock_http import HttpMocker
from airbyte_cdk.test.state_builder import StateBuilder
from builders import (
    MAIN_ACCOUNT_SID,
    SUBACCOUNT_SID,
    ConfigBuilder,
    ProductPage,
    a_record,
    an_account,
    as_account,
    error_response,
    final_state,
    given_accounts,
    product_request,
    read_stream,
    records_of,
    warnings_of,
)
from freezegun import freeze_time

from source_twilio.config import config_problems

INTELLIGENCE = "https://intelligence.twilio.com/v2"
SERVICE_SID = "GA" + "1" * 32
NOW = "2024-01-10T00:00:00Z"
LATER = "2024-01-11T00:00:00Z"


def transcript(n: int, created: str, status: str = "completed", updated: Optional[str] = None, account: str = MAIN_ACCOUNT_SID) -> Dict[str, Any]:
    return a_record("intelligence_transcripts", sid=f"GT{n:032d}", account_sid=account, service_sid=SERVICE_SID,
                    date_created=created, date_updated=updated or created, status=status)


def sentence(index: int) -> Dict[str, Any]:
    return a_record("intelligence_sentences", sid=f"GX{index:032d}", sentence_index=index, transcript="[PERSON] called about order [NUMBER]")


def transcripts_request(after: str, before: str, account: str = MAIN_ACCOUNT_SID):
    """The window's request: AfterDateCreated one second before the window's start (Twilio may read it as exclusive)."""
    return product_request(f"{INTELLIGENCE}/Transcripts", {"AfterDateCreated": after, "BeforeDateCreated": before}, as_account(account))


def sentences_request(n: int, account: str = MAIN_ACCOUNT_SID, redacted: str = "true"):
    return product_request(f"{INTELLIGENCE}/Transcripts/GT{n:032d}/Sentences", {"Redacted": redacted}, as_account(account), page_size=5000)


def page(resource: str, *records: Dict[str, Any]):
    built = ProductPage(resource)
    for record in records:
        built.with_record(record)
    return built.build()


def config(**fields: Any) -> Dict[str, Any]:
    builder = ConfigBuilder().with_slice_step_duration("P10D").with_field("num_workers", 1)
    for name, value in fields.items():
        builder.with_field(name, value)
    return builder.build()


def state_of(stream: str, output) -> List:
    return StateBuilder().with_stream_state(stream, final_state(output)).build()


class TestTranscripts:
    @freeze_time(NOW)
    @HttpMocker()
    def test_given_an_open_transcript_when_read_then_the_state_stops_a_second_before_it(self, http_mocker: HttpMocker) -> None:
        """A queued transcript keeps its date_created when it completes: the account's cursor is held a second before it
        (the next sync lists it again), `settled_until` keeps where the complete window ended (Twilio's clock less 5
        minutes) and `listed_at` when Twilio served the account's first page (its Date header)."""
        given_accounts(http_mocker)
        http_mocker.get(
            transcripts_request("2023-12-31T23:59:59Z", NOW),
            page("intelligence_transcripts", transcript(2, "2024-01-09T12:00:00Z", "queued"), transcript(1, "2024-01-05T10:00:00Z", updated="2024-01-05T10:05:00Z")),
        )

        output = read_stream("intelligence_transcripts", config(), SyncMode.incremental)

        assert [(r["sid"][-1], r["status"], r["account_sid"]) for r in records_of(output)] == [("2", "queued", MAIN_ACCOUNT_SID), ("1", "completed", MAIN_ACCOUNT_SID)]
        assert final_state(output)["states"] == [
            {"partition": {"account_sid": MAIN_ACCOUNT_SID}, "cursor": {"date_created": "2024-01-09T11:59:59Z", "settled_until": "2024-01-09T23:55:00Z", "listed_at": NOW}}
        ]

    @HttpMocker()
    def test_given_the_state_of_a_sync_when_the_next_one_lists_again_then_only_open_or_changed_transcripts_are_emitted(self, http_mocker: HttpMocker) -> None:
        """What the held cursor lists again is emitted only when it changed since `settled_until` (a status change
        moves date_updated) or is still open; one completed before that was emitted as it is."""
        given_accounts(http_mocker)
        with freeze_time(NOW):
            http_mocker.get(
                transcripts_request("2023-12-31T23:59:59Z", NOW),
                page("intelligence_transcripts", transcript(2, "2024-01-09T12:00:00Z", "queued"), transcript(3, "2024-01-09T13:00:00Z", updated="2024-01-09T13:10:00Z")),
            )
            first = read_stream("intelligence_transcripts", config(), SyncMode.incremental)
        with freeze_time(LATER):
            http_mocker.get(
                transcripts_request("2024-01-09T11:59:58Z", LATER),
                page("intelligence_transcripts", transcript(4, "2024-01-10T05:00:00Z", "in-progress"), transcript(3, "2024-01-09T13:00:00Z", updated="2024-01-09T13:10:00Z"),
                     transcript(2, "2024-01-09T12:00:00Z", updated="2024-01-10T00:30:00Z")),
            )
            second = read_stream("intelligence_transcripts", config(), SyncMode.incremental, state_of("intelligence_transcripts", first))

        assert [(r["sid"][-1], r["status"]) for r in records_of(second)] == [("4", "in-progress"), ("2", "completed")]
        assert final_state(second)["states"][0]["cursor"] == {"date_created": "2024-01-10T04:59:59Z", "settled_until": "2024-01-10T23:55:00Z", "listed_at": LATER}

    @freeze_time(NOW)
    @HttpMocker()
    def test_given_a_subaccount_forbidden_when_read_then_it_is_skipped_once_named_and_the_others_arrive(self, http_mocker: HttpMocker) -> None:
        """Each account is read with its own credentials; a 403 for one account's Intelligence skips that account, with
        one warning naming it, and its state does not move."""
        given_accounts(http_mocker, an_account(MAIN_ACCOUNT_SID), an_account(SUBACCOUNT_SID))
        http_mocker.get(transcripts_request("2023-12-31T23:59:59Z", NOW), page("intelligence_transcripts", transcript(1, "2024-01-05T10:00:00Z")))
        http_mocker.get(transcripts_request("2023-12-31T23:59:59Z", NOW, SUBACCOUNT_SID), error_response(403))

        output = read_stream("intelligence_transcripts", config(), SyncMode.incremental)

        assert [r["account_sid"] for r in records_of(output)] == [MAIN_ACCOUNT_SID]
        assert not output.errors
        warnings = [w for w in warnings_of(output) if "intelligence_transcripts" in w]
        assert len(warnings) == 1 and SUBACCOUNT_SID in warnings[0] and "403" in warnings[0]
        cursors = {entry["partition"]["account_sid"]: entry["cursor"] for entry in final_state(output)["states"]}
        assert cursors[SUBACCOUNT_SID]["date_created"] <= "2024-01-01T00:00:00Z", "a refused window never moves the state"


class TestChildren:
    @freeze_time(NOW)
    @HttpMocker()
    def test_given_transcripts_when_sentences_are_read_then_only_completed_ones_are_asked_redacted_as_their_account(self, http_mocker: HttpMocker) -> None:
        """Sentences exist once a transcript is completed: a queued one is not asked for. Each completed one is asked
        with Redacted=true and the largest page Twilio allows (5000), with its account's own credentials, and every
        sentence carries the transcript's SID, Service, account and creation date."""
        given_accounts(http_mocker, an_account(MAIN_ACCOUNT_SID), an_account(SUBACCOUNT_SID))
        http_mocker.get(transcripts_request("2023-12-31T23:59:59Z", NOW), page("intelligence_transcripts"))
        http_mocker.get(
            transcripts_request("2023-12-31T23:59:59Z", NOW, SUBACCOUNT_SID),
            page("intelligence_transcripts", transcript(2, "2024-01-09T12:00:00Z", "queued", account=SUBACCOUNT_SID), transcript(1, "2024-01-05T10:00:00Z", account=SUBACCOUNT_SID)),
        )
        http_mocker.get(sentences_request(1, SUBACCOUNT_SID), page("intelligence_sentences", sentence(0), sentence(1)))

        output = read_stream("intelligence_sentences", config(), SyncMode.incremental)

        assert [(r["transcript_sid"][-1], r["sentence_index"], r["account_sid"], r["service_sid"], r["transcript_date_created"]) for r in records_of(output)] == [
            ("1", 0, SUBACCOUNT_SID, SERVICE_SID, "2024-01-05T10:00:00Z"), ("1", 1, SUBACCOUNT_SID, SERVICE_SID, "2024-01-05T10:00:00Z")
        ]

    @freeze_time(NOW)
    @HttpMocker()
    def test_given_unredacted_asked_for_when_sentences_are_read_then_redacted_false_is_sent(self, http_mocker: HttpMocker) -> None:
        """`intelligence_unredacted: true` asks Twilio for the unredacted text (Redacted=false)."""
        given_accounts(http_mocker)
        http_mocker.get(transcripts_request("2023-12-31T23:59:59Z", NOW), page("intelligence_transcripts", transcript(1, "2024-01-05T10:00:00Z")))
        http_mocker.get(sentences_request(1, redacted="false"), page("intelligence_sentences", sentence(0)))

        output = read_stream("intelligence_sentences", config(intelligence_unredacted=True))

        assert [r["sentence_index"] for r in records_of(output)] == [0]

    @HttpMocker()
    def test_given_the_state_of_a_sync_when_transcripts_complete_then_only_their_operator_results_are_read(self, http_mocker: HttpMocker) -> None:
        """The next sync asks for the children of the transcripts completed since (and of new ones), never again those of
        a transcript completed when the last sync listed it."""
        given_accounts(http_mocker)
        results = f"{INTELLIGENCE}/Transcripts/GT{{:032d}}/OperatorResults"
        with freeze_time(NOW):
            http_mocker.get(
                transcripts_request("2023-12-31T23:59:59Z", NOW),
                page("intelligence_transcripts", transcript(2, "2024-01-09T12:00:00Z", "in-progress"), transcript(3, "2024-01-09T13:00:00Z", updated="2024-01-09T13:10:00Z")),
            )
            http_mocker.get(product_request(results.format(3), {"Redacted": "true"}, as_account(MAIN_ACCOUNT_SID)),
                            page("intelligence_operator_results", a_record("intelligence_operator_results", transcript_sid=f"GT{3:032d}")))
            first = read_stream("intelligence_operator_results", config(), SyncMode.incremental)
        with freeze_time(LATER):
            http_mocker.get(
                transcripts_request("2024-01-09T11:59:58Z", LATER),
                page("intelligence_transcripts", transcript(4, "2024-01-10T05:00:00Z"), transcript(3, "2024-01-09T13:00:00Z", updated="2024-01-09T13:10:00Z"),
                     transcript(2, "2024-01-09T12:00:00Z", updated="2024-01-10T00:30:00Z")),
            )
            for n in (4, 2):
                http_mocker.get(product_request(results.format(n), {"Redacted": "true"}, as_account(MAIN_ACCOUNT_SID)),
                                page("intelligence_operator_results", a_record("intelligence_operator_results", transcript_sid=f"GT{n:032d}")))
            second = read_stream("intelligence_operator_results", config(), SyncMode.incremental, state_of("intelligence_operator_results", first))

        assert [r["transcript_sid"][-1] for r in records_of(first)] == ["3"]
        assert sorted(r["transcript_sid"][-1] for r in records_of(second)) == ["2", "4"]


@freeze_time(NOW)
class TestOperators:
    @HttpMocker()
    def test_given_two_accounts_when_operators_are_read_then_prebuilt_ones_come_once_and_each_accounts_custom_ones(self, http_mocker: HttpMocker) -> None:
        """/v2/Operators would list Twilio's pre-built operators again for every account: they are read once from
        /v2/Operators/PreBuilt (not stamped with an account), each account's own from /v2/Operators/Custom with its
        credentials; operator types, Twilio's catalogue, once."""
        given_accounts(http_mocker, an_account(MAIN_ACCOUNT_SID), an_account(SUBACCOUNT_SID))
        prebuilt = a_record("intelligence_operators", sid="LY" + "0" * 32, account_sid=None, author="Twilio")
        http_mocker.get(product_request(f"{INTELLIGENCE}/Operators/PreBuilt", authorization=as_account(MAIN_ACCOUNT_SID)), page("intelligence_operators", prebuilt))
        for n, account in enumerate((MAIN_ACCOUNT_SID, SUBACCOUNT_SID), start=1):
            custom = a_record("intelligence_operators", sid=f"LY{n:032d}", account_sid=account, author=account)
            http_mocker.get(product_request(f"{INTELLIGENCE}/Operators/Custom", authorization=as_account(account)), page("intelligence_operators", custom))

        output = read_stream("intelligence_operators", config())

        assert sorted((r["sid"][-1], r.get("account_sid")) for r in records_of(output)) == [("0", None), ("1", MAIN_ACCOUNT_SID), ("2", SUBACCOUNT_SID)]


def test_given_a_non_boolean_unredacted_option_when_validated_then_the_problem_names_the_field() -> None:
    """The redaction switch is a boolean; anything else is a config error naming it (an old config without it is fine)."""
    assert any(p.startswith("intelligence_unredacted:") for p in config_problems(ConfigBuilder().with_field("intelligence_unredacted", "yes").build()))
    assert config_problems(ConfigBuilder().build()) == []
