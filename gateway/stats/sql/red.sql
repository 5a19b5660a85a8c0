-- spanStats from the RED rollups of spans (gateway/stats/red.py; the rollups are kept by
-- ollygraph/span_rollups.py), over the cover of gateway/stats/cover.py: the hourly rollups
-- of the whole hours without a pending minute, the minute rollups of the other rolled, not
-- pending minutes (red_minutes), and the same rows computed from the spans
-- (ollygraph/sql/span_rollups.sql: red_rows) for the ends and the pending minutes
-- (red_raw); per group and time bucket the sums and the merged duration histogram, groups
-- ranked by their number of spans.

-- name: red_read
WITH src AS (
    SELECT r.hour_unix_nano AS minute_unix_nano, r.service_name, r.name, r.kind_id,
           r.status_code_id, r.n, r.duration_sum, r.duration_min, r.duration_max, r.buckets,
           r.counts
    FROM otel_span_red_hour_rollups AS r
    WHERE r.hour_unix_nano >= :h0 AND r.hour_unix_nano < :h1
      AND r.hour_unix_nano <> ALL(:pending_hours::bigint[]) AND @where@
    @parts@
), g AS (
    SELECT @keys@ AS gk, @bucket@ AS bucket, src.* FROM src
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

-- name: red_minutes
UNION ALL
SELECT r.minute_unix_nano, r.service_name, r.name, r.kind_id, r.status_code_id, r.n,
       r.duration_sum, r.duration_min, r.duration_max, r.buckets, r.counts
FROM otel_span_red_rollups AS r
WHERE r.minute_unix_nano >= :lo AND r.minute_unix_nano < :hi
  AND r.minute_unix_nano <> ALL(:pending::bigint[]) AND @where@

-- name: red_raw
UNION ALL
SELECT * FROM (@rows@) AS e

-- name: red_spans
(SELECT * FROM otel_spans_fact AS s
 WHERE s.start_time_unix_nano >= :lo AND s.start_time_unix_nano < :hi AND @where@) AS s

-- name: red_no_bucket
0::bigint

-- name: red_bucket_of
src.minute_unix_nano / :step::bigint * :step::bigint

-- name: red_service
to_jsonb(src.service_name)

-- name: red_name
to_jsonb(src.name)

-- name: red_kind
(SELECT to_jsonb(k.name) FROM span_kinds AS k WHERE k.kind_id = src.kind_id)

-- name: red_status
(SELECT to_jsonb(c.name) FROM status_codes AS c WHERE c.status_code_id = src.status_code_id)

-- name: red_where_service
r.service_name = :v

-- name: red_where_name
r.name = :v

-- name: red_where_kind
r.kind_id = :v

-- name: red_where_status
r.status_code_id = :v
