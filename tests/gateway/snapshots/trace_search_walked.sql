-- trace_search_walked: the 2 SQL statements of this GraphQL query, in text order
-- (tests/gateway/test_sql_snapshots.py; `make snapshot-sql` rewrites it).
--
--   {
--     traces(filter: {semanticType: AI_AGENT, status: OK, attributes: [
--         {key: "gen_ai.usage.input_tokens", op: GTE, value: 10},
--         {key: "custom.tags", op: CONTAINS, value: "a"},
--         {key: "telemetry.sdk.name", scope: SCOPE, op: NOT_EXISTS}]}) {
--       nodes { traceId rootName services }
--     }
--   }

-- statement 1 of 2
SELECT key, key_id FROM attribute_keys WHERE key = ANY($1::text[]);

-- statement 2 of 2
SELECT t.trace_id, t.start_time_unix_nano, t.end_time_unix_nano, t.span_count, t.error_count,
t.root_span_id, t.root_span_name, t.root_service_name, t.service_names FROM otel_trace_summary AS t
WHERE (t.error_count = 0)
AND (EXISTS (SELECT 1 FROM otel_spans_fact AS s
        WHERE s.trace_id = t.trace_id
          AND s.start_time_unix_nano BETWEEN t.start_time_unix_nano AND t.end_time_unix_nano
          AND (EXISTS (SELECT a.span_pk, a.start_time_unix_nano FROM otel_span_attrs_string AS a
          WHERE a.key_id IN (SELECT k.key_id FROM attribute_keys AS k, unnest($1::text[]) AS p
                             WHERE starts_with(k.key, p))
            AND (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND true
          UNION ALL SELECT a.span_pk, a.start_time_unix_nano FROM otel_span_attrs_int AS a
          WHERE a.key_id IN (SELECT k.key_id FROM attribute_keys AS k, unnest($2::text[]) AS p
                             WHERE starts_with(k.key, p))
            AND (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND true
          UNION ALL SELECT a.span_pk, a.start_time_unix_nano FROM otel_span_attrs_double AS a
          WHERE a.key_id IN (SELECT k.key_id FROM attribute_keys AS k, unnest($3::text[]) AS p
                             WHERE starts_with(k.key, p))
            AND (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND true
          UNION ALL SELECT a.span_pk, a.start_time_unix_nano FROM otel_span_attrs_bool AS a
          WHERE a.key_id IN (SELECT k.key_id FROM attribute_keys AS k, unnest($4::text[]) AS p
                             WHERE starts_with(k.key, p))
            AND (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND true
          UNION ALL SELECT a.span_pk, a.start_time_unix_nano FROM otel_span_attrs_bytes AS a
          WHERE a.key_id IN (SELECT k.key_id FROM attribute_keys AS k, unnest($5::text[]) AS p
                             WHERE starts_with(k.key, p))
            AND (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND true
          UNION ALL SELECT a.span_pk, a.start_time_unix_nano FROM otel_span_attrs_other AS a
          WHERE EXISTS (SELECT 1 FROM jsonb_object_keys(a.attributes) AS j, unnest($6::text[]) AS p
                        WHERE starts_with(j, p))
            AND (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND true OFFSET 0))
          AND (EXISTS (SELECT a.span_pk, a.start_time_unix_nano FROM otel_span_attrs_int AS a
          WHERE (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND a.key_id = $7::bigint AND true AND a.value::numeric >= $8::numeric
          UNION ALL SELECT a.span_pk, a.start_time_unix_nano FROM otel_span_attrs_double AS a
          WHERE (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND a.key_id = $9::bigint AND true AND a.value >= $10
          UNION ALL SELECT a.span_pk, a.start_time_unix_nano FROM otel_span_attrs_other AS a WHERE (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND true AND true AND CASE WHEN a.attributes -> $11::text ? 'intValue'
               THEN (a.attributes -> $11::text ->> 'intValue')::numeric
               WHEN jsonb_typeof(a.attributes -> $11::text -> 'doubleValue') = 'number'
               THEN (a.attributes -> $11::text -> 'doubleValue')::numeric
               WHEN a.attributes -> $11::text ->> 'doubleValue' = '-0' THEN 0
          END >= $12::numeric OFFSET 0))
          AND (EXISTS (SELECT a.span_pk, a.start_time_unix_nano FROM otel_span_attrs_other AS a WHERE (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND true AND a.attributes ? $18::text AND CASE WHEN a.attributes -> $15::text ? 'arrayValue'
               THEN otel_anyvalue_to_json(a.attributes -> $13::text) @> jsonb_build_array($16::jsonb)
               ELSE strpos(coalesce(a.attributes -> $14::text ->> 'stringValue', a.attributes -> $14::text ->> 'bytesValue',
                        CASE WHEN jsonb_typeof(a.attributes -> $14::text -> 'doubleValue') = 'string'
                              AND a.attributes -> $14::text ->> 'doubleValue' <> '-0'
                             THEN a.attributes -> $14::text ->> 'doubleValue' END), $17::text) > 0
          END OFFSET 0))
          AND (NOT EXISTS (SELECT a.scope_id FROM otel_scope_attrs_other AS a WHERE (a.scope_id) = (s.scope_id) AND true AND a.attributes ? $19::text AND true OFFSET 0))))
ORDER BY t.start_time_unix_nano DESC, t.trace_id DESC
LIMIT $20;
