-- The store served by PostGraphile (bench/peers/compare.py): views and functions in a
-- schema of their own ({peers}) over the store's schema ({store}), which they only read.
-- PostGraphile exposes each view as a collection and each STABLE set-returning function
-- as a query field; the functions are plain SQL the planner inlines into PostGraphile's
-- statement, so their filters reach the store's indexes.

-- name: schema
CREATE SCHEMA {peers};
CREATE VIEW {peers}.spans AS SELECT * FROM {store}.v_otel_spans_enriched;
CREATE VIEW {peers}.logs AS SELECT * FROM {store}.v_otel_logs_enriched;
CREATE VIEW {peers}.traces AS SELECT * FROM {store}.v_otel_traces;

-- A trace's spans and its logs, by hex trace id: the view rows whose key the trace id
-- index finds.
CREATE FUNCTION {peers}.trace_spans(trace_id text) RETURNS SETOF {peers}.spans
LANGUAGE sql STABLE AS $fn$
    SELECT v.* FROM {peers}.spans AS v
    WHERE (v.start_time_unix_nano, v.span_pk) IN (
        SELECT s.start_time_unix_nano, s.span_pk FROM {store}.otel_spans_fact AS s
        WHERE s.trace_id = decode($1, 'hex'))
    ORDER BY v.start_time_unix_nano, v.span_pk
$fn$;

CREATE FUNCTION {peers}.trace_logs(trace_id text) RETURNS SETOF {peers}.logs
LANGUAGE sql STABLE AS $fn$
    SELECT v.* FROM {peers}.logs AS v
    WHERE (v.ts_unix_nano, v.log_id) IN (
        SELECT l.ts_unix_nano, l.log_pk FROM {store}.otel_logs_fact AS l
        WHERE l.trace_id = decode($1, 'hex'))
    ORDER BY v.ts_unix_nano, v.log_id
$fn$;

-- The newest 20 traces since `since` (unix ns) with a span whose http.route (a promoted
-- key: the string table) is `route` and whose tenant.id (not promoted: the JSONB
-- catch-all) is `tenant`, as the gateway's two-attribute trace search reads them.
CREATE FUNCTION {peers}.search_traces(route text, tenant text, since bigint)
RETURNS SETOF {peers}.traces
LANGUAGE sql STABLE AS $fn$
    SELECT encode(t.trace_id, 'hex'), t.start_time_unix_nano, t.end_time_unix_nano,
           t.end_time_unix_nano - t.start_time_unix_nano, to_timestamp(t.start_time_unix_nano / 1e9),
           t.span_count, t.error_count, encode(t.root_span_id, 'hex'), t.root_span_name,
           t.root_service_name, t.service_names
    FROM {store}.otel_trace_summary AS t
    WHERE t.trace_id IN (
        SELECT s.trace_id
        FROM {store}.otel_spans_fact AS s
        JOIN {store}.otel_span_attrs_string AS a
            ON a.span_pk = s.span_pk AND a.start_time_unix_nano = s.start_time_unix_nano
        JOIN {store}.otel_span_attrs_other AS o
            ON o.span_pk = s.span_pk AND o.start_time_unix_nano = s.start_time_unix_nano
        WHERE s.start_time_unix_nano >= $3 AND a.start_time_unix_nano >= $3
          AND o.start_time_unix_nano >= $3
          AND a.key_id = (SELECT key_id FROM {store}.attribute_keys WHERE key = 'http.route')
          AND a.value = $1
          AND o.attributes @> jsonb_build_object('tenant.id', jsonb_build_object('stringValue', $2)))
    ORDER BY t.start_time_unix_nano DESC
    LIMIT 20
$fn$;
