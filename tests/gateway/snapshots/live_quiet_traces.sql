SELECT * FROM (
    SELECT t.trace_id, t.start_time_unix_nano, t.end_time_unix_nano, t.span_count, t.error_count,
    t.root_span_id, t.root_span_name, t.root_service_name, t.service_names, ARRAY[]::bigint[] AS live_keys,
           array_remove(ARRAY[CASE WHEN true THEN 0 END,
           CASE WHEN (t.service_names @> ARRAY[$1::text])
           AND (t.error_count > 0) THEN 1 END,
           CASE WHEN (EXISTS (SELECT 1 FROM otel_spans_fact AS s
                   WHERE s.trace_id = t.trace_id
                     AND s.start_time_unix_nano BETWEEN t.start_time_unix_nano AND t.end_time_unix_nano
                     AND (EXISTS (SELECT a.span_pk, a.start_time_unix_nano FROM otel_span_attrs_string AS a
                     WHERE (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND a.key_id = $2::bigint AND true AND a.value = ANY($3)
                     UNION ALL SELECT a.span_pk, a.start_time_unix_nano FROM otel_span_attrs_other AS a WHERE (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND true AND a.attributes @> ANY($4::jsonb[]) OFFSET 0)))) THEN 2 END]::int[], NULL) AS live_subscribers
    FROM otel_trace_summary AS t
    WHERE t.trace_id = ANY($5::bytea[])
) AS m
WHERE cardinality(m.live_subscribers) > 0
ORDER BY m.start_time_unix_nano, m.trace_id
