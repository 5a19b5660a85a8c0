-- The metric catalog: one entry per metric name (its newest descriptor wins).

-- name: metric_columns
m.name, m.metric_id, m.metric_type_id, m.unit, m.description, m.aggregation_temporality_id,
m.is_monotonic, m.metadata, m.last_seen, 0 AS zero, convert_to(m.name, 'UTF8') AS name_key,
(SELECT array_agg(d.metric_id ORDER BY d.metric_id) FROM otel_metrics_dim AS d
 WHERE d.name = m.name AND greatest(d.metric_type_id, 2) = greatest(m.metric_type_id, 2)) AS ids

-- name: search_metrics
SELECT * FROM (
    SELECT DISTINCT ON (m.name) @columns@ FROM otel_metrics_dim AS m
    WHERE @where@
    ORDER BY m.name, m.metric_id DESC
) AS m
ORDER BY m.name_key
LIMIT :limit

-- name: count_metrics
SELECT count(DISTINCT m.name) FROM otel_metrics_dim AS m WHERE @where@

-- name: metric_filter
-- The conditions of a MetricFilter on the descriptors m, each when its field is given; a
-- service: some point of the metric comes from a resource of the service
-- (resources_of_points: metric_resources over every point table). A page continues
-- after its cursor's name (after_asc).
starts_with(m.name, :name_prefix)                  -- when name_prefix
m.metric_type_id = :type                           -- when type
EXISTS (SELECT 1 FROM otel_metrics_dim AS d
        CROSS JOIN LATERAL (@resources_of_points@) AS p
        WHERE d.name = m.name
          AND p.resource_id IN (SELECT resource_id FROM otel_resources_dim
                                WHERE service_name = :service))
                                                   -- when service
convert_to(m.name, 'UTF8') > :after_id             -- when after_asc

-- name: metric_resources
SELECT resource_id FROM @table@ WHERE metric_id = d.metric_id

-- name: metric_by_name
SELECT @columns@ FROM otel_metrics_dim AS m
WHERE m.name = :name
ORDER BY m.metric_id DESC
LIMIT 1

-- name: catalog_series
-- The distinct series of each key's metric name (k), each with one of its points (all
-- points of a series share its attribute set) and its resource: a walk of the series
-- index, one descent per series and partition, at most :cap series per descriptor. The
-- source of owned_attributes (gateway/sql/attributes.sql).
WITH RECURSIVE ids AS (
    SELECT k.i, d.metric_id
    FROM unnest(:names::text[]) WITH ORDINALITY AS k(name, i)
    JOIN otel_metrics_dim AS d ON d.name = k.name
), walk AS (
    SELECT ids.i, ids.metric_id, 1 AS n, f.*
    FROM ids CROSS JOIN LATERAL (
        SELECT p.resource_id, coalesce(p.scope_id, -1) AS scope_key, p.attributes_hash,
               p.point_pk, p.time_unix_nano
        FROM @table@ AS p WHERE p.metric_id = ids.metric_id
        ORDER BY p.resource_id, coalesce(p.scope_id, -1), p.attributes_hash
        LIMIT 1) AS f
    UNION ALL
    SELECT w.i, w.metric_id, w.n + 1, f.*
    FROM walk AS w CROSS JOIN LATERAL (
        SELECT p.resource_id, coalesce(p.scope_id, -1) AS scope_key, p.attributes_hash,
               p.point_pk, p.time_unix_nano
        FROM @table@ AS p
        WHERE p.metric_id = w.metric_id
          AND (p.resource_id, coalesce(p.scope_id, -1), p.attributes_hash)
              > (w.resource_id, w.scope_key, w.attributes_hash)
        ORDER BY p.resource_id, coalesce(p.scope_id, -1), p.attributes_hash
        LIMIT 1) AS f
    WHERE w.n < :cap
)
SELECT s.i AS k, row_number() OVER () AS r, s.resource_id, s.point_pk, s.time_unix_nano
FROM (SELECT DISTINCT ON (i, resource_id, scope_key, attributes_hash) *
      FROM walk ORDER BY i, resource_id, scope_key, attributes_hash, time_unix_nano) AS s
