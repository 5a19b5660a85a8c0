-- Per-minute rollups of the number points (the `rollups` block of migrations/sql/
-- 0001_store.sql defines the tables). The rollup job (ollygraph.rollups) and the metric
-- writers meet on an advisory lock of the schema: a writer holds it shared from reading
-- `accepted` to its commit and marks the minutes below it it wrote to; the job takes it
-- alone to raise `accepted`. So every point is either visible to the job's next read or
-- marks its minute pending.

-- name: point_delta
-- What a point x adds to its series' increase given the series' previous point (x.pv,
-- x.pst): delta points their value; cumulative points the difference to the previous
-- point, or their whole value when a run starts (a new start time, a monotonic counter
-- going down = reset); gauges the plain difference. Without a previous point: `alone`.
CASE WHEN x.pv IS NULL OR x.temporality = 1 THEN @alone@
     WHEN x.temporality = 2 AND x.st <> x.pst THEN x.v
     WHEN x.temporality = 2 AND x.monotonic AND x.v < x.pv THEN x.v
     ELSE x.v - x.pv END

-- name: lock_shared
SELECT pg_advisory_xact_lock_shared(1869377, hashtext(current_schema()))

-- name: lock_alone
SELECT pg_advisory_xact_lock(1869377, hashtext(current_schema()))

-- name: try_job_lock
-- One job per schema at a time, whichever ingest process gets there first.
SELECT pg_try_advisory_lock(1869378, hashtext(current_schema()))

-- name: job_unlock
SELECT pg_advisory_unlock(1869378, hashtext(current_schema()))

-- name: mark_late
-- The (descriptor, minute) pairs a batch wrote to ($1, $2; distinct, sorted) that lie
-- below `accepted`: pending until the job computes them again. A new mark number tells
-- the job that the minute changed after it read it.
INSERT INTO otel_metrics_rollup_pending AS p (metric_id, minute_unix_nano)
SELECT u.metric_id, u.minute FROM unnest($1::bigint[], $2::bigint[]) AS u(metric_id, minute)
WHERE u.minute < (SELECT accepted FROM otel_metrics_rollup_state)
ON CONFLICT (metric_id, minute_unix_nano)
    DO UPDATE SET mark = nextval('otel_metrics_rollup_mark_seq')

-- name: rollup_state
SELECT rolled_from, rolled, accepted FROM otel_metrics_rollup_state

-- name: fine_rollup_state
-- Where the fine rollups begin (revision 0007 started them where a store's minutes stood).
SELECT coalesce(fine_rolled_from, rolled_from) AS rolled_from, rolled, accepted
FROM otel_metrics_rollup_state

-- name: first_number_point
SELECT min(time_unix_nano) FROM otel_metrics_data_points_number

-- name: forget_rollups
-- Before the first run (or after the state was removed): rollups without a state are stale.
DELETE FROM otel_metrics_number_rollups;
DELETE FROM otel_metrics_number_fine_rollups

-- name: start_rollups
-- The first run: rollups begin at the oldest point's minute ($1), and catch up from there.
INSERT INTO otel_metrics_rollup_state (rolled_from, rolled, accepted) VALUES ($1, $1, $1)
ON CONFLICT DO NOTHING

-- name: accept
UPDATE otel_metrics_rollup_state SET accepted = greatest(accepted, $1)
RETURNING rolled, accepted

-- name: set_rolled
UPDATE otel_metrics_rollup_state SET rolled = $1

-- name: roll
-- The rollups of the points of a subquery p (points_between, points_marked): per descriptor,
-- series and granule (@granule@ ns: the minute of @rollups@, or the fine granule), the
-- increase between the granule's own points in time order (point_delta), the first and
-- the last point.
INSERT INTO @rollups@
    (@start@, metric_id, resource_id, scope_id, attributes_hash, n, total, low, high,
     first_time_unix_nano, first_value, first_start_time_unix_nano, point_pk, time_unix_nano,
     last_value, last_start_time_unix_nano, increase)
SELECT x.granule, x.metric_id, x.resource_id, x.scope_id, x.attributes_hash, count(*),
       sum(x.v), min(x.v), max(x.v), min(x.t),
       (array_agg(x.v ORDER BY x.t, x.pk))[1], (array_agg(x.st ORDER BY x.t, x.pk))[1],
       (array_agg(x.pk ORDER BY x.t DESC, x.pk DESC))[1], max(x.t),
       (array_agg(x.v ORDER BY x.t DESC, x.pk DESC))[1],
       (array_agg(x.st ORDER BY x.t DESC, x.pk DESC))[1],
       coalesce(sum(x.d), 0)
FROM (SELECT x.*, CASE WHEN x.pv IS NOT NULL THEN @delta@ END AS d
      FROM (SELECT p.point_pk AS pk, p.metric_id, p.resource_id, p.scope_id, p.attributes_hash,
                   p.time_unix_nano / @granule@ * @granule@ AS granule,
                   p.time_unix_nano AS t, p.start_time_unix_nano AS st,
                   coalesce(p.value_double, p.value_int::float8) AS v,
                   m.aggregation_temporality_id AS temporality, m.is_monotonic AS monotonic,
                   lag(coalesce(p.value_double, p.value_int::float8)) OVER w AS pv,
                   lag(p.start_time_unix_nano) OVER w AS pst
            FROM @points@
            JOIN otel_metrics_dim AS m ON m.metric_id = p.metric_id
            WINDOW w AS (PARTITION BY p.metric_id, p.resource_id, coalesce(p.scope_id, -1),
                                      p.attributes_hash, p.time_unix_nano / @granule@
                         ORDER BY p.time_unix_nano, p.point_pk)) AS x) AS x
GROUP BY x.granule, x.metric_id, x.resource_id, x.scope_id, x.attributes_hash

-- name: points_between
(SELECT * FROM otel_metrics_data_points_number
 WHERE time_unix_nano >= $1 AND time_unix_nano < $2) AS p

-- name: points_marked
(SELECT p.* FROM unnest($1::bigint[], $2::bigint[]) AS k(metric_id, minute)
 JOIN otel_metrics_data_points_number AS p
   ON p.metric_id = k.metric_id AND p.time_unix_nano >= k.minute
  AND p.time_unix_nano < k.minute + 60000000000) AS p

-- name: marks
-- Pending minutes the rollups have passed, oldest first.
SELECT metric_id, minute_unix_nano, mark FROM otel_metrics_rollup_pending
WHERE minute_unix_nano < $1
ORDER BY minute_unix_nano, metric_id
LIMIT $2

-- name: drop_marked_rollups
-- The rollups of @rollups@ (granules starting at @start@) within the marked minutes.
DELETE FROM @rollups@ AS r
USING unnest($1::bigint[], $2::bigint[]) AS k(metric_id, minute)
WHERE r.metric_id = k.metric_id AND r.@start@ >= k.minute
  AND r.@start@ < k.minute + 60000000000

-- name: clear_marks
-- The marks computed again, unless a writer marked them anew meanwhile.
DELETE FROM otel_metrics_rollup_pending AS p
USING unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS k(metric_id, minute, mark)
WHERE p.metric_id = k.metric_id AND p.minute_unix_nano = k.minute AND p.mark = k.mark
