"""v1/v2 product APIs (Conversations, Monitor, Studio ...): paged by `meta.next_page_url`, and the account read is the
Basic-auth username, so a subaccount is read as `ACsub:<parent token>`."""

from __future__ import annotations

from typing import Any, Dict, List, Tuple

from airbyte_cdk.models import AirbyteStateMessage, SyncMode
from airbyte_cdk.test.catalog_builder import CatalogBuilder
from airbyte_cdk.test.mock_http import HttpMocker
from airbyte_cdk.test.state_builder import StateBuilder
from builders import (
    API_KEY_SECRET,
    API_KEY_SID,
    MAIN_ACCOUNT_SID,
    NOW,
    SUBACCOUNT_SID,
    ConfigBuilder,
    ProductPage,
    TwilioPage,
    a_record,
    accounts_list_request,
    an_account,
    as_account,
    basic_auth,
    error_response,
    final_state,
    given_accounts,
    probe_request,
    product_request,
    read_stream,
    records_of,
    warnings_of,
)
from freezegun import freeze_time

from source_twilio.state import conversations_changed_since, stream_states

CONVERSATIONS = "https://conversations.twilio.com/v1/Conversations"
ALERTS = "https://monitor.twilio.com/v1/Alerts"
FLOWS = "https://studio.twilio.com/v2/Flows"


def conversation(sid: str, account: str = MAIN_ACCOUNT_SID) -> Dict[str, Any]:
    return a_record("conversations", sid=sid, account_sid=account)


@freeze_time(NOW)
class TestConversations:
    @HttpMocker()
    def test_given_meta_next_page_url_when_read_then_the_second_page_is_that_absolute_url(self, http_mocker: HttpMocker) -> None:
        """`meta.next_page_url` is absolute and carries Twilio's PageToken: it is requested exactly as given."""
        next_url = f"{CONVERSATIONS}?PageSize=100&Page=1&PageToken=PTCHaaaa"
        given_accounts(http_mocker)
        http_mocker.get(
            product_request(CONVERSATIONS, authorization=as_account(MAIN_ACCOUNT_SID), page_size=100),
            ProductPage("conversations").with_record(conversation("CH" + "1" * 32)).with_next_page_url(next_url).build(),
        )
        http_mocker.get(
            product_request(next_url, page_size=False, authorization=as_account(MAIN_ACCOUNT_SID)),
            ProductPage("conversations").with_record(conversation("CH" + "2" * 32)).build(),
        )

        output = read_stream("conversations", ConfigBuilder().build())

        assert [record["sid"] for record in records_of(output)] == ["CH" + "1" * 32, "CH" + "2" * 32]

    @HttpMocker()
    def test_given_subaccount_when_read_then_it_is_read_with_its_own_sid_and_token(self, http_mocker: HttpMocker) -> None:
        """Product hosts read the account the credentials belong to: the subaccount with its own SID and the auth token
        the parent's Accounts.json returns for it; records keep their account."""
        given_accounts(http_mocker, an_account(MAIN_ACCOUNT_SID), an_account(SUBACCOUNT_SID))
        for account, sid in ((MAIN_ACCOUNT_SID, "CH" + "1" * 32), (SUBACCOUNT_SID, "CH" + "2" * 32)):
            http_mocker.get(
                product_request(CONVERSATIONS, authorization=as_account(account), page_size=100),
                ProductPage("conversations").with_record(conversation(sid, account)).build(),
            )

        # One worker reads the accounts one after the other, as a large sync does once the first requests finish.
        output = read_stream("conversations", ConfigBuilder().with_field("num_workers", 1).build())

        assert {record["sid"]: record["account_sid"] for record in records_of(output)} == {
            "CH" + "1" * 32: MAIN_ACCOUNT_SID,
            "CH" + "2" * 32: SUBACCOUNT_SID,
        }

    def test_given_subaccount_when_authorization_built_then_it_is_base64_of_its_sid_and_token(self) -> None:
        """The header the mocks above require is literally `Basic base64("ACsub:token")`."""
        assert basic_auth(SUBACCOUNT_SID, "token") == "Basic QUNiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYjp0b2tlbg=="

    @HttpMocker()
    def test_given_suspended_subaccount_when_read_then_its_product_data_is_skipped_with_one_warning(self, http_mocker: HttpMocker) -> None:
        """Twilio refuses a suspended account's own credentials: its product data is not asked for, and the sync says
        so once; the other accounts are read."""
        given_accounts(http_mocker, an_account(MAIN_ACCOUNT_SID), an_account(SUBACCOUNT_SID, status="suspended"))
        http_mocker.get(
            product_request(CONVERSATIONS, authorization=as_account(MAIN_ACCOUNT_SID), page_size=100),
            ProductPage("conversations").with_record(conversation("CH" + "1" * 32)).build(),
        )

        output = read_stream("conversations", ConfigBuilder().build())

        assert [record["sid"] for record in records_of(output)] == ["CH" + "1" * 32]
        assert [warning for warning in warnings_of(output) if SUBACCOUNT_SID in warning and "suspended" in warning]

    @HttpMocker()
    def test_given_standard_api_key_when_read_then_its_own_accounts_product_data_is_read_with_the_key(self, http_mocker: HttpMocker) -> None:
        """A Standard key may not list accounts; it reads its own account, on product hosts too: `SK...:secret`."""
        key = (API_KEY_SID, API_KEY_SECRET)
        http_mocker.get(accounts_list_request(credentials=key), error_response(401))
        http_mocker.get(probe_request(MAIN_ACCOUNT_SID, credentials=key), TwilioPage("incoming_phone_numbers").build())
        http_mocker.get(
            product_request(CONVERSATIONS, authorization=basic_auth(API_KEY_SID, API_KEY_SECRET), page_size=100),
            ProductPage("conversations").with_record(conversation("CH" + "1" * 32)).build(),
        )

        output = read_stream("conversations", ConfigBuilder().with_api_key().build())

        assert [record["sid"] for record in records_of(output)] == ["CH" + "1" * 32]


@freeze_time(NOW)
class TestConversationChildren:
    CLOSED_OLD, CLOSED_NEW, ACTIVE_OLD = "CH" + "1" * 32, "CH" + "2" * 32, "CH" + "3" * 32

    @staticmethod
    def children_state(cursor: str, accounts: Tuple[str, ...] = (MAIN_ACCOUNT_SID,)) -> List[AirbyteStateMessage]:
        state = {"use_global_cursor": True, "state": {"date_updated": cursor}, "accounts": list(accounts)}
        return StateBuilder().with_stream_state("conversation_messages", state).build()

    def given_conversations(self, http_mocker: HttpMocker) -> None:
        given_accounts(http_mocker)
        http_mocker.get(
            product_request(CONVERSATIONS, page_size=100),
            ProductPage("conversations")
            .with_record(a_record("conversations", sid=self.CLOSED_OLD, state="closed", date_updated="2024-01-05T10:00:00Z"))
            .with_record(a_record("conversations", sid=self.CLOSED_NEW, state="closed", date_updated="2024-01-09T10:00:00Z"))
            .with_record(a_record("conversations", sid=self.ACTIVE_OLD, state="active", date_updated="2024-01-02T10:00:00Z"))
            .build(),
        )

    @HttpMocker()
    def test_given_state_when_read_messages_then_closed_conversations_unchanged_since_are_not_listed(self, http_mocker: HttpMocker) -> None:
        """A conversation closed before the state takes no new messages: its list is not asked for. One closed
        since the state, and every open one (a new message does not change its date_updated), are."""
        self.given_conversations(http_mocker)
        for sid in (self.CLOSED_NEW, self.ACTIVE_OLD):
            http_mocker.get(
                product_request(f"{CONVERSATIONS}/{sid}/Messages", page_size=100),
                ProductPage("conversation_messages")
                .with_record(
                    a_record("conversation_messages", sid="IM" + sid[2:], conversation_sid=sid, date_updated="2024-01-09T09:00:00Z")
                )
                .build(),
            )

        state = self.children_state("2024-01-08T00:00:00Z")
        output = read_stream("conversation_messages", ConfigBuilder().build(), SyncMode.incremental, state=state)

        assert not output.errors
        assert sorted(record["conversation_sid"] for record in records_of(output)) == [self.CLOSED_NEW, self.ACTIVE_OLD]

    @HttpMocker()
    def test_given_a_state_that_did_not_read_the_account_when_read_messages_then_every_conversation_and_message_arrives(
        self, http_mocker: HttpMocker
    ) -> None:
        """An account the saved state does not name (added to account_sids since, or a state saved before 2.1.0) has
        every conversation listed, closed ones too, and every message kept, older than the cursor too."""
        self.given_conversations(http_mocker)
        for sid in (self.CLOSED_OLD, self.CLOSED_NEW, self.ACTIVE_OLD):
            http_mocker.get(
                product_request(f"{CONVERSATIONS}/{sid}/Messages", page_size=100),
                ProductPage("conversation_messages")
                .with_record(a_record("conversation_messages", sid="IM" + sid[2:], conversation_sid=sid, date_updated="2024-01-02T09:00:00Z"))
                .build(),
            )

        state = self.children_state("2024-01-08T00:00:00Z", accounts=(SUBACCOUNT_SID,))
        output = read_stream("conversation_messages", ConfigBuilder().build(), SyncMode.incremental, state=state)

        assert not output.errors
        assert sorted(record["conversation_sid"] for record in records_of(output)) == sorted([self.CLOSED_OLD, self.CLOSED_NEW, self.ACTIVE_OLD])
        assert final_state(output)["accounts"] == [MAIN_ACCOUNT_SID]

    def test_given_both_children_selected_when_one_has_no_state_then_every_conversation_is_listed(self) -> None:
        """The skip uses the oldest state of the selected children; a child without state reads everything."""
        catalog = CatalogBuilder().with_stream("conversation_messages", SyncMode.incremental).with_stream(
            "conversation_participants", SyncMode.incremental).build()
        assert conversations_changed_since(catalog, stream_states(self.children_state("2024-01-08T00:00:00Z")), 0) == ""

    def test_given_lookback_when_state_then_the_skip_starts_lookback_and_a_minute_before_it(self) -> None:
        catalog = CatalogBuilder().with_stream("conversation_messages", SyncMode.incremental).build()
        states = stream_states(self.children_state("2024-01-08T00:00:00Z"))
        assert conversations_changed_since(catalog, states, 30) == "2024-01-07T23:29:00Z"

    @HttpMocker()
    def test_given_no_state_when_read_messages_then_every_conversation_is_listed(self, http_mocker: HttpMocker) -> None:
        """The first sync lists the messages of every conversation, closed ones too."""
        self.given_conversations(http_mocker)
        for sid in (self.CLOSED_OLD, self.CLOSED_NEW, self.ACTIVE_OLD):
            http_mocker.get(product_request(f"{CONVERSATIONS}/{sid}/Messages", page_size=100), ProductPage("conversation_messages").build())

        output = read_stream("conversation_messages", ConfigBuilder().build(), SyncMode.incremental)

        assert not output.errors


@freeze_time(NOW)
class TestAlerts:
    @HttpMocker()
    def test_given_alerts_when_read_incrementally_then_windows_use_iso_start_date_and_end_date(self, http_mocker: HttpMocker) -> None:
        """Monitor alerts are windowed with `StartDate`/`EndDate` (ISO 8601), consecutive windows sharing their boundary;
        the cursor is date_generated, per account, saved where the account's complete windows end."""
        given_accounts(http_mocker)
        http_mocker.get(
            product_request(ALERTS, {"StartDate": "2024-01-01T00:00:00Z", "EndDate": "2024-01-08T00:00:00Z"}, as_account(MAIN_ACCOUNT_SID)),
            ProductPage("alerts").with_record(a_record("alerts", sid="NO" + "1" * 32, date_generated="2024-01-05T10:00:00Z")).build(),
        )
        http_mocker.get(
            product_request(ALERTS, {"StartDate": "2024-01-08T00:00:00Z", "EndDate": "2024-01-10T00:00:00Z"}, as_account(MAIN_ACCOUNT_SID)),
            ProductPage("alerts").with_record(a_record("alerts", sid="NO" + "2" * 32, date_generated="2024-01-09T10:00:00Z")).build(),
        )

        output = read_stream("alerts", ConfigBuilder().with_slice_step_duration("P7D").build(), SyncMode.incremental)

        assert sorted(record["sid"] for record in records_of(output)) == ["NO" + "1" * 32, "NO" + "2" * 32]
        state = final_state(output)
        assert {entry["partition"]["account_sid"]: entry["cursor"]["date_generated"] for entry in state["states"]} == {
            MAIN_ACCOUNT_SID: "2024-01-09T23:55:00Z"
        }


def flow(sid: str, account: str) -> Dict[str, Any]:
    return a_record("flows", sid=sid, account_sid=account)


def execution(sid: str, flow_sid: str, account: str, date_created: str) -> Dict[str, Any]:
    return a_record("executions", sid=sid, flow_sid=flow_sid, account_sid=account, date_created=date_created)


EXECUTION_WINDOW = {"DateCreatedFrom": "2024-01-08T00:00:00Z", "DateCreatedTo": "2024-01-10T00:00:00Z"}


@freeze_time(NOW)
class TestExecutions:
    @HttpMocker()
    def test_given_a_flow_when_read_executions_then_they_are_listed_under_the_flow_in_date_windows(self, http_mocker: HttpMocker) -> None:
        """Executions are read per flow at /v2/Flows/{FW}/Executions, windowed by `DateCreatedFrom`/`DateCreatedTo`."""
        flow_sid = "FW" + "1" * 32
        given_accounts(http_mocker)
        http_mocker.get(
            product_request(FLOWS, authorization=as_account(MAIN_ACCOUNT_SID)),
            ProductPage("flows").with_record(flow(flow_sid, MAIN_ACCOUNT_SID)).build(),
        )
        http_mocker.get(
            product_request(f"{FLOWS}/{flow_sid}/Executions", EXECUTION_WINDOW, as_account(MAIN_ACCOUNT_SID)),
            ProductPage("executions").with_record(execution("FN" + "1" * 32, flow_sid, MAIN_ACCOUNT_SID, "2024-01-09T10:00:00Z")).build(),
        )

        output = read_stream("executions", ConfigBuilder().with_start_date("2024-01-08T00:00:00Z").build(), SyncMode.incremental)

        assert [record["sid"] for record in records_of(output)] == ["FN" + "1" * 32]
        assert not output.errors

    @HttpMocker()
    def test_given_flows_in_two_accounts_when_read_executions_then_each_accounts_flows_are_listed_with_its_own_credentials(
        self, http_mocker: HttpMocker
    ) -> None:
        """Flows live per account: the subaccount's flows are listed as the subaccount (same URL, other credentials),
        and its executions are read as the subaccount, so each execution arrives exactly once."""
        main_flow, sub_flow = "FW" + "1" * 32, "FW" + "2" * 32
        given_accounts(http_mocker, an_account(MAIN_ACCOUNT_SID), an_account(SUBACCOUNT_SID))
        for account, flow_sid, execution_sid in ((MAIN_ACCOUNT_SID, main_flow, "FN" + "1" * 32), (SUBACCOUNT_SID, sub_flow, "FN" + "2" * 32)):
            http_mocker.get(
                product_request(FLOWS, authorization=as_account(account)),
                ProductPage("flows").with_record(flow(flow_sid, account)).build(),
            )
            http_mocker.get(
                product_request(f"{FLOWS}/{flow_sid}/Executions", EXECUTION_WINDOW, as_account(account)),
                ProductPage("executions").with_record(execution(execution_sid, flow_sid, account, "2024-01-09T10:00:00Z")).build(),
            )

        config = ConfigBuilder().with_start_date("2024-01-08T00:00:00Z").with_field("num_workers", 1).build()
        output = read_stream("executions", config, SyncMode.incremental)

        assert sorted((record["sid"], record["account_sid"]) for record in records_of(output)) == [
            ("FN" + "1" * 32, MAIN_ACCOUNT_SID),
            ("FN" + "2" * 32, SUBACCOUNT_SID),
        ]
