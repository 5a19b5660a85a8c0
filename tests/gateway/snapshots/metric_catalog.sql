-- metric_catalog: the 5 SQL statements of this GraphQL query, in text order
-- (tests/gateway/test_sql_snapshots.py; `make snapshot-sql` rewrites it).
--
--   {
--     metrics(filter: {namePrefix: "shop.", service: "shop"}) {
--       totalCount
--       nodes { name type services attributeKeys labelValues(key: "route") }
--     }
--   }

-- statement 1 of 5
SELECT * FROM (
    SELECT DISTINCT ON (m.name) m.name, m.metric_id, m.metric_type_id, m.unit, m.description, m.aggregation_temporality_id,
    m.is_monotonic, m.metadata, m.last_seen, 0 AS zero, convert_to(m.name, 'UTF8') AS name_key,
    (SELECT array_agg(d.metric_id ORDER BY d.metric_id) FROM otel_metrics_dim AS d
     WHERE d.name = m.name AND greatest(d.metric_type_id, 2) = greatest(m.metric_type_id, 2)) AS ids FROM otel_metrics_dim AS m
    WHERE (starts_with(m.name, $1))
    AND (EXISTS (SELECT 1 FROM otel_metrics_dim AS d
            CROSS JOIN LATERAL (SELECT resource_id FROM otel_metrics_data_points_number WHERE metric_id = d.metric_id
            UNION ALL SELECT resource_id FROM otel_metrics_data_points_histogram WHERE metric_id = d.metric_id
            UNION ALL SELECT resource_id FROM otel_metrics_data_points_exp_histogram WHERE metric_id = d.metric_id
            UNION ALL SELECT resource_id FROM otel_metrics_data_points_summary WHERE metric_id = d.metric_id) AS p
            WHERE d.name = m.name
              AND p.resource_id IN (SELECT resource_id FROM otel_resources_dim
                                    WHERE service_name = $2)))
    ORDER BY m.name, m.metric_id DESC
) AS m
ORDER BY m.name_key
LIMIT $3;

-- statement 2 of 5
SELECT count(DISTINCT m.name) FROM otel_metrics_dim AS m WHERE (starts_with(m.name, $1))
AND (EXISTS (SELECT 1 FROM otel_metrics_dim AS d
        CROSS JOIN LATERAL (SELECT resource_id FROM otel_metrics_data_points_number WHERE metric_id = d.metric_id
        UNION ALL SELECT resource_id FROM otel_metrics_data_points_histogram WHERE metric_id = d.metric_id
        UNION ALL SELECT resource_id FROM otel_metrics_data_points_exp_histogram WHERE metric_id = d.metric_id
        UNION ALL SELECT resource_id FROM otel_metrics_data_points_summary WHERE metric_id = d.metric_id) AS p
        WHERE d.name = m.name
          AND p.resource_id IN (SELECT resource_id FROM otel_resources_dim
                                WHERE service_name = $2)));

-- statement 3 of 5
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

-- statement 4 of 5
WITH src AS MATERIALIZED (
    WITH RECURSIVE ids AS (
        SELECT k.i, d.metric_id
        FROM unnest($1::text[]) WITH ORDINALITY AS k(name, i)
        JOIN otel_metrics_dim AS d ON d.name = k.name
    ), walk AS (
        SELECT ids.i, ids.metric_id, 1 AS n, f.*
        FROM ids CROSS JOIN LATERAL (
            SELECT p.resource_id, coalesce(p.scope_id, -1) AS scope_key, p.attributes_hash,
                   p.point_pk, p.time_unix_nano
            FROM otel_metrics_data_points_histogram AS p WHERE p.metric_id = ids.metric_id
            ORDER BY p.resource_id, coalesce(p.scope_id, -1), p.attributes_hash
            LIMIT 1) AS f
        UNION ALL
        SELECT w.i, w.metric_id, w.n + 1, f.*
        FROM walk AS w CROSS JOIN LATERAL (
            SELECT p.resource_id, coalesce(p.scope_id, -1) AS scope_key, p.attributes_hash,
                   p.point_pk, p.time_unix_nano
            FROM otel_metrics_data_points_histogram AS p
            WHERE p.metric_id = w.metric_id
              AND (p.resource_id, coalesce(p.scope_id, -1), p.attributes_hash)
                  > (w.resource_id, w.scope_key, w.attributes_hash)
            ORDER BY p.resource_id, coalesce(p.scope_id, -1), p.attributes_hash
            LIMIT 1) AS f
        WHERE w.n < $2
    )
    SELECT s.i AS k, row_number() OVER () AS r, s.resource_id, s.point_pk, s.time_unix_nano
    FROM (SELECT DISTINCT ON (i, resource_id, scope_key, attributes_hash) *
          FROM walk ORDER BY i, resource_id, scope_key, attributes_hash, time_unix_nano) AS s
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
ORDER BY src.r;

-- statement 5 of 5
WITH src AS MATERIALIZED (
    WITH RECURSIVE ids AS (
        SELECT k.i, d.metric_id
        FROM unnest($1::text[]) WITH ORDINALITY AS k(name, i)
        JOIN otel_metrics_dim AS d ON d.name = k.name
    ), walk AS (
        SELECT ids.i, ids.metric_id, 1 AS n, f.*
        FROM ids CROSS JOIN LATERAL (
            SELECT p.resource_id, coalesce(p.scope_id, -1) AS scope_key, p.attributes_hash,
                   p.point_pk, p.time_unix_nano
            FROM otel_metrics_data_points_number AS p WHERE p.metric_id = ids.metric_id
            ORDER BY p.resource_id, coalesce(p.scope_id, -1), p.attributes_hash
            LIMIT 1) AS f
        UNION ALL
        SELECT w.i, w.metric_id, w.n + 1, f.*
        FROM walk AS w CROSS JOIN LATERAL (
            SELECT p.resource_id, coalesce(p.scope_id, -1) AS scope_key, p.attributes_hash,
                   p.point_pk, p.time_unix_nano
            FROM otel_metrics_data_points_number AS p
            WHERE p.metric_id = w.metric_id
              AND (p.resource_id, coalesce(p.scope_id, -1), p.attributes_hash)
                  > (w.resource_id, w.scope_key, w.attributes_hash)
            ORDER BY p.resource_id, coalesce(p.scope_id, -1), p.attributes_hash
            LIMIT 1) AS f
        WHERE w.n < $2
    )
    SELECT s.i AS k, row_number() OVER () AS r, s.resource_id, s.point_pk, s.time_unix_nano
    FROM (SELECT DISTINCT ON (i, resource_id, scope_key, attributes_hash) *
          FROM walk ORDER BY i, resource_id, scope_key, attributes_hash, time_unix_nano) AS s
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
ORDER BY src.r;
