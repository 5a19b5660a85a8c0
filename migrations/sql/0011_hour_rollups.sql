-- Hourly rollups of the service graph's nodes and edges (revision 0011). Statements run
-- with search_path set to the target schema.

-- name: hour_rollups
-- The RED rollups of spans (otel_span_red_rollups) and the edge rollups
-- (otel_service_edge_rollups) merged per hour, with the same columns: kept by the span
-- rollup job (ollygraph/span_rollups.py) from the minute rollups when the job has rolled
-- an hour's last minute, and computed again with a late minute of their hour. Read for the
-- whole hours in [hours_rolled_from, rolled) of otel_span_rollup_state (from `rolled_from`
-- when hours_rolled_from is NULL: a store rolled up before this revision has hourly
-- rollups from where its minutes stood) that hold no pending minute.
CREATE TABLE otel_span_red_hour_rollups (
    hour_unix_nano bigint NOT NULL,
    service_name text,
    name text NOT NULL,
    kind_id integer NOT NULL,
    status_code_id integer NOT NULL,
    n bigint NOT NULL,
    duration_sum numeric NOT NULL,
    duration_min bigint NOT NULL,
    duration_max bigint NOT NULL,
    buckets smallint[] NOT NULL,
    counts bigint[] NOT NULL
) PARTITION BY RANGE (hour_unix_nano);
CREATE INDEX otel_span_red_hour_rollups_hour_idx ON otel_span_red_hour_rollups (hour_unix_nano);
CREATE TABLE otel_span_red_hour_rollups_default PARTITION OF otel_span_red_hour_rollups DEFAULT;
CREATE TABLE otel_service_edge_hour_rollups (
    hour_unix_nano bigint NOT NULL,
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
) PARTITION BY RANGE (hour_unix_nano);
CREATE INDEX otel_service_edge_hour_rollups_hour_idx
    ON otel_service_edge_hour_rollups (hour_unix_nano);
CREATE TABLE otel_service_edge_hour_rollups_default
    PARTITION OF otel_service_edge_hour_rollups DEFAULT;
SELECT otel_ensure_partitions(current_date - 1, current_date + 2);
ALTER TABLE otel_span_rollup_state ADD COLUMN hours_rolled_from bigint;
UPDATE otel_span_rollup_state
SET hours_rolled_from = (rolled + 3599999999999) / 3600000000000 * 3600000000000;

-- name: drop_hour_rollups
ALTER TABLE otel_span_rollup_state DROP COLUMN IF EXISTS hours_rolled_from;
DROP TABLE IF EXISTS otel_span_red_hour_rollups, otel_service_edge_hour_rollups;
