-- RED rollups of the spans (migrations/sql/0003_stats.sql defines the tables), kept by
-- ollygraph/span_rollups.py and read by gateway/stats/red.py. The span writers and the job
-- meet on the same advisory lock as the metric rollups (rollups.sql: lock_shared,
-- lock_alone): a writer marks the minutes below `accepted` it wrote spans to; the job
-- raises `accepted` alone.
--
-- red_bucket is the histogram bucket of a duration d (ns): i such that
-- 2^(i/4) <= d < 2^((i+1)/4). red_rows makes rollup rows of the spans of a subquery s
-- (with the span columns): per minute, service, name, kind and status the count, the
-- duration sum/min/max and the non-empty buckets. Both are parts of larger statements
-- (the job's, and spanStats' in gateway/stats/sql/red.sql), so they carry no comments;
-- so is key_rows: the registry rows of one owner's attribute tables (table prefix and time
-- column filled in) for the attributes of [$1, $2): per minute, key and value type, how many.

-- name: red_bucket
floor(ln(greatest(@d@, 1)::float8) * 4 / ln(2))::smallint

-- name: red_rows
SELECT x.minute_unix_nano, x.service_name, x.name, x.kind_id, x.status_code_id,
       sum(x.n)::bigint AS n, sum(x.total) AS duration_sum, min(x.low) AS duration_min,
       max(x.high) AS duration_max, array_agg(x.b ORDER BY x.b) AS buckets,
       array_agg(x.n ORDER BY x.b) AS counts
FROM (SELECT s.start_time_unix_nano / 60000000000 * 60000000000 AS minute_unix_nano,
             (SELECT r.service_name FROM otel_resources_dim AS r
              WHERE r.resource_id = s.resource_id) AS service_name,
             s.name, s.kind_id, s.status_code_id, @bucket@ AS b, count(*) AS n,
             sum(s.end_time_unix_nano - s.start_time_unix_nano) AS total,
             min(s.end_time_unix_nano - s.start_time_unix_nano) AS low,
             max(s.end_time_unix_nano - s.start_time_unix_nano) AS high
      FROM @spans@
      GROUP BY 1, 2, 3, 4, 5, 6) AS x
GROUP BY 1, 2, 3, 4, 5

-- name: spans_between
(SELECT * FROM otel_spans_fact WHERE start_time_unix_nano >= $1 AND start_time_unix_nano < $2) AS s

-- name: spans_of_minutes
(SELECT f.* FROM unnest($1::bigint[]) AS k(minute)
 JOIN otel_spans_fact AS f
   ON f.start_time_unix_nano >= k.minute AND f.start_time_unix_nano < k.minute + 60000000000) AS s

-- name: insert_red
INSERT INTO otel_span_red_rollups
    (minute_unix_nano, service_name, name, kind_id, status_code_id, n, duration_sum,
     duration_min, duration_max, buckets, counts)

-- name: mark_late_spans
-- The minutes a batch wrote spans to ($1; distinct, sorted) below `accepted`: pending until
-- the job computes them again.
INSERT INTO otel_span_rollup_pending AS p (minute_unix_nano)
SELECT m FROM unnest($1::bigint[]) AS m
WHERE m < (SELECT accepted FROM otel_span_rollup_state)
ON CONFLICT (minute_unix_nano) DO UPDATE SET mark = nextval('otel_span_rollup_mark_seq')

-- name: span_rollup_state
SELECT rolled_from, rolled, accepted FROM otel_span_rollup_state

-- name: first_span
SELECT min(start_time_unix_nano) FROM otel_spans_fact

-- name: forget_span_rollups
DELETE FROM otel_span_red_rollups

-- name: start_span_rollups
INSERT INTO otel_span_rollup_state (rolled_from, rolled, accepted) VALUES ($1, $1, $1)
ON CONFLICT DO NOTHING

-- name: accept_spans
UPDATE otel_span_rollup_state SET accepted = greatest(accepted, $1)
RETURNING rolled, accepted

-- name: set_spans_rolled
UPDATE otel_span_rollup_state SET rolled = $1

-- name: drop_red_between
DELETE FROM otel_span_red_rollups WHERE minute_unix_nano >= $1 AND minute_unix_nano < $2

-- name: drop_red_of_minutes
DELETE FROM otel_span_red_rollups WHERE minute_unix_nano = ANY($1::bigint[])

-- name: span_marks
SELECT minute_unix_nano, mark FROM otel_span_rollup_pending
WHERE minute_unix_nano < $1
ORDER BY minute_unix_nano
LIMIT $2

-- name: clear_span_marks
DELETE FROM otel_span_rollup_pending AS p
USING unnest($1::bigint[], $2::bigint[]) AS k(minute, mark)
WHERE p.minute_unix_nano = k.minute AND p.mark = k.mark

-- name: red_state
-- What spanStats needs to read the rollups of [$1, $2): the rolled minutes and the
-- pending ones among them.
SELECT st.rolled_from, st.rolled,
       ARRAY(SELECT p.minute_unix_nano FROM otel_span_rollup_pending AS p
             WHERE p.minute_unix_nano >= $1 AND p.minute_unix_nano < $2
             ORDER BY 1) AS pending
FROM otel_span_rollup_state AS st

-- name: key_rows
SELECT x.minute_unix_nano, x.key, x.value_type, sum(x.n)::bigint AS n
FROM (SELECT a.@time@ / 60000000000 * 60000000000 AS minute_unix_nano, a.key_id, NULL AS key,
             'string' AS value_type, count(*) AS n
      FROM @prefix@_string AS a WHERE a.@time@ >= $1 AND a.@time@ < $2 GROUP BY 1, 2
      UNION ALL
      SELECT a.@time@ / 60000000000 * 60000000000, a.key_id, NULL, 'int', count(*)
      FROM @prefix@_int AS a WHERE a.@time@ >= $1 AND a.@time@ < $2 GROUP BY 1, 2
      UNION ALL
      SELECT a.@time@ / 60000000000 * 60000000000, a.key_id, NULL, 'double', count(*)
      FROM @prefix@_double AS a WHERE a.@time@ >= $1 AND a.@time@ < $2 GROUP BY 1, 2
      UNION ALL
      SELECT a.@time@ / 60000000000 * 60000000000, a.key_id, NULL, 'bool', count(*)
      FROM @prefix@_bool AS a WHERE a.@time@ >= $1 AND a.@time@ < $2 GROUP BY 1, 2
      UNION ALL
      SELECT a.@time@ / 60000000000 * 60000000000, a.key_id, NULL, 'bytes', count(*)
      FROM @prefix@_bytes AS a WHERE a.@time@ >= $1 AND a.@time@ < $2 GROUP BY 1, 2
      UNION ALL
      SELECT a.@time@ / 60000000000 * 60000000000, NULL, j.key,
             CASE WHEN j.value ? 'stringValue' THEN 'string' WHEN j.value ? 'intValue' THEN 'int'
                  WHEN j.value ? 'doubleValue' THEN 'double' WHEN j.value ? 'boolValue' THEN 'bool'
                  WHEN j.value ? 'bytesValue' THEN 'bytes' WHEN j.value ? 'arrayValue' THEN 'array'
                  WHEN j.value ? 'kvlistValue' THEN 'kvlist' ELSE 'empty' END, count(*)
      FROM @prefix@_other AS a, jsonb_each(a.attributes) AS j
      WHERE a.@time@ >= $1 AND a.@time@ < $2 GROUP BY 1, 3, 4) AS y
      LEFT JOIN attribute_keys AS k ON k.key_id = y.key_id
      CROSS JOIN LATERAL (SELECT y.minute_unix_nano, coalesce(y.key, k.key) AS key,
                                 y.value_type, y.n) AS x
GROUP BY 1, 2, 3

-- name: insert_keys
INSERT INTO otel_attribute_key_rollups (minute_unix_nano, owner, key, value_type, n)
SELECT r.minute_unix_nano, $3, r.key, r.value_type, r.n FROM (@rows@) AS r

-- name: drop_keys_between
DELETE FROM otel_attribute_key_rollups WHERE minute_unix_nano >= $1 AND minute_unix_nano < $2
