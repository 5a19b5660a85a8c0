-- metric_series: the 8 SQL statements of this GraphQL query, in text order
-- (tests/gateway/test_sql_snapshots.py; `make snapshot-sql` rewrites it).
--
--   {
--     metric(name: "shop.requests") {
--       name type
--       rate: series(timeRange: {last: "1h"}, step: "30s", aggregation: RATE, service: "shop",
--                    filter: [{key: "route", value: "/items"}]) {
--         labels points { time value }
--       }
--       grouped: series(timeRange: {last: "1h"}, step: "30s", aggregation: SUM,
--                       groupBy: ["route"]) {
--         labels points { time value }
--       }
--     }
--     latency: metric(name: "shop.latency") {
--       series(timeRange: {last: "1h"}, step: "1m", quantile: 0.9) {
--         labels resource points { time value count buckets { lower upper count } }
--       }
--     }
--   }

-- statement 1 of 8
SELECT coalesce(fine_rolled_from, rolled_from) AS rolled_from, rolled, accepted
FROM otel_metrics_rollup_state;

-- statement 2 of 8
SELECT coalesce(fine_rolled_from, rolled_from) AS rolled_from, rolled, accepted
FROM otel_metrics_rollup_state;

-- statement 3 of 8
SELECT m.name, m.metric_id, m.metric_type_id, m.unit, m.description, m.aggregation_temporality_id,
m.is_monotonic, m.metadata, m.last_seen, 0 AS zero, convert_to(m.name, 'UTF8') AS name_key,
(SELECT array_agg(d.metric_id ORDER BY d.metric_id) FROM otel_metrics_dim AS d
 WHERE d.name = m.name AND greatest(d.metric_type_id, 2) = greatest(m.metric_type_id, 2)) AS ids FROM otel_metrics_dim AS m
WHERE m.name = $1
ORDER BY m.metric_id DESC
LIMIT 1;

-- statement 4 of 8
SELECT m.name, m.metric_id, m.metric_type_id, m.unit, m.description, m.aggregation_temporality_id,
m.is_monotonic, m.metadata, m.last_seen, 0 AS zero, convert_to(m.name, 'UTF8') AS name_key,
(SELECT array_agg(d.metric_id ORDER BY d.metric_id) FROM otel_metrics_dim AS d
 WHERE d.name = m.name AND greatest(d.metric_type_id, 2) = greatest(m.metric_type_id, 2)) AS ids FROM otel_metrics_dim AS m
WHERE m.name = $1
ORDER BY m.metric_id DESC
LIMIT 1;

-- statement 5 of 8
WITH lagged AS (
    SELECT p.resource_id, p.scope_id, p.attributes_hash, p.time_unix_nano AS t,
           p.start_time_unix_nano AS st, p.count, p.sum, p.min, p.max,
           p.explicit_bounds AS bounds, p.bucket_counts AS counts,
           CASE WHEN (SELECT count(DISTINCT aggregation_temporality_id) <= 1 FROM otel_metrics_dim
                      WHERE metric_id = ANY($3))
                THEN (SELECT min(aggregation_temporality_id) FROM otel_metrics_dim
                      WHERE metric_id = ANY($3))
                ELSE (SELECT m.aggregation_temporality_id FROM otel_metrics_dim AS m
                      WHERE m.metric_id = p.metric_id) END AS temporality,
           lag(p.count) OVER w AS pcount, lag(p.sum) OVER w AS psum,
           lag(p.start_time_unix_nano) OVER w AS pst, lag(p.explicit_bounds) OVER w AS pbounds,
           lag(p.bucket_counts) OVER w AS pcounts
    FROM otel_metrics_data_points_histogram AS p
    WHERE p.metric_id = $2 AND p.time_unix_nano BETWEEN $8 AND $9 AND true
    WINDOW w AS (PARTITION BY p.resource_id, coalesce(p.scope_id, -1), p.attributes_hash
                 ORDER BY p.time_unix_nano)
), pts AS (
    SELECT x.resource_id, x.scope_id, x.attributes_hash, x.t, x.st, x.count, x.sum, x.min,
           x.max, x.bounds, x.counts, x.temporality,
           coalesce(x.pcount, (x.q).count) AS pcount, coalesce(x.psum, (x.q).sum) AS psum,
           coalesce(x.pst, (x.q).start_time_unix_nano) AS pst,
           coalesce(x.pbounds, (x.q).explicit_bounds) AS pbounds,
           coalesce(x.pcounts, (x.q).bucket_counts) AS pcounts
    FROM (SELECT x.*, CASE WHEN x.pcount IS NULL THEN (SELECT q FROM otel_metrics_data_points_histogram AS q
    WHERE q.metric_id = ANY($5) AND q.resource_id = x.resource_id
      AND coalesce(q.scope_id, -1) = coalesce(x.scope_id, -1)
      AND q.attributes_hash = x.attributes_hash
      AND q.time_unix_nano < $6 AND q.time_unix_nano >= $6 - $7
    ORDER BY q.time_unix_nano DESC
    LIMIT 1) END AS q
          FROM lagged AS x OFFSET 0) AS x
), marked AS (
    SELECT x.*, x.t / $10 * $10 AS bucket, CASE WHEN x.temporality IS DISTINCT FROM 2 THEN 'all'
         WHEN x.pcount IS NULL THEN CASE WHEN x.st > 0 AND x.st >= $4 THEN 'all' ELSE 'skip' END
         WHEN x.st <> x.pst OR x.count < x.pcount OR x.bounds <> x.pbounds THEN 'all'
         ELSE 'diff' END AS how FROM pts AS x
), cells AS MATERIALIZED (
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
), series AS MATERIALIZED (SELECT s.resource_id, s.scope_id, s.attributes_hash, s.pt,
       (SELECT p.point_pk FROM otel_metrics_data_points_histogram AS p
        WHERE p.metric_id = ANY($1) AND p.time_unix_nano = s.pt
          AND p.resource_id = s.resource_id AND p.attributes_hash = s.attributes_hash
          AND p.scope_id IS NOT DISTINCT FROM s.scope_id
        LIMIT 1) AS pk
FROM (SELECT resource_id, scope_id, attributes_hash, max(pt) AS pt
      FROM (SELECT *, t AS pt FROM cells) AS src GROUP BY 1, 2, 3) AS s), labeled AS MATERIALIZED (SELECT x.*, jsonb_build_array(x.resource_id, x.scope_id, encode(x.attributes_hash, 'hex')) AS gkey
FROM (SELECT s.resource_id, coalesce(s.scope_id, -1) AS scope_key, s.scope_id, s.attributes_hash,
             s.attrs AS labels, s.resource_id AS res_id
      FROM (SELECT a.*, coalesce(otel_attributes_to_json(a.other_attributes), '{}'::jsonb)
                        || coalesce(a.typed_attributes, '{}'::jsonb) AS attrs, NULL::jsonb AS rattrs
            FROM (WITH src AS MATERIALIZED (
                SELECT row_number() OVER () AS r, s.*, s.pk AS point_pk, s.pt AS time_unix_nano FROM series AS s
            ), typed AS (
                SELECT src.r, a.key_id, to_jsonb(a.value) AS v, NULL::jsonb AS tag
                FROM src JOIN otel_metric_histogram_attrs_string AS a ON a.point_pk = src.point_pk AND a.time_unix_nano = src.time_unix_nano
                UNION ALL SELECT src.r, a.key_id, to_jsonb(a.value) AS v, NULL::jsonb AS tag
                FROM src JOIN otel_metric_histogram_attrs_int AS a ON a.point_pk = src.point_pk AND a.time_unix_nano = src.time_unix_nano
                UNION ALL SELECT src.r, a.key_id, otel_double_to_json(a.value) AS v, jsonb_build_object('doubleValue', a.value::text) AS tag
                FROM src JOIN otel_metric_histogram_attrs_double AS a ON a.point_pk = src.point_pk AND a.time_unix_nano = src.time_unix_nano
                UNION ALL SELECT src.r, a.key_id, to_jsonb(a.value) AS v, NULL::jsonb AS tag
                FROM src JOIN otel_metric_histogram_attrs_bool AS a ON a.point_pk = src.point_pk AND a.time_unix_nano = src.time_unix_nano
                UNION ALL SELECT src.r, a.key_id, to_jsonb(encode(a.value, 'base64')) AS v, jsonb_build_object('bytesValue', encode(a.value, 'base64')) AS tag
                FROM src JOIN otel_metric_histogram_attrs_bytes AS a ON a.point_pk = src.point_pk AND a.time_unix_nano = src.time_unix_nano
            ), agg AS (
                SELECT t.r, jsonb_object_agg(ak.key, t.v) AS attrs,
                       jsonb_object_agg(ak.key, t.tag) FILTER (WHERE t.tag IS NOT NULL) AS tags
                FROM typed AS t JOIN attribute_keys AS ak USING (key_id) GROUP BY t.r
            )
            SELECT src.*, agg.attrs AS typed_attributes, agg.tags AS typed_tags,
                   a.attributes AS other_attributes
            FROM src
            LEFT JOIN agg ON agg.r = src.r
            LEFT JOIN otel_metric_histogram_attrs_other AS a ON a.point_pk = src.point_pk AND a.time_unix_nano = src.time_unix_nano
            ORDER BY src.r) AS a) AS s
      OFFSET 0) AS x),
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
ORDER BY gkey, bucket;

-- statement 6 of 8
WITH per_series AS MATERIALIZED (SELECT s.*, (SELECT coalesce(p.value_double, p.value_int::float8)
 FROM otel_metrics_data_points_number AS p
 WHERE p.time_unix_nano = s.pt AND p.metric_id = $3 AND p.resource_id = s.resource_id
   AND p.attributes_hash = s.attributes_hash AND p.scope_id IS NOT DISTINCT FROM s.scope_id
 LIMIT 1) AS last, NULL::float8 AS increase
FROM (SELECT b.resource_id, nullif(b.scope_key, -1) AS scope_id, b.attributes_hash, b.bucket,
             sum(b.n) AS n, sum(b.total) AS total, min(b.low) AS low, max(b.high) AS high,
             max(b.pt) AS pt, bool_or(m.aggregation_temporality_id = 1) AS delta
      FROM (SELECT p.metric_id, p.resource_id, coalesce(p.scope_id, -1) AS scope_key,
                   p.attributes_hash, step.bucket, sum(p.n) AS n, sum(p.total) AS total,
                   NULL::float8 AS low, NULL::float8 AS high, max(p.time_unix_nano) AS pt
            FROM (SELECT p.metric_id, p.resource_id, p.scope_id, p.attributes_hash, p.point_pk, p.time_unix_nano,
            1::bigint AS n, coalesce(p.value_double, p.value_int::float8) AS total,
            coalesce(p.value_double, p.value_int::float8) AS low,
            coalesce(p.value_double, p.value_int::float8) AS high,
            coalesce(p.value_double, p.value_int::float8) AS first_value,
            p.start_time_unix_nano AS first_start_time_unix_nano,
            coalesce(p.value_double, p.value_int::float8) AS last_value,
            p.start_time_unix_nano AS last_start_time_unix_nano, 0::float8 AS increase FROM otel_metrics_data_points_number AS p
            WHERE p.metric_id = $3 AND p.time_unix_nano BETWEEN $4 AND $5 AND true) AS p
            JOIN generate_series($6::bigint / $7::bigint * $7, $8::bigint / $7 * $7,
                            $7) AS step(bucket)
                ON step.bucket = p.time_unix_nano / $7 * $7
            GROUP BY 1, 2, 3, 4, 5) AS b
      JOIN otel_metrics_dim AS m ON m.metric_id = b.metric_id
      GROUP BY 1, 2, 3, 4) AS s),
series AS MATERIALIZED (SELECT s.resource_id, s.scope_id, s.attributes_hash, s.pt,
       (SELECT p.point_pk FROM otel_metrics_data_points_number AS p
        WHERE p.metric_id = ANY($2) AND p.time_unix_nano = s.pt
          AND p.resource_id = s.resource_id AND p.attributes_hash = s.attributes_hash
          AND p.scope_id IS NOT DISTINCT FROM s.scope_id
        LIMIT 1) AS pk
FROM (SELECT resource_id, scope_id, attributes_hash, max(pt) AS pt
      FROM per_series GROUP BY 1, 2, 3) AS s), labeled AS MATERIALIZED (SELECT x.*, x.labels AS gkey
FROM (SELECT s.resource_id, coalesce(s.scope_id, -1) AS scope_key, s.scope_id, s.attributes_hash,
             (SELECT coalesce(jsonb_object_agg(g.key, coalesce(s.attrs -> g.key, s.rattrs -> g.key))
                              FILTER (WHERE s.attrs ? g.key OR s.rattrs ? g.key), '{}'::jsonb)
              FROM unnest($1::text[]) AS g(key)) AS labels, NULL::bigint AS res_id
      FROM (SELECT a.*, coalesce(otel_attributes_to_json(a.other_attributes), '{}'::jsonb)
                        || coalesce(a.typed_attributes, '{}'::jsonb) AS attrs,
                   (SELECT r.attrs FROM (SELECT DISTINCT ON (resource_id) resource_id,
                                                otel_resource_attributes_all(resource_id) AS attrs
                                         FROM series) AS r
                    WHERE r.resource_id = a.resource_id) AS rattrs
            FROM (WITH src AS MATERIALIZED (
                SELECT row_number() OVER () AS r, s.*, s.pk AS point_pk, s.pt AS time_unix_nano FROM series AS s
            ), typed AS (
                SELECT src.r, a.key_id, to_jsonb(a.value) AS v, NULL::jsonb AS tag
                FROM src JOIN otel_metric_number_attrs_string AS a ON a.point_pk = src.point_pk AND a.time_unix_nano = src.time_unix_nano
                UNION ALL SELECT src.r, a.key_id, to_jsonb(a.value) AS v, NULL::jsonb AS tag
                FROM src JOIN otel_metric_number_attrs_int AS a ON a.point_pk = src.point_pk AND a.time_unix_nano = src.time_unix_nano
                UNION ALL SELECT src.r, a.key_id, otel_double_to_json(a.value) AS v, jsonb_build_object('doubleValue', a.value::text) AS tag
                FROM src JOIN otel_metric_number_attrs_double AS a ON a.point_pk = src.point_pk AND a.time_unix_nano = src.time_unix_nano
                UNION ALL SELECT src.r, a.key_id, to_jsonb(a.value) AS v, NULL::jsonb AS tag
                FROM src JOIN otel_metric_number_attrs_bool AS a ON a.point_pk = src.point_pk AND a.time_unix_nano = src.time_unix_nano
                UNION ALL SELECT src.r, a.key_id, to_jsonb(encode(a.value, 'base64')) AS v, jsonb_build_object('bytesValue', encode(a.value, 'base64')) AS tag
                FROM src JOIN otel_metric_number_attrs_bytes AS a ON a.point_pk = src.point_pk AND a.time_unix_nano = src.time_unix_nano
            ), agg AS (
                SELECT t.r, jsonb_object_agg(ak.key, t.v) AS attrs,
                       jsonb_object_agg(ak.key, t.tag) FILTER (WHERE t.tag IS NOT NULL) AS tags
                FROM typed AS t JOIN attribute_keys AS ak USING (key_id) GROUP BY t.r
            )
            SELECT src.*, agg.attrs AS typed_attributes, agg.tags AS typed_tags,
                   a.attributes AS other_attributes
            FROM src
            LEFT JOIN agg ON agg.r = src.r
            LEFT JOIN otel_metric_number_attrs_other AS a ON a.point_pk = src.point_pk AND a.time_unix_nano = src.time_unix_nano
            ORDER BY src.r) AS a) AS s
      OFFSET 0) AS x)
SELECT l.gkey, l.labels, l.res_id, s.bucket, sum(s.n)::float8 AS n, sum(s.total) AS total,
       min(s.low) AS low, max(s.high) AS high, sum(s.last) AS last,
       sum(s.increase) AS increase, bool_or(s.delta) AS delta
FROM per_series AS s
JOIN labeled AS l ON l.resource_id = s.resource_id AND l.scope_key = coalesce(s.scope_id, -1)
                 AND l.attributes_hash = s.attributes_hash
GROUP BY l.gkey, l.labels, l.res_id, s.bucket
ORDER BY l.gkey, s.bucket;

-- statement 7 of 8
WITH per_series AS MATERIALIZED (WITH kinds AS (
    SELECT count(DISTINCT (aggregation_temporality_id, is_monotonic)) = 1 AS uniform,
           min(aggregation_temporality_id) AS temporality, bool_or(is_monotonic) AS monotonic
    FROM otel_metrics_dim WHERE metric_id = ANY($16)
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
    FROM (SELECT p.metric_id, p.resource_id, p.scope_id, p.attributes_hash, p.point_pk, p.time_unix_nano,
    1::bigint AS n, coalesce(p.value_double, p.value_int::float8) AS total,
    coalesce(p.value_double, p.value_int::float8) AS low,
    coalesce(p.value_double, p.value_int::float8) AS high,
    coalesce(p.value_double, p.value_int::float8) AS first_value,
    p.start_time_unix_nano AS first_start_time_unix_nano,
    coalesce(p.value_double, p.value_int::float8) AS last_value,
    p.start_time_unix_nano AS last_start_time_unix_nano, 0::float8 AS increase FROM otel_metrics_data_points_number AS p
    WHERE p.metric_id = $10 AND p.time_unix_nano BETWEEN $11 AND $12 AND (p.resource_id IN (SELECT resource_id FROM otel_resources_dim WHERE service_name = $1))
    AND ((p.point_pk, p.time_unix_nano) IN (SELECT a.point_pk, a.time_unix_nano FROM otel_metric_number_attrs_string AS a
    WHERE true AND a.key_id = (SELECT key_id FROM attribute_keys WHERE key = $2::text) AND a.time_unix_nano BETWEEN $4 AND $5 AND a.value = ANY($3)
    UNION ALL SELECT a.point_pk, a.time_unix_nano FROM otel_metric_number_attrs_other AS a WHERE true AND a.time_unix_nano BETWEEN $7 AND $8 AND a.attributes @> ANY($6::jsonb[])))) AS p
), sums AS MATERIALIZED (
    SELECT x.resource_id, x.scope_key, x.attributes_hash, x.bucket, sum(x.n) AS n,
           sum(x.d + x.within) AS increase, max(x.t) AS pt
    FROM (SELECT x.resource_id, x.scope_key, x.attributes_hash, x.t / $17 * $17 AS bucket,
                 x.t, x.n, x.within, CASE WHEN x.pv IS NULL OR x.temporality = 1 THEN CASE WHEN x.temporality = 1 THEN x.v
                      WHEN x.temporality = 2 AND x.st > 0 AND x.st >= $13 THEN x.v ELSE 0 END
                      WHEN x.temporality = 2 AND x.st <> x.pst THEN x.v
                      WHEN x.temporality = 2 AND x.monotonic AND x.v < x.pv THEN x.v
                      ELSE x.v - x.pv END AS d
          FROM (SELECT pts.*, lag(pts.lv) OVER w AS pv, lag(pts.lst) OVER w AS pst FROM pts
                WINDOW w AS (PARTITION BY pts.resource_id, pts.scope_key, pts.attributes_hash
                             ORDER BY pts.t)) AS x
          OFFSET 0) AS x
    GROUP BY 1, 2, 3, 4
), firsts AS (
    SELECT f.*, (SELECT (CASE WHEN x.pv IS NULL OR x.temporality = 1 THEN CASE WHEN x.temporality = 1 THEN x.v
         WHEN x.temporality = 2 AND x.st > 0 AND x.st >= $13 THEN x.v ELSE 0 END
         WHEN x.temporality = 2 AND x.st <> x.pst THEN x.v
         WHEN x.temporality = 2 AND x.monotonic AND x.v < x.pv THEN x.v
         ELSE x.v - x.pv END) - (CASE WHEN x.temporality = 1 THEN x.v
         WHEN x.temporality = 2 AND x.st > 0 AND x.st >= $13 THEN x.v ELSE 0 END)
     FROM (SELECT a.v, b.v AS pv, a.st, b.st AS pst, m.aggregation_temporality_id AS temporality,
                  m.is_monotonic AS monotonic
           FROM (SELECT p.metric_id, p.start_time_unix_nano AS st,
                        coalesce(p.value_double, p.value_int::float8) AS v
                 FROM otel_metrics_data_points_number AS p
                 WHERE p.metric_id = $10 AND p.resource_id = f.resource_id
                   AND coalesce(p.scope_id, -1) = f.scope_key
                   AND p.attributes_hash = f.attributes_hash AND p.time_unix_nano >= $14
                 ORDER BY p.time_unix_nano
                 LIMIT 1) AS a
           JOIN otel_metrics_dim AS m ON m.metric_id = a.metric_id
           CROSS JOIN (SELECT coalesce(p.value_double, p.value_int::float8) AS v,
                              p.start_time_unix_nano AS st
                       FROM otel_metrics_data_points_number AS p
                       WHERE p.metric_id = $10 AND p.resource_id = f.resource_id
                         AND coalesce(p.scope_id, -1) = f.scope_key
                         AND p.attributes_hash = f.attributes_hash
                         AND p.time_unix_nano < $14 AND p.time_unix_nano >= $14 - $15
                       ORDER BY p.time_unix_nano DESC
                       LIMIT 1) AS b) AS x) AS fix
    FROM (SELECT resource_id, scope_key, attributes_hash, min(bucket) AS bucket
          FROM sums GROUP BY 1, 2, 3) AS f
)
SELECT s.resource_id, nullif(s.scope_key, -1) AS scope_id, s.attributes_hash, s.bucket, s.n,
       NULL::float8 AS total, NULL::float8 AS low, NULL::float8 AS high, s.pt,
       NULL::boolean AS delta, NULL::float8 AS last, s.increase + coalesce(f.fix, 0) AS increase
FROM sums AS s
LEFT JOIN firsts AS f USING (resource_id, scope_key, attributes_hash, bucket)),
series AS MATERIALIZED (SELECT s.resource_id, s.scope_id, s.attributes_hash, s.pt,
       (SELECT p.point_pk FROM otel_metrics_data_points_number AS p
        WHERE p.metric_id = ANY($9) AND p.time_unix_nano = s.pt
          AND p.resource_id = s.resource_id AND p.attributes_hash = s.attributes_hash
          AND p.scope_id IS NOT DISTINCT FROM s.scope_id
        LIMIT 1) AS pk
FROM (SELECT resource_id, scope_id, attributes_hash, max(pt) AS pt
      FROM per_series GROUP BY 1, 2, 3) AS s), labeled AS MATERIALIZED (SELECT x.*, jsonb_build_array(x.resource_id, x.scope_id, encode(x.attributes_hash, 'hex')) AS gkey
FROM (SELECT s.resource_id, coalesce(s.scope_id, -1) AS scope_key, s.scope_id, s.attributes_hash,
             s.attrs AS labels, s.resource_id AS res_id
      FROM (SELECT a.*, coalesce(otel_attributes_to_json(a.other_attributes), '{}'::jsonb)
                        || coalesce(a.typed_attributes, '{}'::jsonb) AS attrs, NULL::jsonb AS rattrs
            FROM (WITH src AS MATERIALIZED (
                SELECT row_number() OVER () AS r, s.*, s.pk AS point_pk, s.pt AS time_unix_nano FROM series AS s
            ), typed AS (
                SELECT src.r, a.key_id, to_jsonb(a.value) AS v, NULL::jsonb AS tag
                FROM src JOIN otel_metric_number_attrs_string AS a ON a.point_pk = src.point_pk AND a.time_unix_nano = src.time_unix_nano
                UNION ALL SELECT src.r, a.key_id, to_jsonb(a.value) AS v, NULL::jsonb AS tag
                FROM src JOIN otel_metric_number_attrs_int AS a ON a.point_pk = src.point_pk AND a.time_unix_nano = src.time_unix_nano
                UNION ALL SELECT src.r, a.key_id, otel_double_to_json(a.value) AS v, jsonb_build_object('doubleValue', a.value::text) AS tag
                FROM src JOIN otel_metric_number_attrs_double AS a ON a.point_pk = src.point_pk AND a.time_unix_nano = src.time_unix_nano
                UNION ALL SELECT src.r, a.key_id, to_jsonb(a.value) AS v, NULL::jsonb AS tag
                FROM src JOIN otel_metric_number_attrs_bool AS a ON a.point_pk = src.point_pk AND a.time_unix_nano = src.time_unix_nano
                UNION ALL SELECT src.r, a.key_id, to_jsonb(encode(a.value, 'base64')) AS v, jsonb_build_object('bytesValue', encode(a.value, 'base64')) AS tag
                FROM src JOIN otel_metric_number_attrs_bytes AS a ON a.point_pk = src.point_pk AND a.time_unix_nano = src.time_unix_nano
            ), agg AS (
                SELECT t.r, jsonb_object_agg(ak.key, t.v) AS attrs,
                       jsonb_object_agg(ak.key, t.tag) FILTER (WHERE t.tag IS NOT NULL) AS tags
                FROM typed AS t JOIN attribute_keys AS ak USING (key_id) GROUP BY t.r
            )
            SELECT src.*, agg.attrs AS typed_attributes, agg.tags AS typed_tags,
                   a.attributes AS other_attributes
            FROM src
            LEFT JOIN agg ON agg.r = src.r
            LEFT JOIN otel_metric_number_attrs_other AS a ON a.point_pk = src.point_pk AND a.time_unix_nano = src.time_unix_nano
            ORDER BY src.r) AS a) AS s
      OFFSET 0) AS x)
SELECT l.gkey, l.labels, l.res_id, s.bucket, sum(s.n)::float8 AS n, sum(s.total) AS total,
       min(s.low) AS low, max(s.high) AS high, sum(s.last) AS last,
       sum(s.increase) AS increase, bool_or(s.delta) AS delta
FROM per_series AS s
JOIN labeled AS l ON l.resource_id = s.resource_id AND l.scope_key = coalesce(s.scope_id, -1)
                 AND l.attributes_hash = s.attributes_hash
GROUP BY l.gkey, l.labels, l.res_id, s.bucket
ORDER BY l.gkey, s.bucket;

-- statement 8 of 8
WITH src AS MATERIALIZED (
    SELECT k.i AS k, k.i AS r, r.resource_id, r.service_name, r.service_namespace, r.schema_url,
           r.dropped_attributes_count, r.entity_refs
    FROM unnest($1::bigint[]) WITH ORDINALITY AS k(resource_id, i)
    JOIN otel_resources_dim AS r ON r.resource_id = k.resource_id
), typed AS (
    SELECT src.r, a.key_id, to_jsonb(a.value) AS v, NULL::jsonb AS tag
    FROM src JOIN otel_resource_attrs_string AS a ON a.resource_id = src.resource_id
    UNION ALL SELECT src.r, a.key_id, to_jsonb(a.value) AS v, NULL::jsonb AS tag
    FROM src JOIN otel_resource_attrs_int AS a ON a.resource_id = src.resource_id
    UNION ALL SELECT src.r, a.key_id, otel_double_to_json(a.value) AS v, jsonb_build_object('doubleValue', a.value::text) AS tag
    FROM src JOIN otel_resource_attrs_double AS a ON a.resource_id = src.resource_id
    UNION ALL SELECT src.r, a.key_id, to_jsonb(a.value) AS v, NULL::jsonb AS tag
    FROM src JOIN otel_resource_attrs_bool AS a ON a.resource_id = src.resource_id
    UNION ALL SELECT src.r, a.key_id, to_jsonb(encode(a.value, 'base64')) AS v, jsonb_build_object('bytesValue', encode(a.value, 'base64')) AS tag
    FROM src JOIN otel_resource_attrs_bytes AS a ON a.resource_id = src.resource_id
), agg AS (
    SELECT t.r, jsonb_object_agg(ak.key, t.v) AS attrs,
           jsonb_object_agg(ak.key, t.tag) FILTER (WHERE t.tag IS NOT NULL) AS tags
    FROM typed AS t JOIN attribute_keys AS ak USING (key_id) GROUP BY t.r
)
SELECT src.*, agg.attrs AS typed_attributes, agg.tags AS typed_tags,
       a.attributes AS other_attributes
FROM src
LEFT JOIN agg ON agg.r = src.r
LEFT JOIN otel_resource_attrs_other AS a ON a.resource_id = src.resource_id
ORDER BY src.k;
