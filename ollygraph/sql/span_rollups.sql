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
-- (the job's, and spanStats' in gateway/stats/sql/red.sql), so they carry no comments and
-- ollygraph/sql/key_registry.sql.

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
-- Where the rollups start: the oldest span, log or metric point (the attribute key
-- registry counts them all).
SELECT least((SELECT min(start_time_unix_nano) FROM otel_spans_fact),
             (SELECT min(ts_unix_nano) FROM otel_logs_fact),
             (SELECT min(time_unix_nano) FROM otel_metrics_data_points_number),
             (SELECT min(time_unix_nano) FROM otel_metrics_data_points_histogram),
             (SELECT min(time_unix_nano) FROM otel_metrics_data_points_exp_histogram),
             (SELECT min(time_unix_nano) FROM otel_metrics_data_points_summary))

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
-- What spanStats and serviceGraph need to read the rollups of [$1, $2): the rolled
-- minutes, where the hourly rollups start, and the pending minutes among them.
SELECT st.rolled_from, st.rolled, coalesce(st.hours_rolled_from, st.rolled_from) AS hours_from,
       ARRAY(SELECT p.minute_unix_nano FROM otel_span_rollup_pending AS p
             WHERE p.minute_unix_nano >= $1 AND p.minute_unix_nano < $2
             ORDER BY 1) AS pending
FROM otel_span_rollup_state AS st

-- name: roll_hours
-- The hourly rollups @hours@ of the hours $1 (their starts) from the minute rollups
-- @minutes@ (ollygraph/span_rollups.py HOURLY: key columns @keys@, count columns of the
-- merged rows @counts@): per hour and key the sums and the merged duration histogram. A
-- minute row's own sums count with its first bucket (i = 1).
INSERT INTO @hours@ (hour_unix_nano, @keys@, @counts@, duration_sum, duration_min,
                     duration_max, buckets, counts)
SELECT x.hour, @keys@, @count_sums@, sum(x.total), min(x.low), max(x.high),
       array_agg(x.b ORDER BY x.b), array_agg(x.c ORDER BY x.b)
FROM (SELECT k.hour, @keys@, u.b, sum(u.c)::bigint AS c, @count_firsts@,
             sum(r.duration_sum) FILTER (WHERE u.i = 1) AS total,
             min(r.duration_min) FILTER (WHERE u.i = 1) AS low,
             max(r.duration_max) FILTER (WHERE u.i = 1) AS high
      FROM unnest($1::bigint[]) AS k(hour)
      JOIN @minutes@ AS r
        ON r.minute_unix_nano >= k.hour AND r.minute_unix_nano < k.hour + 3600000000000
      CROSS JOIN LATERAL unnest(r.buckets, r.counts) WITH ORDINALITY AS u(b, c, i)
      GROUP BY k.hour, @keys@, u.b) AS x
GROUP BY x.hour, @keys@

-- name: drop_hours
DELETE FROM @hours@ WHERE hour_unix_nano = ANY($1::bigint[])

-- name: forget_hours
DELETE FROM @hours@
