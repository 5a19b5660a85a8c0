-- attribute_catalog: the 6 SQL statements of this GraphQL query, in text order
-- (tests/gateway/test_sql_snapshots.py; `make snapshot-sql` rewrites it).
--
--   {
--     spanKeys: attributeKeys(scope: SPAN, prefix: "http.") { key promoted }
--     metricKeys: attributeKeys(scope: METRIC) { key promoted }
--     routes: attributeValues(scope: SPAN, key: "http.route", prefix: "/")
--     counts: attributeValues(scope: SPAN, key: "custom.count")
--   }

-- statement 1 of 6
SELECT key, key_id FROM attribute_keys WHERE key = ANY($1::text[]);

-- statement 2 of 6
SELECT key, key_id FROM attribute_keys WHERE key = ANY($1::text[]);

-- statement 3 of 6
SELECT v FROM ((SELECT CASE WHEN x.tagged ? 'stringValue' THEN x.tagged -> 'stringValue'
             WHEN x.tagged ? 'intValue' THEN to_jsonb((x.tagged ->> 'intValue')::numeric)
             WHEN x.tagged ? 'doubleValue' THEN x.tagged -> 'doubleValue'
             WHEN x.tagged ? 'boolValue' THEN x.tagged -> 'boolValue'
             WHEN x.tagged ? 'bytesValue' THEN x.tagged -> 'bytesValue'
             ELSE otel_anyvalue_to_json(x.tagged) END
 FROM (SELECT DISTINCT o.attributes -> $1::text AS tagged
       FROM (SELECT a.attributes FROM otel_span_attrs_other AS a ORDER BY a.span_pk DESC LIMIT $2) AS o
       WHERE o.attributes ? $1::text) AS x)) AS x(v)
WHERE $3 = '' OR (jsonb_typeof(v) = 'string' AND starts_with(v #>> '{}', $3))
ORDER BY v
LIMIT $4;

-- statement 4 of 6
SELECT v FROM ((WITH RECURSIVE d(value, n) AS (
    (SELECT a.value, 1 FROM otel_span_attrs_string AS a WHERE a.key_id = $2 ORDER BY a.value LIMIT 1)
    UNION ALL
    SELECT (SELECT a.value FROM otel_span_attrs_string AS a WHERE a.key_id = $2 AND a.value > d.value
            ORDER BY a.value LIMIT 1), d.n + 1
    FROM d WHERE d.value IS NOT NULL AND d.n < $3
)
SELECT to_jsonb(a.value) FROM d AS a WHERE a.value IS NOT NULL AND starts_with(a.value, $1) LIMIT $4)
UNION (SELECT CASE WHEN x.tagged ? 'stringValue' THEN x.tagged -> 'stringValue'
             WHEN x.tagged ? 'intValue' THEN to_jsonb((x.tagged ->> 'intValue')::numeric)
             WHEN x.tagged ? 'doubleValue' THEN x.tagged -> 'doubleValue'
             WHEN x.tagged ? 'boolValue' THEN x.tagged -> 'boolValue'
             WHEN x.tagged ? 'bytesValue' THEN x.tagged -> 'bytesValue'
             ELSE otel_anyvalue_to_json(x.tagged) END
 FROM (SELECT DISTINCT o.attributes -> $5::text AS tagged
       FROM (SELECT a.attributes FROM otel_span_attrs_other AS a ORDER BY a.span_pk DESC LIMIT $6) AS o
       WHERE o.attributes ? $5::text) AS x)) AS x(v)
WHERE $7 = '' OR (jsonb_typeof(v) = 'string' AND starts_with(v #>> '{}', $7))
ORDER BY v
LIMIT $8;

-- statement 5 of 6
WITH x AS (SELECT r.minute_unix_nano, r.key, r.value_type, r.n, r.hashes
           FROM otel_attribute_key_rollups AS r
           WHERE r.owner = $1 AND r.minute_unix_nano >= $2 AND r.minute_unix_nano < $3
             AND starts_with(r.key, $4) AND r.key > $5),
     s AS (SELECT x.key, (array_agg(DISTINCT h.h ORDER BY h.h))[1:64] AS hashes
           FROM x CROSS JOIN LATERAL unnest(x.hashes) AS h(h)
           GROUP BY 1)
SELECT x.key, x.value_type, sum(x.n)::bigint AS n, max(x.minute_unix_nano) AS last_minute,
       bool_and(x.hashes IS NOT NULL) AS sketched,
       coalesce((SELECT s.hashes FROM s WHERE s.key = x.key), '{}') AS hashes,
       EXISTS (SELECT 1 FROM attribute_keys AS k WHERE k.key = x.key AND (EXISTS (SELECT 1 FROM otel_metric_number_attrs_string AS a WHERE a.key_id = k.key_id) OR EXISTS (SELECT 1 FROM otel_metric_number_attrs_int AS a WHERE a.key_id = k.key_id) OR EXISTS (SELECT 1 FROM otel_metric_number_attrs_double AS a WHERE a.key_id = k.key_id) OR EXISTS (SELECT 1 FROM otel_metric_number_attrs_bool AS a WHERE a.key_id = k.key_id) OR EXISTS (SELECT 1 FROM otel_metric_number_attrs_bytes AS a WHERE a.key_id = k.key_id) OR EXISTS (SELECT 1 FROM otel_metric_histogram_attrs_string AS a WHERE a.key_id = k.key_id) OR EXISTS (SELECT 1 FROM otel_metric_histogram_attrs_int AS a WHERE a.key_id = k.key_id) OR EXISTS (SELECT 1 FROM otel_metric_histogram_attrs_double AS a WHERE a.key_id = k.key_id) OR EXISTS (SELECT 1 FROM otel_metric_histogram_attrs_bool AS a WHERE a.key_id = k.key_id) OR EXISTS (SELECT 1 FROM otel_metric_histogram_attrs_bytes AS a WHERE a.key_id = k.key_id) OR EXISTS (SELECT 1 FROM otel_metric_exp_histogram_attrs_string AS a WHERE a.key_id = k.key_id) OR EXISTS (SELECT 1 FROM otel_metric_exp_histogram_attrs_int AS a WHERE a.key_id = k.key_id) OR EXISTS (SELECT 1 FROM otel_metric_exp_histogram_attrs_double AS a WHERE a.key_id = k.key_id) OR EXISTS (SELECT 1 FROM otel_metric_exp_histogram_attrs_bool AS a WHERE a.key_id = k.key_id) OR EXISTS (SELECT 1 FROM otel_metric_exp_histogram_attrs_bytes AS a WHERE a.key_id = k.key_id) OR EXISTS (SELECT 1 FROM otel_metric_summary_attrs_string AS a WHERE a.key_id = k.key_id) OR EXISTS (SELECT 1 FROM otel_metric_summary_attrs_int AS a WHERE a.key_id = k.key_id) OR EXISTS (SELECT 1 FROM otel_metric_summary_attrs_double AS a WHERE a.key_id = k.key_id) OR EXISTS (SELECT 1 FROM otel_metric_summary_attrs_bool AS a WHERE a.key_id = k.key_id) OR EXISTS (SELECT 1 FROM otel_metric_summary_attrs_bytes AS a WHERE a.key_id = k.key_id))) AS promoted
FROM x
GROUP BY 1, 2
ORDER BY 1, 2;

-- statement 6 of 6
WITH x AS (SELECT r.minute_unix_nano, r.key, r.value_type, r.n, r.hashes
           FROM otel_attribute_key_rollups AS r
           WHERE r.owner = $1 AND r.minute_unix_nano >= $2 AND r.minute_unix_nano < $3
             AND starts_with(r.key, $4) AND r.key > $5),
     s AS (SELECT x.key, (array_agg(DISTINCT h.h ORDER BY h.h))[1:64] AS hashes
           FROM x CROSS JOIN LATERAL unnest(x.hashes) AS h(h)
           GROUP BY 1)
SELECT x.key, x.value_type, sum(x.n)::bigint AS n, max(x.minute_unix_nano) AS last_minute,
       bool_and(x.hashes IS NOT NULL) AS sketched,
       coalesce((SELECT s.hashes FROM s WHERE s.key = x.key), '{}') AS hashes,
       EXISTS (SELECT 1 FROM attribute_keys AS k WHERE k.key = x.key AND (EXISTS (SELECT 1 FROM otel_span_attrs_string AS a WHERE a.key_id = k.key_id) OR EXISTS (SELECT 1 FROM otel_span_attrs_int AS a WHERE a.key_id = k.key_id) OR EXISTS (SELECT 1 FROM otel_span_attrs_double AS a WHERE a.key_id = k.key_id) OR EXISTS (SELECT 1 FROM otel_span_attrs_bool AS a WHERE a.key_id = k.key_id) OR EXISTS (SELECT 1 FROM otel_span_attrs_bytes AS a WHERE a.key_id = k.key_id))) AS promoted
FROM x
GROUP BY 1, 2
ORDER BY 1, 2;
