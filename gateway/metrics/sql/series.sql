-- Step-aggregated series. Every query reads the points of the metric's descriptors
-- (:ids) in [:lo, :hi] matching @where@, puts each in the step bucket
-- `time_unix_nano / :width * :width`, works per series (resource, scope, attribute set)
-- and then merges the series of a group (@labeled@ decides the groups).

-- name: series_representatives
-- One point per series (its newest in range), to read the series' attributes from.
SELECT s.resource_id, s.scope_id, s.attributes_hash, s.pt,
       (SELECT p.point_pk FROM @table@ AS p
        WHERE p.metric_id = ANY(:ids) AND p.time_unix_nano = s.pt
          AND p.resource_id = s.resource_id AND p.attributes_hash = s.attributes_hash
          AND p.scope_id IS NOT DISTINCT FROM s.scope_id
        LIMIT 1) AS pk
FROM (SELECT resource_id, scope_id, attributes_hash, max(pt) AS pt
      FROM @source@ GROUP BY 1, 2, 3) AS s

-- name: labeled_series
-- OFFSET 0 keeps each attributes function to one call per series.
SELECT x.*, @gkey@ AS gkey
FROM (SELECT s.resource_id, coalesce(s.scope_id, -1) AS scope_key, s.scope_id, s.attributes_hash,
             @labels@ AS labels, @res@ AS res_id
      FROM (SELECT s.*, otel_@kind@_attributes_all(s.pk, s.pt) AS attrs,
                   otel_resource_attributes_all(s.resource_id) AS rattrs
            FROM series AS s OFFSET 0) AS s
      OFFSET 0) AS x

-- name: labels_all
s.attrs

-- name: gkey_series
jsonb_build_array(x.resource_id, x.scope_id, encode(x.attributes_hash, 'hex'))

-- name: gkey_labels
x.labels

-- name: res_series
s.resource_id

-- name: labels_grouped
-- groupBy keys from the point attributes, else from the resource's.
(SELECT coalesce(jsonb_object_agg(g.key, coalesce(s.attrs -> g.key, s.rattrs -> g.key))
                 FILTER (WHERE s.attrs ? g.key OR s.rattrs ? g.key), '{}'::jsonb)
 FROM unnest(:group_by::text[]) AS g(key))

-- name: res_grouped
NULL::bigint

-- name: number_delta
-- What a point adds: delta points their value; cumulative points the difference to the
-- previous point of the series, or their whole value when a run starts (first point of a
-- run that began in range, a new start time, a monotonic counter going down = reset);
-- gauges the plain difference.
CASE WHEN x.temporality = 1 THEN x.v
     WHEN x.pv IS NULL THEN
         CASE WHEN x.temporality = 2 AND x.st > 0 AND x.st >= :lo THEN x.v ELSE 0 END
     WHEN x.temporality = 2 AND x.st <> x.pst THEN x.v
     WHEN x.temporality = 2 AND x.monotonic AND x.v < x.pv THEN x.v
     ELSE x.v - x.pv END

-- name: number_lags
lag(pts.v) OVER w AS pv, lag(pts.st) OVER w AS pst

-- name: number_no_lags
NULL::float8 AS pv, NULL::bigint AS pst

-- name: number_last
(array_agg(v ORDER BY t DESC))[1]

-- name: series_number
WITH pts AS (
    SELECT p.resource_id, p.scope_id, p.attributes_hash, p.time_unix_nano AS t,
           p.start_time_unix_nano AS st, coalesce(p.value_double, p.value_int::float8) AS v,
           m.aggregation_temporality_id AS temporality, coalesce(m.is_monotonic, false) AS monotonic
    FROM @table@ AS p JOIN otel_metrics_dim AS m ON m.metric_id = p.metric_id
    WHERE p.metric_id = ANY(:ids) AND p.time_unix_nano BETWEEN :lo AND :hi AND @where@
), steps AS (
    SELECT x.resource_id, x.scope_id, x.attributes_hash, x.t / :width * :width AS bucket,
           x.t, x.v, x.temporality, @delta@ AS d
    FROM (SELECT pts.*, @lags@ FROM pts
          WINDOW w AS (PARTITION BY pts.resource_id, pts.scope_id, pts.attributes_hash
                       ORDER BY pts.t)) AS x
), per_series AS (
    SELECT resource_id, scope_id, attributes_hash, bucket, count(*) AS n, sum(v) AS total,
           min(v) AS low, max(v) AS high, @last@ AS last, sum(d) AS increase, max(t) AS pt,
           bool_or(temporality = 1) AS delta
    FROM steps GROUP BY 1, 2, 3, 4
), series AS MATERIALIZED (@series@), labeled AS MATERIALIZED (@labeled@)
SELECT l.gkey, l.labels, l.res_id, s.bucket, sum(s.n)::float8 AS n, sum(s.total) AS total,
       min(s.low) AS low, max(s.high) AS high, sum(s.last) AS last,
       sum(s.increase) AS increase, bool_or(s.delta) AS delta
FROM per_series AS s
JOIN labeled AS l ON l.resource_id = s.resource_id AND l.scope_key = coalesce(s.scope_id, -1)
                 AND l.attributes_hash = s.attributes_hash
GROUP BY l.gkey, l.labels, l.res_id, s.bucket
ORDER BY l.gkey, s.bucket

-- name: histogram_how
-- 'all': the point is itself the increment (delta temporality, or a cumulative run that
-- starts here); 'diff': subtract the series' previous point; 'skip': a cumulative point
-- whose run began before the range and has no earlier point in it.
CASE WHEN x.temporality IS DISTINCT FROM 2 THEN 'all'
     WHEN x.pcount IS NULL THEN CASE WHEN x.st > 0 AND x.st >= :lo THEN 'all' ELSE 'skip' END
     WHEN x.st <> x.pst OR x.count < x.pcount @reset@ THEN 'all'
     ELSE 'diff' END

-- name: histogram_reset
OR x.bounds <> x.pbounds

-- name: series_histogram
WITH pts AS (
    SELECT p.resource_id, p.scope_id, p.attributes_hash, p.time_unix_nano AS t,
           p.start_time_unix_nano AS st, p.count, p.sum, p.min, p.max,
           p.explicit_bounds AS bounds, p.bucket_counts AS counts,
           m.aggregation_temporality_id AS temporality,
           lag(p.count) OVER w AS pcount, lag(p.sum) OVER w AS psum,
           lag(p.start_time_unix_nano) OVER w AS pst, lag(p.explicit_bounds) OVER w AS pbounds,
           lag(p.bucket_counts) OVER w AS pcounts
    FROM @table@ AS p JOIN otel_metrics_dim AS m ON m.metric_id = p.metric_id
    WHERE p.metric_id = ANY(:ids) AND p.time_unix_nano BETWEEN :lo AND :hi AND @where@
    WINDOW w AS (PARTITION BY p.resource_id, p.scope_id, p.attributes_hash
                 ORDER BY p.time_unix_nano)
), marked AS (
    SELECT x.*, x.t / :width * :width AS bucket, @how@ AS how FROM pts AS x
), steps AS (
    SELECT resource_id, scope_id, attributes_hash, bucket, t, bounds, min, max,
           count - CASE WHEN how = 'diff' THEN pcount ELSE 0 END AS dcount,
           sum - CASE WHEN how = 'diff' THEN psum ELSE 0 END AS dsum,
           ARRAY(SELECT u.c - CASE WHEN how = 'diff' THEN coalesce(pcounts[u.i], 0) ELSE 0 END
                 FROM unnest(counts) WITH ORDINALITY AS u(c, i) ORDER BY u.i) AS dcounts
    FROM marked WHERE how <> 'skip'
), series AS MATERIALIZED (@series@), labeled AS MATERIALIZED (@labeled@),
grouped AS (
    SELECT l.gkey, l.labels, l.res_id, s.* FROM steps AS s
    JOIN labeled AS l ON l.resource_id = s.resource_id AND l.scope_key = coalesce(s.scope_id, -1)
                     AND l.attributes_hash = s.attributes_hash
), merged AS (
    SELECT gkey, bucket, bounds, array_agg(n ORDER BY i) AS counts
    FROM (SELECT g.gkey, g.bucket, g.bounds, u.i, sum(u.c) AS n
          FROM grouped AS g CROSS JOIN LATERAL unnest(g.dcounts) WITH ORDINALITY AS u(c, i)
          GROUP BY 1, 2, 3, 4) AS x
    GROUP BY 1, 2, 3
)
SELECT g.gkey, g.labels, g.res_id, g.bucket, sum(g.dcount)::float8 AS count, sum(g.dsum) AS sum,
       min(g.min) AS low, max(g.max) AS high,
       (SELECT jsonb_agg(jsonb_build_object('bounds', m.bounds, 'counts', m.counts))
        FROM merged AS m WHERE m.gkey = g.gkey AND m.bucket = g.bucket) AS merged
FROM grouped AS g
GROUP BY g.gkey, g.labels, g.res_id, g.bucket
ORDER BY g.gkey, g.bucket

-- name: series_exp_histogram
WITH pts AS (
    SELECT p.resource_id, p.scope_id, p.attributes_hash, p.time_unix_nano AS t,
           p.start_time_unix_nano AS st, p.count, p.sum, p.min, p.max, p.scale, p.zero_count,
           p.zero_threshold, p.positive_offset, p.positive_bucket_counts AS pos,
           p.negative_offset, p.negative_bucket_counts AS neg,
           m.aggregation_temporality_id AS temporality,
           lag(p.count) OVER w AS pcount, lag(p.sum) OVER w AS psum,
           lag(p.start_time_unix_nano) OVER w AS pst, lag(p.zero_count) OVER w AS pzero,
           lag(p.scale) OVER w AS pscale, lag(p.positive_offset) OVER w AS ppos_offset,
           lag(p.positive_bucket_counts) OVER w AS ppos,
           lag(p.negative_offset) OVER w AS pneg_offset,
           lag(p.negative_bucket_counts) OVER w AS pneg
    FROM @table@ AS p JOIN otel_metrics_dim AS m ON m.metric_id = p.metric_id
    WHERE p.metric_id = ANY(:ids) AND p.time_unix_nano BETWEEN :lo AND :hi AND @where@
    WINDOW w AS (PARTITION BY p.resource_id, p.scope_id, p.attributes_hash
                 ORDER BY p.time_unix_nano)
), marked AS (
    SELECT x.*, x.t / :width * :width AS bucket, @how@ AS how FROM pts AS x
), steps AS (
    SELECT x.*, count - CASE WHEN how = 'diff' THEN pcount ELSE 0 END AS dcount,
           sum - CASE WHEN how = 'diff' THEN psum ELSE 0 END AS dsum,
           zero_count - CASE WHEN how = 'diff' THEN pzero ELSE 0 END AS dzero,
           CASE WHEN how = 'diff' THEN least(scale, pscale) ELSE scale END AS ms
    FROM marked AS x WHERE how <> 'skip'
), series AS MATERIALIZED (@series@), labeled AS MATERIALIZED (@labeled@),
grouped AS (
    SELECT l.gkey, l.labels, l.res_id, s.* FROM steps AS s
    JOIN labeled AS l ON l.resource_id = s.resource_id AND l.scope_key = coalesce(s.scope_id, -1)
                     AND l.attributes_hash = s.attributes_hash
), cells AS (
    -- each point's buckets at its common scale `ms` with its previous point ('diff')
    SELECT g.gkey, g.bucket, g.ms, c.sign, c.idx, c.n
    FROM grouped AS g CROSS JOIN LATERAL (
        SELECT 1 AS sign, (g.positive_offset + u.i - 1) >> (g.scale - g.ms) AS idx, u.c AS n
        FROM unnest(g.pos) WITH ORDINALITY AS u(c, i)
        UNION ALL
        SELECT -1, (g.negative_offset + u.i - 1) >> (g.scale - g.ms), u.c
        FROM unnest(g.neg) WITH ORDINALITY AS u(c, i)
        UNION ALL
        SELECT 1, (g.ppos_offset + u.i - 1) >> (g.pscale - g.ms), -u.c
        FROM unnest(g.ppos) WITH ORDINALITY AS u(c, i) WHERE g.how = 'diff'
        UNION ALL
        SELECT -1, (g.pneg_offset + u.i - 1) >> (g.pscale - g.ms), -u.c
        FROM unnest(g.pneg) WITH ORDINALITY AS u(c, i) WHERE g.how = 'diff') AS c
), scales AS (
    SELECT gkey, bucket, min(ms) AS scale FROM grouped GROUP BY 1, 2
), merged AS (
    -- downscaled to the smallest scale of the group's step
    SELECT c.gkey, c.bucket, c.sign, c.idx >> (c.ms - s.scale) AS idx, sum(c.n) AS n
    FROM cells AS c JOIN scales AS s ON s.gkey = c.gkey AND s.bucket = c.bucket
    GROUP BY 1, 2, 3, 4
)
SELECT g.gkey, g.labels, g.res_id, g.bucket, sum(g.dcount)::float8 AS count, sum(g.dsum) AS sum,
       min(g.min) AS low, max(g.max) AS high, sum(g.dzero)::float8 AS zero_count,
       max(g.zero_threshold) AS zero_threshold, min(g.ms) AS scale,
       (SELECT jsonb_agg(jsonb_build_array(m.sign, m.idx, m.n))
        FROM merged AS m WHERE m.gkey = g.gkey AND m.bucket = g.bucket AND m.n <> 0) AS cells
FROM grouped AS g
GROUP BY g.gkey, g.labels, g.res_id, g.bucket
ORDER BY g.gkey, g.bucket

-- name: series_summary
-- Summaries cannot be merged: each group's step shows its newest point.
WITH steps AS (
    SELECT p.resource_id, p.scope_id, p.attributes_hash, p.time_unix_nano AS t,
           p.time_unix_nano / :width * :width AS bucket, p.count, p.sum, p.quantiles,
           p.quantile_values
    FROM @table@ AS p
    WHERE p.metric_id = ANY(:ids) AND p.time_unix_nano BETWEEN :lo AND :hi AND @where@
), series AS MATERIALIZED (@series@), labeled AS MATERIALIZED (@labeled@)
SELECT DISTINCT ON (l.gkey, s.bucket) l.gkey, l.labels, l.res_id, s.bucket, s.count, s.sum,
       s.quantiles, s.quantile_values
FROM steps AS s
JOIN labeled AS l ON l.resource_id = s.resource_id AND l.scope_key = coalesce(s.scope_id, -1)
                 AND l.attributes_hash = s.attributes_hash
ORDER BY l.gkey, s.bucket, s.t DESC
