"""Query cost: the potential number of objects a query returns, computed before it runs.

Every list of objects has a size: the `first` argument of a connection or nested list
(the field's default when not given, never more than its maximum), or a fixed estimate
for the few lists that are not paged (`SIZES`). The cost of a query is the sum over its
object-valued fields of the product of the list sizes above and at each field: in
`{ traces(first: 20) { nodes { spans { events { name } } } } }` the 20 traces can each
have 1,000 spans (Trace.spans' default) with 128 events each, so the query costs
1 + 20 + 20 x 1,000 + 20 x 1,000 x 128 = 2,580,021. A query over the limit
(`OLLYGRAPH_MAX_QUERY_COST`) is refused before any SQL runs, with its cost and the limit
(extensions.code COST_LIMIT_EXCEEDED); every response reports
`extensions.cost: {requested, limit}` (requested is null when the query did not get as
far as execution: a syntax or validation error).

The same walk checks every argument value against the input caps of gateway.limits.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLCompositeType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    Undefined,
    get_named_type,
    is_composite_type,
    is_list_type,
    is_non_null_type,
    value_from_ast_untyped,
)
from graphql.utilities import get_operation_ast
from strawberry.extensions import SchemaExtension

from gateway import errors, limits, scalars
from ollygraph import settings as core_settings

DEFAULT_LIMIT = core_settings.Settings().max_query_cost


@dataclasses.dataclass(frozen=True)
class Size:
    """The size of a list: `first` (the schema's default of the argument, else `default`,
    when not given) capped at `maximum`; `estimate` lists have no argument."""

    default: int
    maximum: int
    estimate: bool = False

    def of(self, first: Any) -> int:
        if self.estimate or first is None or first is Undefined or not isinstance(first, int):
            return self.default
        return max(0, min(first, self.maximum))


# connections: `first` as in gateway.pagination (default per field, at most 100)
PAGE_MAX = 100
TRACE_SPANS = Size(1000, 10_000)
TRACE_LOGS = Size(1000, 10_000)
SPAN_CHILDREN = Size(100, 10_000)
SPAN_LOGS = Size(100, 10_000)
SPAN_EVENTS = Size(128, 1000)       # 128: the SDKs' default limit of events and links
SPAN_LINKS = Size(128, 1000)
SIZES: dict[tuple[str, str], Size] = {
    ("Query", "traces"): Size(20, PAGE_MAX),
    ("Query", "spans"): Size(50, PAGE_MAX),
    ("Query", "logs"): Size(100, PAGE_MAX),
    ("Query", "metrics"): Size(100, PAGE_MAX),
    ("Query", "attributeKeys"): Size(100, PAGE_MAX),
    ("Query", "services"): Size(1000, 1000, estimate=True),
    ("Query", "exceptions"): Size(20, PAGE_MAX),
    ("ServiceGraph", "nodes"): Size(1000, 1000, estimate=True),   # graph.MAX_NODES
    ("ServiceGraph", "edges"): Size(1000, 1000, estimate=True),   # graph.MAX_EDGES
    ("Trace", "spans"): TRACE_SPANS,
    ("Trace", "logs"): TRACE_LOGS,
    ("Span", "children"): SPAN_CHILDREN,
    ("Span", "logs"): SPAN_LOGS,
    ("Span", "events"): SPAN_EVENTS,
    ("Span", "links"): SPAN_LINKS,
    ("Span", "exceptions"): SPAN_EVENTS,
    ("Query", "workflows"): Size(20, PAGE_MAX),
    # a run's set_state events: up to the events of its trace's spans, counted as one span's
    ("Workflow", "statePatches"): SPAN_EVENTS,
    ("Span", "linkedFrom"): SPAN_LINKS,
    ("Metric", "points"): Size(100, PAGE_MAX),
    ("Metric", "series"): Size(100, 100, estimate=True),      # series are not paged
    ("MetricSeries", "points"): Size(60, 11_000, estimate=True),  # steps: see _steps
    ("MetricPoint", "buckets"): Size(32, 32, estimate=True),
    ("MetricDataPoint", "exemplars"): Size(10, 10, estimate=True),
    # aggregations, facets and the catalog (gateway/stats): groups are capped by spanStats'
    # `first` (default 20, plus `other`), series by its buckets, facets by their keys
    ("Query", "operations"): Size(1000, 1000, estimate=True),
    ("Query", "attributeValueCounts"): Size(10, 100),
    ("Stats", "groups"): Size(21, 21, estimate=True),
    ("StatsGroup", "series"): Size(60, 60, estimate=True),
    ("AttributeKey", "valueTypes"): Size(7, 7, estimate=True),
    ("Facet", "values"): Size(10, 10, estimate=True),
    # TOP_K: the values of each measure, at most k (up to gateway.stats.facets.MAX_VALUES)
    ("StatsGroup", "top"): Size(100, 100, estimate=True),
    ("StatsPoint", "top"): Size(100, 100, estimate=True),
    ("Resource", "entityRefs"): Size(8, 8, estimate=True),
    # trace analysis (gateway.traces.analysis): up to two segments per span of the trace,
    # a few services, the union of two traces' path trees and a path's depth
    ("Trace", "criticalPath"): Size(2 * TRACE_SPANS.default, 2 * TRACE_SPANS.maximum,
                                    estimate=True),
    ("Trace", "serviceBreakdown"): Size(20, 20, estimate=True),
    ("TraceComparison", "nodes"): Size(2 * TRACE_SPANS.default, 2 * TRACE_SPANS.maximum,
                                       estimate=True),
    ("TraceDiffNode", "path"): Size(16, 16, estimate=True),
    # live batches: what arrived since the last one, at most OLLYGRAPH_LIVE_MAX_BEHIND
    **{(f"{kind}Batch", "nodes"): Size(1000, 10_000, estimate=True)
       for kind in ("Span", "Trace", "Log", "MetricPoint")},
    **{(f"{kind}Connection", "facets"): Size(10, 10, estimate=True)
       for kind in ("Trace", "Span", "Log", "Metric", "MetricDataPoint", "Workflow")},
}
PAGED = ("edges", "nodes")  # the lists of a connection, sized by the connection's `first`


def _is_connection(type_: Any) -> bool:
    return isinstance(type_, GraphQLObjectType) and type_.name.endswith("Connection")


class _Walk:
    def __init__(self, schema: GraphQLSchema, fragments: Mapping[str, FragmentDefinitionNode],
                 variables: Mapping[str, Any]) -> None:
        self.schema, self.fragments, self.variables = schema, fragments, variables

    def fields(self, parent: GraphQLCompositeType,
               selection_set: SelectionSetNode) -> Iterator[tuple[Any, FieldNode]]:
        """(parent type, field node) of the selections, fragments flattened."""
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                yield parent, selection
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                yield from self.fields(inner, selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is not None:
                    inner = self.schema.get_type(fragment.type_condition.name.value)
                    yield from self.fields(inner, fragment.selection_set)

    def arguments(self, field_def: Any, node: FieldNode) -> dict[str, Any]:
        """The argument values as plain Python (variables substituted), defaults included."""
        given = {arg.name.value: value_from_ast_untyped(arg.value, self.variables)
                 for arg in node.arguments or ()}
        for name, arg in field_def.args.items():
            if given.get(name, Undefined) is Undefined and arg.default_value is not Undefined:
                given[name] = arg.default_value
        return given

    def cost(self, parent: GraphQLCompositeType, selection_set: SelectionSetNode,
             above: int, page: int, inner: dict[str, int]) -> int:
        total = 0
        for parent_type, node in self.fields(parent, selection_set):
            name = node.name.value
            fields = getattr(parent_type, "fields", None)
            field_def = fields.get(name) if fields is not None else None
            if field_def is None:   # __typename and introspection
                continue
            args = self.arguments(field_def, node)
            limits.check_arguments(field_def, args, f"{parent_type.name}.{name}")
            named = get_named_type(field_def.type)
            if not is_composite_type(named) or node.selection_set is None:
                continue
            size, below = self.size(parent_type.name, name, field_def, args, page, inner)
            count = above * size
            own_page = SIZES[(parent_type.name, name)].of(args.get("first")) \
                if _is_connection(named) and (parent_type.name, name) in SIZES else 1
            total += count + self.cost(named, node.selection_set, count, own_page, below)
        return total

    def size(self, parent: str, name: str, field_def: Any, args: dict[str, Any], page: int,
             inner: dict[str, int]) -> tuple[int, dict[str, int]]:
        """(this field's list size (1 for an object), sizes its own fields take)."""
        field_type = field_def.type
        if is_non_null_type(field_type):
            field_type = field_type.of_type
        if name in inner:
            return inner[name], {}
        if not is_list_type(field_type):
            return 1, {}
        if name in PAGED:
            return page, {}
        known = SIZES.get((parent, name))
        if known is None:   # a list of objects nobody sized: cost it at the page maximum
            return PAGE_MAX, {}
        below = {"points": _steps(args)} if (parent, name) == ("Metric", "series") else {}
        return known.of(args.get("first")), below


def _steps(args: Mapping[str, Any]) -> int:
    """Steps of a metric series: its time range (default: the last hour) over its step."""
    steps = SIZES[("MetricSeries", "points")]
    try:
        step = core_settings.parse_duration(str(args.get("step") or "1m"))
        time_range = args.get("timeRange") or {}
        if not isinstance(time_range, dict):
            return steps.maximum
        now = time.time_ns()
        hi = scalars.parse_timestamp(time_range["to"]) if time_range.get("to") else now
        if time_range.get("last"):
            lo = hi - core_settings.parse_duration(str(time_range["last"])) * 10**9
        elif time_range.get("from"):
            lo = scalars.parse_timestamp(time_range["from"])
        else:
            lo = hi - 3600 * 10**9
        return max(1, min(steps.maximum, -(-(hi - lo) // (step * 10**9))))
    except (ValueError, errors.UserError):
        return steps.maximum


def query_cost(schema: GraphQLSchema, document: Any, operation_name: str | None,
               variables: Mapping[str, Any] | None) -> int:
    """The cost of the operation (and a UserError for an argument over an input cap)."""
    operation: OperationDefinitionNode | None = get_operation_ast(document, operation_name)
    if operation is None:
        return 0
    values = {d.variable.name.value: value_from_ast_untyped(d.default_value)
              for d in operation.variable_definitions or () if d.default_value is not None}
    values.update(variables or {})
    fragments = {d.name.value: d for d in document.definitions
                 if isinstance(d, FragmentDefinitionNode)}
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    return _Walk(schema, fragments, values).cost(root, operation.selection_set, 1, 1, {})


class Cost(SchemaExtension):
    """Checks arguments and cost before execution; reports `extensions.cost`."""

    limit = DEFAULT_LIMIT

    def __init__(self) -> None:
        self.requested: int | None = None

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        try:
            self.requested = query_cost(context.schema._schema, context.graphql_document,
                                        context.operation_name, context.variables)
            if self.requested > self.limit:
                raise errors.CostLimitExceeded(
                    f"query cost {self.requested:,} exceeds the limit of {self.limit:,}: the "
                    "query could return that many objects (the sizes of nested lists "
                    "multiplied: `first`, or each list's default); ask for smaller pages "
                    "or fewer nested lists", cost=self.requested, limit=self.limit)
        except errors.UserError as exc:
            context.result = _refused(exc)
        yield

    def get_results(self) -> dict[str, Any]:
        return {"cost": {"requested": self.requested, "limit": self.limit}}


def _refused(error: errors.UserError) -> Any:
    from graphql import ExecutionResult

    return ExecutionResult(data=None, errors=[errors.refusal(error)])


def limited(limit: int) -> type[Cost]:
    """The extension with another limit (settings)."""
    return type("Cost", (Cost,), {"limit": limit})
