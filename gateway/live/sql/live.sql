-- Live subscriptions (gateway.live). `@table@`, `@alias@`, `@key@` (the surrogate key),
-- `@partition@` come from ollygraph.store; `@matches@` is one
-- `CASE WHEN <a subscriber's filter> THEN <its position> END` per active subscriber.

-- name: live_rows
-- The rows of the committed keys (inclusive ranges `lo`..`hi`) within the partition
-- bounds, each with the positions of the subscribers whose filter it satisfies; rows that
-- satisfy none are left out. One statement for all subscribers of a type.
SELECT * FROM (
    SELECT @columns@, ARRAY[@alias@.@key@] AS live_keys,
           array_remove(ARRAY[@matches@]::int[], NULL) AS live_subscribers
    FROM @table@ AS @alias@
    WHERE @alias@.@partition@ BETWEEN :time_from AND :time_to
      AND @alias@.@key@ BETWEEN :key_from AND :key_to
      AND EXISTS (SELECT 1 FROM unnest(:lo::bigint[], :hi::bigint[]) AS r(lo, hi)
                  WHERE @alias@.@key@ BETWEEN r.lo AND r.hi)
) AS m
WHERE cardinality(m.live_subscribers) > 0
ORDER BY m.live_keys

-- name: live_traces
-- The traces that gained spans of the committed keys, with those keys, each with the
-- positions of the subscribers whose TraceFilter the trace satisfies.
WITH n AS (
    SELECT s.trace_id, array_agg(s.span_pk ORDER BY s.span_pk) AS live_keys
    FROM otel_spans_fact AS s
    WHERE s.start_time_unix_nano BETWEEN :time_from AND :time_to
      AND s.span_pk BETWEEN :key_from AND :key_to
      AND EXISTS (SELECT 1 FROM unnest(:lo::bigint[], :hi::bigint[]) AS r(lo, hi)
                  WHERE s.span_pk BETWEEN r.lo AND r.hi)
    GROUP BY s.trace_id
)
SELECT * FROM (
    SELECT @columns@, n.live_keys,
           array_remove(ARRAY[@matches@]::int[], NULL) AS live_subscribers
    FROM n JOIN otel_trace_summary AS t ON t.trace_id = n.trace_id
) AS m
WHERE cardinality(m.live_subscribers) > 0
ORDER BY m.live_keys

-- name: live_quiet_traces
-- The traces of `ids` (that gained no span for a while), as the trace summary has them,
-- each with the positions of the subscribers whose TraceFilter the trace satisfies; no
-- keys: a trace sent again after a quiet period is no new commit.
SELECT * FROM (
    SELECT @columns@, ARRAY[]::bigint[] AS live_keys,
           array_remove(ARRAY[@matches@]::int[], NULL) AS live_subscribers
    FROM otel_trace_summary AS t
    WHERE t.trace_id = ANY(:ids::bytea[])
) AS m
WHERE cardinality(m.live_subscribers) > 0
ORDER BY m.start_time_unix_nano, m.trace_id

-- name: live_committed
-- The keys committed above a cursor's watermark `after` and outside its ranges, of the
-- rows whose partition column is at least `since`, as runs of consecutive keys with their
-- partition bounds (a resumed subscription's catch-up; the polling fallback).
SELECT min(c.k) AS lo, max(c.k) AS hi, min(c.t) AS time_from, max(c.t) AS time_to
FROM (
    SELECT @alias@.@key@ AS k, @alias@.@partition@ AS t,
           @alias@.@key@ - row_number() OVER (ORDER BY @alias@.@key@) AS run
    FROM @table@ AS @alias@
    WHERE @alias@.@partition@ >= :since AND @alias@.@key@ > :after
      AND NOT EXISTS (SELECT 1 FROM unnest(:lo::bigint[], :hi::bigint[]) AS r(lo, hi)
                      WHERE @alias@.@key@ BETWEEN r.lo AND r.hi)
) AS c
GROUP BY c.run
ORDER BY lo
LIMIT :limit

-- name: live_allocated
-- The highest surrogate key the sequence has handed out (a watermark once settled).
SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM @sequence@
