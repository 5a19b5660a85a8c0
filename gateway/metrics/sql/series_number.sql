-- Step series of gauges and sums. Their units are rollups (per minute or per fine granule)
-- and points (a point is a unit of one); two ways to read the units into `per_series` (one
-- row per series and step), and one way to merge them.

-- name: of_metric
-- The points p of the metric's descriptors; of one descriptor: an equality, so that the
-- series index returns the points presorted.
p.metric_id = :id                                  -- when id
p.metric_id = ANY(:ids)                            -- when ids

-- name: number_steps
-- AVG, MIN, MAX, COUNT, SUM and LAST need no point order: the units (number_point_units, number_rolled_units) hashed per
-- (descriptor, series, step) in one pass, then merged per series and step, and the step's
-- last value read back by its time when the aggregation wants it. The step comes from
-- joining the steps (number_step_of): grouping on it, the planner estimates series x steps
-- groups rather than one per point, so it hashes in parallel workers instead of sorting
-- every point. Sums, minima and maxima not asked for are NULL (the total, low and high slots).
SELECT s.*, @last@ AS last, NULL::float8 AS increase
FROM (SELECT b.resource_id, nullif(b.scope_key, -1) AS scope_id, b.attributes_hash, b.bucket,
             sum(b.n) AS n, sum(b.total) AS total, min(b.low) AS low, max(b.high) AS high,
             max(b.pt) AS pt, bool_or(m.aggregation_temporality_id = 1) AS delta
      FROM (SELECT p.metric_id, p.resource_id, coalesce(p.scope_id, -1) AS scope_key,
                   p.attributes_hash, step.bucket, sum(p.n) AS n, @total@ AS total,
                   @low@ AS low, @high@ AS high, max(p.time_unix_nano) AS pt
            FROM (@units@) AS p
            JOIN @step_of@
            GROUP BY 1, 2, 3, 4, 5) AS b
      JOIN otel_metrics_dim AS m ON m.metric_id = b.metric_id
      GROUP BY 1, 2, 3, 4) AS s

-- name: number_point_units
-- The units of the step series when no rollup applies: every point of the range, a unit
-- of one (number_point_unit).
SELECT @point_unit@ FROM otel_metrics_data_points_number AS p
WHERE @of_metric@ AND p.time_unix_nano BETWEEN :lo AND :hi AND @where@

-- name: number_rolled_units
-- The units of the step series over the rollups (ollygraph/sql/rollups.sql; @rollups@ per
-- minute or per fine granule, starting at @start@): the rollups of the whole granules in
-- [:a, :b) whose minute no late point has marked, and the points of the range outside them
-- and of the marked minutes' parts within them as units of one. A rollup shows the columns
-- the point conditions read: point_pk and time_unix_nano of its last point (the points of
-- a series share their attributes), resource and scope.
SELECT p.metric_id, p.resource_id, p.scope_id, p.attributes_hash, p.point_pk, p.time_unix_nano,
       p.n, p.total, p.low, p.high, p.first_value, p.first_start_time_unix_nano,
       p.last_value, p.last_start_time_unix_nano, p.increase
FROM @rollups@ AS p
WHERE @of_metric@ AND p.@start@ >= :a AND p.@start@ < :b AND @where@
  AND NOT EXISTS (SELECT FROM otel_metrics_rollup_pending AS k
                  WHERE k.metric_id = p.metric_id
                    AND k.minute_unix_nano = p.@start@ / 60000000000 * 60000000000)
UNION ALL
SELECT @point_unit@ FROM otel_metrics_data_points_number AS p
WHERE @of_metric@ AND p.time_unix_nano >= :lo AND p.time_unix_nano < :a AND @where@
UNION ALL
SELECT @point_unit@ FROM otel_metrics_data_points_number AS p
WHERE @of_metric@ AND p.time_unix_nano >= :b AND p.time_unix_nano <= :hi AND @where@
UNION ALL
SELECT @point_unit@ FROM otel_metrics_rollup_pending AS k
JOIN otel_metrics_data_points_number AS p
  ON p.metric_id = k.metric_id AND p.time_unix_nano >= greatest(k.minute_unix_nano, :a)
 AND p.time_unix_nano < least(k.minute_unix_nano + 60000000000, :b)
WHERE k.metric_id = ANY(:ids) AND k.minute_unix_nano > :a - 60000000000
  AND k.minute_unix_nano < :b AND @of_metric@ AND @where@

-- name: number_point_unit
-- A point p as a unit of one.
p.metric_id, p.resource_id, p.scope_id, p.attributes_hash, p.point_pk, p.time_unix_nano,
1::bigint AS n, coalesce(p.value_double, p.value_int::float8) AS total,
coalesce(p.value_double, p.value_int::float8) AS low,
coalesce(p.value_double, p.value_int::float8) AS high,
coalesce(p.value_double, p.value_int::float8) AS first_value,
p.start_time_unix_nano AS first_start_time_unix_nano,
coalesce(p.value_double, p.value_int::float8) AS last_value,
p.start_time_unix_nano AS last_start_time_unix_nano, 0::float8 AS increase

-- name: number_step_of
-- The step of a point p, as a join with the range's steps.
generate_series(:lo::bigint / :width::bigint * :width, :hi::bigint / :width * :width,
                :width) AS step(bucket)
    ON step.bucket = p.time_unix_nano / :width * :width

-- name: number_last
(SELECT coalesce(p.value_double, p.value_int::float8)
 FROM otel_metrics_data_points_number AS p
 WHERE p.time_unix_nano = s.pt AND @of_metric@ AND p.resource_id = s.resource_id
   AND p.attributes_hash = s.attributes_hash AND p.scope_id IS NOT DISTINCT FROM s.scope_id
 LIMIT 1)

-- name: number_increases
-- RATE and INCREASE: what each unit adds needs the series' previous unit, a window over
-- each series in time order: the increase within the unit, plus what its first point adds
-- to the previous unit's last (point_delta of ollygraph/sql/rollups.sql). The
-- temporality and monotonicity are read once when the descriptors agree (else per unit).
-- Each series' first point in range is then compared with the series' last point before
-- the range (number_look_back).
WITH kinds AS (
    SELECT count(DISTINCT (aggregation_temporality_id, is_monotonic)) = 1 AS uniform,
           min(aggregation_temporality_id) AS temporality, bool_or(is_monotonic) AS monotonic
    FROM otel_metrics_dim WHERE metric_id = ANY(:ids)
), pts AS (
    SELECT p.resource_id, coalesce(p.scope_id, -1) AS scope_key, p.attributes_hash,
           p.time_unix_nano AS t, p.n, p.increase AS within,
           p.first_start_time_unix_nano AS st, p.first_value AS v,
           p.last_start_time_unix_nano AS lst, p.last_value AS lv,
           CASE WHEN (SELECT uniform FROM kinds) THEN (SELECT temporality FROM kinds)
                ELSE (SELECT m.aggregation_temporality_id FROM otel_metrics_dim AS m
                      WHERE m.metric_id = p.metric_id) END AS temporality,
           CASE WHEN (SELECT uniform FROM kinds) THEN (SELECT monotonic FROM kinds)
                ELSE (SELECT m.is_monotonic FROM otel_metrics_dim AS m
                      WHERE m.metric_id = p.metric_id) END AS monotonic
    FROM (@units@) AS p
), sums AS MATERIALIZED (
    SELECT x.resource_id, x.scope_key, x.attributes_hash, x.bucket, sum(x.n) AS n,
           sum(x.d + x.within) AS increase, max(x.t) AS pt
    FROM (SELECT x.resource_id, x.scope_key, x.attributes_hash, x.t / :width * :width AS bucket,
                 x.t, x.n, x.within, @delta@ AS d
          FROM (SELECT pts.*, lag(pts.lv) OVER w AS pv, lag(pts.lst) OVER w AS pst FROM pts
                WINDOW w AS (PARTITION BY pts.resource_id, pts.scope_key, pts.attributes_hash
                             ORDER BY pts.t)) AS x
          OFFSET 0) AS x
    GROUP BY 1, 2, 3, 4
), firsts AS (
    SELECT f.*, @look_back@ AS fix
    FROM (SELECT resource_id, scope_key, attributes_hash, min(bucket) AS bucket
          FROM sums GROUP BY 1, 2, 3) AS f
)
SELECT s.resource_id, nullif(s.scope_key, -1) AS scope_id, s.attributes_hash, s.bucket, s.n,
       NULL::float8 AS total, NULL::float8 AS low, NULL::float8 AS high, s.pt,
       NULL::boolean AS delta, NULL::float8 AS last, s.increase + coalesce(f.fix, 0) AS increase
FROM sums AS s
LEFT JOIN firsts AS f USING (resource_id, scope_key, attributes_hash, bucket)

-- name: number_look_back
-- What a series' first point in range (a) adds once compared with the series' last point
-- in the :look_back before the range (b), minus what it added without it.
(SELECT (@delta@) - (@delta_alone@)
 FROM (SELECT a.v, b.v AS pv, a.st, b.st AS pst, m.aggregation_temporality_id AS temporality,
              m.is_monotonic AS monotonic
       FROM (SELECT p.metric_id, p.start_time_unix_nano AS st,
                    coalesce(p.value_double, p.value_int::float8) AS v
             FROM otel_metrics_data_points_number AS p
             WHERE @of_metric@ AND p.resource_id = f.resource_id
               AND coalesce(p.scope_id, -1) = f.scope_key
               AND p.attributes_hash = f.attributes_hash AND p.time_unix_nano >= :lo
             ORDER BY p.time_unix_nano
             LIMIT 1) AS a
       JOIN otel_metrics_dim AS m ON m.metric_id = a.metric_id
       CROSS JOIN (SELECT coalesce(p.value_double, p.value_int::float8) AS v,
                          p.start_time_unix_nano AS st
                   FROM otel_metrics_data_points_number AS p
                   WHERE @of_metric@ AND p.resource_id = f.resource_id
                     AND coalesce(p.scope_id, -1) = f.scope_key
                     AND p.attributes_hash = f.attributes_hash
                     AND p.time_unix_nano < :lo AND p.time_unix_nano >= :lo - :look_back
                   ORDER BY p.time_unix_nano DESC
                   LIMIT 1) AS b) AS x)

-- name: number_alone
-- What a point adds without a previous one: a delta point its value, a cumulative point
-- its value when its run began in range.
CASE WHEN x.temporality = 1 THEN x.v
     WHEN x.temporality = 2 AND x.st > 0 AND x.st >= :lo THEN x.v ELSE 0 END

-- name: series_number
WITH per_series AS MATERIALIZED (@per_series@),
series AS MATERIALIZED (@series@), labeled AS MATERIALIZED (@labeled@)
SELECT l.gkey, l.labels, l.res_id, s.bucket, sum(s.n)::float8 AS n, sum(s.total) AS total,
       min(s.low) AS low, max(s.high) AS high, sum(s.last) AS last,
       sum(s.increase) AS increase, bool_or(s.delta) AS delta
FROM per_series AS s
JOIN labeled AS l ON l.resource_id = s.resource_id AND l.scope_key = coalesce(s.scope_id, -1)
                 AND l.attributes_hash = s.attributes_hash
GROUP BY l.gkey, l.labels, l.res_id, s.bucket
ORDER BY l.gkey, s.bucket

-- name: step_column
-- A statistic of number_steps' units p, or NULL when the aggregation does not read it.
sum(p.total)                                       -- when total
min(p.low)                                         -- when low
max(p.high)                                        -- when high
NULL::float8                                       -- when none
