SELECT * FROM (
    SELECT p.point_pk, p.time_unix_nano, p.start_time_unix_nano, p.metric_id, p.resource_id, p.scope_id,
    p.flags, p.exemplars, row_to_json(p)::text AS fields, ARRAY[p.point_pk] AS live_keys,
           array_remove(ARRAY[CASE WHEN (p.metric_id = ANY($1)) THEN 0 END,
           CASE WHEN (p.metric_id = ANY($2))
           AND (p.resource_id IN (SELECT resource_id FROM otel_resources_dim WHERE service_name = $3)) THEN 1 END,
           CASE WHEN (p.metric_id = ANY($4))
           AND ((p.point_pk, p.time_unix_nano) IN (SELECT a.point_pk, a.time_unix_nano FROM otel_metric_summary_attrs_string AS a
           WHERE true AND a.key_id = (SELECT key_id FROM attribute_keys WHERE key = $5::text) AND a.time_unix_nano BETWEEN $7 AND $8 AND a.value = ANY($6)
           UNION ALL SELECT a.point_pk, a.time_unix_nano FROM otel_metric_summary_attrs_other AS a WHERE true AND a.time_unix_nano BETWEEN $10 AND $11 AND a.attributes @> ANY($9::jsonb[]))) THEN 2 END]::int[], NULL) AS live_subscribers
    FROM otel_metrics_data_points_summary AS p
    WHERE p.time_unix_nano BETWEEN $12 AND $13
      AND p.point_pk BETWEEN $14 AND $15
      AND EXISTS (SELECT 1 FROM unnest($16::bigint[], $17::bigint[]) AS r(lo, hi)
                  WHERE p.point_pk BETWEEN r.lo AND r.hi)
) AS m
WHERE cardinality(m.live_subscribers) > 0
ORDER BY m.live_keys
