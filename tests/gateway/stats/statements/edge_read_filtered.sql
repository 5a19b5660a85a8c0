WITH src AS (
    SELECT r.caller_service, r.callee_service, r.edge_kind_id, r.n, r.errors, r.duration_sum,
           r.duration_min, r.duration_max, r.buckets, r.counts
    FROM otel_service_edge_rollups AS r
    WHERE r.minute_unix_nano >= $6 AND r.minute_unix_nano < $7
      AND r.minute_unix_nano <> ALL($8::bigint[]) AND false
    UNION ALL
    SELECT e.caller_service, e.callee_service, e.edge_kind_id, e.n, e.errors, e.duration_sum,
           e.duration_min, e.duration_max, e.buckets, e.counts
    FROM (SELECT x.minute_unix_nano, x.caller_service, x.callee_service, x.edge_kind_id,
           sum(x.n)::bigint AS n, sum(x.errors)::bigint AS errors, sum(x.total) AS duration_sum,
           min(x.low) AS duration_min, max(x.high) AS duration_max,
           array_agg(x.b ORDER BY x.b) AS buckets, array_agg(x.n ORDER BY x.b) AS counts
    FROM (SELECT e.start_time_unix_nano / 60000000000 * 60000000000 AS minute_unix_nano,
                 e.caller_service, e.callee_service, e.edge_kind_id, floor(ln(greatest(e.duration_ns, 1)::float8) * 4 / ln(2))::smallint AS b,
                 count(*) AS n, count(*) FILTER (WHERE e.is_error) AS errors,
                 sum(e.duration_ns) AS total, min(e.duration_ns) AS low,
                 max(e.duration_ns) AS high
          FROM (SELECT * FROM otel_service_edges AS e
     WHERE e.start_time_unix_nano >= $4 AND e.start_time_unix_nano < $5 AND EXISTS (SELECT 1 FROM otel_spans_fact AS s
             WHERE s.start_time_unix_nano = e.start_time_unix_nano AND s.span_pk = e.span_pk
               AND (s.start_time_unix_nano >= $1)
               AND (s.start_time_unix_nano <= $2)
               AND (s.kind_id = $3))) AS e
          GROUP BY 1, 2, 3, 4, 5) AS x
    GROUP BY 1, 2, 3, 4) AS e
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
LIMIT $9
