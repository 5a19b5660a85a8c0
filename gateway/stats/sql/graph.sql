-- serviceGraph's edges (gateway/stats/graph.py), over the cover of gateway/stats/cover.py:
-- the hourly edge rollups of the whole hours without a pending minute, the minute edge
-- rollups of the other rolled, not pending minutes (edge_minutes; ollygraph/span_rollups.py
-- keeps both), and the same rows computed from the edges (edge_rows) for the rest
-- (edge_raw); per caller, callee and kind the sums and the merged duration histogram, most
-- calls first. One pass over the rows and their buckets: a row's own sums count with its
-- first bucket.

-- name: edge_read
WITH src AS (
    SELECT r.caller_service, r.callee_service, r.edge_kind_id, r.n, r.errors, r.duration_sum,
           r.duration_min, r.duration_max, r.buckets, r.counts
    FROM otel_service_edge_hour_rollups AS r
    WHERE r.hour_unix_nano >= :h0 AND r.hour_unix_nano < :h1
      AND r.hour_unix_nano <> ALL(:pending_hours::bigint[]) AND @where@
    @parts@
), b AS (
    SELECT src.caller_service, src.callee_service, src.edge_kind_id, u.b, sum(u.c) AS c,
           sum(src.n) FILTER (WHERE u.i = 1) AS n,
           sum(src.errors) FILTER (WHERE u.i = 1) AS errors,
           sum(src.duration_sum) FILTER (WHERE u.i = 1) AS total,
           min(src.duration_min) FILTER (WHERE u.i = 1) AS low,
           max(src.duration_max) FILTER (WHERE u.i = 1) AS high
    FROM src, unnest(src.buckets, src.counts) WITH ORDINALITY AS u(b, c, i)
    GROUP BY 1, 2, 3, 4
)
SELECT b.caller_service, b.callee_service, b.edge_kind_id, sum(b.n) AS n,
       sum(b.errors) AS errors, sum(b.total) AS total, min(b.low) AS low, max(b.high) AS high,
       array_agg(b.b ORDER BY b.b) AS bs, array_agg(b.c ORDER BY b.b) AS cs
FROM b
GROUP BY 1, 2, 3
ORDER BY 4 DESC, 1, 2, 3
LIMIT :limit

-- name: edge_minutes
UNION ALL
SELECT r.caller_service, r.callee_service, r.edge_kind_id, r.n, r.errors, r.duration_sum,
       r.duration_min, r.duration_max, r.buckets, r.counts
FROM otel_service_edge_rollups AS r
WHERE r.minute_unix_nano >= :lo AND r.minute_unix_nano < :hi
  AND r.minute_unix_nano <> ALL(:pending::bigint[]) AND @where@

-- name: edge_raw
UNION ALL
SELECT e.caller_service, e.callee_service, e.edge_kind_id, e.n, e.errors, e.duration_sum,
       e.duration_min, e.duration_max, e.buckets, e.counts
FROM (@rows@) AS e

-- name: edge_edges
(SELECT * FROM otel_service_edges AS e
 WHERE e.start_time_unix_nano >= :lo AND e.start_time_unix_nano < :hi AND @where@) AS e

-- name: edge_where_callee
e.callee_service = :v

-- name: edge_rollup_where_callee
r.callee_service = :v

-- name: edge_where_span
-- The edge's callee span satisfies the filter's span conditions.
EXISTS (SELECT 1 FROM otel_spans_fact AS s
        WHERE s.start_time_unix_nano = e.start_time_unix_nano AND s.span_pk = e.span_pk
          AND @where@)
