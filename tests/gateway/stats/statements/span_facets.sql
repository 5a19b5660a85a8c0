SELECT f.i, f.v, f.n, f.total FROM (
    SELECT k.i, k.v, count(*) AS n,
           row_number() OVER (PARTITION BY k.i, k.v IS NULL ORDER BY count(*) DESC, k.v) AS rank,
           sum(count(*)) OVER (PARTITION BY k.i, k.v IS NULL) AS total
    FROM otel_spans_fact AS s 
    CROSS JOIN LATERAL (VALUES (0, (SELECT to_jsonb(r.service_name) FROM otel_resources_dim AS r WHERE r.resource_id = s.resource_id)), (1, coalesce((SELECT to_jsonb(a.value) FROM otel_span_attrs_string AS a WHERE (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND a.key_id = $3), (SELECT to_jsonb(a.value) FROM otel_span_attrs_int AS a WHERE (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND a.key_id = $4), (SELECT otel_double_to_json(a.value) FROM otel_span_attrs_double AS a WHERE (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND a.key_id = $5), (SELECT to_jsonb(a.value) FROM otel_span_attrs_bool AS a WHERE (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND a.key_id = $6), (SELECT to_jsonb(encode(a.value, 'base64')) FROM otel_span_attrs_bytes AS a WHERE (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND a.key_id = $7), (SELECT CASE WHEN a.attributes -> $8::text ? 'stringValue' THEN a.attributes -> $8::text -> 'stringValue'
         WHEN a.attributes -> $8::text ? 'intValue'
         THEN to_jsonb((a.attributes -> $8::text ->> 'intValue')::numeric)
         WHEN a.attributes -> $8::text ? 'doubleValue' THEN a.attributes -> $8::text -> 'doubleValue'
         WHEN a.attributes -> $8::text ? 'boolValue' THEN a.attributes -> $8::text -> 'boolValue'
         ELSE otel_anyvalue_to_json(a.attributes -> $8::text) END FROM otel_span_attrs_other AS a WHERE (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND a.attributes ? $9::text))), (2, (SELECT CASE WHEN a.attributes -> $10::text ? 'stringValue' THEN a.attributes -> $10::text -> 'stringValue'
         WHEN a.attributes -> $10::text ? 'intValue'
         THEN to_jsonb((a.attributes -> $10::text ->> 'intValue')::numeric)
         WHEN a.attributes -> $10::text ? 'doubleValue' THEN a.attributes -> $10::text -> 'doubleValue'
         WHEN a.attributes -> $10::text ? 'boolValue' THEN a.attributes -> $10::text -> 'boolValue'
         ELSE otel_anyvalue_to_json(a.attributes -> $10::text) END FROM otel_span_attrs_other AS a WHERE (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND a.attributes ? $11::text))) AS k(i, v)
    WHERE (s.start_time_unix_nano >= $1)
    AND (s.start_time_unix_nano <= $2)
    GROUP BY k.i, k.v
) AS f
WHERE f.rank <= $12 OR f.v IS NULL
ORDER BY f.i, f.v IS NULL, f.n DESC, f.v
