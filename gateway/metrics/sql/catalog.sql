-- The metric catalog: one entry per metric name (its newest descriptor wins).

-- name: metric_columns
m.name, m.metric_id, m.metric_type_id, m.unit, m.description, m.aggregation_temporality_id,
m.is_monotonic, m.last_seen, 0 AS zero, convert_to(m.name, 'UTF8') AS name_key,
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

-- name: metric_after
convert_to(m.name, 'UTF8') > :id

-- name: metric_name_prefix
starts_with(m.name, :v)

-- name: metric_type
m.metric_type_id = :v

-- name: metric_service
-- Some point of the metric comes from a resource of the service.
EXISTS (SELECT 1 FROM otel_metrics_dim AS d
        CROSS JOIN LATERAL (
            SELECT resource_id FROM otel_metrics_data_points_number WHERE metric_id = d.metric_id
            UNION ALL SELECT resource_id FROM otel_metrics_data_points_histogram
            WHERE metric_id = d.metric_id
            UNION ALL SELECT resource_id FROM otel_metrics_data_points_exp_histogram
            WHERE metric_id = d.metric_id
            UNION ALL SELECT resource_id FROM otel_metrics_data_points_summary
            WHERE metric_id = d.metric_id) AS p
        WHERE d.name = m.name
          AND p.resource_id IN (SELECT resource_id FROM otel_resources_dim WHERE service_name = :v))

-- name: metric_by_name
SELECT @columns@ FROM otel_metrics_dim AS m
WHERE m.name = :name
ORDER BY m.metric_id DESC
LIMIT 1

-- name: recent_series
-- The distinct series among the newest :sample points of each key's metric name, each
-- with one point's attributes and its resource's attributes.
SELECT x.k, otel_@kind@_attributes_all(x.point_pk, x.time_unix_nano) AS attributes,
       otel_resource_attributes_all(x.resource_id) AS resource,
       (SELECT r.service_name FROM otel_resources_dim AS r
        WHERE r.resource_id = x.resource_id) AS service_name
FROM (
    SELECT DISTINCT ON (k.i, p.resource_id, p.attributes_hash)
           k.i AS k, p.point_pk, p.time_unix_nano, p.resource_id
    FROM unnest(:names::text[]) WITH ORDINALITY AS k(name, i)
    CROSS JOIN LATERAL (
        SELECT p.point_pk, p.time_unix_nano, p.resource_id, p.attributes_hash
        FROM @table@ AS p
        WHERE p.metric_id IN (SELECT d.metric_id FROM otel_metrics_dim AS d WHERE d.name = k.name)
        ORDER BY p.time_unix_nano DESC
        LIMIT :sample) AS p
    ORDER BY k.i, p.resource_id, p.attributes_hash, p.time_unix_nano DESC
) AS x
ORDER BY x.k
