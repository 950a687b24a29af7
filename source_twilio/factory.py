"""The component factory (TwilioComponentFactory): the CDK's ModelToComponentFactory, building this connector's own
pieces where the manifest names CDK ones. The source hands it to the CDK (cdk_seam.install_factory, `twilio_factory`).
"""



from __future__ import annotations

import datetime
import functools
import threading
from typing import Any, Callable, Dict, FrozenSet, List, Mapping, MutableMapping, Optional, Type, cast

from airbyte_cdk.models import (
    AirbyteStateBlob, AirbyteStateMessage, AirbyteStateType, AirbyteStreamState, ConfiguredAirbyteCatalog, Level, StreamDescriptor,
)
from airbyte_cdk.sources.connector_state_manager import ConnectorStateManager
from airbyte_cdk.sources.declarative.incremental import ConcurrentCursorFactory, ConcurrentPerPartitionCursor
from airbyte_cdk.sources.declarative.interpolation import InterpolatedString
from airbyte_cdk.sources.declarative.models.declarative_component_schema import (
    BasicHttpAuthenticator as BasicHttpAuthenticatorModel,
    DatetimeBasedCursor as DatetimeBasedCursorModel,
    DeclarativeStream as DeclarativeStreamModel,
    HttpRequester as HttpRequesterModel,
    MinMaxDatetime as MinMaxDatetimeModel,
    NoAuth as NoAuthModel,
)
from airbyte_cdk.sources.declarative.datetime.min_max_datetime import MinMaxDatetime
from airbyte_cdk.sources.declarative.decoders import Decoder, JsonDecoder
from airbyte_cdk.sources.declarative.parsers.model_to_component_factory import ModelToComponentFactory
from airbyte_cdk.sources.declarative.partition_routers import GroupingPartitionRouter
from airbyte_cdk.sources.declarative.requesters import HttpRequester
from airbyte_cdk.sources.declarative.retrievers import SimpleRetriever
from airbyte_cdk.sources.message import LogAppenderMessageRepositoryDecorator, NoopMessageRepository
from airbyte_cdk.sources.message.repository import StateFilteringMessageRepository
from airbyte_cdk.sources.streams import NO_CURSOR_STATE_KEY
from airbyte_cdk.sources.streams.concurrent.cursor import CursorField
from airbyte_cdk.sources.streams.concurrent.state_converters.datetime_stream_state_converter import (
    CustomFormatConcurrentStreamStateConverter,
)
from airbyte_cdk.sources.types import Config, StreamSlice
from isodate import parse_duration
from pydantic.v1 import BaseModel

from .config import DEFAULT_NUM_WORKERS, settings_of
from .deadline import DEADLINE_AUTHENTICATORS, DeadlineBasicAuth, DeadlineNoAuth
from .records import TwilioListExtractor
from .open_records import open_record_pass
from .edges import EDGE_MINUTES
from .shared_pages import SharedPages
from .twilio import CLOCK_MARGIN
from airbyte_cdk.sources.message import MessageRepository
from .cursors import AccountCursors, ProbingPartitions, WindowCheckpointCursor, WindowSizer, OpenPassBounds
from .requester import FirstAnswer, TwilioRequester


_JSON = JsonDecoder(parameters={})  # the CDK's default decoder of a requester


class TwilioComponentFactory(ModelToComponentFactory):
    """The CDK's component factory, building this connector's own pieces where the manifest names CDK ones:

    - every per-partition cursor is a WindowCheckpointCursor (1-11), over a partition router that probes (4);
    - every HTTP requester is a TwilioRequester (12), and a stream's retriever links its requester with the stream's
      cursor, its request slots, and a WindowSizer where windows are sized by each account's history (4);
    - the parent streams the CDK builds for a child come from a factory of this class too (`builds_parents`): their
      requests are slotted and have a deadline like every other, and a windowed parent (messages under their
      media, conferences under their participants, a settling list (10)) has a WindowCheckpointCursor (not counted in
      progress) with the stream's own windows: from each account's creation, sized by its history (4), so that the
      copy asks for the same pages as the stream itself;
    - the pages of a small list that is also a parent (`shared_pages: true`) are asked once for the stream and its
      parent copies (shared_pages.py).
    """

    def __init__(
        self,
        *,
        builds_parents: bool = False,
        slots: Optional[Dict[int, threading.BoundedSemaphore]] = None,
        shared_pages: Optional[SharedPages] = None,
        copies_read: Optional[bool] = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.builds_parents = builds_parents
        catalog = kwargs.get("configured_catalog")
        # the streams the sync reads (None: not known, as in check and discover)
        self.selected: Optional[FrozenSet[str]] = frozenset(s.stream.name for s in catalog.streams) if catalog else None
        # for a factory of parent copies: whether the child they are built for is read, so that they are read too
        self.copies_read = copies_read
        # the pages of `shared_pages: true` lists, asked once per sync by the stream and its copies as a parent
        self.shared_pages = shared_pages if shared_pages is not None else SharedPages()
        # num_workers -> the request slots of every stream and parent copy of a sync (one process reads one sync)
        self.slots: Dict[int, threading.BoundedSemaphore] = slots if slots is not None else {}
        self.state_manager: ConnectorStateManager = kwargs.get("connector_state_manager") or ConnectorStateManager()
        self.init_kwargs = kwargs

    def create_http_requester(
        self,
        model: HttpRequesterModel,
        config: Mapping[str, Any],
        decoder: Decoder = _JSON,
        query_properties_key: Optional[str] = None,
        use_cache: Optional[bool] = None,
        *,
        name: str,
    ) -> HttpRequester:
        requester = super().create_http_requester(model, config, decoder, query_properties_key, use_cache, name=name)
        if not isinstance(requester.authenticator, DEADLINE_AUTHENTICATORS):
            # the deadline comes with the authenticator (deadline.py): a requester without one would wait forever
            raise ValueError(f"{name}: its requester names no BasicHttpAuthenticator or NoAuth (manifest.yaml), so its requests would have no deadline")
        return cast(HttpRequester, TwilioRequester(requester))

    @staticmethod
    def create_basic_http_authenticator(model: BasicHttpAuthenticatorModel, config: Config, **kwargs: Any) -> DeadlineBasicAuth:
        """The CDK's BasicHttpAuthenticator, with the deadline (12)."""
        return DeadlineBasicAuth(password=model.password or "", username=model.username, config=config, parameters=model.parameters or {})

    @staticmethod
    def create_no_auth(model: NoAuthModel, config: Config, **kwargs: Any) -> DeadlineNoAuth:
        """The CDK's NoAuth, with the deadline (12)."""
        return DeadlineNoAuth(parameters=model.parameters or {})

    def create_concurrent_cursor_from_perpartition_cursor(  # type: ignore[override]
        self,
        state_manager: ConnectorStateManager,
        model_type: Type[BaseModel],
        component_definition: Dict[str, Any],
        stream_name: str,
        stream_namespace: Optional[str],
        config: Mapping[str, Any],
        stream_state: MutableMapping[str, Any],
        partition_router: Any,
        attempt_to_create_cursor_if_not_provided: bool = False,
        **kwargs: Any,
    ) -> ConcurrentPerPartitionCursor:
        """The CDK's own method builds a ConcurrentPerPartitionCursor from these arguments; this one builds a
        WindowCheckpointCursor from the same ones, the same way (unit_tests/test_cdk_seam.py compares the two)."""
        if component_definition.get("type") != model_type.__name__:
            raise ValueError(f"Expected manifest component of type {model_type.__name__}, but received {component_definition.get('type')} instead")
        if "$parameters" not in component_definition and "parameters" in component_definition:
            component_definition["$parameters"] = component_definition.get("parameters")
        model = model_type.parse_obj(component_definition)
        if not isinstance(model, DatetimeBasedCursorModel) or model.allow_catalog_defined_cursor_field:
            raise ValueError(f"{stream_name}: a per-account cursor must be a DatetimeBasedCursor with its cursor field in the manifest")
        cursor_key = InterpolatedString.create(model.cursor_field, parameters=model.parameters or {}).eval(config=config)
        converter = CustomFormatConcurrentStreamStateConverter(
            datetime_format=model.datetime_format,
            input_datetime_formats=model.cursor_datetime_formats,
            is_sequential_state=True,
            cursor_granularity=parse_duration(model.cursor_granularity) if model.cursor_granularity else None,
        )
        create_account_cursor = functools.partial(
            self.create_concurrent_cursor_from_datetime_based_cursor,
            state_manager=state_manager,
            model_type=model_type,
            stream_name=stream_name,
            stream_namespace=stream_namespace,
            config=config,
            message_repository=NoopMessageRepository(),
        )
        accounts = ConcurrentCursorFactory(functools.partial(create_account_cursor, component_definition=component_definition))
        start = self._start_of(model, config)
        partitions = ProbingPartitions(partition_router)
        cursor = WindowCheckpointCursor(
            windows=AccountCursors(create_account_cursor, component_definition, start.datetime_format if start else model.datetime_format),
            stream_start=start.get_datetime(config=config) if start else None,
            counted_in_progress=not self.builds_parents,
            cursor_factory=accounts,
            partition_router=partitions,
            stream_name=stream_name,
            stream_namespace=stream_namespace,
            stream_state=stream_state,
            message_repository=self.get_message_repository(),
            connector_state_manager=state_manager,
            connector_state_converter=converter,
            cursor_field=CursorField(cursor_field_key=cursor_key, supports_catalog_defined_cursor_field=False),
            use_global_cursor=isinstance(partition_router, GroupingPartitionRouter) or bool(component_definition.get("global_substream_cursor", False)),
            attempt_to_create_cursor_if_not_provided=attempt_to_create_cursor_if_not_provided,
        )
        partitions.cursor = cursor
        return cursor

    def _start_of(self, model: DatetimeBasedCursorModel, config: Mapping[str, Any]) -> Optional[MinMaxDatetime]:
        """The manifest cursor's start_datetime, as the CDK's factory reads it for the cursor's windows."""
        if model.start_datetime is None:
            return None
        if isinstance(model.start_datetime, MinMaxDatetimeModel):
            start = self.create_min_max_datetime(model=model.start_datetime, config=config)
        else:
            start = MinMaxDatetime.create(interpolated_string_or_min_max_datetime=model.start_datetime, parameters=model.parameters or {})
        if not start.datetime_format:
            start.datetime_format = model.datetime_format
        return start

    def create_simple_retriever(self, model: Any, config: Mapping[str, Any], **kwargs: Any) -> Any:
        retriever = super().create_simple_retriever(model, config, **kwargs)
        if isinstance(retriever, SimpleRetriever) and isinstance(retriever.requester, TwilioRequester):
            self._link(retriever, retriever.requester, kwargs.get("cursor"), config)
        return retriever

    def _link(self, retriever: SimpleRetriever, requester: TwilioRequester, cursor: Any, config: Mapping[str, Any]) -> None:
        """A stream's requester learns its cursor and request slots; a windowed stream's cursor gets a WindowSizer whose
        probes go through the stream's own retriever (the request a window's first page sends), and whose one-window
        plans' first pages that requester then serves."""
        settings = settings_of(config)
        workers = max(1, settings.num_workers or DEFAULT_NUM_WORKERS)
        slots = self.slots.setdefault(workers, threading.BoundedSemaphore(workers))
        extractor = getattr(getattr(retriever, "record_selector", None), "extractor", None)
        windowed = isinstance(extractor, TwilioListExtractor) and extractor.windowed
        lister = extractor if isinstance(extractor, TwilioListExtractor) else None
        shared = self.shared_pages if lister is not None and lister.shared_pages else None
        requester.link(
            retriever.name, cursor, lister.records_key if lister is not None else "", slots, shared, reads=self._reads(retriever.name)
        )
        if not isinstance(cursor, WindowCheckpointCursor):
            return
        open_pass = open_record_pass(retriever.name, config)
        if open_pass is not None and open_pass.settled and cursor.counted_in_progress:
            cursor.open_pass_bounds = OpenPassBounds(settings.open_since.get(retriever.name) or {}, settings.start, settings.end)
        if windowed:
            cursor.account_created = settings.account_created
            lookback = datetime.timedelta(minutes=settings.lookback_minutes)
            if lister is not None:
                lister.edges = cursor.keep_edges(CLOCK_MARGIN + lookback + datetime.timedelta(minutes=EDGE_MINUTES), lookback)
        paginator = retriever.paginator
        if not (windowed and settings.sized_windows) or (paginator is not None and paginator.get_initial_token() is not None):
            return

        def probe(whole: StreamSlice) -> Any:
            # the retriever reads the whole range its own way, and the requester ends the read at its first answer
            with requester.probing():
                try:
                    for _ in retriever.read_records({}, whole):
                        break
                except FirstAnswer as answer:
                    return answer.response
            raise RuntimeError(f"{retriever.name}: the probe of {whole} ended without a request")

        stream = retriever.name if cursor.counted_in_progress else None
        cursor._sizer = WindowSizer(probe, requester.first_pages, cast(TwilioListExtractor, extractor), workers, stream)

    def _reads(self, stream: str) -> bool:
        """Whether this sync reads the stream a requester is built for: a read builds its catalog's streams and also
        `accounts`, which `check` names (manifest.py), and a shared page is kept only for the requesters that will ask
        for it (shared_pages.py)."""
        if self.builds_parents:
            return self.copies_read is not False
        return self.selected is None or stream in self.selected

    def create_parent_stream_config_with_substream_wrapper(self, model: Any, config: Mapping[str, Any], *, stream_name: str, **kwargs: Any) -> Any:
        """The CDK's own method, with a factory of this class for the parent instead of a plain ModelToComponentFactory
        (the CDK names its class there): the same state manager, message repository and limits."""
        child_state = self.state_manager.get_stream_state(stream_name, None)
        if NO_CURSOR_STATE_KEY in child_state:
            child_state = {key: value for key, value in child_state.items() if key != NO_CURSOR_STATE_KEY}
        parent_state = child_state if model.incremental_dependency and child_state else None
        state_manager = self.parent_state_manager(child_state, config, model) if parent_state else ConnectorStateManager([])
        emit = bool(self.init_kwargs.get("emit_connector_builder_messages", False))
        repository = StateFilteringMessageRepository(
            LogAppenderMessageRepositoryDecorator(
                {"airbyte_cdk": {"stream": {"is_substream": True}}, "http": {"is_auxiliary": True}},
                self.get_message_repository(),
                Level.DEBUG if emit else Level.INFO,
            ),
        )
        parent_kwargs = {key: value for key, value in self.init_kwargs.items() if key in _PARENT_FACTORY_KWARGS}
        factory = TwilioComponentFactory(
            builds_parents=True, slots=self.slots, shared_pages=self.shared_pages, copies_read=self._reads(stream_name),
            connector_state_manager=state_manager, message_repository=repository, **parent_kwargs
        )
        return factory.create_parent_stream_config(model=model, config=config, stream_name=stream_name, **kwargs)


    @staticmethod
    def parent_state_manager(child_state: Mapping[str, Any], config: Mapping[str, Any], model: Any) -> ConnectorStateManager:
        """The state a parent copy starts from, taken from its child's state (incremental_dependency), as the CDK's
        wrapper takes it (airbyte-cdk 7.39.1; unit_tests/test_cdk_seam.py compares the two): the child's
        `parent_state` entry for the parent; else the child's cross-partition `state`; else, for a child state of one
        scalar cursor value (the state of a connector before per-partition states), that value under the parent's
        cursor field."""
        name = model.stream.name or ""
        message = ConcurrentPerPartitionCursor.get_parent_state(child_state, name) or ConcurrentPerPartitionCursor.get_global_state(
            child_state, name
        )
        values = list(child_state.values())
        legacy = len(values) == 1 and isinstance(values[0], (str, int, float)) and not isinstance(values[0], bool)
        if message is None and legacy and isinstance(model.stream, DeclarativeStreamModel) and model.stream.incremental_sync:
            sync = model.stream.incremental_sync
            cursor_field = InterpolatedString.create(sync.cursor_field, parameters=sync.parameters or {}).eval(config)
            message = AirbyteStateMessage(
                type=AirbyteStateType.STREAM,
                stream=AirbyteStreamState(
                    stream_descriptor=StreamDescriptor(name=name, namespace=None), stream_state=AirbyteStateBlob({cursor_field: values[0]})
                ),
            )
        return ConnectorStateManager([message] if message else [])


# What the CDK's parent wrapper hands on to the parent's factory besides its state manager and message repository.
_PARENT_FACTORY_KWARGS = frozenset(
    {
        "custom_components_trusted", "limit_pages_fetched_per_slice", "limit_slices_fetched", "emit_connector_builder_messages",
        "disable_retries", "disable_cache", "api_budget", "rate_limited_authenticators",
    }
)



def twilio_factory(
    catalog: Optional[ConfiguredAirbyteCatalog], state: Optional[List[AirbyteStateMessage]]
) -> Callable[[MessageRepository], TwilioComponentFactory]:
    """The factory of a source built for `catalog` and `state`, given the message repository the source reads: made
    with the same arguments as the CDK's own, a state manager of the same state and the catalog."""

    def make(message_repository: MessageRepository) -> TwilioComponentFactory:
        return TwilioComponentFactory(
            message_repository=message_repository,
            connector_state_manager=ConnectorStateManager(state=state),
            configured_catalog=catalog,
        )

    return make
