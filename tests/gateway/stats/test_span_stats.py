"""spanStats and logStats end to end: the SDK -> ingest -> GraphQL, each answer compared
with numbers computed from the sent data and with the same aggregation in SQL directly."""

from __future__ import annotations

import pytest

from gateway import scalars
from tests.gateway.stats import known

pytestmark = pytest.mark.db

STATS = """
query ($filter: SpanFilter, $groupBy: [String!], $step: String, $measures: [StatMeasure!]!,
       $first: Int, $exact: Boolean! = true) {
  spanStats(filter: $filter, groupBy: $groupBy, step: $step, measures: $measures,
            first: $first, exact: $exact) {
    measures groupCount truncated source
    groups { key other values series { time values } }
  }
}
"""
LOG_STATS = STATS.replace("SpanFilter", "LogFilter").replace("spanStats", "logStats").replace(
    ", exact: $exact", "").replace(", $exact: Boolean! = true", "")


@pytest.fixture(scope="module")
def base(stack):
    base = known.base_time()
    known.send(stack.otlp, base)
    return base


@pytest.fixture
def store(sql, stack):
    sql.execute(f'SET search_path TO "{stack.schema}"')
    return sql


def stats(stack, base, measures, query=STATS, **args):
    flt = args.pop("filter", {})
    flt.setdefault("timeRange", known.time_range(base))
    return stack.gql(query, filter=flt, measures=measures, **args)[
        "logStats" if "logStats(" in query else "spanStats"]


def by_key(result, *names):
    return {tuple(g["key"][n] for n in names): g["values"] for g in result["groups"]}


def spans_where(predicate):
    return [s for s in known.SPANS if predicate(s)]


def test_durations_errors_and_counts_per_service_and_name(stack, base, store) -> None:
    measures = [{"op": op} for op in ("COUNT", "ERROR_COUNT", "ERROR_RATE", "AVG", "MIN",
                                      "MAX", "P50", "P90", "P95", "P99")]
    measures.append({"op": "QUANTILE", "quantile": 0.25})
    result = stats(stack, base, measures, groupBy=["service", "name"])
    assert result["measures"] == ["count", "error_count", "error_rate", "avg(duration)",
                                  "min(duration)", "max(duration)", "p50(duration)",
                                  "p90(duration)", "p95(duration)", "p99(duration)",
                                  "quantile(duration, 0.25)"]
    assert (result["groupCount"], result["truncated"], result["source"]) == (4, False, "spans")
    got = by_key(result, "service", "name")
    expected = {}
    for key in {(s.service, s.name) for s in known.SPANS}:
        group = spans_where(lambda s, key=key: (s.service, s.name) == key)
        durations = [s.duration_ms for s in group]
        errors = sum(s.error for s in group)
        expected[key] = [len(group), errors, errors / len(group), sum(durations) / len(group),
                         min(durations), max(durations),
                         *(known.quantile(durations, q) for q in (0.5, 0.9, 0.95, 0.99, 0.25))]
    assert got == {k: pytest.approx(v, rel=1e-12) for k, v in expected.items()}
    # groups with most spans first: checkout "GET /a" (4), then the three groups of 3
    assert result["groups"][0]["key"] == {"service": "checkout", "name": "GET /a"}
    lo, hi = (scalars.parse_timestamp(v) for v in known.time_range(base).values())
    rows = store.execute("""
        SELECT service_name, name, count(*), count(*) FILTER (WHERE status_name = 'ERROR'),
               avg(duration_nanos / 1e6), min(duration_nanos / 1e6), max(duration_nanos / 1e6),
               percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_nanos / 1e6::float8)
        FROM v_otel_spans_enriched WHERE start_time_unix_nano BETWEEN %s AND %s
        GROUP BY 1, 2""", (lo, hi)).fetchall()
    assert {(r[0], r[1]): pytest.approx([r[2], r[3], float(r[4]), float(r[5]), float(r[6]),
                                         r[7]], rel=1e-12) for r in rows} == {
        k: [v[0], v[1], v[3], v[4], v[5], v[8]] for k, v in got.items()}


def test_p95_by_route_with_items_without_the_key(stack, base) -> None:
    result = stats(stack, base, [{"op": "P95"}, {"op": "COUNT"}], groupBy=["http.route"])
    got = by_key(result, "http.route")
    assert got == {
        ("/a",): [pytest.approx(known.quantile([10, 20, 30, 40], 0.95)), 4],
        ("/b",): [pytest.approx(known.quantile([100, 200], 0.95)), 2],
        (None,): [pytest.approx(known.quantile([300, 500, 700, 5, 6, 7], 0.95)), 6]}


def test_numeric_attributes_promoted_and_jsonb_and_distinct_counts(stack, base, store) -> None:
    measures = [{"op": "SUM", "key": "gen_ai.usage.input_tokens"},
                {"op": "AVG", "key": "gen_ai.usage.input_tokens"},
                {"op": "SUM", "key": "custom.cost", "name": "cost"},
                {"op": "MAX", "key": "custom.cost"},
                {"op": "P50", "key": "custom.cost"},
                {"op": "COUNT_DISTINCT", "key": "tenant"}]
    result = stats(stack, base, measures, groupBy=["gen_ai.request.model"],
                   filter={"name": "chat"})
    assert result["measures"][2] == "cost"
    assert by_key(result, "gen_ai.request.model") == {
        ("gpt-4o",): pytest.approx([400, 200, 2.0, 1.5, 1.0, 2]),
        ("gpt-4o-mini",): pytest.approx([50, 50, 0.25, 0.25, 0.25, 1])}
    # the same in SQL over the view for SQL users
    rows = store.execute("""
        SELECT attributes ->> 'gen_ai.request.model',
               sum((attributes ->> 'gen_ai.usage.input_tokens')::numeric),
               sum((attributes ->> 'custom.cost')::float8),
               count(DISTINCT attributes -> 'tenant')
        FROM v_otel_spans_enriched WHERE name = 'chat' GROUP BY 1""").fetchall()
    got = by_key(result, "gen_ai.request.model")
    assert {(r[0],): [float(r[1]), r[2], r[3]] for r in rows} == {
        k: [v[0], v[2], v[5]] for k, v in got.items()}


def test_resource_scope_kind_and_status_groups(stack, base) -> None:
    result = stats(stack, base, [{"op": "COUNT"}],
                   groupBy=["resource:deployment.environment", "kind", "status"])
    got = by_key(result, "resource:deployment.environment", "kind", "status")
    expected: dict[tuple, list[int]] = {}
    for s in known.SPANS:
        key = ("test", s.kind, "ERROR" if s.error else "UNSET")
        expected[key] = [expected.get(key, [0])[0] + 1]
    assert got == expected


def test_time_series_per_minute_with_rates(stack, base, store) -> None:
    result = stats(stack, base, [{"op": "COUNT"}, {"op": "RATE"}, {"op": "MAX"}],
                   groupBy=["service"], step="1m")
    for group in result["groups"]:
        spans = spans_where(lambda s, g=group: s.service == g["key"]["service"])
        assert group["values"][:2] == [len(spans), pytest.approx(len(spans) / 300)]
        minutes: dict[int, list[known.KnownSpan]] = {}
        for s in spans:
            minutes.setdefault(s.at_ms // 60_000, []).append(s)
        assert group["series"] == [
            {"time": scalars.format_timestamp(base + m * known.MINUTE),
             "values": [len(ss), pytest.approx(len(ss) / 60),
                        max(s.duration_ms for s in ss)]}
            for m, ss in sorted(minutes.items())]
    lo, hi = (scalars.parse_timestamp(v) for v in known.time_range(base).values())
    rows = store.execute("""
        SELECT service_name, start_time_unix_nano / 60000000000 * 60000000000, count(*)
        FROM v_otel_spans_enriched WHERE start_time_unix_nano BETWEEN %s AND %s
        GROUP BY 1, 2""", (lo, hi)).fetchall()
    assert {(r[0], scalars.format_timestamp(r[1])): r[2] for r in rows} == {
        (g["key"]["service"], p["time"]): p["values"][0]
        for g in result["groups"] for p in g["series"]}


def test_groups_past_first_are_aggregated_into_other(stack, base) -> None:
    result = stats(stack, base, [{"op": "COUNT"}, {"op": "MAX"}], groupBy=["name"], first=2)
    assert (result["groupCount"], result["truncated"]) == (4, True)
    first, second, other = result["groups"]
    assert first == {"key": {"name": "GET /a"}, "other": False, "values": [4, 40],
                     "series": []}
    # "chat" and "charge" have 3 spans each: ties are ordered by their key
    assert second == {"key": {"name": "charge"}, "other": False, "values": [3, 7],
                      "series": []}
    rest = spans_where(lambda s: s.name in ("chat", "GET /b"))
    assert other == {"key": {"name": None}, "other": True,
                     "values": [len(rest), max(s.duration_ms for s in rest)], "series": []}


def test_no_group_by_gives_one_group_and_an_empty_range_counts_zero(stack, base) -> None:
    result = stats(stack, base, [{"op": "COUNT"}, {"op": "AVG"}])
    assert result["groups"] == [{"key": {}, "other": False, "series": [], "values": [
        len(known.SPANS), pytest.approx(sum(s.duration_ms for s in known.SPANS) / 12)]}]
    empty = stats(stack, base, [{"op": "COUNT"}, {"op": "AVG"}],
                  filter={"service": "nobody"})
    assert empty["groups"] == [{"key": {}, "other": False, "series": [],
                                "values": [0, None]}]


def test_filters_are_those_of_the_span_search(stack, base) -> None:
    flt = {"service": "checkout", "status": "ERROR",
           "attributes": [{"key": "http.route", "op": "EXISTS"}]}
    result = stats(stack, base, [{"op": "COUNT"}], filter=flt)
    spans = stack.gql("query ($f: SpanFilter) { spans(filter: $f) { totalCount } }",
                      f={**flt, "timeRange": known.time_range(base)})["spans"]
    assert result["groups"][0]["values"] == [2] == [spans["totalCount"]]


def test_log_volume_by_severity_and_log_measures(stack, base, store) -> None:
    result = stats(stack, base, [{"op": "COUNT"}, {"op": "ERROR_COUNT"},
                                 {"op": "COUNT_DISTINCT", "key": "user.id"},
                                 {"op": "SUM", "key": "bytes"}],
                   query=LOG_STATS, groupBy=["service"], step="1m")
    got = {g["key"]["service"]: g for g in result["groups"]}
    assert got["checkout"]["values"] == [4, 1, 2, 10]
    assert got["billing"]["values"] == [2, 1, 0, 80]
    assert [(p["time"], p["values"][0]) for p in got["billing"]["series"]] == [
        (scalars.format_timestamp(base), 1),
        (scalars.format_timestamp(base + 2 * known.MINUTE), 1)]
    severity = stats(stack, base, [{"op": "COUNT"}], query=LOG_STATS, groupBy=["severity"])
    rows = store.execute("SELECT severity_name, count(*) FROM v_otel_logs_enriched "
                         "GROUP BY 1").fetchall()
    assert by_key(severity, "severity") == {(r[0],): [r[1]] for r in rows} == {
        ("INFO",): [3], ("ERROR",): [1], ("WARN",): [1], ("FATAL",): [1]}


@pytest.mark.parametrize(("measures", "args", "message"), [
    ([{"op": "QUANTILE", "quantile": 1.5}], {}, "quantile 1.5 is not between 0 and 1"),
    ([{"op": "QUANTILE", "quantile": 0}], {}, "quantile 0 is not between 0 and 1"),
    ([{"op": "QUANTILE"}], {}, "needs `quantile`"),
    ([{"op": "SUM"}], {}, "needs an attribute `key`"),
    ([{"op": "COUNT", "key": "x"}], {}, "takes no `key`"),
    ([], {}, "at least one measure"),
    ([{"op": "COUNT"}], {"step": "1s"}, "buckets over the time range; at most 1440"),
    ([{"op": "COUNT"}], {"step": "soon"}, "step: 'soon' is not a duration"),
    ([{"op": "COUNT"}], {"first": 0}, "`first` (groups) must be between 1 and 1000"),
    ([{"op": "COUNT"}], {"groupBy": ["event:x"]}, None),
    ([{"op": "COUNT"}, {"op": "COUNT"}], {}, "the same name"),
])
def test_bad_input_is_explained(stack, base, measures, args, message) -> None:
    flt = {"timeRange": known.time_range(base, minutes=60)}
    errors = stack.errors(STATS, filter=flt, measures=measures, **args)
    if message is None:
        assert errors == []     # not a scope prefix: a key named "event:x"
    else:
        assert len(errors) == 1 and message in errors[0], errors


def test_errors_that_depend_on_the_signal_or_range(stack) -> None:
    assert "needs filter.timeRange or a `step`" in stack.errors(
        STATS, measures=[{"op": "RATE"}])[0]
    assert "`step` needs filter.timeRange" in stack.errors(
        STATS, measures=[{"op": "COUNT"}], step="1m")[0]
    assert "logs have no duration" in stack.errors(LOG_STATS, measures=[{"op": "P95"}])[0]
    assert "Value 'MEDIAN' does not exist in 'StatOp' enum" in stack.errors(
        STATS, measures=[{"op": "MEDIAN"}])[0]


TOP = STATS.replace("groups { key other values", "groups { key other values top { value count }")
TOP = TOP.replace("series { time values }", "series { time values top { value count } }")


def semantic_type(s: known.KnownSpan) -> str | None:
    keys = list(s.attributes)
    if any(k.startswith(("gen_ai.", "llm.")) for k in keys):
        return "AI_AGENT"
    if any(k.startswith(("http.", "url.")) for k in keys):
        return "HTTP"
    return None


def top_k(values: list, k: int) -> list[dict]:
    counts: dict = {}
    for v in values:
        if v is not None:
            counts[v] = counts.get(v, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
    return [{"value": v, "count": n} for v, n in ranked]


def test_top_k_of_attributes_and_built_ins_per_group_and_bucket(stack, base) -> None:
    measures = [{"op": "TOP_K", "key": "tenant", "k": 1},
                {"op": "COUNT"},
                {"op": "TOP_K", "key": "name"}]
    result = stats(stack, base, measures, query=TOP, groupBy=["service"], step="1m")
    assert result["measures"] == ["top_k(tenant, 1)", "count", "top_k(name, 10)"]
    assert [g["key"]["service"] for g in result["groups"]] == ["checkout", "billing"]
    for group in result["groups"]:
        spans = spans_where(lambda s, g=group: s.service == g["key"]["service"])
        assert group["values"] == [None, len(spans), None]
        assert group["top"] == [top_k([s.attributes.get("tenant") for s in spans], 1), None,
                                top_k([s.name for s in spans], 10)]
        minutes: dict[int, list[known.KnownSpan]] = {}
        for s in spans:
            minutes.setdefault(s.at_ms // 60_000, []).append(s)
        assert [p["top"] for p in group["series"]] == [
            [top_k([s.attributes.get("tenant") for s in ss], 1), None,
             top_k([s.name for s in ss], 10)] for _, ss in sorted(minutes.items())]
    checkout = result["groups"][0]["top"]
    assert checkout[0] == [{"value": "t1", "count": 2}]     # t1 2, t2 1; six without
    logs = stats(stack, base, [{"op": "TOP_K", "key": "user.id", "k": 5},
                               {"op": "TOP_K", "key": "severity", "k": 2}],
                 query=TOP.replace("SpanFilter", "LogFilter").replace("spanStats", "logStats")
                 .replace(", exact: $exact", "").replace(", $exact: Boolean! = true", ""))
    assert logs["groups"][0]["top"] == [
        [{"value": "u1", "count": 2}, {"value": "u2", "count": 1}],
        [{"value": "INFO", "count": 3}, {"value": "ERROR", "count": 1}]]


def test_group_by_and_top_k_of_semantic_type(stack, base) -> None:
    result = stats(stack, base, [{"op": "COUNT"}, {"op": "MAX"}], groupBy=["semanticType"])
    expected: dict[tuple, list] = {}
    for s in known.SPANS:
        count, longest = expected.get((semantic_type(s),), [0, 0])
        expected[(semantic_type(s),)] = [count + 1, max(longest, s.duration_ms)]
    assert by_key(result, "semanticType") == expected == {
        ("HTTP",): [6, 200], ("AI_AGENT",): [3, 700], (None,): [3, 7]}
    top = stats(stack, base, [{"op": "TOP_K", "key": "semanticType", "k": 1}], query=TOP,
                groupBy=["service"])
    assert {g["key"]["service"]: g["top"][0] for g in top["groups"]} == {
        "checkout": [{"value": "HTTP", "count": 6}], "billing": []}


@pytest.mark.parametrize(("measure", "message"), [
    ({"op": "TOP_K"}, "measure TOP_K needs a `key`: an attribute key or one of service, name"),
    ({"op": "TOP_K", "key": "tenant", "k": 0}, "measure TOP_K: `k` must be between 1 and 100"),
    ({"op": "TOP_K", "key": "tenant", "k": 101}, "`k` must be between 1 and 100"),
    ({"op": "COUNT", "k": 3}, "measure COUNT takes no `k` (use TOP_K)"),
    ({"op": "TOP_K", "key": ""}, "measure TOP_K: empty attribute key"),
])
def test_bad_top_k_is_explained(stack, base, measure, message) -> None:
    errors = stack.errors(STATS, filter={"timeRange": known.time_range(base)},
                          measures=[measure])
    assert len(errors) == 1 and message in errors[0], errors


NUMERIC_OPS = ["SUM", "AVG", "MIN", "MAX", "P50", "P90", "P95", "P99", "COUNT_DISTINCT"]


def numeric_expected(numbers: list[float]) -> list[float]:
    return [sum(numbers), sum(numbers) / len(numbers), min(numbers), max(numbers),
            *(known.quantile(numbers, q) for q in (0.5, 0.9, 0.95, 0.99, 0.3)),
            len(set(numbers))]


@pytest.mark.parametrize(("signal", "key"), [
    ("span", "gen_ai.usage.input_tokens"),     # promoted (int)
    ("span", "custom.cost"),                   # JSONB
    ("log", "bytes"),                          # JSONB, on logs
])
def test_every_measure_of_a_numeric_attribute(stack, base, signal, key) -> None:
    measures = [{"op": op, "key": key} for op in NUMERIC_OPS]
    measures.insert(8, {"op": "QUANTILE", "key": key, "quantile": 0.3})
    query = STATS if signal == "span" else LOG_STATS
    result = stats(stack, base, measures, query=query, groupBy=["service"])
    items = known.SPANS if signal == "span" else known.LOGS
    expected = {}
    for service in {i.service for i in items}:
        numbers = [i.attributes[key] for i in items
                   if i.service == service and key in i.attributes]
        if numbers:
            expected[(service,)] = pytest.approx(numeric_expected(numbers), rel=1e-12)
        else:
            expected[(service,)] = [None] * 9 + [0]
    assert by_key(result, "service") == expected


def test_log_rates_errors_and_counts_per_minute(stack, base) -> None:
    measures = [{"op": "COUNT"}, {"op": "RATE"}, {"op": "ERROR_COUNT"}, {"op": "ERROR_RATE"}]
    result = stats(stack, base, measures, query=LOG_STATS, groupBy=["severityText"],
                   step="1m")
    for group in result["groups"]:
        logs = [g for g in known.LOGS if g.text == group["key"]["severityText"]]
        errors = sum(g.severity.value >= 17 for g in logs)
        assert group["values"] == pytest.approx(
            [len(logs), len(logs) / 300, errors, errors / len(logs)])
        minutes: dict[int, list[known.KnownLog]] = {}
        for g in logs:
            minutes.setdefault(g.at_ms // 60_000, []).append(g)
        per_minute = []
        for m, gs in sorted(minutes.items()):
            bad = sum(g.severity.value >= 17 for g in gs)
            per_minute.append({"time": scalars.format_timestamp(base + m * known.MINUTE),
                               "values": pytest.approx([len(gs), len(gs) / 60, bad,
                                                        bad / len(gs)])})
        assert group["series"] == per_minute
    assert sorted(g["key"]["severityText"] for g in result["groups"]) == [
        "ERROR", "FATAL", "INFO", "WARN"]
