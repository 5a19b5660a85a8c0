-- The service graph (revision 0009): edges between services, resolved by the span writers
-- in their transaction (ollygraph/service_graph.py, ollygraph/sql/service_graph.sql) and
-- rolled up per minute by the span rollup job. Statements run with search_path set to the
-- target schema.

-- name: service_graph
-- The kinds of edge: a CLIENT span's SERVER child in another service, a PRODUCER span's
-- CONSUMER child, any other parent/child pair across services, and a span's link to a
-- span of another service (the linked span's service calls the linking one's).
CREATE TABLE service_edge_kinds (edge_kind_id smallint PRIMARY KEY, name text NOT NULL UNIQUE);
INSERT INTO service_edge_kinds VALUES
    (1, 'CLIENT_SERVER'), (2, 'PRODUCER_CONSUMER'), (3, 'PARENT_CHILD'), (4, 'LINK');

-- One row per edge: the callee span (the child, or the span that links) with its start,
-- its duration and whether the call failed (the callee span, or the caller's CLIENT or
-- PRODUCER span, has status ERROR).
CREATE TABLE otel_service_edges (
    start_time_unix_nano bigint NOT NULL,
    span_pk bigint NOT NULL,
    caller_service text,
    callee_service text,
    edge_kind_id smallint NOT NULL,
    is_error boolean NOT NULL,
    duration_ns bigint NOT NULL
) PARTITION BY RANGE (start_time_unix_nano);
CREATE INDEX otel_service_edges_start_idx ON otel_service_edges (start_time_unix_nano);
CREATE TABLE otel_service_edges_default PARTITION OF otel_service_edges DEFAULT;

-- The spans waiting for the span they hang off (their parent, or the span a link names)
-- to arrive: the writer of that span, or the rollup job (for writers that ran at the
-- same time and did not see each other), deletes the row and writes the edge.
CREATE TABLE otel_service_edge_waits (
    start_time_unix_nano bigint NOT NULL,
    span_pk bigint NOT NULL,
    trace_id bytea NOT NULL,
    span_id bytea NOT NULL,
    is_link boolean NOT NULL,
    callee_service text,
    callee_kind_id integer NOT NULL,
    is_error boolean NOT NULL,
    duration_ns bigint NOT NULL,
    written_at timestamptz NOT NULL DEFAULT now()
) PARTITION BY RANGE (start_time_unix_nano);
CREATE INDEX otel_service_edge_waits_target_idx ON otel_service_edge_waits (trace_id, span_id);
CREATE INDEX otel_service_edge_waits_written_idx ON otel_service_edge_waits (written_at);
CREATE TABLE otel_service_edge_waits_default PARTITION OF otel_service_edge_waits DEFAULT;

-- Per minute of the callee's start, caller, callee and kind: the number of calls and
-- errors, the sum, min and max of the durations and their histogram (the buckets of
-- otel_span_red_rollups). Read for the whole minutes the span rollups have rolled
-- (otel_span_rollup_state) that are not pending; the edges for the rest.
CREATE TABLE otel_service_edge_rollups (
    minute_unix_nano bigint NOT NULL,
    caller_service text,
    callee_service text,
    edge_kind_id smallint NOT NULL,
    n bigint NOT NULL,
    errors bigint NOT NULL,
    duration_sum numeric NOT NULL,
    duration_min bigint NOT NULL,
    duration_max bigint NOT NULL,
    buckets smallint[] NOT NULL,
    counts bigint[] NOT NULL
) PARTITION BY RANGE (minute_unix_nano);
CREATE INDEX otel_service_edge_rollups_minute_idx ON otel_service_edge_rollups (minute_unix_nano);
CREATE TABLE otel_service_edge_rollups_default PARTITION OF otel_service_edge_rollups DEFAULT;
SELECT otel_ensure_partitions(current_date - 1, current_date + 2);

-- name: drop_service_graph
DROP TABLE IF EXISTS otel_service_edge_rollups, otel_service_edge_waits, otel_service_edges,
    service_edge_kinds;
