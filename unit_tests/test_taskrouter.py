"""TaskRouter (taskrouter.twilio.com): everything lives in a Workspace, read with each account's own credentials; tasks
are fetched one by one for their attributes; events are read in StartDate/EndDate windows no older than 30 days."""

from __future__ import annotations

from typing import Any, Dict

from airbyte_cdk.models import SyncMode
from airbyte_cdk.test.mock_http import HttpMocker
from builders import (
    MAIN_ACCOUNT_SID,
    NOW,
    SUBACCOUNT_SID,
    ConfigBuilder,
    ProductPage,
    a_record,
    an_account,
    as_account,
    error_response,
    final_state,
    given_accounts,
    json_response,
    product_request,
    read_stream,
    records_of,
    warnings_of,
)
from freezegun import freeze_time

WORKSPACES = "https://taskrouter.twilio.com/v1/Workspaces"


def workspace(sid: str, account: str) -> Dict[str, Any]:
    return a_record("taskrouter_workspaces", sid=sid, account_sid=account)


def task(sid: str, workspace_sid: str, account: str, **fields: Any) -> Dict[str, Any]:
    return a_record("taskrouter_tasks", sid=sid, workspace_sid=workspace_sid, account_sid=account, **fields)


def event(sid: str, workspace_sid: str, account: str, event_date: str) -> Dict[str, Any]:
    return a_record("taskrouter_events", sid=sid, workspace_sid=workspace_sid, account_sid=account, event_date=event_date)


def given_workspace(http_mocker: HttpMocker, account: str, workspace_sid: str) -> None:
    http_mocker.get(
        product_request(WORKSPACES, authorization=as_account(account)),
        ProductPage("taskrouter_workspaces").with_record(workspace(workspace_sid, account)).build(),
    )


@freeze_time(NOW)
class TestWorkspaces:
    @HttpMocker()
    def test_given_a_workspace_when_read_then_it_carries_its_own_sid_as_workspace_sid(self, http_mocker: HttpMocker) -> None:
        """Every TaskRouter record joins on workspace_sid; a Workspace's is its own sid."""
        given_accounts(http_mocker)
        given_workspace(http_mocker, MAIN_ACCOUNT_SID, "WS" + "1" * 32)

        output = read_stream("taskrouter_workspaces", ConfigBuilder().build())

        assert [(r["sid"], r["workspace_sid"], r["account_sid"]) for r in records_of(output)] == [
            ("WS" + "1" * 32, "WS" + "1" * 32, MAIN_ACCOUNT_SID)
        ]

    @HttpMocker()
    def test_given_taskrouter_forbidden_for_a_subaccount_when_read_then_it_is_skipped_with_a_warning(self, http_mocker: HttpMocker) -> None:
        """A 403 for one account's Workspaces skips that account's TaskRouter, names the URL, and the others arrive."""
        given_accounts(http_mocker, an_account(MAIN_ACCOUNT_SID), an_account(SUBACCOUNT_SID))
        given_workspace(http_mocker, MAIN_ACCOUNT_SID, "WS" + "1" * 32)
        http_mocker.get(product_request(WORKSPACES, authorization=as_account(SUBACCOUNT_SID)), error_response(403))

        output = read_stream("taskrouter_workspaces", ConfigBuilder().with_field("num_workers", 1).build())

        assert [r["sid"] for r in records_of(output)] == ["WS" + "1" * 32]
        assert not output.errors
        assert any("Skipping taskrouter_workspaces" in w and WORKSPACES in w and "403" in w for w in warnings_of(output))


@freeze_time(NOW)
class TestTasks:
    @HttpMocker()
    def test_given_a_subaccounts_task_when_read_then_it_is_fetched_by_sid_with_the_subaccounts_credentials(self, http_mocker: HttpMocker) -> None:
        """A list leaves `attributes` null (Twilio's spec): each task is fetched at /Workspaces/{WS}/Tasks/{WT}, as its
        account, and the record is the fetched one."""
        workspace_sid, task_sid = "WS" + "2" * 32, "WT" + "2" * 32
        given_accounts(http_mocker, an_account(SUBACCOUNT_SID), an_account(MAIN_ACCOUNT_SID))
        http_mocker.get(product_request(WORKSPACES, authorization=as_account(MAIN_ACCOUNT_SID)), ProductPage("taskrouter_workspaces").build())
        given_workspace(http_mocker, SUBACCOUNT_SID, workspace_sid)
        http_mocker.get(
            product_request(f"{WORKSPACES}/{workspace_sid}/Tasks", authorization=as_account(SUBACCOUNT_SID)),
            ProductPage("taskrouter_tasks").with_record(task(task_sid, workspace_sid, SUBACCOUNT_SID, attributes=None)).build(),
        )
        http_mocker.get(
            product_request(f"{WORKSPACES}/{workspace_sid}/Tasks/{task_sid}", authorization=as_account(SUBACCOUNT_SID), page_size=False),
            json_response(task(task_sid, workspace_sid, SUBACCOUNT_SID, attributes='{"channelType": "voice"}')),
        )

        output = read_stream("taskrouter_tasks", ConfigBuilder().with_field("num_workers", 1).build())

        assert [(r["sid"], r["account_sid"], r["workspace_sid"], r["attributes"]) for r in records_of(output)] == [
            (task_sid, SUBACCOUNT_SID, workspace_sid, '{"channelType": "voice"}')
        ]

    @HttpMocker()
    def test_given_a_task_deleted_after_it_was_listed_when_fetched_then_it_is_skipped_with_a_warning(self, http_mocker: HttpMocker) -> None:
        """Twilio deletes a task five minutes after it finishes: one listed and gone by its fetch (404) is skipped, the
        others arrive."""
        workspace_sid, gone, kept = "WS" + "1" * 32, "WT" + "1" * 32, "WT" + "3" * 32
        given_accounts(http_mocker)
        given_workspace(http_mocker, MAIN_ACCOUNT_SID, workspace_sid)
        page = ProductPage("taskrouter_tasks")
        for sid in (gone, kept):
            page.with_record(task(sid, workspace_sid, MAIN_ACCOUNT_SID))
        http_mocker.get(product_request(f"{WORKSPACES}/{workspace_sid}/Tasks", authorization=as_account(MAIN_ACCOUNT_SID)), page.build())
        http_mocker.get(
            product_request(f"{WORKSPACES}/{workspace_sid}/Tasks/{gone}", authorization=as_account(MAIN_ACCOUNT_SID), page_size=False),
            error_response(404),
        )
        http_mocker.get(
            product_request(f"{WORKSPACES}/{workspace_sid}/Tasks/{kept}", authorization=as_account(MAIN_ACCOUNT_SID), page_size=False),
            json_response(task(kept, workspace_sid, MAIN_ACCOUNT_SID)),
        )

        output = read_stream("taskrouter_tasks", ConfigBuilder().build())

        assert [r["sid"] for r in records_of(output)] == [kept]
        assert not output.errors and any(gone in w for w in warnings_of(output))


@freeze_time(NOW)
class TestEvents:
    @HttpMocker()
    def test_given_an_old_start_date_when_read_events_then_the_window_starts_30_days_ago_and_the_state_is_per_workspace(
        self, http_mocker: HttpMocker
    ) -> None:
        """Twilio keeps events 30 days: with a start date a year back the first window starts 30 days (less 5 seconds)
        before now, with `StartDate`/`EndDate` in ISO 8601; the cursor is event_date, one per Workspace, no older than
        the newest event read and no later than now."""
        workspace_sid = "WS" + "1" * 32
        given_accounts(http_mocker)
        given_workspace(http_mocker, MAIN_ACCOUNT_SID, workspace_sid)
        http_mocker.get(
            product_request(f"{WORKSPACES}/{workspace_sid}/Events", {"StartDate": "2023-12-11T00:00:05Z", "EndDate": NOW}, as_account(MAIN_ACCOUNT_SID)),
            ProductPage("taskrouter_events").with_record(event("EV" + "1" * 32, workspace_sid, MAIN_ACCOUNT_SID, "2024-01-09T10:00:00Z")).build(),
        )

        config = ConfigBuilder().with_start_date("2023-01-01T00:00:00Z").with_slice_step_duration("P31D").build()
        output = read_stream("taskrouter_events", config, SyncMode.incremental)

        assert [r["sid"] for r in records_of(output)] == ["EV" + "1" * 32]
        cursors = {entry["partition"]["parent_sid"]: entry["cursor"]["event_date"] for entry in final_state(output)["states"]}
        assert list(cursors) == [workspace_sid] and "2024-01-09T10:00:00Z" <= cursors[workspace_sid] <= NOW
