-- Aggregations, orderings and the catalog (revision 0003). Statements run with search_path
-- set to the target schema.

-- name: orderings
-- The slowest (or fastest) traces: an index walk in (duration, trace_id) order, which the
-- keyset pages of orderBy DURATION_* continue.
CREATE INDEX otel_trace_summary_duration_idx
    ON otel_trace_summary ((end_time_unix_nano - start_time_unix_nano), trace_id);

-- name: drop_orderings
DROP INDEX IF EXISTS otel_trace_summary_duration_idx;
