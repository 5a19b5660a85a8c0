"""Trace, Span and what hangs off a span; related objects resolve through the loaders
of the request context (gateway.context)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, ClassVar

import strawberry

from gateway import attributes, cost, enums, errors, ids, inputs, items, rows, scalars, semantic
from gateway.traces import analysis_types, views
from ollygraph import store

if TYPE_CHECKING:
    from gateway.logs.types import Log

LogRef = Annotated["Log", strawberry.lazy("gateway.logs.types")]


def _size(size: cost.Size, first: int | None) -> int:
    """A nested list's length: `first` (null: the default) up to the maximum."""
    if first is not None and first < 0:
        raise errors.UserError("`first` must not be negative")
    return size.of(first)


@strawberry.type
class Status:
    code: enums.StatusCode
    message: str | None
    code_number: int = strawberry.field(description=enums.OPEN_ENUM.format("code", "UNSET"))


@strawberry.type
class SpanEvent:
    name: str
    time: scalars.Timestamp
    time_unix_nano: scalars.BigInt
    dropped_attributes_count: scalars.UInt32
    attrs: strawberry.Private[dict[str, Any]]

    @classmethod
    def from_row(cls, row: Any) -> SpanEvent:
        return cls(name=row["name"], time=row["time_unix_nano"],
                   time_unix_nano=row["time_unix_nano"],
                   dropped_attributes_count=row["dropped_attributes_count"],
                   attrs=attributes.merge(row))

    @strawberry.field(description="All attributes, or only `keys`.")
    def attributes(self, keys: list[str] | None = None,
                   typed: attributes.Typed = False) -> scalars.JSON:
        return attributes.choose(self.attrs, keys, typed)


@strawberry.type
class SpanLink:
    trace_id: strawberry.ID
    span_id: strawberry.ID
    trace_state: str | None
    flags: scalars.UInt32
    dropped_attributes_count: scalars.UInt32
    attrs: strawberry.Private[dict[str, Any]]
    key: strawberry.Private[tuple[bytes, bytes]]
    # the span that holds the link: its ids when loaded with them (Span.linkedFrom), else
    # its key (span_pk, start) to look the ids up by
    holder: strawberry.Private[tuple[bytes, bytes] | None] = None

    @classmethod
    def from_row(cls, row: Any) -> SpanLink:
        holder = ((row["from_trace_id"], row["from_span_id"])
                  if row.get("from_trace_id") is not None else None)
        return cls(trace_id=row["linked_trace_id"].hex(), span_id=row["linked_span_id"].hex(),
                   trace_state=row["trace_state"], flags=row["flags"],
                   dropped_attributes_count=row["dropped_attributes_count"],
                   attrs=attributes.merge(row), key=(row["linked_trace_id"], row["linked_span_id"]),
                   holder=holder)

    @strawberry.field(description="All attributes, or only `keys`.")
    def attributes(self, keys: list[str] | None = None,
                   typed: attributes.Typed = False) -> scalars.JSON:
        return attributes.choose(self.attrs, keys, typed)

    @strawberry.field(description="The linked span, in this or another trace, when stored.")
    async def span(self, info: strawberry.Info) -> Span | None:
        return await info.context.traces.spans.load(self.key)

    @strawberry.field(description="The span that holds the link (the one that links).")
    async def from_span(self, info: strawberry.Info) -> Span | None:
        return await info.context.traces.spans.load(self.holder) if self.holder else None


ATTRIBUTE_FIELDS = frozenset({"attributes", "attribute", "semanticType", "semanticTypes", "http",
                              "db", "genAi", "messaging", "rpc", "faas", "cloud", "workflow"})
EVENT_FIELDS = frozenset({"events", "exception", "exceptions"})


@strawberry.type
class Span(items.Item, rows.Timed, analysis_types.SpanAnalysis):
    PARTS: ClassVar[tuple[items.Part, ...]] = (
        items.Part("attrs", ATTRIBUTE_FIELDS, lambda context: context.traces.attributes),
        items.Part("event_list", EVENT_FIELDS, lambda context: context.traces.events),
        items.Part("link_list", frozenset({"links"}), lambda context: context.traces.links),
    )
    event_list: strawberry.Private[list[SpanEvent] | None] = None
    link_list: strawberry.Private[list[SpanLink] | None] = None

    owner_key = items.owner_key(store.OWNER["span"])

    @classmethod
    async def prepare(cls, info: strawberry.Info, spans: Any, wanted: Any) -> None:
        await analysis_types.prepare(info, spans, wanted)

    @strawberry.field
    def trace_id(self) -> strawberry.ID:
        return strawberry.ID(self.row["trace_id"].hex())

    @strawberry.field
    def span_id(self) -> strawberry.ID:
        return strawberry.ID(self.row["span_id"].hex())

    @strawberry.field
    def parent_span_id(self) -> strawberry.ID | None:
        return ids.hex_or_none(self.row["parent_span_id"])

    @strawberry.field
    def trace_state(self) -> str | None:
        return self.row["trace_state"]

    @strawberry.field
    def name(self) -> str:
        return self.row["name"]

    @strawberry.field
    def kind(self) -> enums.SpanKind:
        return enums.kind(self.row["kind_id"])

    @strawberry.field(description=enums.OPEN_ENUM.format("kind", "UNSPECIFIED"))
    def kind_number(self) -> int:
        return self.row["kind_id"]

    @strawberry.field
    def start_time_unix_nano(self) -> scalars.BigInt:
        return self.row["start_time_unix_nano"]

    @strawberry.field
    def end_time_unix_nano(self) -> scalars.BigInt:
        return self.row["end_time_unix_nano"]

    @strawberry.field
    def status(self) -> Status:
        return Status(code=enums.status(self.row["status_code_id"]),
                      message=self.row["status_message"] or None,
                      code_number=self.row["status_code_id"])

    @strawberry.field(description="The primary semantic type: the first of semanticTypes "
                                  "(priority AI_AGENT, HTTP, DB, MESSAGING, RPC, FAAS, AWS, GCP, "
                                  "AZURE), what grouping and ordering by semanticType use.")
    def semantic_type(self, info: strawberry.Info) -> enums.SemanticType | None:
        return self._with_attrs(info, semantic.detect)

    @strawberry.field(description="Every semantic type of the span's attribute keys (gen_ai. -> "
                                  "AI_AGENT, http. -> HTTP, ...), primary first; the typed view "
                                  "of each is non-null and `semanticType` filters match each.")
    def semantic_types(self, info: strawberry.Info) -> list[enums.SemanticType]:
        return self._with_attrs(info, semantic.types)

    def _view(self, info: strawberry.Info, name: str, view: Any) -> Any:
        return self._with_attrs(info, lambda attrs: (
            view(attrs) if semantic.has_view(attrs, name) else None))

    @strawberry.field(description="HTTP attributes; non-null when semanticTypes has HTTP.")
    def http(self, info: strawberry.Info) -> views.HttpView | None:
        return self._view(info, "http", views.http)

    @strawberry.field(description="Database attributes; non-null when semanticTypes has DB.")
    def db(self, info: strawberry.Info) -> views.DbView | None:
        return self._view(info, "db", views.db)

    @strawberry.field(description="GenAI/LLM attributes; non-null when semanticTypes has "
                                  "AI_AGENT.")
    def gen_ai(self, info: strawberry.Info) -> views.GenAiView | None:
        return self._view(info, "gen_ai", views.gen_ai)

    @strawberry.field(description="Messaging attributes; non-null when semanticTypes has "
                                  "MESSAGING.")
    def messaging(self, info: strawberry.Info) -> views.MessagingView | None:
        return self._view(info, "messaging", views.messaging)

    @strawberry.field(description="RPC attributes; non-null when semanticTypes has RPC.")
    def rpc(self, info: strawberry.Info) -> views.RpcView | None:
        return self._view(info, "rpc", views.rpc)

    @strawberry.field(description="FaaS attributes; non-null when semanticTypes has FAAS.")
    def faas(self, info: strawberry.Info) -> views.FaasView | None:
        return self._view(info, "faas", views.faas)

    @strawberry.field(description="Cloud attributes; non-null when semanticTypes has AWS, GCP "
                                  "or AZURE.")
    def cloud(self, info: strawberry.Info) -> views.CloudView | None:
        return self._view(info, "cloud", views.cloud)

    @strawberry.field(description="The last `exception` event (the one that ended the span, "
                                  "when it escaped); null without one.")
    def exception(self, info: strawberry.Info) -> views.ExceptionView | None:
        return self._part(info, "event_list", lambda events: next(
            (views.exception(e) for e in reversed(events) if e.name == "exception"), None))

    @strawberry.field(description=f"The span's `exception` events, oldest first (at most "
                                  f"`first`, {cost.SPAN_EVENTS.maximum} at most).")
    def exceptions(self, info: strawberry.Info,
                   first: int | None = cost.SPAN_EVENTS.default) -> list[views.ExceptionView]:
        limit = _size(cost.SPAN_EVENTS, first)
        return self._part(info, "event_list", lambda events: [
            views.exception(e) for e in events if e.name == "exception"][:limit])

    @strawberry.field(description="Junjo workflow attributes (junjo.*, node.id); null "
                                  "without them. See docs/semantic.md.")
    def workflow(self, info: strawberry.Info) -> views.WorkflowView | None:
        return self._with_attrs(info, views.workflow)

    @strawberry.field(description=f"The span's events, oldest first (at most `first`, "
                                  f"{cost.SPAN_EVENTS.maximum} at most).")
    def events(self, info: strawberry.Info, name: str | None = None,
               first: int | None = cost.SPAN_EVENTS.default) -> list[SpanEvent]:
        limit = _size(cost.SPAN_EVENTS, first)
        return self._part(info, "event_list", lambda events: (
            events if name is None else [e for e in events if e.name == name])[:limit])

    @strawberry.field(description=f"The span's links (at most `first`, "
                                  f"{cost.SPAN_LINKS.maximum} at most).")
    def links(self, info: strawberry.Info,
              first: int | None = cost.SPAN_LINKS.default) -> list[SpanLink]:
        limit = _size(cost.SPAN_LINKS, first)
        holder = (self.row["trace_id"], self.row["span_id"])
        return self._part(info, "link_list", lambda links: [
            _held(link, holder) for link in links[:limit]])

    @strawberry.field(description=f"The links from other spans to this one, in this or "
                                  f"other traces (at most `first`, {cost.SPAN_LINKS.maximum} "
                                  f"at most).")
    async def linked_from(self, info: strawberry.Info,
                          first: int | None = cost.SPAN_LINKS.default) -> list[SpanLink]:
        links = await info.context.traces.linked_from.load((self.row["trace_id"],
                                                            self.row["span_id"]))
        return links[:_size(cost.SPAN_LINKS, first)]

    @strawberry.field
    async def parent(self, info: strawberry.Info) -> Span | None:
        if self.row["parent_span_id"] is None:
            return None
        return await info.context.traces.spans.load((self.row["trace_id"],
                                                     self.row["parent_span_id"]))

    @strawberry.field(description=f"The span's children, oldest first (at most `first`, "
                                  f"{cost.SPAN_CHILDREN.maximum} at most).")
    async def children(self, info: strawberry.Info,
                       first: int | None = cost.SPAN_CHILDREN.default) -> list[Span]:
        children = await info.context.traces.children.load((self.row["trace_id"],
                                                            self.row["span_id"]))
        return await items.prefetch(info, children[:_size(cost.SPAN_CHILDREN, first)])

    @strawberry.field
    async def trace(self, info: strawberry.Info) -> Trace:
        return await info.context.traces.traces.load(self.row["trace_id"])

    @strawberry.field(description=f"Logs correlated with this span, oldest first (at most "
                                  f"`first`, {cost.SPAN_LOGS.maximum} at most).")
    async def logs(self, info: strawberry.Info, filter: inputs.LogFilter | None = None,
                   first: int | None = cost.SPAN_LOGS.default) -> list[LogRef]:
        loader = info.context.logs.logs_of_spans(filter, _size(cost.SPAN_LOGS, first))
        return await items.prefetch(info, await loader.load((self.row["trace_id"],
                                                             self.row["span_id"])))

    @strawberry.field
    def dropped_events_count(self) -> scalars.UInt32:
        return self.row["dropped_events_count"]

    @strawberry.field
    def dropped_links_count(self) -> scalars.UInt32:
        return self.row["dropped_links_count"]


@strawberry.type
class Trace(rows.Timed, analysis_types.TraceAnalysis):
    @strawberry.field
    def trace_id(self) -> strawberry.ID:
        return strawberry.ID(self.row["trace_id"].hex())

    @strawberry.field
    def span_count(self) -> int:
        return self.row["span_count"]

    @strawberry.field
    def error_count(self) -> int:
        return self.row["error_count"]

    @strawberry.field(description="ERROR when some span failed, else OK.")
    def status(self) -> enums.StatusCode:
        return enums.StatusCode.ERROR if self.row["error_count"] else enums.StatusCode.OK

    @strawberry.field
    async def root_span(self, info: strawberry.Info) -> Span | None:
        if self.row["root_span_id"] is None:
            return None
        return await info.context.traces.spans.load((self.row["trace_id"],
                                                     self.row["root_span_id"]))

    @strawberry.field
    def root_name(self) -> str | None:
        return self.row["root_span_name"]

    @strawberry.field
    def root_service(self) -> str | None:
        return self.row["root_service_name"]

    @strawberry.field
    def services(self) -> list[str]:
        return list(self.row["service_names"])

    @strawberry.field(description="The trace as OTLP/JSON `TracesData` (every stored field; "
                      "what GET /api/traces/{traceId} answers); an error past the gateway's limit "
                      "of spans per trace.")
    async def otlp(self, info: strawberry.Info) -> scalars.JSON | None:
        from gateway import otlp

        return await otlp.traces_data(info.context.db, self.row["trace_id"])

    @strawberry.field(description="The semantic types of the trace's spans.")
    async def semantic_types(self, info: strawberry.Info) -> list[enums.SemanticType]:
        return await info.context.traces.semantic_types.load(self.row["trace_id"]) or []

    @strawberry.field(description=f"The trace's spans matching `filter`, oldest first (at "
                                  f"most `first`, {cost.TRACE_SPANS.maximum} at most).")
    async def spans(self, info: strawberry.Info, filter: inputs.SpanFilter | None = None,
                    first: int | None = cost.TRACE_SPANS.default) -> list[Span]:
        loader = info.context.traces.spans_of_traces(filter, _size(cost.TRACE_SPANS, first))
        return await items.prefetch(info, await loader.load(self.row["trace_id"]))

    @strawberry.field(description=f"Logs correlated with the trace, oldest first (at most "
                                  f"`first`, {cost.TRACE_LOGS.maximum} at most).")
    async def logs(self, info: strawberry.Info, filter: inputs.LogFilter | None = None,
                   first: int | None = cost.TRACE_LOGS.default) -> list[LogRef]:
        loader = info.context.logs.logs_of_traces(filter, _size(cost.TRACE_LOGS, first))
        return await items.prefetch(info, await loader.load(self.row["trace_id"]))


def _held(link: SpanLink, holder: tuple[bytes, bytes]) -> SpanLink:
    """`link` knowing the span that holds it (SpanLink.fromSpan)."""
    link.holder = holder
    return link
