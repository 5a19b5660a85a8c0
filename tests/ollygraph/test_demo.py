"""`ollygraph demo` sends every kind of telemetry it promises through a real ingest."""

from __future__ import annotations

from ollygraph import demo, settings
from tests.ingest import receiver


def test_demo_sends_traces_logs_and_metrics(database_url, migrated_schema, sql):
    with receiver.running(database_url, migrated_schema) as ingest:
        demo.run(settings.load({}), endpoint=ingest.grpc_target, iterations=4)

    def one(text: str, *params):
        return receiver.query(sql, migrated_schema, text, *params)[0][0]

    assert one("SELECT array_agg(DISTINCT service_name ORDER BY service_name) "
               "FROM v_otel_spans_enriched") == [
        "order-worker", "payments", "storefront", "support-agent", "web-shop"]
    # HTTP server -> DB client (web-shop and payments)
    assert one("SELECT count(*) FROM v_otel_spans_enriched c JOIN v_otel_spans_enriched p "
               "ON p.span_id = c.parent_span_id AND p.trace_id = c.trace_id "
               "WHERE p.kind_name = 'SERVER' AND c.kind_name = 'CLIENT' "
               "AND c.attributes->>'db.system' = 'postgresql'") == 8
    # the AI-agent workflow with token usage and cost
    assert one("SELECT count(*) FROM v_otel_spans_enriched WHERE attributes ? 'gen_ai.system' "
               "AND (attributes->>'gen_ai.usage.input_tokens')::int > 0 "
               "AND (attributes->>'gen_ai.usage.cost')::float > 0") == 4
    # agent workflows (2 of 4 rounds) and one Junjo-style triage run (ollygraph.demo_workflows)
    assert one("SELECT count(*) FROM v_otel_spans_enriched "
               "WHERE attributes->>'junjo.span_type' = 'workflow'") == 3
    assert one("SELECT count(*) FROM v_otel_spans_enriched s, jsonb_array_elements(s.events) e "
               "WHERE e->>'name' = 'set_state' AND s.attributes->>'junjo.span_type' = 'node' "
               "AND s.attributes->>'junjo.parent_id' = 'wf-triage-9000'") == 3
    # an error with an exception event, and an error log in the same trace
    assert one("SELECT count(*) FROM v_otel_spans_enriched WHERE status_name = 'ERROR' "
               "AND events->0->>'name' = 'exception'") == 1
    assert one("SELECT count(*) FROM v_otel_logs_enriched l JOIN v_otel_spans_enriched s "
               "ON s.trace_id = l.trace_id AND s.span_id = l.span_id "
               "WHERE l.severity_text = 'ERROR' AND s.status_name = 'ERROR'") == 1
    # logs correlated through the SDK logging handler
    assert one("SELECT count(*) FROM otel_logs_fact WHERE trace_id IS NULL") == 0
    # a consumer span linked to its producer
    assert one("SELECT count(*) FROM v_otel_spans_enriched WHERE kind_name = 'CONSUMER' "
               "AND jsonb_array_length(links) = 1") == 4
    # the service graph's edges: a frontend calling a backend, a queue, a link
    assert receiver.query(sql, migrated_schema, """
        SELECT e.caller_service, e.callee_service, k.name, count(*),
               count(*) FILTER (WHERE is_error)
        FROM otel_service_edges e JOIN service_edge_kinds k USING (edge_kind_id)
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3""") == [
        ("payments", "order-worker", "PRODUCER_CONSUMER", 4, 0),
        ("storefront", "payments", "CLIENT_SERVER", 4, 0),
        ("web-shop", "order-worker", "LINK", 4, 0)]
    # counters, up-down counter, histogram, exponential histogram, gauge
    assert one("SELECT array_agg(DISTINCT name ORDER BY name) FROM otel_metrics_dim") == [
        "gen_ai.client.token.usage", "http.server.active_requests", "http.server.request.duration",
        "http.server.requests", "queue.depth"]
    assert one("SELECT count(*) FROM otel_metrics_data_points_exp_histogram") > 0
    assert one("SELECT count(*) FROM otel_metrics_data_points_histogram") > 0


def test_demo_latency_histogram_has_bounds_in_seconds(database_url, migrated_schema, sql):
    with receiver.running(database_url, migrated_schema) as ingest:
        demo.run(settings.load({}), endpoint=ingest.grpc_target, iterations=2)
    bounds, high = receiver.query(
        sql, migrated_schema,
        "SELECT explicit_bounds, max FROM v_otel_metrics_histogram "
        "WHERE metric_name = 'http.server.request.duration'")[0]
    assert list(bounds) == list(demo.LATENCY_BOUNDS_S)
    assert 0 < high < 1  # seconds


def test_demo_with_nothing_listening_fails_with_one_line():
    from tests.ollygraph.test_cli import free_port, run

    port = free_port()
    result = run("demo", "--endpoint", f"localhost:{port}", timeout=60)
    assert result.returncode == 2
    assert result.stderr == (
        f"ollygraph: demo: nothing answers OTLP/gRPC at localhost:{port}; start "
        "`ollygraph up` first (or pass --endpoint HOST:PORT of a running ingest)\n")
    assert "sent" not in result.stdout
