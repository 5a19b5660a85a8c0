WITH src AS (
    SELECT r.hour_unix_nano AS minute_unix_nano, r.service_name, r.name, r.kind_id,
           r.status_code_id, r.n, r.duration_sum, r.duration_min, r.duration_max, r.buckets,
           r.counts
    FROM otel_span_red_hour_rollups AS r
    WHERE r.hour_unix_nano >= $15 AND r.hour_unix_nano < $16
      AND r.hour_unix_nano <> ALL($17::bigint[]) AND (r.service_name = $1)
    UNION ALL
    SELECT r.minute_unix_nano, r.service_name, r.name, r.kind_id, r.status_code_id, r.n,
           r.duration_sum, r.duration_min, r.duration_max, r.buckets, r.counts
    FROM otel_span_red_rollups AS r
    WHERE r.minute_unix_nano >= $2 AND r.minute_unix_nano < $3
      AND r.minute_unix_nano <> ALL($4::bigint[]) AND (r.service_name = $1)
    UNION ALL
    SELECT * FROM (SELECT x.minute_unix_nano, x.service_name, x.name, x.kind_id, x.status_code_id,
           sum(x.n)::bigint AS n, sum(x.total) AS duration_sum, min(x.low) AS duration_min,
           max(x.high) AS duration_max, array_agg(x.b ORDER BY x.b) AS buckets,
           array_agg(x.n ORDER BY x.b) AS counts
    FROM (SELECT s.start_time_unix_nano / 60000000000 * 60000000000 AS minute_unix_nano,
                 (SELECT r.service_name FROM otel_resources_dim AS r
                  WHERE r.resource_id = s.resource_id) AS service_name,
                 s.name, s.kind_id, s.status_code_id, floor(ln(greatest((s.end_time_unix_nano - s.start_time_unix_nano), 1)::float8) * 4 / ln(2))::smallint AS b, count(*) AS n,
                 sum(s.end_time_unix_nano - s.start_time_unix_nano) AS total,
                 min(s.end_time_unix_nano - s.start_time_unix_nano) AS low,
                 max(s.end_time_unix_nano - s.start_time_unix_nano) AS high
          FROM (SELECT * FROM otel_spans_fact AS s
     WHERE s.start_time_unix_nano >= $6 AND s.start_time_unix_nano < $7 AND (s.resource_id IN (SELECT resource_id FROM otel_resources_dim WHERE service_name = $5))) AS s
          GROUP BY 1, 2, 3, 4, 5, 6) AS x
    GROUP BY 1, 2, 3, 4, 5) AS e
    UNION ALL
    SELECT * FROM (SELECT x.minute_unix_nano, x.service_name, x.name, x.kind_id, x.status_code_id,
           sum(x.n)::bigint AS n, sum(x.total) AS duration_sum, min(x.low) AS duration_min,
           max(x.high) AS duration_max, array_agg(x.b ORDER BY x.b) AS buckets,
           array_agg(x.n ORDER BY x.b) AS counts
    FROM (SELECT s.start_time_unix_nano / 60000000000 * 60000000000 AS minute_unix_nano,
                 (SELECT r.service_name FROM otel_resources_dim AS r
                  WHERE r.resource_id = s.resource_id) AS service_name,
                 s.name, s.kind_id, s.status_code_id, floor(ln(greatest((s.end_time_unix_nano - s.start_time_unix_nano), 1)::float8) * 4 / ln(2))::smallint AS b, count(*) AS n,
                 sum(s.end_time_unix_nano - s.start_time_unix_nano) AS total,
                 min(s.end_time_unix_nano - s.start_time_unix_nano) AS low,
                 max(s.end_time_unix_nano - s.start_time_unix_nano) AS high
          FROM (SELECT * FROM otel_spans_fact AS s
     WHERE s.start_time_unix_nano >= $9 AND s.start_time_unix_nano < $10 AND (s.resource_id IN (SELECT resource_id FROM otel_resources_dim WHERE service_name = $8))) AS s
          GROUP BY 1, 2, 3, 4, 5, 6) AS x
    GROUP BY 1, 2, 3, 4, 5) AS e
    UNION ALL
    SELECT * FROM (SELECT x.minute_unix_nano, x.service_name, x.name, x.kind_id, x.status_code_id,
           sum(x.n)::bigint AS n, sum(x.total) AS duration_sum, min(x.low) AS duration_min,
           max(x.high) AS duration_max, array_agg(x.b ORDER BY x.b) AS buckets,
           array_agg(x.n ORDER BY x.b) AS counts
    FROM (SELECT s.start_time_unix_nano / 60000000000 * 60000000000 AS minute_unix_nano,
                 (SELECT r.service_name FROM otel_resources_dim AS r
                  WHERE r.resource_id = s.resource_id) AS service_name,
                 s.name, s.kind_id, s.status_code_id, floor(ln(greatest((s.end_time_unix_nano - s.start_time_unix_nano), 1)::float8) * 4 / ln(2))::smallint AS b, count(*) AS n,
                 sum(s.end_time_unix_nano - s.start_time_unix_nano) AS total,
                 min(s.end_time_unix_nano - s.start_time_unix_nano) AS low,
                 max(s.end_time_unix_nano - s.start_time_unix_nano) AS high
          FROM (SELECT * FROM otel_spans_fact AS s
     WHERE s.start_time_unix_nano >= $12 AND s.start_time_unix_nano < $13 AND (s.resource_id IN (SELECT resource_id FROM otel_resources_dim WHERE service_name = $11))) AS s
          GROUP BY 1, 2, 3, 4, 5, 6) AS x
    GROUP BY 1, 2, 3, 4, 5) AS e
), g AS (
    SELECT jsonb_build_array(to_jsonb(src.service_name), to_jsonb(src.name)) AS gk, src.minute_unix_nano / $14::bigint * $14::bigint AS bucket, src.* FROM src
), a AS (
    SELECT g.gk, g.bucket, sum(g.n) AS n, sum(g.n) FILTER (WHERE g.status_code_id = 2) AS errors,
           sum(g.duration_sum) AS total, min(g.duration_min) AS low, max(g.duration_max) AS high
    FROM g GROUP BY g.gk, g.bucket
), h AS (
    SELECT x.gk, x.bucket, array_agg(x.b ORDER BY x.b) AS bs, array_agg(x.c ORDER BY x.b) AS cs
    FROM (SELECT g.gk, g.bucket, u.b, sum(u.c) AS c
          FROM g, unnest(g.buckets, g.counts) AS u(b, c)
          GROUP BY 1, 2, 3) AS x
    GROUP BY x.gk, x.bucket
)
SELECT z.*, dense_rank() OVER (ORDER BY z.group_n DESC, z.gk) AS rank
FROM (SELECT a.*, h.bs, h.cs, sum(a.n) OVER (PARTITION BY a.gk) AS group_n
      FROM a JOIN h ON h.gk = a.gk AND h.bucket = a.bucket) AS z
ORDER BY rank, z.bucket
