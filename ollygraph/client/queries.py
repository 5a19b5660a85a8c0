"""The GraphQL documents the client sends, built once from the field lists in fields.py.

Each connection query names its connection `page`, takes `$first` and `$after`, and
selects `nodes` and `pageInfo { hasNextPage endCursor }`, which is what
`Client.paginate` needs.
"""

from __future__ import annotations

from ollygraph.client import fields

PAGE = "pageInfo { hasNextPage endCursor }"


def _connection(field: str, filter_type: str, spec: tuple[fields.Field, ...],
                order_type: str | None = None) -> str:
    order_var = f", $orderBy: {order_type}" if order_type else ""
    order_arg = ", orderBy: $orderBy" if order_type else ""
    return (
        f"query {field.capitalize()}($filter: {filter_type}, $first: Int, $after: String"
        f"{order_var}) {{\n"
        f"  page: {field}(filter: $filter, first: $first, after: $after{order_arg}) {{\n"
        f"    nodes {{ {fields.selection(spec)} }}\n"
        f"    {PAGE}\n"
        f"  }}\n"
        f"}}\n")


TRACES = _connection("traces", "TraceFilter", fields.TRACE, "TraceOrder")
SPANS = _connection("spans", "SpanFilter", fields.SPAN, "SpanOrder")
LOGS = _connection("logs", "LogFilter", fields.LOG, "LogOrder")
METRICS = _connection("metrics", "MetricFilter", fields.METRIC)

TRACE_SPANS = f"""query TraceSpans($traceId: ID!, $filter: SpanFilter) {{
  trace(traceId: $traceId) {{
    spans(filter: $filter) {{ {fields.selection(fields.SPAN)} }}
  }}
}}
"""

METRIC_SERIES = f"""query MetricSeries($name: String!, $timeRange: TimeRange, $step: String,
    $aggregation: Aggregation, $groupBy: [String!], $filter: [AttributeFilter!],
    $service: String, $quantile: Float) {{
  metric(name: $name) {{
    series(timeRange: $timeRange, step: $step, aggregation: $aggregation, groupBy: $groupBy,
           filter: $filter, service: $service, quantile: $quantile) {{
      {fields.selection(fields.SERIES)}
      points {{ {fields.selection(fields.SERIES_POINT)} }}
    }}
  }}
}}
"""

METRIC_POINTS = f"""query MetricPoints($name: String!, $timeRange: TimeRange, $first: Int,
    $after: String) {{
  metric(name: $name) {{
    page: points(timeRange: $timeRange, first: $first, after: $after) {{
      nodes {{ {fields.selection(fields.METRIC_POINT)} }}
      {PAGE}
    }}
  }}
}}
"""

STATS = "measures groupCount truncated source groups { key other values series { time values } }"


def _stats(field: str, filter_type: str, exact: bool) -> str:
    exact_var, exact_arg = (", $exact: Boolean! = false", ", exact: $exact") if exact else ("", "")
    return (
        f"query {field[0].upper() + field[1:]}($measures: [StatMeasure!]!, "
        f"$filter: {filter_type}, $groupBy: [String!], $step: String, $first: Int"
        f"{exact_var}) {{\n"
        f"  stats: {field}(measures: $measures, filter: $filter, groupBy: $groupBy, "
        f"step: $step, first: $first{exact_arg}) {{\n"
        f"    {STATS}\n"
        f"  }}\n"
        f"}}\n")


SPAN_STATS = _stats("spanStats", "SpanFilter", exact=True)
LOG_STATS = _stats("logStats", "LogFilter", exact=False)

ALL = {"traces": TRACES, "spans": SPANS, "logs": LOGS, "metrics": METRICS,
       "trace_spans": TRACE_SPANS, "metric_series": METRIC_SERIES,
       "metric_points": METRIC_POINTS, "span_stats": SPAN_STATS, "log_stats": LOG_STATS}
