SELECT * FROM (
    SELECT l.log_pk, l.ts_unix_nano, l.time_unix_nano, l.observed_time_unix_nano, l.severity_number,
    l.severity_text, l.body, l.trace_id, l.span_id, l.flags,
    l.event_name, l.resource_id, l.scope_id, l.dropped_attributes_count,
    (SELECT r.service_name FROM otel_resources_dim AS r WHERE r.resource_id = l.resource_id) AS service_name, ARRAY[l.log_pk] AS live_keys,
           array_remove(ARRAY[CASE WHEN true THEN 0 END,
           CASE WHEN (l.resource_id IN (SELECT resource_id FROM otel_resources_dim WHERE service_name = $1))
           AND (l.severity_number >= $2) THEN 1 END,
           CASE WHEN (EXISTS (SELECT a.log_pk, a.ts_unix_nano FROM otel_log_attrs_string AS a
           WHERE (a.log_pk, a.ts_unix_nano) = (l.log_pk, l.ts_unix_nano) AND a.key_id = $3::bigint AND true AND a.value = ANY($4)
           UNION ALL SELECT a.log_pk, a.ts_unix_nano FROM otel_log_attrs_other AS a WHERE (a.log_pk, a.ts_unix_nano) = (l.log_pk, l.ts_unix_nano) AND true AND a.attributes @> ANY($5::jsonb[]) OFFSET 0)) THEN 2 END]::int[], NULL) AS live_subscribers
    FROM otel_logs_fact AS l
    WHERE l.ts_unix_nano BETWEEN $6 AND $7
      AND l.log_pk BETWEEN $8 AND $9
      AND EXISTS (SELECT 1 FROM unnest($10::bigint[], $11::bigint[]) AS r(lo, hi)
                  WHERE l.log_pk BETWEEN r.lo AND r.hi)
) AS m
WHERE cardinality(m.live_subscribers) > 0
ORDER BY m.live_keys
