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
-- Each series with its labels: the attributes of its representative point, read set-based
-- (owned_attributes of gateway/sql/attributes.sql over series_owners).
SELECT x.*, jsonb_build_array(x.resource_id, x.scope_id, encode(x.attributes_hash, 'hex')) AS gkey
FROM (SELECT s.resource_id, coalesce(s.scope_id, -1) AS scope_key, s.scope_id, s.attributes_hash,
             s.attrs AS labels, s.resource_id AS res_id
      FROM (SELECT a.*, coalesce(otel_attributes_to_json(a.other_attributes), '{}'::jsonb)
                        || coalesce(a.typed_attributes, '{}'::jsonb) AS attrs, NULL::jsonb AS rattrs
            FROM (@owned@) AS a) AS s
      OFFSET 0) AS x

-- name: labeled_groups
-- Each series with the labels of its group: the groupBy keys from its representative
-- point's attributes (as labeled_series), else from its resource's (one call per resource).
SELECT x.*, x.labels AS gkey
FROM (SELECT s.resource_id, coalesce(s.scope_id, -1) AS scope_key, s.scope_id, s.attributes_hash,
             (SELECT coalesce(jsonb_object_agg(g.key, coalesce(s.attrs -> g.key, s.rattrs -> g.key))
                              FILTER (WHERE s.attrs ? g.key OR s.rattrs ? g.key), '{}'::jsonb)
              FROM unnest(:group_by::text[]) AS g(key)) AS labels, NULL::bigint AS res_id
      FROM (SELECT a.*, coalesce(otel_attributes_to_json(a.other_attributes), '{}'::jsonb)
                        || coalesce(a.typed_attributes, '{}'::jsonb) AS attrs,
                   (SELECT r.attrs FROM (SELECT DISTINCT ON (resource_id) resource_id,
                                                otel_resource_attributes_all(resource_id) AS attrs
                                         FROM series) AS r
                    WHERE r.resource_id = a.resource_id) AS rattrs
            FROM (@owned@) AS a) AS s
      OFFSET 0) AS x

-- name: series_owners
SELECT row_number() OVER () AS r, s.*, s.pk AS point_pk, s.pt AS time_unix_nano FROM series AS s

-- name: series_source
-- The rows series_representatives groups into series, by point kind.
per_series                                                              -- when number
(SELECT *, t AS pt FROM cells) AS src                                   -- when histogram
(SELECT resource_id, scope_id, attributes_hash, t AS pt FROM steps) AS src  -- when other

-- name: histogram_how
-- 'all': the point is itself the increment (delta temporality, or a cumulative run that
-- starts here); 'diff': subtract the series' previous point; 'skip': a cumulative point
-- whose run began before the range and has no earlier point in it nor in the look-back.
CASE WHEN x.temporality IS DISTINCT FROM 2 THEN 'all'
     WHEN x.pcount IS NULL THEN CASE WHEN x.st > 0 AND x.st >= :lo THEN 'all' ELSE 'skip' END
     WHEN x.st <> x.pst OR x.count < x.pcount @reset@ THEN 'all'
     ELSE 'diff' END

-- name: histogram_look_back
-- The series' last point in the :look_back before the range, for its first point in range
-- (x, whose window has no previous point) to be compared with; evaluated for those only.
SELECT q FROM @table@ AS q
WHERE q.metric_id = ANY(:ids) AND q.resource_id = x.resource_id
  AND coalesce(q.scope_id, -1) = coalesce(x.scope_id, -1)
  AND q.attributes_hash = x.attributes_hash
  AND q.time_unix_nano < :lo AND q.time_unix_nano >= :lo - :look_back
ORDER BY q.time_unix_nano DESC
LIMIT 1

-- name: point_temporality
-- The temporality of a point p's descriptor: read once when the descriptors agree (no join
-- per point, which would also lose the series index's order).
CASE WHEN (SELECT count(DISTINCT aggregation_temporality_id) <= 1 FROM otel_metrics_dim
           WHERE metric_id = ANY(:ids))
     THEN (SELECT min(aggregation_temporality_id) FROM otel_metrics_dim
           WHERE metric_id = ANY(:ids))
     ELSE (SELECT m.aggregation_temporality_id FROM otel_metrics_dim AS m
           WHERE m.metric_id = p.metric_id) END

-- name: histogram_reset
OR x.bounds <> x.pbounds

-- name: series_histogram
WITH lagged AS (
    SELECT p.resource_id, p.scope_id, p.attributes_hash, p.time_unix_nano AS t,
           p.start_time_unix_nano AS st, p.count, p.sum, p.min, p.max,
           p.explicit_bounds AS bounds, p.bucket_counts AS counts,
           @temporality@ AS temporality,
           lag(p.count) OVER w AS pcount, lag(p.sum) OVER w AS psum,
           lag(p.start_time_unix_nano) OVER w AS pst, lag(p.explicit_bounds) OVER w AS pbounds,
           lag(p.bucket_counts) OVER w AS pcounts
    FROM @table@ AS p
    WHERE @of_metric@ AND p.time_unix_nano BETWEEN :lo AND :hi AND @where@
    WINDOW w AS (PARTITION BY p.resource_id, coalesce(p.scope_id, -1), p.attributes_hash
                 ORDER BY p.time_unix_nano)
), pts AS (
    SELECT x.resource_id, x.scope_id, x.attributes_hash, x.t, x.st, x.count, x.sum, x.min,
           x.max, x.bounds, x.counts, x.temporality,
           coalesce(x.pcount, (x.q).count) AS pcount, coalesce(x.psum, (x.q).sum) AS psum,
           coalesce(x.pst, (x.q).start_time_unix_nano) AS pst,
           coalesce(x.pbounds, (x.q).explicit_bounds) AS pbounds,
           coalesce(x.pcounts, (x.q).bucket_counts) AS pcounts
    FROM (SELECT x.*, CASE WHEN x.pcount IS NULL THEN (@look_back@) END AS q
          FROM lagged AS x OFFSET 0) AS x
), marked AS (
    SELECT x.*, x.t / :width * :width AS bucket, @how@ AS how FROM pts AS x
), cells AS MATERIALIZED (
    -- per series, step, bound set and bucket: what the points add to the bucket; the
    -- point's count, sum, min and max ride on its first bucket (a point without buckets
    -- has one, i NULL, that adds to none)
    SELECT x.resource_id, x.scope_id, x.attributes_hash, x.bucket, x.bounds,
           CASE WHEN cardinality(x.counts) > 0 THEN u.i END AS i,
           sum(u.c - CASE WHEN x.how = 'diff' THEN coalesce(u.pc, 0) ELSE 0 END) AS n,
           sum(x.count - CASE WHEN x.how = 'diff' THEN x.pcount ELSE 0 END)
               FILTER (WHERE u.i = 1) AS dcount,
           sum(x.sum - CASE WHEN x.how = 'diff' THEN x.psum ELSE 0 END)
               FILTER (WHERE u.i = 1) AS dsum,
           min(x.min) FILTER (WHERE u.i = 1) AS low, max(x.max) FILTER (WHERE u.i = 1) AS high,
           max(x.t) AS t
    FROM marked AS x
    CROSS JOIN LATERAL unnest(CASE WHEN cardinality(x.counts) > 0 THEN x.counts
                                   ELSE '{0}'::bigint[] END,
                              x.pcounts) WITH ORDINALITY AS u(c, pc, i)
    WHERE x.how <> 'skip' AND u.c IS NOT NULL
    GROUP BY 1, 2, 3, 4, 5, 6
), series AS MATERIALIZED (@series@), labeled AS MATERIALIZED (@labeled@),
grouped AS (
    SELECT l.gkey, l.labels, l.res_id, c.* FROM cells AS c
    JOIN labeled AS l ON l.resource_id = c.resource_id AND l.scope_key = coalesce(c.scope_id, -1)
                     AND l.attributes_hash = c.attributes_hash
)
SELECT gkey, labels, res_id, bucket, sum(count)::float8 AS count, sum(sum) AS sum,
       min(low) AS low, max(high) AS high,
       jsonb_agg(jsonb_build_object('bounds', bounds, 'counts', counts)) AS merged
FROM (SELECT gkey, labels, res_id, bucket, bounds,
             coalesce(array_agg(n ORDER BY i) FILTER (WHERE i IS NOT NULL), '{}') AS counts,
             sum(dcount) AS count, sum(dsum) AS sum, min(low) AS low, max(high) AS high
      FROM (SELECT gkey, labels, res_id, bucket, bounds, i, sum(n) AS n, sum(dcount) AS dcount,
                   sum(dsum) AS dsum, min(low) AS low, max(high) AS high
            FROM grouped GROUP BY 1, 2, 3, 4, 5, 6) AS x
      GROUP BY 1, 2, 3, 4, 5) AS y
GROUP BY gkey, labels, res_id, bucket
ORDER BY gkey, bucket

-- name: series_exp_histogram
WITH lagged AS (
    SELECT p.resource_id, p.scope_id, p.attributes_hash, p.time_unix_nano AS t,
           p.start_time_unix_nano AS st, p.count, p.sum, p.min, p.max, p.scale, p.zero_count,
           p.zero_threshold, p.positive_offset, p.positive_bucket_counts AS pos,
           p.negative_offset, p.negative_bucket_counts AS neg,
           @temporality@ AS temporality,
           lag(p.count) OVER w AS pcount, lag(p.sum) OVER w AS psum,
           lag(p.start_time_unix_nano) OVER w AS pst, lag(p.zero_count) OVER w AS pzero,
           lag(p.scale) OVER w AS pscale, lag(p.positive_offset) OVER w AS ppos_offset,
           lag(p.positive_bucket_counts) OVER w AS ppos,
           lag(p.negative_offset) OVER w AS pneg_offset,
           lag(p.negative_bucket_counts) OVER w AS pneg
    FROM @table@ AS p
    WHERE @of_metric@ AND p.time_unix_nano BETWEEN :lo AND :hi AND @where@
    WINDOW w AS (PARTITION BY p.resource_id, coalesce(p.scope_id, -1), p.attributes_hash
                 ORDER BY p.time_unix_nano)
), pts AS (
    SELECT x.resource_id, x.scope_id, x.attributes_hash, x.t, x.st, x.count, x.sum, x.min,
           x.max, x.scale, x.zero_count, x.zero_threshold, x.positive_offset, x.pos,
           x.negative_offset, x.neg, x.temporality,
           coalesce(x.pcount, (x.q).count) AS pcount, coalesce(x.psum, (x.q).sum) AS psum,
           coalesce(x.pst, (x.q).start_time_unix_nano) AS pst,
           coalesce(x.pzero, (x.q).zero_count) AS pzero,
           coalesce(x.pscale, (x.q).scale) AS pscale,
           coalesce(x.ppos_offset, (x.q).positive_offset) AS ppos_offset,
           coalesce(x.ppos, (x.q).positive_bucket_counts) AS ppos,
           coalesce(x.pneg_offset, (x.q).negative_offset) AS pneg_offset,
           coalesce(x.pneg, (x.q).negative_bucket_counts) AS pneg
    FROM (SELECT x.*, CASE WHEN x.pcount IS NULL THEN (@look_back@) END AS q
          FROM lagged AS x OFFSET 0) AS x
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
SELECT g.*, c.cells
FROM (SELECT gkey, labels, res_id, bucket, sum(dcount)::float8 AS count, sum(dsum) AS sum,
             min(min) AS low, max(max) AS high, sum(dzero)::float8 AS zero_count,
             max(zero_threshold) AS zero_threshold, min(ms) AS scale
      FROM grouped GROUP BY gkey, labels, res_id, bucket) AS g
LEFT JOIN (SELECT gkey, bucket, jsonb_agg(jsonb_build_array(sign, idx, n)) AS cells
           FROM merged WHERE n <> 0 GROUP BY 1, 2) AS c
       ON c.gkey = g.gkey AND c.bucket = g.bucket
ORDER BY g.gkey, g.bucket

-- name: series_summary
-- Each series' newest point of the step; a group adds up their counts and sums and keeps
-- every series' quantiles (merged in gateway.metrics.series: they cannot be added up).
WITH steps AS (
    SELECT p.resource_id, p.scope_id, p.attributes_hash, p.time_unix_nano AS t,
           p.time_unix_nano / :width * :width AS bucket, p.count, p.sum, p.quantiles,
           p.quantile_values
    FROM @table@ AS p
    WHERE p.metric_id = ANY(:ids) AND p.time_unix_nano BETWEEN :lo AND :hi AND @where@
), series AS MATERIALIZED (@series@), labeled AS MATERIALIZED (@labeled@),
newest AS (
    SELECT DISTINCT ON (s.resource_id, s.scope_id, s.attributes_hash, s.bucket) s.*
    FROM steps AS s
    ORDER BY s.resource_id, s.scope_id, s.attributes_hash, s.bucket, s.t DESC
)
SELECT l.gkey, l.labels, l.res_id, s.bucket, sum(s.count)::float8 AS count, sum(s.sum) AS sum,
       jsonb_agg(jsonb_build_array(s.quantiles, s.quantile_values)) AS quantile_sets
FROM newest AS s
JOIN labeled AS l ON l.resource_id = s.resource_id AND l.scope_key = coalesce(s.scope_id, -1)
                 AND l.attributes_hash = s.attributes_hash
GROUP BY l.gkey, l.labels, l.res_id, s.bucket
ORDER BY l.gkey, s.bucket
