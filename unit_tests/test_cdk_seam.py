"""The seam to airbyte-cdk (source_twilio/cdk_seam.py): every private name it relies on still exists on the installed
CDK, and nothing else in the connector touches one. A CDK upgrade that moves one fails here, naming it."""

from __future__ import annotations

import ast
import contextlib
import inspect
from pathlib import Path

import pytest
from airbyte_cdk.models import SyncMode
from airbyte_cdk.sources.declarative.requesters import HttpRequester
from airbyte_cdk.test.catalog_builder import CatalogBuilder
from builders import (
    MAIN_ACCOUNT_SID,
    NOW,
    ConfigBuilder,
    TwilioPage,
    a_record,
    api_request,
    given_accounts,
    given_no_open_records,
    read_stream,
)
from airbyte_cdk.test.mock_http import HttpMocker
from freezegun import freeze_time

from source_twilio import SourceTwilio, cdk_seam
from source_twilio.cdk_seam import (
    CHECKED_AGAINST,
    PRIVATE_NAMES,
)
from source_twilio.cursors import WindowCheckpointCursor
from source_twilio.factory import TwilioComponentFactory

PACKAGE = Path(cdk_seam.__file__).parent


def cursors_by_account(state, cursor_field):
    return {entry["partition"]["account_sid"]: entry["cursor"][cursor_field] for entry in state["states"]}


def a_source_and_its_cursor():
    """A source built as a read builds it, and the per-account cursor of its messages stream."""
    config = ConfigBuilder().build()
    catalog = CatalogBuilder().with_stream("messages", SyncMode.incremental).build()
    source = SourceTwilio(catalog, config, None)
    streams = {stream.name: stream for stream in source.streams(config)}
    return source, streams["messages"].cursor


def a_stream_and_its_parts():
    """The messages stream as a read builds it, its partition generator and that one's partition factory."""
    config = ConfigBuilder().build()
    catalog = CatalogBuilder().with_stream("messages", SyncMode.incremental).build()
    stream = next(stream for stream in SourceTwilio(catalog, config, None).streams(config) if stream.name == "messages")
    generator = getattr(stream, "_stream_partition_generator", None)
    return [stream, generator, getattr(generator, "_partition_factory", None)]


@pytest.fixture(scope="module")
def seam_instances():
    """The objects whose attributes the seam reads, built once for the module (each check only reads them): a source
    as a read builds it, its cursor and a per-account one, a requester, a stream and its parts."""
    with freeze_time(NOW):
        source, cursor = a_source_and_its_cursor()
        per_account_cursor = cursor._create_cursor({})
        requester = HttpRequester(name="messages", url_base="https://api.twilio.com", path="", config={}, parameters={})
        return (source, source._constructor, cursor, per_account_cursor, requester, *a_stream_and_its_parts())


@freeze_time(NOW)
@pytest.mark.parametrize("owner, name", [(owner, name) for owner, names in PRIVATE_NAMES.items() for name in names])
def test_given_the_installed_cdk_then_each_private_name_the_seam_uses_exists(owner, name, seam_instances):
    """Each private name of PRIVATE_NAMES is still on its owner (a class attribute, or one its instances get)."""
    instances = [instance for instance in seam_instances if isinstance(instance, owner)]
    found = hasattr(owner, name) or any(hasattr(instance, name) for instance in instances)
    assert found, (
        f"the installed airbyte-cdk has no {owner.__name__}.{name}, which source_twilio/cdk_seam.py relies on (checked "
        f"against {CHECKED_AGAINST}); see that module's docstring for what it is used for."
    )


@freeze_time(NOW)
def test_given_a_source_then_its_per_account_cursors_are_window_checkpoint_cursors():
    """The source's factory builds its per-account cursors."""
    _, cursor = a_source_and_its_cursor()
    assert isinstance(cursor, WindowCheckpointCursor)


@contextlib.contextmanager
def calls_of(owner, name):
    """Every call of `owner.name` while the block runs, as (self, args, kwargs); the method still runs."""
    calls = []
    method = getattr(owner, name)

    def recording(self, *args, **kwargs):
        calls.append((self, args, kwargs))
        return method(self, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(owner, name, recording)
        yield calls


def plain_attributes(instance):
    """An object's attributes that are plain values (what a constructor was given or derived), by name."""
    plain = (str, int, float, bool, type(None), frozenset, tuple, list)
    return {name: value for name, value in vars(instance).items() if isinstance(value, plain)}


@freeze_time(NOW)
def test_given_a_source_then_its_factory_is_the_cdks_own_but_for_its_class():
    """install_factory replaces the factory the CDK's constructor built by one built with the same arguments: the two
    hold the same attributes, the same plain values, the same message repository and state manager. A CDK upgrade
    that gives its factory another argument (or the source another factory) fails here."""
    from airbyte_cdk.sources.declarative.parsers.model_to_component_factory import ModelToComponentFactory

    from source_twilio.factory import TwilioComponentFactory

    config = ConfigBuilder().build()
    catalog = CatalogBuilder().with_stream("messages", SyncMode.incremental).build()
    cdks = []
    original_init = ModelToComponentFactory.__init__

    def recording_init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        if type(self) is ModelToComponentFactory:
            cdks.append(self)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ModelToComponentFactory, "__init__", recording_init)
        source = SourceTwilio(catalog, config, None)
    ours, cdk = source._constructor, cdks[-1]
    assert type(ours) is TwilioComponentFactory
    own = {"builds_parents", "slots", "shared_pages", "selected", "copies_read", "state_manager", "init_kwargs"}
    assert set(vars(ours)) - own == set(vars(cdk))
    assert {k: v for k, v in plain_attributes(ours).items() if k not in own} == plain_attributes(cdk)
    assert ours.get_message_repository() is cdk.get_message_repository()
    assert vars(ours._connector_state_manager) == vars(cdk._connector_state_manager)  # the same state, read the same


@freeze_time(NOW)
@pytest.mark.parametrize("stream", ["messages", "calls", "usage_records", "message_media", "conversation_messages", "intelligence_transcripts"])
def test_given_a_stream_then_its_cursor_is_built_from_the_arguments_the_cdk_would_use(stream):
    """TwilioComponentFactory builds a WindowCheckpointCursor where the CDK builds a ConcurrentPerPartitionCursor, from
    the same arguments: the CDK's own method, given the arguments ours was given, builds a cursor with the same plain
    values, the same cursor field and state converter, and per-account cursors with the same windows."""
    from airbyte_cdk.sources.declarative.incremental import ConcurrentPerPartitionCursor
    from airbyte_cdk.sources.declarative.parsers.model_to_component_factory import ModelToComponentFactory

    from source_twilio.factory import TwilioComponentFactory

    config = ConfigBuilder().build()
    catalog = CatalogBuilder().with_stream(stream, SyncMode.incremental).build()
    with calls_of(TwilioComponentFactory, "create_concurrent_cursor_from_perpartition_cursor") as calls:
        source = SourceTwilio(catalog, config, None)
        ours = next(s for s in source.streams(config) if s.name == stream).cursor
    factory, args, kwargs = next(call for call in calls if call[2].get("stream_name", "") == stream and not call[0].builds_parents)
    cdk = ModelToComponentFactory.create_concurrent_cursor_from_perpartition_cursor(factory, *args, **kwargs)
    assert isinstance(ours, WindowCheckpointCursor) and type(cdk) is ConcurrentPerPartitionCursor
    ours_values = {k: v for k, v in plain_attributes(ours).items() if not k.startswith("_") or k in vars(cdk)}
    assert {k: v for k, v in ours_values.items() if k in vars(cdk)} == plain_attributes(cdk)
    assert ours.cursor_field.cursor_field_key == cdk.cursor_field.cursor_field_key
    assert type(ours.converter) is type(cdk._connector_state_converter)
    assert plain_attributes(ours.converter) == plain_attributes(cdk._connector_state_converter)
    assert ours.converter.__dict__.keys() == cdk._connector_state_converter.__dict__.keys()
    assert ours._use_global_cursor == cdk._use_global_cursor
    assert list(cdk._create_cursor({}).stream_slices()) == list(ours._create_cursor({}).stream_slices())


@freeze_time(NOW)
@pytest.mark.parametrize("child, parent", [("message_media", "messages"), ("intelligence_sentences", "intelligence_transcripts")])
def test_given_a_child_with_a_saved_state_then_its_parent_is_built_as_the_cdk_builds_it(child, parent):
    """The parent wrapper builds the parent with a factory of this connector's class, otherwise as the CDK's own
    wrapper does: the same parent stream, reading from the same state (the one kept in the child's)."""
    from airbyte_cdk.models import AirbyteStateBlob, AirbyteStateMessage, AirbyteStateType, AirbyteStreamState, StreamDescriptor
    from airbyte_cdk.sources.declarative.parsers.model_to_component_factory import ModelToComponentFactory

    from source_twilio.factory import TwilioComponentFactory

    partition = {"account_sid": MAIN_ACCOUNT_SID}
    parent_state = {"states": [{"partition": partition, "cursor": {"date_created": "2024-01-05T00:00:00Z"}}]}
    child_state = {"use_global_cursor": True, "state": {"date_created": "2024-01-05T00:00:00Z"}, "parent_state": {parent: parent_state}}
    state = [AirbyteStateMessage(type=AirbyteStateType.STREAM, stream=AirbyteStreamState(
        stream_descriptor=StreamDescriptor(name=child), stream_state=AirbyteStateBlob(**child_state)))]
    ours_method = TwilioComponentFactory.create_parent_stream_config_with_substream_wrapper
    config = ConfigBuilder().build()
    catalog = CatalogBuilder().with_stream(child, SyncMode.incremental).build()
    with calls_of(TwilioComponentFactory, "create_parent_stream_config_with_substream_wrapper") as calls:
        source = SourceTwilio(catalog, config, state)
        list(source.streams(config))
    factory, args, kwargs = next(call for call in calls if call[2].get("stream_name") == child)
    ours = ours_method(factory, *args, **kwargs)
    cdk = ModelToComponentFactory.create_parent_stream_config_with_substream_wrapper(factory, *args, **kwargs)
    assert ours.stream.name == cdk.stream.name == parent
    ours_state, cdk_state = ours.stream.cursor.state, cdk.stream.cursor.state
    assert [entry["partition"] for entry in ours_state["states"]] == [entry["partition"] for entry in cdk_state["states"]]
    for own, theirs in zip(ours_state["states"], cdk_state["states"]):
        assert own["cursor"].items() >= theirs["cursor"].items()  # a settling list keeps its own values beside (10)
    assert ours.stream.cursor.state["states"][0]["partition"] == partition
    assert (ours.parent_key, ours.partition_field, ours.incremental_dependency) == (cdk.parent_key, cdk.partition_field, cdk.incremental_dependency)


def test_given_the_private_names_then_there_are_few_and_each_says_why():
    from source_twilio.cdk_seam import WHY_PRIVATE

    names = [name for names in PRIVATE_NAMES.values() for name in names]
    assert sorted(WHY_PRIVATE) == sorted(names)
    assert len(names) <= 8, names  # issue 21: at most 8
    assert all(len(reason) > 40 and "removes this" in reason for reason in WHY_PRIVATE.values())


def test_given_the_cdk_methods_the_seam_calls_then_their_signatures_are_the_ones_checked():
    """`_emit_state_message(throttle=...)` and `_throttle_state_message()` keep the signatures the seam calls."""
    from airbyte_cdk.sources.declarative.incremental import ConcurrentPerPartitionCursor

    assert list(inspect.signature(ConcurrentPerPartitionCursor._emit_state_message).parameters) == ["self", "throttle"]
    assert list(inspect.signature(ConcurrentPerPartitionCursor._throttle_state_message).parameters) == ["self"]


def test_given_the_connector_then_only_the_seam_touches_cdk_private_names():
    """No module but cdk_seam.py reads or writes an underscore attribute of a CDK object (its own ones are fine)."""
    cdk_private = {name for names in PRIVATE_NAMES.values() for name in names if name.startswith("_")}
    offenders = []
    for path in PACKAGE.glob("*.py"):
        if path.name == "cdk_seam.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr in cdk_private:
                offenders.append(f"{path.name}:{node.lineno} .{node.attr}")
    assert offenders == []


def _underscore_names_defined(paths):
    """The underscore names (not dunder) that `paths` define: functions, classes, assigned attributes and names."""
    names = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
    return {name for name in names if name.startswith("_") and not name.endswith("__")}


def test_given_the_connector_then_no_module_but_the_seam_uses_a_private_name_only_the_cdk_defines():
    """Beyond PRIVATE_NAMES: an underscore attribute read outside cdk_seam.py that the CDK defines must be one this
    connector defines itself (its own objects' attributes). A private CDK name used anywhere else fails here, even
    one the seam has never listed."""
    import airbyte_cdk

    cdk_names = _underscore_names_defined(Path(airbyte_cdk.__file__).parent.rglob("*.py"))
    modules = [path for path in PACKAGE.glob("*.py") if path.name != "cdk_seam.py"]
    ours = _underscore_names_defined(modules)
    offenders = [
        f"{path.name}:{node.lineno} .{node.attr}"
        for path in modules
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Attribute) and node.attr in cdk_names and node.attr not in ours
    ]
    assert offenders == []
    assert {"_fetch_next_page", "_http_client", "_instantiate_parent_stream_state_manager"} <= cdk_names - ours


def test_given_the_installed_cdk_then_it_is_the_version_the_seam_was_checked_against():
    """The seam names the CDK version it was checked against; the installed one (the lock's) must be it."""
    from importlib import metadata

    assert metadata.version("airbyte-cdk") == CHECKED_AGAINST


def messages_window(http_mocker, *date_sent: str) -> None:
    """One account, one window (2024-01-08 to now), holding messages sent at `date_sent` in that order."""
    given_accounts(http_mocker)
    given_no_open_records(http_mocker, "Messages.json")
    page = TwilioPage("messages")
    for index, value in enumerate(date_sent):
        page.with_record(a_record("messages", sid=f"SM{index:032d}", account_sid=MAIN_ACCOUNT_SID, date_sent=value, num_media="0"))
    http_mocker.get(
        api_request(MAIN_ACCOUNT_SID, "Messages.json", {"DateSent>": "2024-01-08T00:00:00Z", "DateSent<": "2024-01-10T00:00:00Z"}),
        page.build(),
    )


def observed_by_the_cdk(monkeypatch):
    """The records (by sid) WindowCheckpointCursor passes on to the CDK's own observe."""
    from airbyte_cdk.sources.declarative.incremental import ConcurrentPerPartitionCursor

    passed = []
    cdk_observe = ConcurrentPerPartitionCursor.observe

    def counting(self, record):
        if "sid" in record.data:
            passed.append(record["date_sent"])
        cdk_observe(self, record)

    monkeypatch.setattr(ConcurrentPerPartitionCursor, "observe", counting)
    return passed


@freeze_time(NOW)
@pytest.mark.parametrize(
    "values, newest",
    [
        (("2024-01-09T05:00:00Z", "2024-01-09T04:00:00Z", "2024-01-09T01:00:00Z"), "2024-01-09T05:00:00Z"),  # Twilio's order
        (("2024-01-09T01:00:00Z", "2024-01-09T03:00:00Z", "2024-01-09T05:00:00Z"), "2024-01-09T05:00:00Z"),  # ascending
        (("2024-01-09T03:00:00Z", "2024-01-09T01:00:00Z", "2024-01-09T07:00:00Z", "2024-01-09T07:00:00Z", "2024-01-09T06:00:00Z"),
         "2024-01-09T07:00:00Z"),  # the newest after older ones, and twice
        (("2024-01-09T05:00:00Z", "2024-01-09T05:00:00.500Z", "2024-01-09T04:00:00Z"), "2024-01-09T05:00:00Z"),  # a fraction
    ],
)
def test_given_records_of_a_window_in_any_order_when_observed_then_the_cdk_keeps_their_newest(values, newest):
    """Skipping records that are not newer than one already observed in their window leaves the CDK's cursor where
    observing every one would: the window's newest (per account) and the stream's newest (overall)."""
    import datetime

    from airbyte_cdk.sources.types import Record, StreamSlice

    _, cursor = a_source_and_its_cursor()
    partition = {"account_sid": MAIN_ACCOUNT_SID}
    account_cursor = cursor._create_cursor({})
    cursor._cursor_per_partition[cursor._to_partition_key(partition)] = account_cursor
    window = StreamSlice(partition=partition, cursor_slice={"start_time": "2024-01-08T00:00:00Z", "end_time": "2024-01-10T00:00:00Z"})

    for value in values:
        cursor.observe(Record(data={"date_sent": value}, stream_name="messages", associated_slice=window))

    kept = account_cursor._most_recent_cursor_value_per_partition[window]
    expected = max(datetime.datetime.fromisoformat(value) for value in values)
    assert kept == expected
    assert cursor._new_global_cursor == {"date_sent": newest}  # in the state's format, whole seconds


@freeze_time(NOW)
@HttpMocker()
def test_given_a_window_newest_first_when_read_then_only_its_first_record_reaches_the_cdks_observe(monkeypatch, http_mocker):
    """The point of the seam's observe: in Twilio's order, one record per window pays for the CDK's parsing."""
    messages_window(http_mocker, *[f"Tue, 09 Jan 2024 {hour:02d}:00:00 +0000" for hour in (5, 4, 3, 2, 1)])
    passed = observed_by_the_cdk(monkeypatch)

    read_stream("messages", ConfigBuilder().with_start_date("2024-01-08T00:00:00Z").build(), SyncMode.incremental)

    assert passed == ["2024-01-09T05:00:00Z"]


@pytest.mark.parametrize(
    "value, instant",
    [
        ("2024-01-09T05:00:00Z", "2024-01-09T05:00:00+00:00"),
        ("2024-01-09T05:00:00.250Z", "2024-01-09T05:00:00.250000+00:00"),
        ("2024-01-09", "2024-01-09T00:00:00+00:00"),
        ("2024-01-09T05:00:00+00:00", None),  # a shape the manifest's formats do not read: the CDK decides
        ("20240109T050000Z", None),
        ("2024-02-30", None),
        ("Tue, 09 Jan 2024 05:00:00 +0000", None),
        (None, None),
        (1704776400, None),
    ],
)
def test_given_a_cursor_value_then_the_fast_reading_is_the_cdks_instant_or_none(value, instant):
    from source_twilio.cursors import _instant

    read = _instant(value)
    assert (read.isoformat() if read else None) == instant


def cursor_with_accounts(count):
    _, cursor = a_source_and_its_cursor()
    for index in range(count):
        partition = {"account_sid": f"AC{index:032d}"}
        cursor._cursor_per_partition[cursor._to_partition_key(partition)] = cursor._create_cursor({})
        cursor._accounts.add(cursor._to_partition_key(partition))  # the accounts whose windows were made
    return cursor


@pytest.mark.parametrize("accounts, seconds_since_last, held_back", [
    (21, 0.1, True),    # 0.1 s x 2% < 10 ms: too soon for a state of 21 accounts
    (21, 0.6, False),   # 0.6 s x 2% > 10 ms
    (20, 0.0, False),   # a small state goes out after every window, however soon
    (201, 0.4, True),
])
def test_given_a_state_of_many_accounts_when_the_last_one_was_recent_then_the_next_waits(accounts, seconds_since_last, held_back):
    """A STATE holding more than SMALL_STATE_ACCOUNTS accounts waits until the time since the last one is
    1 / STATE_TIME_SHARE times what the last one took to build (here 10 ms, so half a second)."""
    import time

    cursor = cursor_with_accounts(accounts)
    cursor._state_cost = 0.010
    cursor._last_state_at = time.time() - seconds_since_last

    assert (cursor._throttle_state_message() is None) is held_back


def test_given_a_state_emitted_then_what_it_took_to_build_is_kept_and_the_final_one_is_never_held_back():
    cursor = cursor_with_accounts(50)
    emitted = []
    cursor._message_repository.emit_message = emitted.append

    cursor._emit_state_message()
    assert len(emitted) == 1 and cursor._state_cost > 0
    cursor._state_cost = 60.0  # as if building it took a minute: the next waits 50 minutes
    cursor._emit_state_message()
    assert len(emitted) == 1
    cursor._emit_state_message(throttle=False)  # the end of the stream
    assert len(emitted) == 2
    assert len(emitted[-1].state.stream.stream_state.states) == 50


@freeze_time(NOW)
def test_given_an_account_created_after_start_date_then_its_windows_start_at_its_creation():
    """AccountCursors builds an account's cursor from the manifest's definition with the creation as start_datetime:
    no window for time before the account existed, and the state after its first window joins its windows."""
    _, cursor = a_source_and_its_cursor()
    account = "AC" + "1" * 32
    cursor.account_created = {account: "2024-01-09T06:30:00Z"}
    windows = [window.cursor_slice for window in cursor._account_cursor({}, 0, account, None).stream_slices()]
    assert windows[0]["start_time"] == "2024-01-09T06:30:00Z"
    assert [window.cursor_slice for window in cursor._account_cursor({}, 0, "AC" + "2" * 32, None).stream_slices()][0]["start_time"] < "2024-01-09"


@freeze_time(NOW)
def test_given_a_step_then_the_accounts_windows_have_it_newest_first_and_a_refused_one_is_left_out_of_its_range():
    import datetime

    from source_twilio.cursors import ONE_WINDOW

    _, cursor = a_source_and_its_cursor()
    sized = cursor._account_cursor({}, 0, MAIN_ACCOUNT_SID, datetime.timedelta(hours=6))
    windows = [window.cursor_slice for window in sized.stream_slices()]
    starts = sorted(window["start_time"] for window in windows)
    assert windows[0]["start_time"] == starts[-1] and len(windows) > 2  # the newest first, then oldest to newest
    assert [window["start_time"] for window in windows[1:]] == starts[:-1]
    one = [window.cursor_slice for window in cursor._account_cursor({}, 0, MAIN_ACCOUNT_SID, ONE_WINDOW).stream_slices()]
    assert len(one) == 1 and one[0]["start_time"] == starts[0]

    class Closed:
        def __init__(self, cursor_slice):
            self.window = StreamSlice(partition={}, cursor_slice=cursor_slice)

        def to_slice(self):
            return self.window

    from airbyte_cdk.sources.types import StreamSlice

    refused = Closed(windows[1])
    cursor.refused_windows.add(refused.to_slice())
    before = __import__("copy").deepcopy(sized.inner._concurrent_state)  # the complete ranges the CDK keeps
    sized.close_partition(refused)
    assert sized.inner._concurrent_state == before
    sized.close_partition(Closed(windows[2]))
    assert sized.inner._concurrent_state != before  # a complete window joins them


@pytest.mark.parametrize(
    "authenticator, refused",
    [({"type": "BasicHttpAuthenticator", "username": "AC1", "password": "x"}, False), ({"type": "NoAuth"}, False),
     ({"type": "BearerAuthenticator", "api_token": "x"}, True), (None, True)],
)
def test_given_a_requester_then_it_is_built_only_with_an_authenticator_that_brings_the_deadline(authenticator, refused):
    """The deadline per attempt comes with the authenticator (deadline.py): a requester whose authenticator would
    not add it is refused when the streams are built, not left to wait on a trickling page."""
    from airbyte_cdk.sources.declarative.models.declarative_component_schema import HttpRequester as HttpRequesterModel

    from source_twilio.deadline import DEADLINE_AUTHENTICATORS

    definition = {"type": "HttpRequester", "url_base": "https://api.twilio.com", "path": "/x", "http_method": "GET"}
    if authenticator:
        definition["authenticator"] = authenticator
    factory = TwilioComponentFactory()
    if refused:
        with pytest.raises(ValueError, match="no deadline"):
            factory.create_component(HttpRequesterModel, definition, {}, name="messages")
    else:
        requester = factory.create_component(HttpRequesterModel, definition, {}, name="messages")
        assert isinstance(requester.authenticator, DEADLINE_AUTHENTICATORS)


@pytest.mark.parametrize(
    "child_state",
    [
        {"parent_state": {"messages": {"states": [{"partition": {"account_sid": "AC1"}, "cursor": {"date_sent": "2024-05-01T00:00:00Z"}}]}},
         "states": []},
        {"parent_state": {"calls": {"end_time": "2024-05-01T00:00:00Z"}}},
        {"state": {"date_sent": "2024-05-01T00:00:00Z"}, "states": []},
        {"date_created": "2024-05-01T00:00:00Z"},
        {"date_created": True},
        {"__ab_full_refresh_sync_complete": True},
        {"a": "1", "b": "2"},
    ],
)
def test_given_a_child_state_then_its_parent_copy_starts_from_the_state_the_cdks_wrapper_would_give(child_state):
    """TwilioComponentFactory.parent_state_manager against the CDK's own derivation (a private method of its factory,
    called here only to compare): same parent state for a per-partition child state, a global one, a legacy scalar,
    and the sentinels the CDK refuses to pass on."""
    from airbyte_cdk.sources.declarative.models.declarative_component_schema import ParentStreamConfig
    from airbyte_cdk.sources.declarative.parsers.model_to_component_factory import ModelToComponentFactory

    manifest = SourceTwilio().resolved_manifest
    message_media = next(stream for stream in manifest["streams"] if stream["name"] == "message_media")
    parent = dict(message_media["retriever"]["partition_router"]["parent_stream_configs"][0])
    model = ParentStreamConfig.parse_obj(parent)
    config = {"settings": None}
    ours = TwilioComponentFactory.parent_state_manager(child_state, config, model)
    cdks = ModelToComponentFactory()._instantiate_parent_stream_state_manager(child_state, config, model, child_state)
    assert ours.get_stream_state("messages", None) == cdks.get_stream_state("messages", None)
    if "parent_state" in child_state and "messages" in child_state["parent_state"]:
        assert ours.get_stream_state("messages", None) == child_state["parent_state"]["messages"]
    if "date_created" in child_state and child_state["date_created"] is not True:
        assert ours.get_stream_state("messages", None) == {"date_sent": child_state["date_created"]}
