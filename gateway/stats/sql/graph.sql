-- serviceGraph's edges (gateway/stats/graph.py): the edge rollups of the whole, rolled, not
-- pending minutes of the range (ollygraph/sql/service_graph.sql keeps them), and the same
-- rows computed from the edges (edge_rows) for the rest; per caller, callee and kind the
-- sums and the merged duration histogram, most calls first.

-- name: edge_read
WITH src AS (
    SELECT r.caller_service, r.callee_service, r.edge_kind_id, r.n, r.errors, r.duration_sum,
           r.duration_min, r.duration_max, r.buckets, r.counts
    FROM otel_service_edge_rollups AS r
    WHERE r.minute_unix_nano >= :m0 AND r.minute_unix_nano < :m1
      AND r.minute_unix_nano <> ALL(:pending::bigint[]) AND @where@
    @raw@
), g AS (
    SELECT jsonb_build_array(src.caller_service, src.callee_service, src.edge_kind_id) AS gk,
           src.*
    FROM src
), a AS (
    SELECT g.gk, sum(g.n) AS n, sum(g.errors) AS errors, sum(g.duration_sum) AS total,
           min(g.duration_min) AS low, max(g.duration_max) AS high
    FROM g GROUP BY g.gk
), h AS (
    SELECT x.gk, array_agg(x.b ORDER BY x.b) AS bs, array_agg(x.c ORDER BY x.b) AS cs
    FROM (SELECT g.gk, u.b, sum(u.c) AS c
          FROM g, unnest(g.buckets, g.counts) AS u(b, c)
          GROUP BY 1, 2) AS x
    GROUP BY x.gk
)
SELECT a.gk, a.n, a.errors, a.total, a.low, a.high, h.bs, h.cs
FROM a JOIN h ON h.gk = a.gk
ORDER BY a.n DESC, a.gk
LIMIT :limit

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
