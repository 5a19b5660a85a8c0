-- metric_points: the 6 SQL statements of this GraphQL query, in text order
-- (tests/gateway/test_sql_snapshots.py; `make snapshot-sql` rewrites it).
--
--   {
--     metric(name: "shop.requests") {
--       points(timeRange: {last: "1h"}, first: 5) {
--         totalCount
--         nodes { time value attributes resource { serviceName } exemplars { value span { name } } }
--       }
--     }
--   }

-- statement 1 of 6
SELECT count(*) FROM otel_metrics_data_points_number AS p WHERE (p.metric_id = ANY($1))
AND (p.time_unix_nano >= $2)
AND (p.time_unix_nano <= $3);

-- statement 2 of 6
SELECT k.i AS k, s.span_pk, s.start_time_unix_nano, s.end_time_unix_nano, s.trace_id, s.span_id,
s.parent_span_id, s.trace_state, s.flags, s.name, s.kind_id, s.status_code_id,
s.status_message, s.resource_id, s.scope_id, s.dropped_attributes_count,
s.dropped_events_count, s.dropped_links_count,
(SELECT r.service_name FROM otel_resources_dim AS r WHERE r.resource_id = s.resource_id) AS service_name
FROM unnest($1::bytea[], $2::bytea[]) WITH ORDINALITY AS k(trace_id, span_id, i)
JOIN otel_spans_fact AS s ON s.trace_id = k.trace_id AND s.span_id = k.span_id
ORDER BY k.i, s.start_time_unix_nano;

-- statement 3 of 6
SELECT m.name, m.metric_id, m.metric_type_id, m.unit, m.description, m.aggregation_temporality_id,
m.is_monotonic, m.metadata, m.last_seen, 0 AS zero, convert_to(m.name, 'UTF8') AS name_key,
(SELECT array_agg(d.metric_id ORDER BY d.metric_id) FROM otel_metrics_dim AS d
 WHERE d.name = m.name AND greatest(d.metric_type_id, 2) = greatest(m.metric_type_id, 2)) AS ids FROM otel_metrics_dim AS m
WHERE m.name = $1
ORDER BY m.metric_id DESC
LIMIT 1;

-- statement 4 of 6
SELECT p.point_pk, p.time_unix_nano, p.start_time_unix_nano, p.metric_id, p.resource_id, p.scope_id,
p.flags, p.exemplars, row_to_json(p)::text AS fields FROM otel_metrics_data_points_number AS p
WHERE (p.metric_id = ANY($1))
AND (p.time_unix_nano >= $2)
AND (p.time_unix_nano <= $3)
ORDER BY p.time_unix_nano DESC, p.point_pk DESC
LIMIT $4;

-- statement 5 of 6
WITH src AS MATERIALIZED (
    SELECT k.i AS k, k.i AS r, k.pk AS point_pk, k.part AS time_unix_nano
    FROM unnest($1::bigint[], $2::bigint[]) WITH ORDINALITY AS k(pk, part, i)
), typed AS (
    SELECT src.r, a.key_id, to_jsonb(a.value) AS v, NULL::jsonb AS tag
    FROM src JOIN otel_metric_number_attrs_string AS a ON a.point_pk = src.point_pk AND a.time_unix_nano BETWEEN $3 AND $4
    UNION ALL SELECT src.r, a.key_id, to_jsonb(a.value) AS v, NULL::jsonb AS tag
    FROM src JOIN otel_metric_number_attrs_int AS a ON a.point_pk = src.point_pk AND a.time_unix_nano BETWEEN $3 AND $4
    UNION ALL SELECT src.r, a.key_id, otel_double_to_json(a.value) AS v, jsonb_build_object('doubleValue', a.value::text) AS tag
    FROM src JOIN otel_metric_number_attrs_double AS a ON a.point_pk = src.point_pk AND a.time_unix_nano BETWEEN $3 AND $4
    UNION ALL SELECT src.r, a.key_id, to_jsonb(a.value) AS v, NULL::jsonb AS tag
    FROM src JOIN otel_metric_number_attrs_bool AS a ON a.point_pk = src.point_pk AND a.time_unix_nano BETWEEN $3 AND $4
    UNION ALL SELECT src.r, a.key_id, to_jsonb(encode(a.value, 'base64')) AS v, jsonb_build_object('bytesValue', encode(a.value, 'base64')) AS tag
    FROM src JOIN otel_metric_number_attrs_bytes AS a ON a.point_pk = src.point_pk AND a.time_unix_nano BETWEEN $3 AND $4
), agg AS (
    SELECT t.r, jsonb_object_agg(ak.key, t.v) AS attrs,
           jsonb_object_agg(ak.key, t.tag) FILTER (WHERE t.tag IS NOT NULL) AS tags
    FROM typed AS t JOIN attribute_keys AS ak USING (key_id) GROUP BY t.r
)
SELECT src.*, agg.attrs AS typed_attributes, agg.tags AS typed_tags,
       a.attributes AS other_attributes
FROM src
LEFT JOIN agg ON agg.r = src.r
LEFT JOIN otel_metric_number_attrs_other AS a ON a.point_pk = src.point_pk AND a.time_unix_nano BETWEEN $3 AND $4
ORDER BY src.k;

-- statement 6 of 6
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
