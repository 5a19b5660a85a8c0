WITH x AS (
    SELECT jsonb_build_array((SELECT to_jsonb(($3::text[])[min(p.priority) + 1])
     FROM (SELECT ak.key FROM otel_span_attrs_string AS a JOIN attribute_keys AS ak ON ak.key_id = a.key_id
     WHERE (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) UNION ALL SELECT ak.key FROM otel_span_attrs_int AS a JOIN attribute_keys AS ak ON ak.key_id = a.key_id
     WHERE (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) UNION ALL SELECT ak.key FROM otel_span_attrs_double AS a JOIN attribute_keys AS ak ON ak.key_id = a.key_id
     WHERE (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) UNION ALL SELECT ak.key FROM otel_span_attrs_bool AS a JOIN attribute_keys AS ak ON ak.key_id = a.key_id
     WHERE (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) UNION ALL SELECT ak.key FROM otel_span_attrs_bytes AS a JOIN attribute_keys AS ak ON ak.key_id = a.key_id
     WHERE (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) UNION ALL SELECT jsonb_object_keys(a.attributes) FROM otel_span_attrs_other AS a WHERE (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano)) AS k(key)
     JOIN unnest($4::text[], $5::int[]) AS p(prefix, priority)
       ON starts_with(k.key, p.prefix))) AS xk, NULL::bigint AS bucket, coalesce((SELECT to_jsonb(a.value) FROM otel_span_attrs_string AS a WHERE (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND a.key_id = $6), (SELECT to_jsonb(a.value) FROM otel_span_attrs_int AS a WHERE (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND a.key_id = $7), (SELECT otel_double_to_json(a.value) FROM otel_span_attrs_double AS a WHERE (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND a.key_id = $8), (SELECT to_jsonb(a.value) FROM otel_span_attrs_bool AS a WHERE (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND a.key_id = $9), (SELECT to_jsonb(encode(a.value, 'base64')) FROM otel_span_attrs_bytes AS a WHERE (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND a.key_id = $10), (SELECT CASE WHEN a.attributes -> $11::text ? 'stringValue' THEN a.attributes -> $11::text -> 'stringValue'
         WHEN a.attributes -> $11::text ? 'intValue'
         THEN to_jsonb((a.attributes -> $11::text ->> 'intValue')::numeric)
         WHEN a.attributes -> $11::text ? 'doubleValue' THEN a.attributes -> $11::text -> 'doubleValue'
         WHEN a.attributes -> $11::text ? 'boolValue' THEN a.attributes -> $11::text -> 'boolValue'
         ELSE otel_anyvalue_to_json(a.attributes -> $11::text) END FROM otel_span_attrs_other AS a WHERE (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND a.attributes ? $12::text)) AS v0, to_jsonb(s.name) AS v1
    FROM otel_spans_fact AS s
    WHERE (s.start_time_unix_nano >= $1)
    AND (s.start_time_unix_nano <= $2)
), ranked AS (
    SELECT xk, row_number() OVER (ORDER BY count(*) DESC, xk) AS rank
    FROM x GROUP BY xk
), y AS (
    SELECT CASE WHEN r.rank <= $15 THEN x.xk END AS gk, r.rank > $15 AS other,
           least(r.rank, $15 + 1) AS rank, x.*
    FROM x JOIN ranked AS r ON r.xk = x.xk
)
SELECT y.gk, y.other, min(y.rank) AS rank, y.bucket, GROUPING(y.bucket) = 1 AS total,
       (SELECT count(*) FROM ranked) AS group_count, (SELECT jsonb_agg(jsonb_build_array(t.v, t.n) ORDER BY t.n DESC, t.v)
        FROM (SELECT u.v, count(*) AS n FROM unnest(array_agg(y.v0)) AS u(v)
              WHERE u.v IS NOT NULL GROUP BY u.v ORDER BY count(*) DESC, u.v LIMIT $13) AS t) AS m0, (SELECT jsonb_agg(jsonb_build_array(t.v, t.n) ORDER BY t.n DESC, t.v)
        FROM (SELECT u.v, count(*) AS n FROM unnest(array_agg(y.v1)) AS u(v)
              WHERE u.v IS NOT NULL GROUP BY u.v ORDER BY count(*) DESC, u.v LIMIT $14) AS t) AS m1
FROM y
GROUP BY GROUPING SETS ((y.gk, y.other, y.bucket))
ORDER BY min(y.rank), y.bucket NULLS FIRST
