-- span_search: the 4 SQL statements of this GraphQL query, in text order
-- (tests/gateway/test_sql_snapshots.py; `make snapshot-sql` rewrites it).
--
--   {
--     spans(filter: {service: "shop", kind: CLIENT, minDurationMs: 0, attributes: [
--         {key: "db.system.name", op: REGEX, value: "^post"},
--         {key: "db.query.text", op: EXISTS},
--         {key: "custom.missing", op: NOT_EXISTS},
--         {key: "custom.count", op: LTE, value: 100}]}, first: 5) {
--       totalCount
--       edges { cursor node { name attributes service } }
--     }
--   }

-- statement 1 of 4
SELECT * FROM (SELECT count(*) AS n,
        CASE WHEN count(*) <= $4 THEN array_agg(d.pk) END AS pks,
        CASE WHEN count(*) <= $4 THEN array_agg(d.part) END AS parts
 FROM (SELECT a.span_pk, a.start_time_unix_nano FROM otel_span_attrs_other AS a WHERE true AND true AND otel_number_tokens(a.attributes) && $3::text[] AND CASE WHEN a.attributes -> $1::text ? 'intValue'
      THEN (a.attributes -> $1::text ->> 'intValue')::numeric
      WHEN jsonb_typeof(a.attributes -> $1::text -> 'doubleValue') = 'number'
      THEN (a.attributes -> $1::text -> 'doubleValue')::numeric
      WHEN a.attributes -> $1::text ->> 'doubleValue' = '-0' THEN 0
 END <= $2::numeric LIMIT $4 + 1) AS d(pk, part)) AS c0;

-- statement 2 of 4
SELECT count(*) FROM otel_spans_fact AS s WHERE ((s.span_pk, s.start_time_unix_nano) IN (SELECT * FROM unnest($1::bigint[], $2::bigint[])))
AND (s.kind_id = $3)
AND (s.resource_id IN (SELECT resource_id FROM otel_resources_dim WHERE service_name = $4))
AND (s.end_time_unix_nano - s.start_time_unix_nano >= $5)
AND (EXISTS (SELECT a.span_pk, a.start_time_unix_nano FROM otel_span_attrs_other AS a WHERE (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND true AND a.attributes ? $8::text AND coalesce(a.attributes -> $6::text ->> 'stringValue', a.attributes -> $6::text ->> 'bytesValue',
         CASE WHEN jsonb_typeof(a.attributes -> $6::text -> 'doubleValue') = 'string'
               AND a.attributes -> $6::text ->> 'doubleValue' <> '-0'
              THEN a.attributes -> $6::text ->> 'doubleValue' END) ~ $7::text OFFSET 0))
AND (EXISTS (SELECT a.span_pk, a.start_time_unix_nano FROM otel_span_attrs_other AS a WHERE (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND true AND a.attributes ? $9::text AND true OFFSET 0))
AND (NOT EXISTS (SELECT a.span_pk, a.start_time_unix_nano FROM otel_span_attrs_other AS a WHERE (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND true AND a.attributes ? $10::text AND true OFFSET 0));

-- statement 3 of 4
SELECT key, key_id FROM attribute_keys WHERE key = ANY($1::text[]);

-- statement 4 of 4
SELECT s.span_pk, s.start_time_unix_nano, s.end_time_unix_nano, s.trace_id, s.span_id,
s.parent_span_id, s.trace_state, s.flags, s.name, s.kind_id, s.status_code_id,
s.status_message, s.resource_id, s.scope_id, s.dropped_attributes_count,
s.dropped_events_count, s.dropped_links_count,
(SELECT r.service_name FROM otel_resources_dim AS r WHERE r.resource_id = s.resource_id) AS service_name FROM otel_spans_fact AS s
WHERE ((s.span_pk, s.start_time_unix_nano) IN (SELECT * FROM unnest($1::bigint[], $2::bigint[])))
AND (s.kind_id = $3)
AND (s.resource_id IN (SELECT resource_id FROM otel_resources_dim WHERE service_name = $4))
AND (s.end_time_unix_nano - s.start_time_unix_nano >= $5)
AND (EXISTS (SELECT a.span_pk, a.start_time_unix_nano FROM otel_span_attrs_other AS a WHERE (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND true AND a.attributes ? $8::text AND coalesce(a.attributes -> $6::text ->> 'stringValue', a.attributes -> $6::text ->> 'bytesValue',
         CASE WHEN jsonb_typeof(a.attributes -> $6::text -> 'doubleValue') = 'string'
               AND a.attributes -> $6::text ->> 'doubleValue' <> '-0'
              THEN a.attributes -> $6::text ->> 'doubleValue' END) ~ $7::text OFFSET 0))
AND (EXISTS (SELECT a.span_pk, a.start_time_unix_nano FROM otel_span_attrs_other AS a WHERE (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND true AND a.attributes ? $9::text AND true OFFSET 0))
AND (NOT EXISTS (SELECT a.span_pk, a.start_time_unix_nano FROM otel_span_attrs_other AS a WHERE (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND true AND a.attributes ? $10::text AND true OFFSET 0))
ORDER BY s.start_time_unix_nano DESC, s.span_pk DESC
LIMIT $11;
