"""`Client`: the gateway's lists as DataFrames, for notebooks and scripts.

Every list method pages through its connection (keyset cursors, pages of at most 100,
the server's cap) until `limit` rows or the end, and returns a pandas DataFrame, or a
pyarrow Table with `arrow=True`. Filters are the GraphQL input objects as dicts:
`client.spans({"service": "checkout", "attributes": [{"key": "http.route",
"value": "/cart"}]})`. `query` sends any GraphQL and returns its `data`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from ollygraph.client import fields, frames, queries

try:
    import httpx
except ImportError as exc:  # pragma: no cover - depends on the installation
    raise ImportError(f"ollygraph.client needs httpx: {frames.INSTALL_HINT}") from exc

DEFAULT_URL = "http://localhost:8000/graphql"
PAGE_SIZE = 100          # the gateway's cap on `first`
Filter = Mapping[str, Any]


class GraphQLError(Exception):
    """The gateway answered with errors; `errors` holds them as the server sent them and
    `data` whatever part of the result it still computed."""

    def __init__(self, errors: list[dict[str, Any]], data: Any = None) -> None:
        self.errors, self.data = errors, data
        self.messages = [_describe(error) for error in errors]
        super().__init__("; ".join(self.messages))


def _describe(error: dict[str, Any]) -> str:
    """The message with where it applies: the result path, else the query's line."""
    message = str(error.get("message", error))
    if error.get("path"):
        return f"{message} (at {'.'.join(str(part) for part in error['path'])})"
    if error.get("locations"):
        where = error["locations"][0]
        return f"{message} (line {where.get('line')}, column {where.get('column')})"
    return message


def _json_default(value: Any) -> Any:
    """Datetimes (pandas Timestamps too, with their nanoseconds) as RFC 3339 in UTC."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise TypeError(f"{value!r} has no time zone; give one (e.g. UTC)")
        value = value.astimezone(dt.UTC)
        return value.isoformat().replace("+00:00", "Z")
    if hasattr(value, "item"):      # numpy scalars
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


class Client:
    """A GraphQL client of one gateway. `token` is sent as `Authorization: Bearer`."""

    def __init__(self, url: str = DEFAULT_URL, token: str | None = None,
                 timeout: float = 30.0) -> None:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.url = url
        self.http = httpx.Client(headers=headers, timeout=timeout)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Client({self.url!r})"

    # -- raw GraphQL -------------------------------------------------------------------

    def query(self, graphql: str, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The `data` of a GraphQL request; GraphQLError when the answer has errors,
        httpx.HTTPStatusError when it is not GraphQL at all."""
        body = json.dumps({"query": graphql, "variables": dict(variables or {})},
                          default=_json_default)
        response = self.http.post(self.url, content=body)
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict) or ("errors" not in answer and "data" not in answer):
            response.raise_for_status()
            raise GraphQLError([{"message": f"not a GraphQL answer: {response.text[:200]!r}"}])
        if answer.get("errors"):
            raise GraphQLError(answer["errors"], answer.get("data"))
        return answer["data"]

    def paginate(self, graphql: str, variables: Mapping[str, Any] | None = None,
                 path: Sequence[str] = ("page",), limit: int | None = None,
                 ) -> Iterator[dict[str, Any]]:
        """The nodes of the connection at `path` in the data of `graphql`, page after page
        (the query takes `$first` and `$after` and selects `nodes` and
        `pageInfo { hasNextPage endCursor }`), up to `limit` nodes (None: all).
        LookupError when an object on the way to the connection is null."""
        after, seen = None, 0
        while limit is None or seen < limit:
            first = PAGE_SIZE if limit is None else min(PAGE_SIZE, limit - seen)
            data: Any = self.query(graphql, {**(variables or {}), "first": first,
                                             "after": after})
            for part in path:
                if data is None:
                    raise LookupError(f"{part}: no such item ({dict(variables or {})})")
                data = data[part]
            yield from data["nodes"][: None if limit is None else limit - seen]
            seen += len(data["nodes"])
            info = data["pageInfo"]
            if not info["hasNextPage"] or not data["nodes"]:
                return
            after = info["endCursor"]

    # -- lists as frames ---------------------------------------------------------------

    def traces(self, filter: Filter | None = None, *, limit: int | None = 1000,
               order_by: str | None = None, arrow: bool = False) -> Any:
        """Traces (newest first unless order_by="START_TIME_ASC"), one row each."""
        nodes = list(self.paginate(queries.TRACES, {"filter": filter, "orderBy": order_by},
                                   limit=limit))
        return _result(frames.frame(nodes, fields.TRACE), arrow)

    def spans(self, filter: Filter | None = None, *, limit: int | None = 1000,
              order_by: str | None = None, flatten_attributes: bool = False,
              arrow: bool = False) -> Any:
        """Spans across traces (newest first unless order_by="START_TIME_ASC")."""
        nodes = list(self.paginate(queries.SPANS, {"filter": filter, "orderBy": order_by},
                                   limit=limit))
        return _result(_spans(nodes, flatten_attributes), arrow)

    def trace_spans(self, trace_id: str, filter: Filter | None = None, *,
                    flatten_attributes: bool = False, arrow: bool = False) -> Any:
        """The spans of one trace, oldest first; LookupError when the trace is unknown."""
        data = self.query(queries.TRACE_SPANS, {"traceId": trace_id, "filter": filter})
        if data["trace"] is None:
            raise LookupError(f"no trace {trace_id}")
        return _result(_spans(data["trace"]["spans"], flatten_attributes), arrow)

    def logs(self, filter: Filter | None = None, *, limit: int | None = 1000,
             order_by: str | None = None, flatten_attributes: bool = False,
             arrow: bool = False) -> Any:
        """Log records (newest first unless order_by="TIME_ASC")."""
        nodes = list(self.paginate(queries.LOGS, {"filter": filter, "orderBy": order_by},
                                   limit=limit))
        flatten = "attributes" if flatten_attributes else None
        return _result(frames.frame(nodes, fields.LOG, flatten), arrow)

    def metrics(self, filter: Filter | None = None, *, limit: int | None = 1000,
                arrow: bool = False) -> Any:
        """Metric names with their type, unit, services and attribute keys."""
        nodes = list(self.paginate(queries.METRICS, {"filter": filter}, limit=limit))
        return _result(frames.frame(nodes, fields.METRIC), arrow)

    def metric_series(self, name: str, *, time_range: Filter | None = None,
                      step: str = "1m", aggregation: str | None = None,
                      group_by: Sequence[str] | None = None,
                      filter: Sequence[Filter] | None = None, service: str | None = None,
                      quantile: float | None = None, flatten_labels: bool = True,
                      arrow: bool = False) -> Any:
        """A metric's step-aggregated series, one row per series and step; the series'
        labels as `label.<key>` columns (or one `labels` map with flatten_labels=False).
        LookupError when no metric has this name."""
        data = self.query(queries.METRIC_SERIES, {
            "name": name, "timeRange": time_range, "step": step, "aggregation": aggregation,
            "groupBy": list(group_by) if group_by is not None else None,
            "filter": list(filter) if filter is not None else None, "service": service,
            "quantile": quantile})
        if data["metric"] is None:
            raise LookupError(f"no metric named {name!r}")
        nodes = [{"service": series["service"], "labels": series["labels"], **point}
                 for series in data["metric"]["series"] for point in series["points"]]
        spec = fields.SERIES + fields.SERIES_POINT
        flatten = "labels" if flatten_labels else None
        return _result(frames.frame(nodes, spec, flatten, prefix="label."), arrow)

    def metric_points(self, name: str, *, time_range: Filter | None = None,
                      limit: int | None = 1000, flatten_attributes: bool = False,
                      arrow: bool = False) -> Any:
        """A metric's stored data points, newest first. LookupError for an unknown name."""
        nodes = list(self.paginate(queries.METRIC_POINTS,
                                   {"name": name, "timeRange": time_range},
                                   path=("metric", "page"), limit=limit))
        flatten = "attributes" if flatten_attributes else None
        return _result(frames.frame(nodes, fields.METRIC_POINT, flatten), arrow)

    # -- aggregations as frames --------------------------------------------------------

    def span_stats(self, measures: Sequence[str | Filter], filter: Filter | None = None, *,
                   group_by: Sequence[str] | None = None, step: str | None = None,
                   first: int | None = None, exact: bool = False, arrow: bool = False) -> Any:
        """`spanStats`: the `measures` (StatOp names such as "count", "p95", "error_rate",
        or StatMeasure dicts such as {"op": "SUM", "key": "gen_ai.usage.cost"}) per group
        of `group_by`: a row per group, or with `step` ("1m", "1h"; needs a timeRange in
        `filter`) a row per group and time bucket with its start in `time`. Columns: the
        `group_by` entries, `other`, [`time`,] a float64 column per measure."""
        return self._stats(queries.SPAN_STATS, measures, filter, group_by, step, first,
                           arrow, exact=exact)

    def log_stats(self, measures: Sequence[str | Filter], filter: Filter | None = None, *,
                  group_by: Sequence[str] | None = None, step: str | None = None,
                  first: int | None = None, arrow: bool = False) -> Any:
        """`logStats`, as `span_stats` does for spans (e.g. measures ["count"], group_by
        ["severityText"], step "1m": the log volume per severity and minute)."""
        return self._stats(queries.LOG_STATS, measures, filter, group_by, step, first, arrow)

    def _stats(self, document: str, measures: Sequence[str | Filter], filter: Filter | None,
               group_by: Sequence[str] | None, step: str | None, first: int | None,
               arrow: bool, **more: Any) -> Any:
        keys = [group_by] if isinstance(group_by, str) else list(group_by or ())
        data = self.query(document, {"measures": _measures(measures), "filter": filter,
                                     "groupBy": keys or None, "step": step, "first": first,
                                     **more})
        return _result(frames.stats_frame(data["stats"], keys, series=step is not None), arrow)


def _measures(measures: Sequence[str | Filter]) -> list[dict[str, Any]]:
    """StatMeasure inputs: a StatOp's name ("count", "p95") or the input object as a dict."""
    if isinstance(measures, (str, Mapping)):
        measures = [measures]
    return [{"op": m.upper()} if isinstance(m, str) else dict(m) for m in measures]


def _spans(nodes: list[dict[str, Any]], flatten_attributes: bool) -> Any:
    return frames.frame(nodes, fields.SPAN, "attributes" if flatten_attributes else None)


def _result(df: Any, arrow: bool) -> Any:
    return frames.to_arrow(df) if arrow else df
