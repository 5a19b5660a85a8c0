-- log_search: the 8 SQL statements of this GraphQL query, in text order
-- (tests/gateway/test_sql_snapshots.py; `make snapshot-sql` rewrites it).
--
--   {
--     logs(filter: {service: "shop", minSeverity: 13, bodyContains: "slow", attributes: [
--         {key: "custom.user", value: "u1"},
--         {key: "service.name", scope: RESOURCE, op: EXISTS}]}) {
--       totalCount
--       nodes { body severityText attributes resource { serviceName } span { name }
--               trace { traceId } }
--     }
--   }

-- statement 1 of 8
SELECT * FROM (SELECT count(*) AS n,
        CASE WHEN count(*) <= $2 THEN array_agg(d.pk) END AS pks,
        CASE WHEN count(*) <= $2 THEN array_agg(d.part) END AS parts
 FROM (SELECT a.log_pk, a.ts_unix_nano FROM otel_log_attrs_other AS a WHERE true AND true AND a.attributes @> ANY($1::jsonb[]) LIMIT $2 + 1) AS d(pk, part)) AS c0;

-- statement 2 of 8
SELECT count(*) FROM otel_logs_fact AS l WHERE (l.resource_id IN (SELECT resource_id FROM otel_resources_dim WHERE service_name = $1))
AND (l.severity_number >= $2)
AND ((otel_log_body_trigrams(l.body) @> $3::text[]
 OR otel_log_body_trigrams(l.body) = '{""}'))
AND (strpos(otel_log_body_text(l.body), $4) > 0)
AND ((l.log_pk, l.ts_unix_nano) IN (SELECT * FROM unnest($5::bigint[], $6::bigint[])))
AND (EXISTS (SELECT a.resource_id FROM otel_resource_attrs_string AS a
WHERE (a.resource_id) = (l.resource_id) AND a.key_id = $7::bigint AND true AND true
UNION ALL SELECT a.resource_id FROM otel_resource_attrs_int AS a
WHERE (a.resource_id) = (l.resource_id) AND a.key_id = $8::bigint AND true AND true
UNION ALL SELECT a.resource_id FROM otel_resource_attrs_double AS a
WHERE (a.resource_id) = (l.resource_id) AND a.key_id = $9::bigint AND true AND true
UNION ALL SELECT a.resource_id FROM otel_resource_attrs_bool AS a
WHERE (a.resource_id) = (l.resource_id) AND a.key_id = $10::bigint AND true AND true
UNION ALL SELECT a.resource_id FROM otel_resource_attrs_bytes AS a
WHERE (a.resource_id) = (l.resource_id) AND a.key_id = $11::bigint AND true AND true
UNION ALL SELECT a.resource_id FROM otel_resource_attrs_other AS a WHERE (a.resource_id) = (l.resource_id) AND true AND a.attributes ? $12::text AND true OFFSET 0));

-- statement 3 of 8
SELECT k.i AS k, s.span_pk, s.start_time_unix_nano, s.end_time_unix_nano, s.trace_id, s.span_id,
s.parent_span_id, s.trace_state, s.flags, s.name, s.kind_id, s.status_code_id,
s.status_message, s.resource_id, s.scope_id, s.dropped_attributes_count,
s.dropped_events_count, s.dropped_links_count,
(SELECT r.service_name FROM otel_resources_dim AS r WHERE r.resource_id = s.resource_id) AS service_name
FROM unnest($1::bytea[], $2::bytea[]) WITH ORDINALITY AS k(trace_id, span_id, i)
JOIN otel_spans_fact AS s ON s.trace_id = k.trace_id AND s.span_id = k.span_id
ORDER BY k.i, s.start_time_unix_nano;

-- statement 4 of 8
SELECT k.i AS k, t.trace_id, t.start_time_unix_nano, t.end_time_unix_nano, t.span_count, t.error_count,
t.root_span_id, t.root_span_name, t.root_service_name, t.service_names
FROM unnest($1::bytea[]) WITH ORDINALITY AS k(trace_id, i)
JOIN otel_trace_summary AS t ON t.trace_id = k.trace_id;

-- statement 5 of 8
SELECT key, key_id FROM attribute_keys WHERE key = ANY($1::text[]);

-- statement 6 of 8
SELECT l.log_pk, l.ts_unix_nano, l.time_unix_nano, l.observed_time_unix_nano, l.severity_number,
l.severity_text, l.body, l.trace_id, l.span_id, l.flags,
l.event_name, l.resource_id, l.scope_id, l.dropped_attributes_count,
(SELECT r.service_name FROM otel_resources_dim AS r WHERE r.resource_id = l.resource_id) AS service_name FROM otel_logs_fact AS l
WHERE (l.resource_id IN (SELECT resource_id FROM otel_resources_dim WHERE service_name = $1))
AND (l.severity_number >= $2)
AND ((otel_log_body_trigrams(l.body) @> $3::text[]
 OR otel_log_body_trigrams(l.body) = '{""}'))
AND (strpos(otel_log_body_text(l.body), $4) > 0)
AND ((l.log_pk, l.ts_unix_nano) IN (SELECT * FROM unnest($5::bigint[], $6::bigint[])))
AND (EXISTS (SELECT a.resource_id FROM otel_resource_attrs_string AS a
WHERE (a.resource_id) = (l.resource_id) AND a.key_id = $7::bigint AND true AND true
UNION ALL SELECT a.resource_id FROM otel_resource_attrs_int AS a
WHERE (a.resource_id) = (l.resource_id) AND a.key_id = $8::bigint AND true AND true
UNION ALL SELECT a.resource_id FROM otel_resource_attrs_double AS a
WHERE (a.resource_id) = (l.resource_id) AND a.key_id = $9::bigint AND true AND true
UNION ALL SELECT a.resource_id FROM otel_resource_attrs_bool AS a
WHERE (a.resource_id) = (l.resource_id) AND a.key_id = $10::bigint AND true AND true
UNION ALL SELECT a.resource_id FROM otel_resource_attrs_bytes AS a
WHERE (a.resource_id) = (l.resource_id) AND a.key_id = $11::bigint AND true AND true
UNION ALL SELECT a.resource_id FROM otel_resource_attrs_other AS a WHERE (a.resource_id) = (l.resource_id) AND true AND a.attributes ? $12::text AND true OFFSET 0))
ORDER BY l.ts_unix_nano DESC, l.log_pk DESC
LIMIT $13;

-- statement 7 of 8
WITH src AS MATERIALIZED (
    SELECT k.i AS k, k.i AS r, k.pk AS log_pk, k.part AS ts_unix_nano
    FROM unnest($1::bigint[], $2::bigint[]) WITH ORDINALITY AS k(pk, part, i)
), typed AS (
    SELECT src.r, a.key_id, to_jsonb(a.value) AS v, NULL::jsonb AS tag
    FROM src JOIN otel_log_attrs_string AS a ON a.log_pk = src.log_pk AND a.ts_unix_nano BETWEEN $3 AND $4
    UNION ALL SELECT src.r, a.key_id, to_jsonb(a.value) AS v, NULL::jsonb AS tag
    FROM src JOIN otel_log_attrs_int AS a ON a.log_pk = src.log_pk AND a.ts_unix_nano BETWEEN $3 AND $4
    UNION ALL SELECT src.r, a.key_id, otel_double_to_json(a.value) AS v, jsonb_build_object('doubleValue', a.value::text) AS tag
    FROM src JOIN otel_log_attrs_double AS a ON a.log_pk = src.log_pk AND a.ts_unix_nano BETWEEN $3 AND $4
    UNION ALL SELECT src.r, a.key_id, to_jsonb(a.value) AS v, NULL::jsonb AS tag
    FROM src JOIN otel_log_attrs_bool AS a ON a.log_pk = src.log_pk AND a.ts_unix_nano BETWEEN $3 AND $4
    UNION ALL SELECT src.r, a.key_id, to_jsonb(encode(a.value, 'base64')) AS v, jsonb_build_object('bytesValue', encode(a.value, 'base64')) AS tag
    FROM src JOIN otel_log_attrs_bytes AS a ON a.log_pk = src.log_pk AND a.ts_unix_nano BETWEEN $3 AND $4
), agg AS (
    SELECT t.r, jsonb_object_agg(ak.key, t.v) AS attrs,
           jsonb_object_agg(ak.key, t.tag) FILTER (WHERE t.tag IS NOT NULL) AS tags
    FROM typed AS t JOIN attribute_keys AS ak USING (key_id) GROUP BY t.r
)
SELECT src.*, agg.attrs AS typed_attributes, agg.tags AS typed_tags,
       a.attributes AS other_attributes
FROM src
LEFT JOIN agg ON agg.r = src.r
LEFT JOIN otel_log_attrs_other AS a ON a.log_pk = src.log_pk AND a.ts_unix_nano BETWEEN $3 AND $4
ORDER BY src.k;

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
