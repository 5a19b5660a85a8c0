-- span_order_by_attribute: the 8 SQL statements of this GraphQL query, in text order
-- (tests/gateway/test_sql_snapshots.py; `make snapshot-sql` rewrites it).
--
--   {
--     spans(filter: {timeRange: {last: "1d"}, service: "shop"}, first: 2,
--           orderByAttribute: {key: "custom.count", direction: ASC}) {
--       totalCount
--       edges { cursor node { name attribute(key: "custom.count") } }
--     }
--     promoted: spans(first: 2, orderByAttribute: {key: "gen_ai.usage.input_tokens"}) {
--       nodes { name }
--     }
--   }

-- statement 1 of 8
SELECT * FROM ((SELECT s.*, a.value::float8 AS attribute_value
 FROM otel_span_attrs_int AS a
 CROSS JOIN LATERAL (SELECT s.span_pk, s.start_time_unix_nano, s.end_time_unix_nano, s.trace_id, s.span_id,
 s.parent_span_id, s.trace_state, s.flags, s.name, s.kind_id, s.status_code_id,
 s.status_message, s.resource_id, s.scope_id, s.dropped_attributes_count,
 s.dropped_events_count, s.dropped_links_count,
 (SELECT r.service_name FROM otel_resources_dim AS r WHERE r.resource_id = s.resource_id) AS service_name FROM otel_spans_fact AS s
                     WHERE (s.span_pk, s.start_time_unix_nano) = (a.span_pk, a.start_time_unix_nano) AND true OFFSET 0) AS s
 WHERE a.key_id = $1 AND true
 ORDER BY a.value DESC, a.span_pk DESC
 LIMIT $2)
UNION ALL
(SELECT s.*, a.value::float8 AS attribute_value
 FROM otel_span_attrs_double AS a
 CROSS JOIN LATERAL (SELECT s.span_pk, s.start_time_unix_nano, s.end_time_unix_nano, s.trace_id, s.span_id,
 s.parent_span_id, s.trace_state, s.flags, s.name, s.kind_id, s.status_code_id,
 s.status_message, s.resource_id, s.scope_id, s.dropped_attributes_count,
 s.dropped_events_count, s.dropped_links_count,
 (SELECT r.service_name FROM otel_resources_dim AS r WHERE r.resource_id = s.resource_id) AS service_name FROM otel_spans_fact AS s
                     WHERE (s.span_pk, s.start_time_unix_nano) = (a.span_pk, a.start_time_unix_nano) AND true OFFSET 0) AS s
 WHERE a.key_id = $3 AND true
 ORDER BY a.value DESC, a.span_pk DESC
 LIMIT $4)
UNION ALL
(SELECT s.span_pk, s.start_time_unix_nano, s.end_time_unix_nano, s.trace_id, s.span_id,
s.parent_span_id, s.trace_state, s.flags, s.name, s.kind_id, s.status_code_id,
s.status_message, s.resource_id, s.scope_id, s.dropped_attributes_count,
s.dropped_events_count, s.dropped_links_count,
(SELECT r.service_name FROM otel_resources_dim AS r WHERE r.resource_id = s.resource_id) AS service_name, (CASE WHEN a.attributes -> $5::text ? 'intValue'
     THEN (a.attributes -> $5::text ->> 'intValue')::numeric
     WHEN jsonb_typeof(a.attributes -> $5::text -> 'doubleValue') = 'number'
     THEN (a.attributes -> $5::text -> 'doubleValue')::numeric
     WHEN a.attributes -> $5::text ->> 'doubleValue' = '-0' THEN 0
END)::float8 AS attribute_value
 FROM otel_span_attrs_other AS a
 JOIN otel_spans_fact AS s ON (s.span_pk, s.start_time_unix_nano) = (a.span_pk, a.start_time_unix_nano)
 WHERE a.attributes ? $6::text AND (CASE WHEN a.attributes -> $5::text ? 'intValue'
      THEN (a.attributes -> $5::text ->> 'intValue')::numeric
      WHEN jsonb_typeof(a.attributes -> $5::text -> 'doubleValue') = 'number'
      THEN (a.attributes -> $5::text -> 'doubleValue')::numeric
      WHEN a.attributes -> $5::text ->> 'doubleValue' = '-0' THEN 0
 END)::float8 IS NOT NULL AND (true)
 ORDER BY attribute_value DESC, a.span_pk DESC
 LIMIT $7)) AS o
ORDER BY o.attribute_value DESC, o.span_pk DESC
LIMIT $8;

-- statement 2 of 8
SELECT * FROM ((SELECT s.span_pk, s.start_time_unix_nano, s.end_time_unix_nano, s.trace_id, s.span_id,
s.parent_span_id, s.trace_state, s.flags, s.name, s.kind_id, s.status_code_id,
s.status_message, s.resource_id, s.scope_id, s.dropped_attributes_count,
s.dropped_events_count, s.dropped_links_count,
(SELECT r.service_name FROM otel_resources_dim AS r WHERE r.resource_id = s.resource_id) AS service_name, (CASE WHEN a.attributes -> $4::text ? 'intValue'
     THEN (a.attributes -> $4::text ->> 'intValue')::numeric
     WHEN jsonb_typeof(a.attributes -> $4::text -> 'doubleValue') = 'number'
     THEN (a.attributes -> $4::text -> 'doubleValue')::numeric
     WHEN a.attributes -> $4::text ->> 'doubleValue' = '-0' THEN 0
END)::float8 AS attribute_value
 FROM otel_span_attrs_other AS a
 JOIN otel_spans_fact AS s ON (s.span_pk, s.start_time_unix_nano) = (a.span_pk, a.start_time_unix_nano)
 WHERE a.attributes ? $7::text AND (CASE WHEN a.attributes -> $4::text ? 'intValue'
      THEN (a.attributes -> $4::text ->> 'intValue')::numeric
      WHEN jsonb_typeof(a.attributes -> $4::text -> 'doubleValue') = 'number'
      THEN (a.attributes -> $4::text -> 'doubleValue')::numeric
      WHEN a.attributes -> $4::text ->> 'doubleValue' = '-0' THEN 0
 END)::float8 IS NOT NULL AND ((s.start_time_unix_nano >= $1)
 AND (s.start_time_unix_nano <= $2)
 AND (s.resource_id IN (SELECT resource_id FROM otel_resources_dim WHERE service_name = $3)))
 AND (a.start_time_unix_nano BETWEEN $5 AND $6)
 ORDER BY attribute_value ASC, a.span_pk ASC
 LIMIT $8)) AS o
ORDER BY o.attribute_value ASC, o.span_pk ASC
LIMIT $9;

-- statement 3 of 8
SELECT count(*) FROM otel_spans_fact AS s WHERE (s.start_time_unix_nano >= $1)
AND (s.start_time_unix_nano <= $2)
AND (s.resource_id IN (SELECT resource_id FROM otel_resources_dim WHERE service_name = $3));

-- statement 4 of 8
SELECT key, key_id FROM attribute_keys WHERE key = ANY($1::text[]);

-- statement 5 of 8
SELECT key, key_id FROM attribute_keys WHERE key = ANY($1::text[]);

-- statement 6 of 8
SELECT s.span_pk, s.start_time_unix_nano, s.end_time_unix_nano, s.trace_id, s.span_id,
s.parent_span_id, s.trace_state, s.flags, s.name, s.kind_id, s.status_code_id,
s.status_message, s.resource_id, s.scope_id, s.dropped_attributes_count,
s.dropped_events_count, s.dropped_links_count,
(SELECT r.service_name FROM otel_resources_dim AS r WHERE r.resource_id = s.resource_id) AS service_name, NULL::float8 AS attribute_value
FROM otel_spans_fact AS s
WHERE (SELECT (CASE WHEN a.attributes -> $4::text ? 'intValue'
     THEN (a.attributes -> $4::text ->> 'intValue')::numeric
     WHEN jsonb_typeof(a.attributes -> $4::text -> 'doubleValue') = 'number'
     THEN (a.attributes -> $4::text -> 'doubleValue')::numeric
     WHEN a.attributes -> $4::text ->> 'doubleValue' = '-0' THEN 0
END)::float8 FROM otel_span_attrs_other AS a WHERE (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND a.attributes ? $5::text) IS NULL AND ((s.start_time_unix_nano >= $1)
AND (s.start_time_unix_nano <= $2)
AND (s.resource_id IN (SELECT resource_id FROM otel_resources_dim WHERE service_name = $3)))
ORDER BY s.start_time_unix_nano ASC, s.span_pk ASC
LIMIT $6;

-- statement 7 of 8
SELECT s.span_pk, s.start_time_unix_nano, s.end_time_unix_nano, s.trace_id, s.span_id,
s.parent_span_id, s.trace_state, s.flags, s.name, s.kind_id, s.status_code_id,
s.status_message, s.resource_id, s.scope_id, s.dropped_attributes_count,
s.dropped_events_count, s.dropped_links_count,
(SELECT r.service_name FROM otel_resources_dim AS r WHERE r.resource_id = s.resource_id) AS service_name, NULL::float8 AS attribute_value
FROM otel_spans_fact AS s
WHERE coalesce((SELECT a.value::float8 FROM otel_span_attrs_int AS a WHERE (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND a.key_id = $1), (SELECT a.value FROM otel_span_attrs_double AS a WHERE (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND a.key_id = $2), (SELECT (CASE WHEN a.attributes -> $3::text ? 'intValue'
     THEN (a.attributes -> $3::text ->> 'intValue')::numeric
     WHEN jsonb_typeof(a.attributes -> $3::text -> 'doubleValue') = 'number'
     THEN (a.attributes -> $3::text -> 'doubleValue')::numeric
     WHEN a.attributes -> $3::text ->> 'doubleValue' = '-0' THEN 0
END)::float8 FROM otel_span_attrs_other AS a WHERE (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND a.attributes ? $4::text)) IS NULL AND (true)
ORDER BY s.start_time_unix_nano DESC, s.span_pk DESC
LIMIT $5;

-- statement 8 of 8
WITH src AS MATERIALIZED (
    SELECT k.i AS k, k.i AS r, k.pk AS span_pk, k.part AS start_time_unix_nano
    FROM unnest($1::bigint[], $2::bigint[]) WITH ORDINALITY AS k(pk, part, i)
), typed AS (
    SELECT src.r, a.key_id, to_jsonb(a.value) AS v, NULL::jsonb AS tag
    FROM src JOIN otel_span_attrs_string AS a ON a.span_pk = src.span_pk AND a.start_time_unix_nano BETWEEN $3 AND $4
    UNION ALL SELECT src.r, a.key_id, to_jsonb(a.value) AS v, NULL::jsonb AS tag
    FROM src JOIN otel_span_attrs_int AS a ON a.span_pk = src.span_pk AND a.start_time_unix_nano BETWEEN $3 AND $4
    UNION ALL SELECT src.r, a.key_id, otel_double_to_json(a.value) AS v, jsonb_build_object('doubleValue', a.value::text) AS tag
    FROM src JOIN otel_span_attrs_double AS a ON a.span_pk = src.span_pk AND a.start_time_unix_nano BETWEEN $3 AND $4
    UNION ALL SELECT src.r, a.key_id, to_jsonb(a.value) AS v, NULL::jsonb AS tag
    FROM src JOIN otel_span_attrs_bool AS a ON a.span_pk = src.span_pk AND a.start_time_unix_nano BETWEEN $3 AND $4
    UNION ALL SELECT src.r, a.key_id, to_jsonb(encode(a.value, 'base64')) AS v, jsonb_build_object('bytesValue', encode(a.value, 'base64')) AS tag
    FROM src JOIN otel_span_attrs_bytes AS a ON a.span_pk = src.span_pk AND a.start_time_unix_nano BETWEEN $3 AND $4
), agg AS (
    SELECT t.r, jsonb_object_agg(ak.key, t.v) AS attrs,
           jsonb_object_agg(ak.key, t.tag) FILTER (WHERE t.tag IS NOT NULL) AS tags
    FROM typed AS t JOIN attribute_keys AS ak USING (key_id) GROUP BY t.r
)
SELECT src.*, agg.attrs AS typed_attributes, agg.tags AS typed_tags,
       a.attributes AS other_attributes
FROM src
LEFT JOIN agg ON agg.r = src.r
LEFT JOIN otel_span_attrs_other AS a ON a.span_pk = src.span_pk AND a.start_time_unix_nano BETWEEN $3 AND $4
ORDER BY src.k;
