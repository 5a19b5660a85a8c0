WITH x AS (
    SELECT jsonb_build_array((SELECT to_jsonb(r.service_name) FROM otel_resources_dim AS r WHERE r.resource_id = s.resource_id), coalesce((SELECT to_jsonb(a.value) FROM otel_span_attrs_string AS a WHERE (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND a.key_id = $4), (SELECT to_jsonb(a.value) FROM otel_span_attrs_int AS a WHERE (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND a.key_id = $5), (SELECT otel_double_to_json(a.value) FROM otel_span_attrs_double AS a WHERE (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND a.key_id = $6), (SELECT to_jsonb(a.value) FROM otel_span_attrs_bool AS a WHERE (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND a.key_id = $7), (SELECT to_jsonb(encode(a.value, 'base64')) FROM otel_span_attrs_bytes AS a WHERE (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND a.key_id = $8), (SELECT CASE WHEN a.attributes -> $9::text ? 'stringValue' THEN a.attributes -> $9::text -> 'stringValue'
         WHEN a.attributes -> $9::text ? 'intValue'
         THEN to_jsonb((a.attributes -> $9::text ->> 'intValue')::numeric)
         WHEN a.attributes -> $9::text ? 'doubleValue' THEN a.attributes -> $9::text -> 'doubleValue'
         WHEN a.attributes -> $9::text ? 'boolValue' THEN a.attributes -> $9::text -> 'boolValue'
         ELSE otel_anyvalue_to_json(a.attributes -> $9::text) END FROM otel_span_attrs_other AS a WHERE (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND a.attributes ? $10::text)), (SELECT CASE WHEN a.attributes -> $11::text ? 'stringValue' THEN a.attributes -> $11::text -> 'stringValue'
         WHEN a.attributes -> $11::text ? 'intValue'
         THEN to_jsonb((a.attributes -> $11::text ->> 'intValue')::numeric)
         WHEN a.attributes -> $11::text ? 'doubleValue' THEN a.attributes -> $11::text -> 'doubleValue'
         WHEN a.attributes -> $11::text ? 'boolValue' THEN a.attributes -> $11::text -> 'boolValue'
         ELSE otel_anyvalue_to_json(a.attributes -> $11::text) END FROM otel_resource_attrs_other AS a WHERE (a.resource_id) = (s.resource_id) AND a.attributes ? $12::text)) AS xk, s.start_time_unix_nano / $13::bigint * $13::bigint AS bucket, s.status_code_id = 2 AS err, (s.end_time_unix_nano - s.start_time_unix_nano) / 1e6::float8 AS dur, (SELECT (CASE WHEN a.attributes -> $17::text ? 'intValue'
         THEN (a.attributes -> $17::text ->> 'intValue')::numeric
         WHEN jsonb_typeof(a.attributes -> $17::text -> 'doubleValue') = 'number'
         THEN (a.attributes -> $17::text -> 'doubleValue')::numeric
         WHEN a.attributes -> $17::text ->> 'doubleValue' = '-0' THEN 0
    END)::float8 FROM otel_span_attrs_other AS a WHERE (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND a.attributes ? $18::text) AS v2, (SELECT CASE WHEN a.attributes -> $19::text ? 'stringValue' THEN a.attributes -> $19::text -> 'stringValue'
         WHEN a.attributes -> $19::text ? 'intValue'
         THEN to_jsonb((a.attributes -> $19::text ->> 'intValue')::numeric)
         WHEN a.attributes -> $19::text ? 'doubleValue' THEN a.attributes -> $19::text -> 'doubleValue'
         WHEN a.attributes -> $19::text ? 'boolValue' THEN a.attributes -> $19::text -> 'boolValue'
         ELSE otel_anyvalue_to_json(a.attributes -> $19::text) END FROM otel_span_attrs_other AS a WHERE (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND a.attributes ? $20::text) AS v3
    FROM otel_spans_fact AS s
    WHERE (s.start_time_unix_nano >= $1)
    AND (s.start_time_unix_nano <= $2)
    AND (s.resource_id IN (SELECT resource_id FROM otel_resources_dim WHERE service_name = $3))
), ranked AS (
    SELECT xk, row_number() OVER (ORDER BY count(*) DESC, xk) AS rank
    FROM x GROUP BY xk
), y AS (
    SELECT CASE WHEN r.rank <= $21 THEN x.xk END AS gk, r.rank > $21 AS other,
           least(r.rank, $21 + 1) AS rank, x.*
    FROM x JOIN ranked AS r ON r.xk = x.xk
)
SELECT y.gk, y.other, min(y.rank) AS rank, y.bucket, GROUPING(y.bucket) = 1 AS total,
       (SELECT count(*) FROM ranked) AS group_count, count(*)::float8 AS m0, count(*)::float8 / CASE WHEN GROUPING(y.bucket) = 1 THEN $14::float8 ELSE $15::float8 END AS m1, (count(*) FILTER (WHERE y.err))::float8 / count(*) AS m2, percentile_cont($16::float8) WITHIN GROUP (ORDER BY y.dur) AS m3, sum(y.v2) AS m4, (count(DISTINCT y.v3))::float8 AS m5
FROM y
GROUP BY GROUPING SETS ((y.gk, y.other), (y.gk, y.other, y.bucket))
ORDER BY min(y.rank), y.bucket NULLS FIRST
