-- trace_fetch: the 14 SQL statements of this GraphQL query, in text order
-- (tests/gateway/test_sql_snapshots.py; `make snapshot-sql` rewrites it).
--
--   query ($id: ID!) {
--     trace(traceId: $id) {
--       traceId spanCount semanticTypes
--       rootSpan { name }
--       spans {
--         spanId name kind attributes semanticType
--         resource { serviceName attributes }
--         scope { name version attributes }
--         events { name attributes }
--         links { spanId attributes span { name } }
--         logs { body attributes }
--       }
--       logs { body severityText attributes span { name } }
--     }
--   }

-- statement 1 of 14
SELECT * FROM (
    SELECT k.i AS k, l.log_pk, l.ts_unix_nano, l.time_unix_nano, l.observed_time_unix_nano, l.severity_number,
    l.severity_text, l.body, l.trace_id, l.span_id, l.flags,
    l.event_name, l.resource_id, l.scope_id, l.dropped_attributes_count,
    (SELECT r.service_name FROM otel_resources_dim AS r WHERE r.resource_id = l.resource_id) AS service_name,
           row_number() OVER (PARTITION BY k.i ORDER BY l.ts_unix_nano, l.log_pk) AS n
    FROM unnest($1::bytea[]) WITH ORDINALITY AS k(trace_id, i)
    JOIN otel_logs_fact AS l ON l.trace_id = k.trace_id
    WHERE true
) AS x
WHERE x.n <= $2
ORDER BY x.k, x.n;

-- statement 2 of 14
SELECT * FROM (
    SELECT k.i AS k, l.log_pk, l.ts_unix_nano, l.time_unix_nano, l.observed_time_unix_nano, l.severity_number,
    l.severity_text, l.body, l.trace_id, l.span_id, l.flags,
    l.event_name, l.resource_id, l.scope_id, l.dropped_attributes_count,
    (SELECT r.service_name FROM otel_resources_dim AS r WHERE r.resource_id = l.resource_id) AS service_name,
           row_number() OVER (PARTITION BY k.i ORDER BY l.ts_unix_nano, l.log_pk) AS n
    FROM unnest($1::bytea[], $2::bytea[]) WITH ORDINALITY AS k(trace_id, span_id, i)
    JOIN otel_logs_fact AS l ON l.trace_id = k.trace_id AND l.span_id = k.span_id
    WHERE true
) AS x
WHERE x.n <= $3
ORDER BY x.k, x.n;

-- statement 3 of 14
SELECT * FROM (
    SELECT k.i AS k, s.span_pk, s.start_time_unix_nano, s.end_time_unix_nano, s.trace_id, s.span_id,
    s.parent_span_id, s.trace_state, s.flags, s.name, s.kind_id, s.status_code_id,
    s.status_message, s.resource_id, s.scope_id, s.dropped_attributes_count,
    s.dropped_events_count, s.dropped_links_count,
    (SELECT r.service_name FROM otel_resources_dim AS r WHERE r.resource_id = s.resource_id) AS service_name,
           row_number() OVER (PARTITION BY k.i ORDER BY s.start_time_unix_nano, s.span_pk) AS n
    FROM unnest($1::bytea[]) WITH ORDINALITY AS k(trace_id, i)
    JOIN otel_trace_summary AS t ON t.trace_id = k.trace_id
    JOIN otel_spans_fact AS s ON s.trace_id = t.trace_id
     AND s.start_time_unix_nano BETWEEN t.start_time_unix_nano AND t.end_time_unix_nano
    WHERE true
) AS x
WHERE x.n <= $2
ORDER BY x.k, x.n;

-- statement 4 of 14
SELECT k.i AS k, s.span_pk, s.start_time_unix_nano, s.end_time_unix_nano, s.trace_id, s.span_id,
s.parent_span_id, s.trace_state, s.flags, s.name, s.kind_id, s.status_code_id,
s.status_message, s.resource_id, s.scope_id, s.dropped_attributes_count,
s.dropped_events_count, s.dropped_links_count,
(SELECT r.service_name FROM otel_resources_dim AS r WHERE r.resource_id = s.resource_id) AS service_name
FROM unnest($1::bytea[], $2::bytea[]) WITH ORDINALITY AS k(trace_id, span_id, i)
JOIN otel_spans_fact AS s ON s.trace_id = k.trace_id AND s.span_id = k.span_id
ORDER BY k.i, s.start_time_unix_nano;

-- statement 5 of 14
SELECT k.i AS k, s.span_pk, s.start_time_unix_nano, s.end_time_unix_nano, s.trace_id, s.span_id,
s.parent_span_id, s.trace_state, s.flags, s.name, s.kind_id, s.status_code_id,
s.status_message, s.resource_id, s.scope_id, s.dropped_attributes_count,
s.dropped_events_count, s.dropped_links_count,
(SELECT r.service_name FROM otel_resources_dim AS r WHERE r.resource_id = s.resource_id) AS service_name
FROM unnest($1::bytea[], $2::bytea[]) WITH ORDINALITY AS k(trace_id, span_id, i)
JOIN otel_spans_fact AS s ON s.trace_id = k.trace_id AND s.span_id = k.span_id
ORDER BY k.i, s.start_time_unix_nano;

-- statement 6 of 14
SELECT k.i AS k, s.span_pk, s.start_time_unix_nano, s.end_time_unix_nano, s.trace_id, s.span_id,
s.parent_span_id, s.trace_state, s.flags, s.name, s.kind_id, s.status_code_id,
s.status_message, s.resource_id, s.scope_id, s.dropped_attributes_count,
s.dropped_events_count, s.dropped_links_count,
(SELECT r.service_name FROM otel_resources_dim AS r WHERE r.resource_id = s.resource_id) AS service_name
FROM unnest($1::bytea[], $2::bytea[]) WITH ORDINALITY AS k(trace_id, span_id, i)
JOIN otel_spans_fact AS s ON s.trace_id = k.trace_id AND s.span_id = k.span_id
ORDER BY k.i, s.start_time_unix_nano;

-- statement 7 of 14
SELECT k.i AS k, t.trace_id, t.start_time_unix_nano, t.end_time_unix_nano, t.span_count, t.error_count,
t.root_span_id, t.root_span_name, t.root_service_name, t.service_names
FROM unnest($1::bytea[]) WITH ORDINALITY AS k(trace_id, i)
JOIN otel_trace_summary AS t ON t.trace_id = k.trace_id;

-- statement 8 of 14
WITH spans AS (
    SELECT k.i, s.span_pk, s.start_time_unix_nano
    FROM unnest($1::bytea[]) WITH ORDINALITY AS k(trace_id, i)
    JOIN otel_trace_summary AS t ON t.trace_id = k.trace_id
    JOIN otel_spans_fact AS s ON s.trace_id = t.trace_id
     AND s.start_time_unix_nano BETWEEN t.start_time_unix_nano AND t.end_time_unix_nano
), prefixes AS (
    SELECT * FROM unnest($2::text[], $3::int[]) AS p(prefix, priority)
), keyed AS (
    SELECT x.i, x.span_pk, x.start_time_unix_nano, ak.key
    FROM spans AS x
    JOIN (SELECT span_pk, start_time_unix_nano, key_id FROM otel_span_attrs_string
    UNION ALL SELECT span_pk, start_time_unix_nano, key_id FROM otel_span_attrs_int
    UNION ALL SELECT span_pk, start_time_unix_nano, key_id FROM otel_span_attrs_double
    UNION ALL SELECT span_pk, start_time_unix_nano, key_id FROM otel_span_attrs_bool
    UNION ALL SELECT span_pk, start_time_unix_nano, key_id FROM otel_span_attrs_bytes) AS a USING (span_pk, start_time_unix_nano)
    JOIN attribute_keys AS ak USING (key_id)
    UNION ALL
    SELECT x.i, x.span_pk, x.start_time_unix_nano, j.key
    FROM spans AS x
    JOIN otel_span_attrs_other AS o USING (span_pk, start_time_unix_nano)
    CROSS JOIN LATERAL jsonb_object_keys(o.attributes) AS j(key)
), ranked AS (
    SELECT i, span_pk, min(p.priority) AS priority
    FROM keyed JOIN prefixes AS p ON starts_with(keyed.key, p.prefix)
    GROUP BY i, span_pk, start_time_unix_nano
)
SELECT i AS k, array_agg(DISTINCT priority ORDER BY priority) AS priorities
FROM ranked GROUP BY i;

-- statement 9 of 14
WITH src AS MATERIALIZED (
    SELECT k.i AS k, k.i AS r, c.scope_id, c.name, c.version, c.schema_url,
           c.dropped_attributes_count
    FROM unnest($1::bigint[]) WITH ORDINALITY AS k(scope_id, i)
    JOIN otel_scopes_dim AS c ON c.scope_id = k.scope_id
), typed AS (
    SELECT src.r, a.key_id, to_jsonb(a.value) AS v, NULL::jsonb AS tag
    FROM src JOIN otel_scope_attrs_string AS a ON a.scope_id = src.scope_id
    UNION ALL SELECT src.r, a.key_id, to_jsonb(a.value) AS v, NULL::jsonb AS tag
    FROM src JOIN otel_scope_attrs_int AS a ON a.scope_id = src.scope_id
    UNION ALL SELECT src.r, a.key_id, otel_double_to_json(a.value) AS v, jsonb_build_object('doubleValue', a.value::text) AS tag
    FROM src JOIN otel_scope_attrs_double AS a ON a.scope_id = src.scope_id
    UNION ALL SELECT src.r, a.key_id, to_jsonb(a.value) AS v, NULL::jsonb AS tag
    FROM src JOIN otel_scope_attrs_bool AS a ON a.scope_id = src.scope_id
    UNION ALL SELECT src.r, a.key_id, to_jsonb(encode(a.value, 'base64')) AS v, jsonb_build_object('bytesValue', encode(a.value, 'base64')) AS tag
    FROM src JOIN otel_scope_attrs_bytes AS a ON a.scope_id = src.scope_id
), agg AS (
    SELECT t.r, jsonb_object_agg(ak.key, t.v) AS attrs,
           jsonb_object_agg(ak.key, t.tag) FILTER (WHERE t.tag IS NOT NULL) AS tags
    FROM typed AS t JOIN attribute_keys AS ak USING (key_id) GROUP BY t.r
)
SELECT src.*, agg.attrs AS typed_attributes, agg.tags AS typed_tags,
       a.attributes AS other_attributes
FROM src
LEFT JOIN agg ON agg.r = src.r
LEFT JOIN otel_scope_attrs_other AS a ON a.scope_id = src.scope_id
ORDER BY src.k;

-- statement 10 of 14
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

-- statement 11 of 14
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

-- statement 12 of 14
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

-- statement 13 of 14
WITH src AS MATERIALIZED (
    SELECT k.i AS k, row_number() OVER () AS r, e.span_pk, e.event_index, e.start_time_unix_nano,
           e.time_unix_nano, e.name, e.dropped_attributes_count
    FROM unnest($1::bigint[], $2::bigint[]) WITH ORDINALITY AS k(span_pk, start_time_unix_nano, i)
    JOIN otel_span_events AS e
      ON e.span_pk = k.span_pk AND e.start_time_unix_nano = k.start_time_unix_nano
     AND e.start_time_unix_nano BETWEEN $3 AND $4
), typed AS (
    SELECT src.r, a.key_id, to_jsonb(a.value) AS v, NULL::jsonb AS tag
    FROM src JOIN otel_span_event_attrs_string AS a ON a.span_pk = src.span_pk AND a.event_index = src.event_index AND a.start_time_unix_nano BETWEEN $3 AND $4
    UNION ALL SELECT src.r, a.key_id, to_jsonb(a.value) AS v, NULL::jsonb AS tag
    FROM src JOIN otel_span_event_attrs_int AS a ON a.span_pk = src.span_pk AND a.event_index = src.event_index AND a.start_time_unix_nano BETWEEN $3 AND $4
    UNION ALL SELECT src.r, a.key_id, otel_double_to_json(a.value) AS v, jsonb_build_object('doubleValue', a.value::text) AS tag
    FROM src JOIN otel_span_event_attrs_double AS a ON a.span_pk = src.span_pk AND a.event_index = src.event_index AND a.start_time_unix_nano BETWEEN $3 AND $4
    UNION ALL SELECT src.r, a.key_id, to_jsonb(a.value) AS v, NULL::jsonb AS tag
    FROM src JOIN otel_span_event_attrs_bool AS a ON a.span_pk = src.span_pk AND a.event_index = src.event_index AND a.start_time_unix_nano BETWEEN $3 AND $4
    UNION ALL SELECT src.r, a.key_id, to_jsonb(encode(a.value, 'base64')) AS v, jsonb_build_object('bytesValue', encode(a.value, 'base64')) AS tag
    FROM src JOIN otel_span_event_attrs_bytes AS a ON a.span_pk = src.span_pk AND a.event_index = src.event_index AND a.start_time_unix_nano BETWEEN $3 AND $4
), agg AS (
    SELECT t.r, jsonb_object_agg(ak.key, t.v) AS attrs,
           jsonb_object_agg(ak.key, t.tag) FILTER (WHERE t.tag IS NOT NULL) AS tags
    FROM typed AS t JOIN attribute_keys AS ak USING (key_id) GROUP BY t.r
)
SELECT src.*, agg.attrs AS typed_attributes, agg.tags AS typed_tags,
       a.attributes AS other_attributes
FROM src
LEFT JOIN agg ON agg.r = src.r
LEFT JOIN otel_span_event_attrs_other AS a ON a.span_pk = src.span_pk AND a.event_index = src.event_index AND a.start_time_unix_nano BETWEEN $3 AND $4
ORDER BY src.k, src.event_index;

-- statement 14 of 14
WITH src AS MATERIALIZED (
    SELECT k.i AS k, row_number() OVER () AS r, l.span_pk, l.link_index, l.start_time_unix_nano,
           l.linked_trace_id, l.linked_span_id, l.trace_state, l.flags, l.dropped_attributes_count
    FROM unnest($1::bigint[], $2::bigint[]) WITH ORDINALITY AS k(span_pk, start_time_unix_nano, i)
    JOIN otel_span_links AS l
      ON l.span_pk = k.span_pk AND l.start_time_unix_nano = k.start_time_unix_nano
     AND l.start_time_unix_nano BETWEEN $3 AND $4
), typed AS (
    SELECT src.r, a.key_id, to_jsonb(a.value) AS v, NULL::jsonb AS tag
    FROM src JOIN otel_span_link_attrs_string AS a ON a.span_pk = src.span_pk AND a.link_index = src.link_index AND a.start_time_unix_nano BETWEEN $3 AND $4
    UNION ALL SELECT src.r, a.key_id, to_jsonb(a.value) AS v, NULL::jsonb AS tag
    FROM src JOIN otel_span_link_attrs_int AS a ON a.span_pk = src.span_pk AND a.link_index = src.link_index AND a.start_time_unix_nano BETWEEN $3 AND $4
    UNION ALL SELECT src.r, a.key_id, otel_double_to_json(a.value) AS v, jsonb_build_object('doubleValue', a.value::text) AS tag
    FROM src JOIN otel_span_link_attrs_double AS a ON a.span_pk = src.span_pk AND a.link_index = src.link_index AND a.start_time_unix_nano BETWEEN $3 AND $4
    UNION ALL SELECT src.r, a.key_id, to_jsonb(a.value) AS v, NULL::jsonb AS tag
    FROM src JOIN otel_span_link_attrs_bool AS a ON a.span_pk = src.span_pk AND a.link_index = src.link_index AND a.start_time_unix_nano BETWEEN $3 AND $4
    UNION ALL SELECT src.r, a.key_id, to_jsonb(encode(a.value, 'base64')) AS v, jsonb_build_object('bytesValue', encode(a.value, 'base64')) AS tag
    FROM src JOIN otel_span_link_attrs_bytes AS a ON a.span_pk = src.span_pk AND a.link_index = src.link_index AND a.start_time_unix_nano BETWEEN $3 AND $4
), agg AS (
    SELECT t.r, jsonb_object_agg(ak.key, t.v) AS attrs,
           jsonb_object_agg(ak.key, t.tag) FILTER (WHERE t.tag IS NOT NULL) AS tags
    FROM typed AS t JOIN attribute_keys AS ak USING (key_id) GROUP BY t.r
)
SELECT src.*, agg.attrs AS typed_attributes, agg.tags AS typed_tags,
       a.attributes AS other_attributes
FROM src
LEFT JOIN agg ON agg.r = src.r
LEFT JOIN otel_span_link_attrs_other AS a ON a.span_pk = src.span_pk AND a.link_index = src.link_index AND a.start_time_unix_nano BETWEEN $3 AND $4
ORDER BY src.k, src.link_index;
