-- Aggregations, orderings and the catalog (revision 0003). Statements run with search_path
-- set to the target schema.

-- name: orderings
-- The slowest (or fastest) traces: an index walk in (duration, trace_id) order, which the
-- keyset pages of orderBy DURATION_* continue.
CREATE INDEX otel_trace_summary_duration_idx
    ON otel_trace_summary ((end_time_unix_nano - start_time_unix_nano), trace_id);

-- name: span_rollups
-- RED rollups of the spans, kept by the rollup job (ollygraph/span_rollups.py): per minute
-- of start time, service, span name, kind and status, the number of spans, the sum, min and
-- max of their durations (ns) and a histogram of the durations in fixed buckets (bucket i
-- holds [2^(i/4), 2^((i+1)/4)) ns; only the non-empty ones, as parallel arrays). spanStats
-- reads them for the whole minutes in [rolled_from, rolled) of otel_span_rollup_state and
-- the spans themselves for the rest. A span written for a minute below `accepted` (late:
-- spans are exported when they end) marks its minute in otel_span_rollup_pending: read
-- from the spans until the job has computed that minute again.
CREATE TABLE otel_span_red_rollups (
    minute_unix_nano bigint NOT NULL,
    service_name text,
    name text NOT NULL,
    kind_id smallint NOT NULL,
    status_code_id smallint NOT NULL,
    n bigint NOT NULL,
    duration_sum numeric NOT NULL,
    duration_min bigint NOT NULL,
    duration_max bigint NOT NULL,
    buckets smallint[] NOT NULL,
    counts bigint[] NOT NULL
) PARTITION BY RANGE (minute_unix_nano);
CREATE INDEX otel_span_red_rollups_minute_idx ON otel_span_red_rollups (minute_unix_nano);
CREATE TABLE otel_span_red_rollups_default PARTITION OF otel_span_red_rollups DEFAULT;

CREATE TABLE otel_span_rollup_state (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    rolled_from bigint NOT NULL,
    rolled bigint NOT NULL,
    accepted bigint NOT NULL
);

CREATE SEQUENCE otel_span_rollup_mark_seq AS bigint;
CREATE TABLE otel_span_rollup_pending (
    minute_unix_nano bigint PRIMARY KEY,
    mark bigint NOT NULL DEFAULT nextval('otel_span_rollup_mark_seq')
);
SELECT otel_ensure_partitions(current_date - 1, current_date + 2);

-- name: key_rollups
-- The attribute key registry behind attributeKeys: per minute, owner (span, span_event,
-- log), key and value type seen, the number of attributes. Kept by the same job over the
-- same minutes as the RED rollups (JSONB-stored keys included), partitioned like them.
CREATE TABLE otel_attribute_key_rollups (
    minute_unix_nano bigint NOT NULL,
    owner text NOT NULL,
    key text NOT NULL,
    value_type text NOT NULL,
    n bigint NOT NULL
) PARTITION BY RANGE (minute_unix_nano);
CREATE INDEX otel_attribute_key_rollups_owner_idx
    ON otel_attribute_key_rollups (owner, minute_unix_nano);
CREATE TABLE otel_attribute_key_rollups_default PARTITION OF otel_attribute_key_rollups DEFAULT;
SELECT otel_ensure_partitions(current_date - 1, current_date + 2);

-- name: drop_span_rollups
DROP TABLE IF EXISTS otel_span_red_rollups, otel_span_rollup_state, otel_span_rollup_pending,
    otel_attribute_key_rollups;
DROP SEQUENCE IF EXISTS otel_span_rollup_mark_seq;

-- name: name_search
-- Root-name prefixes (TraceFilter.rootNameMatch): pg_trgm would serve contains and regex
-- too, but the embedded PostgreSQL ships without it, so a btree for prefixes.
CREATE INDEX otel_trace_summary_root_name_idx
    ON otel_trace_summary (root_span_name text_pattern_ops);

-- name: drop_orderings
DROP INDEX IF EXISTS otel_trace_summary_duration_idx, otel_trace_summary_root_name_idx;
