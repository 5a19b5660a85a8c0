-- Resources, scopes, services and attribute values (attribute keys: gateway/stats/sql/catalog.sql).

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

-- name: attribute_values
-- Distinct plain-JSON values of one key from the parts (typed_values, other_values).
SELECT v FROM (@parts@) AS x(v)
WHERE :prefix = '' OR (jsonb_typeof(v) = 'string' AND starts_with(v #>> '{}', :prefix))
ORDER BY v
LIMIT :limit

-- name: typed_values
-- The distinct values of one key in one typed table, in index order: a loose scan of the
-- (key_id, value) index, one probe per distinct value, up to a number of values.
(WITH RECURSIVE d(value, n) AS (
    (SELECT a.value, 1 FROM @table@ AS a WHERE a.key_id = :key_id ORDER BY a.value LIMIT 1)
    UNION ALL
    SELECT (SELECT a.value FROM @table@ AS a WHERE a.key_id = :key_id AND a.value > d.value
            ORDER BY a.value LIMIT 1), d.n + 1
    FROM d WHERE d.value IS NOT NULL AND d.n < :scan
)
SELECT @json@ FROM d AS a WHERE a.value IS NOT NULL AND @match@ LIMIT :limit)

-- name: other_values
-- The distinct values of one key among the newest rows of the JSONB catch-all,
-- made plain once per distinct stored value (as otel_anyvalue_to_json, which nested
-- values still need).
(SELECT CASE WHEN x.tagged ? 'stringValue' THEN x.tagged -> 'stringValue'
             WHEN x.tagged ? 'intValue' THEN to_jsonb((x.tagged ->> 'intValue')::numeric)
             WHEN x.tagged ? 'doubleValue' THEN x.tagged -> 'doubleValue'
             WHEN x.tagged ? 'boolValue' THEN x.tagged -> 'boolValue'
             WHEN x.tagged ? 'bytesValue' THEN x.tagged -> 'bytesValue'
             ELSE otel_anyvalue_to_json(x.tagged) END
 FROM (SELECT DISTINCT o.attributes -> :key::text AS tagged
       FROM (SELECT a.attributes FROM @table@ AS a ORDER BY a.@pk@ DESC LIMIT :sample) AS o
       WHERE o.attributes ? :key::text) AS x)

-- name: value_prefix
starts_with(a.value, :prefix)
