"""States saved by Airbyte's Twilio source are continued, not restarted."""

from __future__ import annotations

from source_twilio.state import TwilioStateMigration as AirbyteTwilioStateMigration

AC1, AC2 = "AC" + "1" * 32, "AC" + "2" * 32


def migration(cursor_field: str = "date_sent", resource: str = "Messages.json", date_only: bool = False) -> AirbyteTwilioStateMigration:
    return AirbyteTwilioStateMigration(parameters={"cursor_field": cursor_field, "resource": resource, "date_only": date_only})


def test_given_airbyte_per_partition_state_when_migrated_then_keyed_by_account_sid():
    """`subresource_uri` partitions become `account_sid` partitions with the same cursor."""
    state = {"states": [
        {"partition": {"subresource_uri": f"/2010-04-01/Accounts/{AC1}/Messages.json", "parent_slice": {}}, "cursor": {"date_sent": "2024-05-01T00:00:00Z"}},
        {"partition": {"subresource_uri": f"/2010-04-01/Accounts/{AC2}/Messages.json", "parent_slice": {}}, "cursor": {"date_sent": "2024-04-01T00:00:00Z"}},
    ]}
    assert migration().should_migrate(state)
    assert migration().migrate(state) == {
        "states": [
            {"partition": {"account_sid": AC1}, "cursor": {"date_sent": "2024-05-01T00:00:00Z"}},
            {"partition": {"account_sid": AC2}, "cursor": {"date_sent": "2024-04-01T00:00:00Z"}},
        ],
        "use_global_cursor": False,
    }


def test_given_day_granular_calls_state_when_migrated_then_cursor_is_a_timestamp():
    """Airbyte's calls state holds a day (`2020-12-11`); ours holds a timestamp."""
    state = {"states": [{"partition": {"subresource_uri": f"/2010-04-01/Accounts/{AC1}/Calls.json", "parent_slice": {}}, "cursor": {"end_time": "2020-12-11"}}]}
    migrated = migration("end_time", "Calls.json").migrate(state)
    assert migrated["states"][0]["cursor"] == {"end_time": "2020-12-11T00:00:00Z"}


def test_given_usage_records_state_when_migrated_then_date_only_cursor_is_kept():
    """usage_records partitions already carry account_sid (plus parent_slice); the date stays a date."""
    state = {"states": [{"partition": {"account_sid": AC1, "parent_slice": {}}, "cursor": {"start_date": "2024-02-03"}}]}
    migrated = migration("start_date", "Usage/Records/Daily.json", date_only=True).migrate(state)
    assert migrated["states"] == [{"partition": {"account_sid": AC1}, "cursor": {"start_date": "2024-02-03"}}]


def test_given_flat_legacy_state_with_rfc2822_when_migrated_then_it_is_every_accounts_start():
    """The older flat shape becomes the global cursor every account starts from."""
    migrated = migration().migrate({"date_sent": "Fri, 18 Oct 2019 19:00:00 +0200"})
    assert migrated == {"states": [], "state": {"date_sent": "2019-10-18T17:00:00Z"}, "use_global_cursor": False}


def test_given_our_own_state_when_checked_then_it_is_left_alone():
    """A state this connector writes is not migrated again."""
    own = {"states": [{"partition": {"account_sid": AC1}, "cursor": {"date_sent": "2024-01-01T00:00:00Z"}}], "use_global_cursor": False, "lookback_window": 12}
    assert not migration().should_migrate(own)


def test_given_state_with_the_cdks_global_fallback_when_migrated_then_the_fallback_is_dropped():
    """The CDK's "state" key (the newest cursor of any account, which 2.0.0-rc.2 saved too) would start an account without
    its own entry there, skipping that account's history; it is removed, every account keeps its own cursor."""
    saved = {
        "states": [{"partition": {"account_sid": AC1}, "cursor": {"date_sent": "2024-05-01T00:00:00Z"}}],
        "state": {"date_sent": "2024-05-01T00:00:00Z"},
        "use_global_cursor": False,
    }
    assert migration().should_migrate(saved)
    assert migration().migrate(saved) == {"states": saved["states"], "use_global_cursor": False}


def test_given_a_children_state_with_one_cursor_for_all_parents_when_checked_then_it_is_left_alone():
    """Children with one cursor for all their parents (use_global_cursor) keep their "state": it is their cursor."""
    children = {"use_global_cursor": True, "state": {"date_created": "2024-05-01T00:00:00Z"}, "parent_state": {}}
    assert not migration("date_created").should_migrate(children)


def test_given_partition_of_another_resource_when_migrated_then_dropped():
    """A partition this stream cannot continue is dropped: that account reads from start_date, nothing is lost."""
    state = {"states": [{"partition": {"subresource_uri": f"/2010-04-01/Accounts/{AC1}/Messages/SM1/Media.json", "parent_slice": {}}, "cursor": {"date_sent": "2024-01-01T00:00:00Z"}}]}
    assert migration().migrate(state) == {}
