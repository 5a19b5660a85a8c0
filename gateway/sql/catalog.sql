-- Resources, scopes, services and attribute keys/values.

-- name: resources_by_id
SELECT k.i AS k, r.resource_id, r.service_name, r.service_namespace, r.schema_url,
       r.dropped_attributes_count, otel_resource_attributes_all(r.resource_id) AS attributes
FROM unnest(:ids::bigint[]) WITH ORDINALITY AS k(resource_id, i)
JOIN otel_resources_dim AS r ON r.resource_id = k.resource_id

-- name: scopes_by_id
SELECT k.i AS k, c.scope_id, c.name, c.version, c.schema_url, c.dropped_attributes_count,
       otel_scope_attributes_all(c.scope_id) AS attributes
FROM unnest(:ids::bigint[]) WITH ORDINALITY AS k(scope_id, i)
JOIN otel_scopes_dim AS c ON c.scope_id = k.scope_id

-- name: services
SELECT DISTINCT r.service_name, r.service_namespace
FROM otel_resources_dim AS r
WHERE r.service_name IS NOT NULL
ORDER BY 1, 2

-- name: services_in_range
SELECT DISTINCT r.service_name, r.service_namespace
FROM otel_resources_dim AS r
WHERE r.service_name IS NOT NULL
  AND (EXISTS (SELECT 1 FROM otel_trace_summary AS t
               WHERE t.service_names @> ARRAY[r.service_name]
                 AND t.start_time_unix_nano <= :hi AND t.end_time_unix_nano >= :lo)
       OR EXISTS (SELECT 1 FROM otel_logs_fact AS l
                  WHERE l.resource_id = r.resource_id AND l.ts_unix_nano BETWEEN :lo AND :hi))
ORDER BY 1, 2

-- name: promoted_keys
-- Registered keys present in one of the owner's typed tables (probes the key_value index).
SELECT k.key FROM attribute_keys AS k
WHERE starts_with(k.key, :prefix)
  AND (EXISTS (SELECT 1 FROM @prefix@_string AS a WHERE a.key_id = k.key_id)
       OR EXISTS (SELECT 1 FROM @prefix@_int AS a WHERE a.key_id = k.key_id)
       OR EXISTS (SELECT 1 FROM @prefix@_double AS a WHERE a.key_id = k.key_id)
       OR EXISTS (SELECT 1 FROM @prefix@_bool AS a WHERE a.key_id = k.key_id)
       OR EXISTS (SELECT 1 FROM @prefix@_bytes AS a WHERE a.key_id = k.key_id))
ORDER BY k.key
LIMIT :limit

-- name: other_keys
-- Keys of the JSONB catch-all, sampled from up to :sample rows.
SELECT DISTINCT j.key
FROM (SELECT attributes FROM @prefix@_other LIMIT :sample) AS o
CROSS JOIN LATERAL jsonb_object_keys(o.attributes) AS j(key)
WHERE starts_with(j.key, :prefix)
ORDER BY j.key
LIMIT :limit

-- name: attribute_values
-- Distinct plain-JSON values of one key: typed tables first, then a JSONB sample.
SELECT v FROM (
    SELECT to_jsonb(a.value) AS v FROM @prefix@_string AS a
    WHERE a.key_id = (SELECT key_id FROM attribute_keys WHERE key = :key)
      AND starts_with(a.value, :prefix)
    UNION SELECT to_jsonb(a.value) FROM @prefix@_int AS a
    WHERE a.key_id = (SELECT key_id FROM attribute_keys WHERE key = :key) AND :prefix = ''
    UNION SELECT otel_double_to_json(a.value) FROM @prefix@_double AS a
    WHERE a.key_id = (SELECT key_id FROM attribute_keys WHERE key = :key) AND :prefix = ''
    UNION SELECT to_jsonb(a.value) FROM @prefix@_bool AS a
    WHERE a.key_id = (SELECT key_id FROM attribute_keys WHERE key = :key) AND :prefix = ''
    UNION SELECT otel_anyvalue_to_json(o.attributes -> :key)
    FROM (SELECT attributes FROM @prefix@_other AS a WHERE a.attributes ? :key LIMIT :sample) AS o
) AS x
WHERE :prefix = '' OR (jsonb_typeof(v) = 'string' AND starts_with(v #>> '{}', :prefix))
ORDER BY v
LIMIT :limit
