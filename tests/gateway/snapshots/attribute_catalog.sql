-- attribute_catalog: the 14 SQL statements of this GraphQL query, in text order
-- (tests/gateway/test_sql_snapshots.py; `make snapshot-sql` rewrites it).
--
--   {
--     spanKeys: attributeKeys(scope: SPAN, prefix: "http.") { key promoted }
--     metricKeys: attributeKeys(scope: METRIC) { key promoted }
--     routes: attributeValues(scope: SPAN, key: "http.route", prefix: "/")
--     counts: attributeValues(scope: SPAN, key: "custom.count")
--   }

-- statement 1 of 14
SELECT DISTINCT j.key
FROM (SELECT a.attributes FROM otel_metric_exp_histogram_attrs_other AS a ORDER BY a.point_pk DESC LIMIT $3) AS o
CROSS JOIN LATERAL jsonb_object_keys(o.attributes) AS j(key)
WHERE starts_with(j.key, $1)
ORDER BY j.key
LIMIT $2;

-- statement 2 of 14
SELECT DISTINCT j.key
FROM (SELECT a.attributes FROM otel_metric_histogram_attrs_other AS a ORDER BY a.point_pk DESC LIMIT $3) AS o
CROSS JOIN LATERAL jsonb_object_keys(o.attributes) AS j(key)
WHERE starts_with(j.key, $1)
ORDER BY j.key
LIMIT $2;

-- statement 3 of 14
SELECT DISTINCT j.key
FROM (SELECT a.attributes FROM otel_metric_number_attrs_other AS a ORDER BY a.point_pk DESC LIMIT $3) AS o
CROSS JOIN LATERAL jsonb_object_keys(o.attributes) AS j(key)
WHERE starts_with(j.key, $1)
ORDER BY j.key
LIMIT $2;

-- statement 4 of 14
SELECT DISTINCT j.key
FROM (SELECT a.attributes FROM otel_metric_summary_attrs_other AS a ORDER BY a.point_pk DESC LIMIT $3) AS o
CROSS JOIN LATERAL jsonb_object_keys(o.attributes) AS j(key)
WHERE starts_with(j.key, $1)
ORDER BY j.key
LIMIT $2;

-- statement 5 of 14
SELECT ak.key FROM attribute_keys AS ak
WHERE ak.key_id IN ((WITH RECURSIVE k(key_id) AS (
    (SELECT a.key_id FROM otel_metric_exp_histogram_attrs_string AS a ORDER BY a.key_id LIMIT 1)
    UNION ALL
    SELECT (SELECT a.key_id FROM otel_metric_exp_histogram_attrs_string AS a WHERE a.key_id > k.key_id
            ORDER BY a.key_id LIMIT 1)
    FROM k WHERE k.key_id IS NOT NULL
)
SELECT k.key_id FROM k WHERE k.key_id IS NOT NULL)
UNION (WITH RECURSIVE k(key_id) AS (
    (SELECT a.key_id FROM otel_metric_exp_histogram_attrs_int AS a ORDER BY a.key_id LIMIT 1)
    UNION ALL
    SELECT (SELECT a.key_id FROM otel_metric_exp_histogram_attrs_int AS a WHERE a.key_id > k.key_id
            ORDER BY a.key_id LIMIT 1)
    FROM k WHERE k.key_id IS NOT NULL
)
SELECT k.key_id FROM k WHERE k.key_id IS NOT NULL)
UNION (WITH RECURSIVE k(key_id) AS (
    (SELECT a.key_id FROM otel_metric_exp_histogram_attrs_double AS a ORDER BY a.key_id LIMIT 1)
    UNION ALL
    SELECT (SELECT a.key_id FROM otel_metric_exp_histogram_attrs_double AS a WHERE a.key_id > k.key_id
            ORDER BY a.key_id LIMIT 1)
    FROM k WHERE k.key_id IS NOT NULL
)
SELECT k.key_id FROM k WHERE k.key_id IS NOT NULL)
UNION (WITH RECURSIVE k(key_id) AS (
    (SELECT a.key_id FROM otel_metric_exp_histogram_attrs_bool AS a ORDER BY a.key_id LIMIT 1)
    UNION ALL
    SELECT (SELECT a.key_id FROM otel_metric_exp_histogram_attrs_bool AS a WHERE a.key_id > k.key_id
            ORDER BY a.key_id LIMIT 1)
    FROM k WHERE k.key_id IS NOT NULL
)
SELECT k.key_id FROM k WHERE k.key_id IS NOT NULL)
UNION (WITH RECURSIVE k(key_id) AS (
    (SELECT a.key_id FROM otel_metric_exp_histogram_attrs_bytes AS a ORDER BY a.key_id LIMIT 1)
    UNION ALL
    SELECT (SELECT a.key_id FROM otel_metric_exp_histogram_attrs_bytes AS a WHERE a.key_id > k.key_id
            ORDER BY a.key_id LIMIT 1)
    FROM k WHERE k.key_id IS NOT NULL
)
SELECT k.key_id FROM k WHERE k.key_id IS NOT NULL)) AND starts_with(ak.key, $1)
ORDER BY ak.key
LIMIT $2;

-- statement 6 of 14
SELECT ak.key FROM attribute_keys AS ak
WHERE ak.key_id IN ((WITH RECURSIVE k(key_id) AS (
    (SELECT a.key_id FROM otel_metric_histogram_attrs_string AS a ORDER BY a.key_id LIMIT 1)
    UNION ALL
    SELECT (SELECT a.key_id FROM otel_metric_histogram_attrs_string AS a WHERE a.key_id > k.key_id
            ORDER BY a.key_id LIMIT 1)
    FROM k WHERE k.key_id IS NOT NULL
)
SELECT k.key_id FROM k WHERE k.key_id IS NOT NULL)
UNION (WITH RECURSIVE k(key_id) AS (
    (SELECT a.key_id FROM otel_metric_histogram_attrs_int AS a ORDER BY a.key_id LIMIT 1)
    UNION ALL
    SELECT (SELECT a.key_id FROM otel_metric_histogram_attrs_int AS a WHERE a.key_id > k.key_id
            ORDER BY a.key_id LIMIT 1)
    FROM k WHERE k.key_id IS NOT NULL
)
SELECT k.key_id FROM k WHERE k.key_id IS NOT NULL)
UNION (WITH RECURSIVE k(key_id) AS (
    (SELECT a.key_id FROM otel_metric_histogram_attrs_double AS a ORDER BY a.key_id LIMIT 1)
    UNION ALL
    SELECT (SELECT a.key_id FROM otel_metric_histogram_attrs_double AS a WHERE a.key_id > k.key_id
            ORDER BY a.key_id LIMIT 1)
    FROM k WHERE k.key_id IS NOT NULL
)
SELECT k.key_id FROM k WHERE k.key_id IS NOT NULL)
UNION (WITH RECURSIVE k(key_id) AS (
    (SELECT a.key_id FROM otel_metric_histogram_attrs_bool AS a ORDER BY a.key_id LIMIT 1)
    UNION ALL
    SELECT (SELECT a.key_id FROM otel_metric_histogram_attrs_bool AS a WHERE a.key_id > k.key_id
            ORDER BY a.key_id LIMIT 1)
    FROM k WHERE k.key_id IS NOT NULL
)
SELECT k.key_id FROM k WHERE k.key_id IS NOT NULL)
UNION (WITH RECURSIVE k(key_id) AS (
    (SELECT a.key_id FROM otel_metric_histogram_attrs_bytes AS a ORDER BY a.key_id LIMIT 1)
    UNION ALL
    SELECT (SELECT a.key_id FROM otel_metric_histogram_attrs_bytes AS a WHERE a.key_id > k.key_id
            ORDER BY a.key_id LIMIT 1)
    FROM k WHERE k.key_id IS NOT NULL
)
SELECT k.key_id FROM k WHERE k.key_id IS NOT NULL)) AND starts_with(ak.key, $1)
ORDER BY ak.key
LIMIT $2;

-- statement 7 of 14
SELECT ak.key FROM attribute_keys AS ak
WHERE ak.key_id IN ((WITH RECURSIVE k(key_id) AS (
    (SELECT a.key_id FROM otel_metric_number_attrs_string AS a ORDER BY a.key_id LIMIT 1)
    UNION ALL
    SELECT (SELECT a.key_id FROM otel_metric_number_attrs_string AS a WHERE a.key_id > k.key_id
            ORDER BY a.key_id LIMIT 1)
    FROM k WHERE k.key_id IS NOT NULL
)
SELECT k.key_id FROM k WHERE k.key_id IS NOT NULL)
UNION (WITH RECURSIVE k(key_id) AS (
    (SELECT a.key_id FROM otel_metric_number_attrs_int AS a ORDER BY a.key_id LIMIT 1)
    UNION ALL
    SELECT (SELECT a.key_id FROM otel_metric_number_attrs_int AS a WHERE a.key_id > k.key_id
            ORDER BY a.key_id LIMIT 1)
    FROM k WHERE k.key_id IS NOT NULL
)
SELECT k.key_id FROM k WHERE k.key_id IS NOT NULL)
UNION (WITH RECURSIVE k(key_id) AS (
    (SELECT a.key_id FROM otel_metric_number_attrs_double AS a ORDER BY a.key_id LIMIT 1)
    UNION ALL
    SELECT (SELECT a.key_id FROM otel_metric_number_attrs_double AS a WHERE a.key_id > k.key_id
            ORDER BY a.key_id LIMIT 1)
    FROM k WHERE k.key_id IS NOT NULL
)
SELECT k.key_id FROM k WHERE k.key_id IS NOT NULL)
UNION (WITH RECURSIVE k(key_id) AS (
    (SELECT a.key_id FROM otel_metric_number_attrs_bool AS a ORDER BY a.key_id LIMIT 1)
    UNION ALL
    SELECT (SELECT a.key_id FROM otel_metric_number_attrs_bool AS a WHERE a.key_id > k.key_id
            ORDER BY a.key_id LIMIT 1)
    FROM k WHERE k.key_id IS NOT NULL
)
SELECT k.key_id FROM k WHERE k.key_id IS NOT NULL)
UNION (WITH RECURSIVE k(key_id) AS (
    (SELECT a.key_id FROM otel_metric_number_attrs_bytes AS a ORDER BY a.key_id LIMIT 1)
    UNION ALL
    SELECT (SELECT a.key_id FROM otel_metric_number_attrs_bytes AS a WHERE a.key_id > k.key_id
            ORDER BY a.key_id LIMIT 1)
    FROM k WHERE k.key_id IS NOT NULL
)
SELECT k.key_id FROM k WHERE k.key_id IS NOT NULL)) AND starts_with(ak.key, $1)
ORDER BY ak.key
LIMIT $2;

-- statement 8 of 14
SELECT ak.key FROM attribute_keys AS ak
WHERE ak.key_id IN ((WITH RECURSIVE k(key_id) AS (
    (SELECT a.key_id FROM otel_metric_summary_attrs_string AS a ORDER BY a.key_id LIMIT 1)
    UNION ALL
    SELECT (SELECT a.key_id FROM otel_metric_summary_attrs_string AS a WHERE a.key_id > k.key_id
            ORDER BY a.key_id LIMIT 1)
    FROM k WHERE k.key_id IS NOT NULL
)
SELECT k.key_id FROM k WHERE k.key_id IS NOT NULL)
UNION (WITH RECURSIVE k(key_id) AS (
    (SELECT a.key_id FROM otel_metric_summary_attrs_int AS a ORDER BY a.key_id LIMIT 1)
    UNION ALL
    SELECT (SELECT a.key_id FROM otel_metric_summary_attrs_int AS a WHERE a.key_id > k.key_id
            ORDER BY a.key_id LIMIT 1)
    FROM k WHERE k.key_id IS NOT NULL
)
SELECT k.key_id FROM k WHERE k.key_id IS NOT NULL)
UNION (WITH RECURSIVE k(key_id) AS (
    (SELECT a.key_id FROM otel_metric_summary_attrs_double AS a ORDER BY a.key_id LIMIT 1)
    UNION ALL
    SELECT (SELECT a.key_id FROM otel_metric_summary_attrs_double AS a WHERE a.key_id > k.key_id
            ORDER BY a.key_id LIMIT 1)
    FROM k WHERE k.key_id IS NOT NULL
)
SELECT k.key_id FROM k WHERE k.key_id IS NOT NULL)
UNION (WITH RECURSIVE k(key_id) AS (
    (SELECT a.key_id FROM otel_metric_summary_attrs_bool AS a ORDER BY a.key_id LIMIT 1)
    UNION ALL
    SELECT (SELECT a.key_id FROM otel_metric_summary_attrs_bool AS a WHERE a.key_id > k.key_id
            ORDER BY a.key_id LIMIT 1)
    FROM k WHERE k.key_id IS NOT NULL
)
SELECT k.key_id FROM k WHERE k.key_id IS NOT NULL)
UNION (WITH RECURSIVE k(key_id) AS (
    (SELECT a.key_id FROM otel_metric_summary_attrs_bytes AS a ORDER BY a.key_id LIMIT 1)
    UNION ALL
    SELECT (SELECT a.key_id FROM otel_metric_summary_attrs_bytes AS a WHERE a.key_id > k.key_id
            ORDER BY a.key_id LIMIT 1)
    FROM k WHERE k.key_id IS NOT NULL
)
SELECT k.key_id FROM k WHERE k.key_id IS NOT NULL)) AND starts_with(ak.key, $1)
ORDER BY ak.key
LIMIT $2;

-- statement 9 of 14
SELECT key, key_id FROM attribute_keys WHERE key = ANY($1::text[]);

-- statement 10 of 14
SELECT key, key_id FROM attribute_keys WHERE key = ANY($1::text[]);

-- statement 11 of 14
SELECT rolled_from, rolled, accepted FROM otel_span_rollup_state;

-- statement 12 of 14
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

-- statement 13 of 14
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

-- statement 14 of 14
SELECT x.key, x.value_type, sum(x.n)::bigint AS n, max(x.minute_unix_nano) AS last_minute,
       EXISTS (SELECT 1 FROM attribute_keys AS k WHERE k.key = x.key AND (EXISTS (SELECT 1 FROM otel_span_attrs_string AS a WHERE a.key_id = k.key_id) OR EXISTS (SELECT 1 FROM otel_span_attrs_int AS a WHERE a.key_id = k.key_id) OR EXISTS (SELECT 1 FROM otel_span_attrs_double AS a WHERE a.key_id = k.key_id) OR EXISTS (SELECT 1 FROM otel_span_attrs_bool AS a WHERE a.key_id = k.key_id) OR EXISTS (SELECT 1 FROM otel_span_attrs_bytes AS a WHERE a.key_id = k.key_id))) AS promoted
FROM (SELECT r.minute_unix_nano, r.key, r.value_type, r.n FROM otel_attribute_key_rollups AS r
      WHERE r.owner = $3 AND r.minute_unix_nano >= $4 AND r.minute_unix_nano < $5
      UNION ALL
      SELECT e.minute_unix_nano, e.key, e.value_type, e.n FROM (SELECT x.minute_unix_nano, x.key, x.value_type, sum(x.n)::bigint AS n
      FROM (SELECT a.start_time_unix_nano / 60000000000 * 60000000000 AS minute_unix_nano, a.key_id, NULL AS key,
                   'string' AS value_type, count(*) AS n
            FROM otel_span_attrs_string AS a WHERE a.start_time_unix_nano >= $1 AND a.start_time_unix_nano < $2 GROUP BY 1, 2
            UNION ALL
            SELECT a.start_time_unix_nano / 60000000000 * 60000000000, a.key_id, NULL, 'int', count(*)
            FROM otel_span_attrs_int AS a WHERE a.start_time_unix_nano >= $1 AND a.start_time_unix_nano < $2 GROUP BY 1, 2
            UNION ALL
            SELECT a.start_time_unix_nano / 60000000000 * 60000000000, a.key_id, NULL, 'double', count(*)
            FROM otel_span_attrs_double AS a WHERE a.start_time_unix_nano >= $1 AND a.start_time_unix_nano < $2 GROUP BY 1, 2
            UNION ALL
            SELECT a.start_time_unix_nano / 60000000000 * 60000000000, a.key_id, NULL, 'bool', count(*)
            FROM otel_span_attrs_bool AS a WHERE a.start_time_unix_nano >= $1 AND a.start_time_unix_nano < $2 GROUP BY 1, 2
            UNION ALL
            SELECT a.start_time_unix_nano / 60000000000 * 60000000000, a.key_id, NULL, 'bytes', count(*)
            FROM otel_span_attrs_bytes AS a WHERE a.start_time_unix_nano >= $1 AND a.start_time_unix_nano < $2 GROUP BY 1, 2
            UNION ALL
            SELECT a.start_time_unix_nano / 60000000000 * 60000000000, NULL, j.key,
                   CASE WHEN j.value ? 'stringValue' THEN 'string' WHEN j.value ? 'intValue' THEN 'int'
                        WHEN j.value ? 'doubleValue' THEN 'double' WHEN j.value ? 'boolValue' THEN 'bool'
                        WHEN j.value ? 'bytesValue' THEN 'bytes' WHEN j.value ? 'arrayValue' THEN 'array'
                        WHEN j.value ? 'kvlistValue' THEN 'kvlist' ELSE 'empty' END, count(*)
            FROM otel_span_attrs_other AS a, jsonb_each(a.attributes) AS j
            WHERE a.start_time_unix_nano >= $1 AND a.start_time_unix_nano < $2 GROUP BY 1, 3, 4) AS y
            LEFT JOIN attribute_keys AS k ON k.key_id = y.key_id
            CROSS JOIN LATERAL (SELECT y.minute_unix_nano, coalesce(y.key, k.key) AS key,
                                       y.value_type, y.n) AS x
      GROUP BY 1, 2, 3) AS e) AS x
WHERE starts_with(x.key, $6)
GROUP BY 1, 2
ORDER BY 1, 2;
