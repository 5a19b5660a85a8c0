SELECT * FROM (
    SELECT s.span_pk, s.start_time_unix_nano, s.end_time_unix_nano, s.trace_id, s.span_id,
    s.parent_span_id, s.trace_state, s.flags, s.name, s.kind_id, s.status_code_id,
    s.status_message, s.resource_id, s.scope_id, s.dropped_attributes_count,
    s.dropped_events_count, s.dropped_links_count,
    (SELECT r.service_name FROM otel_resources_dim AS r WHERE r.resource_id = s.resource_id) AS service_name, ARRAY[s.span_pk] AS live_keys,
           array_remove(ARRAY[CASE WHEN true THEN 0 END,
           CASE WHEN (s.resource_id IN (SELECT resource_id FROM otel_resources_dim WHERE service_name = $1))
           AND (s.status_code_id = $2) THEN 1 END,
           CASE WHEN (EXISTS (SELECT a.span_pk, a.start_time_unix_nano FROM otel_span_attrs_string AS a
           WHERE (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND a.key_id = $3::bigint AND a.start_time_unix_nano BETWEEN $5 AND $6 AND a.value = ANY($4)
           UNION ALL SELECT a.span_pk, a.start_time_unix_nano FROM otel_span_attrs_other AS a WHERE (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND a.start_time_unix_nano BETWEEN $8 AND $9 AND a.attributes @> ANY($7::jsonb[]) OFFSET 0)) THEN 2 END]::int[], NULL) AS live_subscribers
    FROM otel_spans_fact AS s
    WHERE s.start_time_unix_nano BETWEEN $10 AND $11
      AND s.span_pk BETWEEN $12 AND $13
      AND EXISTS (SELECT 1 FROM unnest($14::bigint[], $15::bigint[]) AS r(lo, hi)
                  WHERE s.span_pk BETWEEN r.lo AND r.hi)
) AS m
WHERE cardinality(m.live_subscribers) > 0
ORDER BY m.live_keys
