WITH src AS (
    SELECT r.caller_service, r.callee_service, r.edge_kind_id, r.n, r.errors, r.duration_sum,
           r.duration_min, r.duration_max, r.buckets, r.counts
    FROM otel_service_edge_hour_rollups AS r
    WHERE r.hour_unix_nano >= $20 AND r.hour_unix_nano < $21
      AND r.hour_unix_nano <> ALL($22::bigint[]) AND r.callee_service = $1
    UNION ALL
    SELECT r.caller_service, r.callee_service, r.edge_kind_id, r.n, r.errors, r.duration_sum,
           r.duration_min, r.duration_max, r.buckets, r.counts
    FROM otel_service_edge_rollups AS r
    WHERE r.minute_unix_nano >= $2 AND r.minute_unix_nano < $3
      AND r.minute_unix_nano <> ALL($4::bigint[]) AND r.callee_service = $1
    UNION ALL
    SELECT r.caller_service, r.callee_service, r.edge_kind_id, r.n, r.errors, r.duration_sum,
           r.duration_min, r.duration_max, r.buckets, r.counts
    FROM otel_service_edge_rollups AS r
    WHERE r.minute_unix_nano >= $5 AND r.minute_unix_nano < $6
      AND r.minute_unix_nano <> ALL($7::bigint[]) AND r.callee_service = $1
    UNION ALL
    SELECT r.caller_service, r.callee_service, r.edge_kind_id, r.n, r.errors, r.duration_sum,
           r.duration_min, r.duration_max, r.buckets, r.counts
    FROM otel_service_edge_rollups AS r
    WHERE r.minute_unix_nano >= $8 AND r.minute_unix_nano < $9
      AND r.minute_unix_nano <> ALL($10::bigint[]) AND r.callee_service = $1
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
     WHERE e.start_time_unix_nano >= $12 AND e.start_time_unix_nano < $13 AND e.callee_service = $11) AS e
          GROUP BY 1, 2, 3, 4, 5) AS x
    GROUP BY 1, 2, 3, 4) AS e
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
     WHERE e.start_time_unix_nano >= $15 AND e.start_time_unix_nano < $16 AND e.callee_service = $14) AS e
          GROUP BY 1, 2, 3, 4, 5) AS x
    GROUP BY 1, 2, 3, 4) AS e
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
     WHERE e.start_time_unix_nano >= $18 AND e.start_time_unix_nano < $19 AND e.callee_service = $17) AS e
          GROUP BY 1, 2, 3, 4, 5) AS x
    GROUP BY 1, 2, 3, 4) AS e
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
LIMIT $23
