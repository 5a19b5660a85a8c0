-- Traces and spans in order of duration (gateway/traces/ordering.py), keyset-paginated by
-- (duration, id) like the time order is by (time, id). The trace summary has an index on
-- (duration, trace_id) (migrations/sql/0003_stats.sql), so the slowest traces of the whole
-- store are an index walk; spans are ordered within the filter's rows.

-- name: search_traces_by_duration
SELECT @columns@, t.end_time_unix_nano - t.start_time_unix_nano AS duration_ns
FROM otel_trace_summary AS t
WHERE @where@
ORDER BY t.end_time_unix_nano - t.start_time_unix_nano @dir@, t.trace_id @dir@
LIMIT :limit

-- name: trace_duration_keyset
(t.end_time_unix_nano - t.start_time_unix_nano, t.trace_id) < (:after_time, :after_id)  -- when after_desc
(t.end_time_unix_nano - t.start_time_unix_nano, t.trace_id) > (:after_time, :after_id)  -- when after_asc

-- name: search_spans_by_duration
SELECT @columns@, s.end_time_unix_nano - s.start_time_unix_nano AS duration_ns
FROM otel_spans_fact AS s
WHERE @where@
ORDER BY s.end_time_unix_nano - s.start_time_unix_nano @dir@, s.span_pk @dir@
LIMIT :limit

-- name: span_duration_keyset
(s.end_time_unix_nano - s.start_time_unix_nano, s.span_pk) < (:after_time, :after_id)  -- when after_desc
(s.end_time_unix_nano - s.start_time_unix_nano, s.span_pk) > (:after_time, :after_id)  -- when after_asc
