-- attribute_catalog: the 8 SQL statements of this GraphQL query, in text order
-- (tests/gateway/test_sql_snapshots.py; `make snapshot-sql` rewrites it).
--
--   {
--     spanKeys: attributeKeys(scope: SPAN, prefix: "http.") { key promoted }
--     metricKeys: attributeKeys(scope: METRIC) { key promoted }
--     routes: attributeValues(scope: SPAN, key: "http.route", prefix: "/")
--     counts: attributeValues(scope: SPAN, key: "custom.count")
--   }

-- statement 1 of 8
SELECT key, key_id FROM attribute_keys WHERE key = ANY($1::text[]);

-- statement 2 of 8
SELECT key, key_id FROM attribute_keys WHERE key = ANY($1::text[]);

-- statement 3 of 8
SELECT rolled_from, rolled, accepted FROM otel_span_rollup_state;

-- statement 4 of 8
SELECT rolled_from, rolled, accepted FROM otel_span_rollup_state;

-- statement 5 of 8
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

-- statement 6 of 8
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

-- statement 7 of 8
WITH x AS (SELECT x.* FROM (SELECT r.minute_unix_nano, r.key, r.value_type, r.n, r.hashes
                            FROM otel_attribute_key_rollups AS r
                            WHERE r.owner = $3 AND r.minute_unix_nano >= $4
                              AND r.minute_unix_nano < $5
                            UNION ALL
                            SELECT e.minute_unix_nano, e.key, e.value_type, e.n, e.hashes FROM (
                            SELECT x.minute_unix_nano, x.key, x.value_type, sum(x.n)::bigint AS n,
                                   (array_agg(DISTINCT x.h ORDER BY x.h))[1:64] AS hashes
                            FROM (SELECT y.minute_unix_nano, coalesce(y.key, k.key) AS key, y.value_type, y.h, y.n
                                  FROM (SELECT a.start_time_unix_nano / 60000000000 * 60000000000 AS minute_unix_nano, a.key_id, NULL AS key, 'string' AS value_type,
                                   hashtextextended('string:' || a.value, 0) AS h, count(*) AS n
                            FROM otel_span_attrs_string AS a
                            WHERE a.start_time_unix_nano >= $1 AND a.start_time_unix_nano < $2
                            GROUP BY 1, 2, 5
                            UNION ALL
                            SELECT a.start_time_unix_nano / 60000000000 * 60000000000 AS minute_unix_nano, a.key_id, NULL AS key, 'int' AS value_type,
                                   hashtextextended('int:' || a.value::text, 0) AS h, count(*) AS n
                            FROM otel_span_attrs_int AS a
                            WHERE a.start_time_unix_nano >= $1 AND a.start_time_unix_nano < $2
                            GROUP BY 1, 2, 5
                            UNION ALL
                            SELECT a.start_time_unix_nano / 60000000000 * 60000000000 AS minute_unix_nano, a.key_id, NULL AS key, 'double' AS value_type,
                                   hashtextextended('double:' || a.value::text, 0) AS h, count(*) AS n
                            FROM otel_span_attrs_double AS a
                            WHERE a.start_time_unix_nano >= $1 AND a.start_time_unix_nano < $2
                            GROUP BY 1, 2, 5
                            UNION ALL
                            SELECT a.start_time_unix_nano / 60000000000 * 60000000000 AS minute_unix_nano, a.key_id, NULL AS key, 'bool' AS value_type,
                                   hashtextextended('bool:' || a.value::text, 0) AS h, count(*) AS n
                            FROM otel_span_attrs_bool AS a
                            WHERE a.start_time_unix_nano >= $1 AND a.start_time_unix_nano < $2
                            GROUP BY 1, 2, 5
                            UNION ALL
                            SELECT a.start_time_unix_nano / 60000000000 * 60000000000 AS minute_unix_nano, a.key_id, NULL AS key, 'bytes' AS value_type,
                                   hashtextextended('bytes:' || translate(encode(a.value, 'base64'), E'\n', ''), 0) AS h, count(*) AS n
                            FROM otel_span_attrs_bytes AS a
                            WHERE a.start_time_unix_nano >= $1 AND a.start_time_unix_nano < $2
                            GROUP BY 1, 2, 5
                            UNION ALL
                            SELECT a.start_time_unix_nano / 60000000000 * 60000000000, NULL::bigint, j.key, t.value_type,
                                   hashtextextended(t.value_type || ':' || coalesce(
                                       j.value ->> 'stringValue', j.value ->> 'intValue', j.value ->> 'doubleValue',
                                       j.value ->> 'boolValue', j.value ->> 'bytesValue', j.value::text), 0),
                                   count(*)
                            FROM otel_span_attrs_other AS a
                            CROSS JOIN LATERAL jsonb_each(a.attributes) AS j
                            CROSS JOIN LATERAL (SELECT CASE
                                WHEN j.value ? 'stringValue' THEN 'string' WHEN j.value ? 'intValue' THEN 'int'
                                WHEN j.value ? 'doubleValue' THEN 'double' WHEN j.value ? 'boolValue' THEN 'bool'
                                WHEN j.value ? 'bytesValue' THEN 'bytes' WHEN j.value ? 'arrayValue' THEN 'array'
                                WHEN j.value ? 'kvlistValue' THEN 'kvlist' ELSE 'empty' END) AS t(value_type)
                            WHERE a.start_time_unix_nano >= $1 AND a.start_time_unix_nano < $2
                            GROUP BY 1, 3, 4, 5) AS y
                                  LEFT JOIN attribute_keys AS k ON k.key_id = y.key_id) AS x
                            GROUP BY 1, 2, 3) AS e) AS x
           WHERE starts_with(x.key, $6) AND x.key > $7),
     s AS (SELECT x.key, (array_agg(DISTINCT h.h ORDER BY h.h))[1:64] AS hashes
           FROM x CROSS JOIN LATERAL unnest(x.hashes) AS h(h)
           GROUP BY 1)
SELECT g.*, coalesce(s.hashes, '{}') AS hashes,
       k.key_id IS NOT NULL AND ((SELECT 1 FROM otel_span_attrs_string AS a WHERE a.key_id = k.key_id ORDER BY a.key_id, a.value LIMIT 1)
       IS NOT NULL OR (SELECT 1 FROM otel_span_attrs_int AS a WHERE a.key_id = k.key_id ORDER BY a.key_id, a.value LIMIT 1)
       IS NOT NULL OR (SELECT 1 FROM otel_span_attrs_double AS a WHERE a.key_id = k.key_id ORDER BY a.key_id, a.value LIMIT 1)
       IS NOT NULL OR (SELECT 1 FROM otel_span_attrs_bool AS a WHERE a.key_id = k.key_id ORDER BY a.key_id, a.value LIMIT 1)
       IS NOT NULL OR (SELECT 1 FROM otel_span_attrs_bytes AS a WHERE a.key_id = k.key_id ORDER BY a.key_id, a.value LIMIT 1)
       IS NOT NULL) AS promoted
FROM (SELECT x.key, x.value_type, sum(x.n)::bigint AS n,
             max(x.minute_unix_nano) AS last_minute, bool_and(x.hashes IS NOT NULL) AS sketched
      FROM x
      GROUP BY 1, 2) AS g
LEFT JOIN s ON s.key = g.key
LEFT JOIN attribute_keys AS k ON k.key = g.key
ORDER BY 1, 2;

-- statement 8 of 8
WITH x AS (SELECT x.* FROM (SELECT r.minute_unix_nano, r.key, r.value_type, r.n, r.hashes
                            FROM otel_attribute_key_rollups AS r
                            WHERE r.owner = $3 AND r.minute_unix_nano >= $4
                              AND r.minute_unix_nano < $5
                            UNION ALL
                            SELECT e.minute_unix_nano, e.key, e.value_type, e.n, e.hashes FROM (
                            SELECT x.minute_unix_nano, x.key, x.value_type, sum(x.n)::bigint AS n,
                                   (array_agg(DISTINCT x.h ORDER BY x.h))[1:64] AS hashes
                            FROM (SELECT y.minute_unix_nano, coalesce(y.key, k.key) AS key, y.value_type, y.h, y.n
                                  FROM (SELECT a.time_unix_nano / 60000000000 * 60000000000 AS minute_unix_nano, a.key_id, NULL AS key, 'string' AS value_type,
                                   hashtextextended('string:' || a.value, 0) AS h, count(*) AS n
                            FROM otel_metric_number_attrs_string AS a
                            WHERE a.time_unix_nano >= $1 AND a.time_unix_nano < $2
                            GROUP BY 1, 2, 5
                            UNION ALL
                            SELECT a.time_unix_nano / 60000000000 * 60000000000 AS minute_unix_nano, a.key_id, NULL AS key, 'int' AS value_type,
                                   hashtextextended('int:' || a.value::text, 0) AS h, count(*) AS n
                            FROM otel_metric_number_attrs_int AS a
                            WHERE a.time_unix_nano >= $1 AND a.time_unix_nano < $2
                            GROUP BY 1, 2, 5
                            UNION ALL
                            SELECT a.time_unix_nano / 60000000000 * 60000000000 AS minute_unix_nano, a.key_id, NULL AS key, 'double' AS value_type,
                                   hashtextextended('double:' || a.value::text, 0) AS h, count(*) AS n
                            FROM otel_metric_number_attrs_double AS a
                            WHERE a.time_unix_nano >= $1 AND a.time_unix_nano < $2
                            GROUP BY 1, 2, 5
                            UNION ALL
                            SELECT a.time_unix_nano / 60000000000 * 60000000000 AS minute_unix_nano, a.key_id, NULL AS key, 'bool' AS value_type,
                                   hashtextextended('bool:' || a.value::text, 0) AS h, count(*) AS n
                            FROM otel_metric_number_attrs_bool AS a
                            WHERE a.time_unix_nano >= $1 AND a.time_unix_nano < $2
                            GROUP BY 1, 2, 5
                            UNION ALL
                            SELECT a.time_unix_nano / 60000000000 * 60000000000 AS minute_unix_nano, a.key_id, NULL AS key, 'bytes' AS value_type,
                                   hashtextextended('bytes:' || translate(encode(a.value, 'base64'), E'\n', ''), 0) AS h, count(*) AS n
                            FROM otel_metric_number_attrs_bytes AS a
                            WHERE a.time_unix_nano >= $1 AND a.time_unix_nano < $2
                            GROUP BY 1, 2, 5
                            UNION ALL
                            SELECT a.time_unix_nano / 60000000000 * 60000000000, NULL::bigint, j.key, t.value_type,
                                   hashtextextended(t.value_type || ':' || coalesce(
                                       j.value ->> 'stringValue', j.value ->> 'intValue', j.value ->> 'doubleValue',
                                       j.value ->> 'boolValue', j.value ->> 'bytesValue', j.value::text), 0),
                                   count(*)
                            FROM otel_metric_number_attrs_other AS a
                            CROSS JOIN LATERAL jsonb_each(a.attributes) AS j
                            CROSS JOIN LATERAL (SELECT CASE
                                WHEN j.value ? 'stringValue' THEN 'string' WHEN j.value ? 'intValue' THEN 'int'
                                WHEN j.value ? 'doubleValue' THEN 'double' WHEN j.value ? 'boolValue' THEN 'bool'
                                WHEN j.value ? 'bytesValue' THEN 'bytes' WHEN j.value ? 'arrayValue' THEN 'array'
                                WHEN j.value ? 'kvlistValue' THEN 'kvlist' ELSE 'empty' END) AS t(value_type)
                            WHERE a.time_unix_nano >= $1 AND a.time_unix_nano < $2
                            GROUP BY 1, 3, 4, 5
                            UNION ALL
                            SELECT a.time_unix_nano / 60000000000 * 60000000000 AS minute_unix_nano, a.key_id, NULL AS key, 'string' AS value_type,
                                   hashtextextended('string:' || a.value, 0) AS h, count(*) AS n
                            FROM otel_metric_histogram_attrs_string AS a
                            WHERE a.time_unix_nano >= $1 AND a.time_unix_nano < $2
                            GROUP BY 1, 2, 5
                            UNION ALL
                            SELECT a.time_unix_nano / 60000000000 * 60000000000 AS minute_unix_nano, a.key_id, NULL AS key, 'int' AS value_type,
                                   hashtextextended('int:' || a.value::text, 0) AS h, count(*) AS n
                            FROM otel_metric_histogram_attrs_int AS a
                            WHERE a.time_unix_nano >= $1 AND a.time_unix_nano < $2
                            GROUP BY 1, 2, 5
                            UNION ALL
                            SELECT a.time_unix_nano / 60000000000 * 60000000000 AS minute_unix_nano, a.key_id, NULL AS key, 'double' AS value_type,
                                   hashtextextended('double:' || a.value::text, 0) AS h, count(*) AS n
                            FROM otel_metric_histogram_attrs_double AS a
                            WHERE a.time_unix_nano >= $1 AND a.time_unix_nano < $2
                            GROUP BY 1, 2, 5
                            UNION ALL
                            SELECT a.time_unix_nano / 60000000000 * 60000000000 AS minute_unix_nano, a.key_id, NULL AS key, 'bool' AS value_type,
                                   hashtextextended('bool:' || a.value::text, 0) AS h, count(*) AS n
                            FROM otel_metric_histogram_attrs_bool AS a
                            WHERE a.time_unix_nano >= $1 AND a.time_unix_nano < $2
                            GROUP BY 1, 2, 5
                            UNION ALL
                            SELECT a.time_unix_nano / 60000000000 * 60000000000 AS minute_unix_nano, a.key_id, NULL AS key, 'bytes' AS value_type,
                                   hashtextextended('bytes:' || translate(encode(a.value, 'base64'), E'\n', ''), 0) AS h, count(*) AS n
                            FROM otel_metric_histogram_attrs_bytes AS a
                            WHERE a.time_unix_nano >= $1 AND a.time_unix_nano < $2
                            GROUP BY 1, 2, 5
                            UNION ALL
                            SELECT a.time_unix_nano / 60000000000 * 60000000000, NULL::bigint, j.key, t.value_type,
                                   hashtextextended(t.value_type || ':' || coalesce(
                                       j.value ->> 'stringValue', j.value ->> 'intValue', j.value ->> 'doubleValue',
                                       j.value ->> 'boolValue', j.value ->> 'bytesValue', j.value::text), 0),
                                   count(*)
                            FROM otel_metric_histogram_attrs_other AS a
                            CROSS JOIN LATERAL jsonb_each(a.attributes) AS j
                            CROSS JOIN LATERAL (SELECT CASE
                                WHEN j.value ? 'stringValue' THEN 'string' WHEN j.value ? 'intValue' THEN 'int'
                                WHEN j.value ? 'doubleValue' THEN 'double' WHEN j.value ? 'boolValue' THEN 'bool'
                                WHEN j.value ? 'bytesValue' THEN 'bytes' WHEN j.value ? 'arrayValue' THEN 'array'
                                WHEN j.value ? 'kvlistValue' THEN 'kvlist' ELSE 'empty' END) AS t(value_type)
                            WHERE a.time_unix_nano >= $1 AND a.time_unix_nano < $2
                            GROUP BY 1, 3, 4, 5
                            UNION ALL
                            SELECT a.time_unix_nano / 60000000000 * 60000000000 AS minute_unix_nano, a.key_id, NULL AS key, 'string' AS value_type,
                                   hashtextextended('string:' || a.value, 0) AS h, count(*) AS n
                            FROM otel_metric_exp_histogram_attrs_string AS a
                            WHERE a.time_unix_nano >= $1 AND a.time_unix_nano < $2
                            GROUP BY 1, 2, 5
                            UNION ALL
                            SELECT a.time_unix_nano / 60000000000 * 60000000000 AS minute_unix_nano, a.key_id, NULL AS key, 'int' AS value_type,
                                   hashtextextended('int:' || a.value::text, 0) AS h, count(*) AS n
                            FROM otel_metric_exp_histogram_attrs_int AS a
                            WHERE a.time_unix_nano >= $1 AND a.time_unix_nano < $2
                            GROUP BY 1, 2, 5
                            UNION ALL
                            SELECT a.time_unix_nano / 60000000000 * 60000000000 AS minute_unix_nano, a.key_id, NULL AS key, 'double' AS value_type,
                                   hashtextextended('double:' || a.value::text, 0) AS h, count(*) AS n
                            FROM otel_metric_exp_histogram_attrs_double AS a
                            WHERE a.time_unix_nano >= $1 AND a.time_unix_nano < $2
                            GROUP BY 1, 2, 5
                            UNION ALL
                            SELECT a.time_unix_nano / 60000000000 * 60000000000 AS minute_unix_nano, a.key_id, NULL AS key, 'bool' AS value_type,
                                   hashtextextended('bool:' || a.value::text, 0) AS h, count(*) AS n
                            FROM otel_metric_exp_histogram_attrs_bool AS a
                            WHERE a.time_unix_nano >= $1 AND a.time_unix_nano < $2
                            GROUP BY 1, 2, 5
                            UNION ALL
                            SELECT a.time_unix_nano / 60000000000 * 60000000000 AS minute_unix_nano, a.key_id, NULL AS key, 'bytes' AS value_type,
                                   hashtextextended('bytes:' || translate(encode(a.value, 'base64'), E'\n', ''), 0) AS h, count(*) AS n
                            FROM otel_metric_exp_histogram_attrs_bytes AS a
                            WHERE a.time_unix_nano >= $1 AND a.time_unix_nano < $2
                            GROUP BY 1, 2, 5
                            UNION ALL
                            SELECT a.time_unix_nano / 60000000000 * 60000000000, NULL::bigint, j.key, t.value_type,
                                   hashtextextended(t.value_type || ':' || coalesce(
                                       j.value ->> 'stringValue', j.value ->> 'intValue', j.value ->> 'doubleValue',
                                       j.value ->> 'boolValue', j.value ->> 'bytesValue', j.value::text), 0),
                                   count(*)
                            FROM otel_metric_exp_histogram_attrs_other AS a
                            CROSS JOIN LATERAL jsonb_each(a.attributes) AS j
                            CROSS JOIN LATERAL (SELECT CASE
                                WHEN j.value ? 'stringValue' THEN 'string' WHEN j.value ? 'intValue' THEN 'int'
                                WHEN j.value ? 'doubleValue' THEN 'double' WHEN j.value ? 'boolValue' THEN 'bool'
                                WHEN j.value ? 'bytesValue' THEN 'bytes' WHEN j.value ? 'arrayValue' THEN 'array'
                                WHEN j.value ? 'kvlistValue' THEN 'kvlist' ELSE 'empty' END) AS t(value_type)
                            WHERE a.time_unix_nano >= $1 AND a.time_unix_nano < $2
                            GROUP BY 1, 3, 4, 5
                            UNION ALL
                            SELECT a.time_unix_nano / 60000000000 * 60000000000 AS minute_unix_nano, a.key_id, NULL AS key, 'string' AS value_type,
                                   hashtextextended('string:' || a.value, 0) AS h, count(*) AS n
                            FROM otel_metric_summary_attrs_string AS a
                            WHERE a.time_unix_nano >= $1 AND a.time_unix_nano < $2
                            GROUP BY 1, 2, 5
                            UNION ALL
                            SELECT a.time_unix_nano / 60000000000 * 60000000000 AS minute_unix_nano, a.key_id, NULL AS key, 'int' AS value_type,
                                   hashtextextended('int:' || a.value::text, 0) AS h, count(*) AS n
                            FROM otel_metric_summary_attrs_int AS a
                            WHERE a.time_unix_nano >= $1 AND a.time_unix_nano < $2
                            GROUP BY 1, 2, 5
                            UNION ALL
                            SELECT a.time_unix_nano / 60000000000 * 60000000000 AS minute_unix_nano, a.key_id, NULL AS key, 'double' AS value_type,
                                   hashtextextended('double:' || a.value::text, 0) AS h, count(*) AS n
                            FROM otel_metric_summary_attrs_double AS a
                            WHERE a.time_unix_nano >= $1 AND a.time_unix_nano < $2
                            GROUP BY 1, 2, 5
                            UNION ALL
                            SELECT a.time_unix_nano / 60000000000 * 60000000000 AS minute_unix_nano, a.key_id, NULL AS key, 'bool' AS value_type,
                                   hashtextextended('bool:' || a.value::text, 0) AS h, count(*) AS n
                            FROM otel_metric_summary_attrs_bool AS a
                            WHERE a.time_unix_nano >= $1 AND a.time_unix_nano < $2
                            GROUP BY 1, 2, 5
                            UNION ALL
                            SELECT a.time_unix_nano / 60000000000 * 60000000000 AS minute_unix_nano, a.key_id, NULL AS key, 'bytes' AS value_type,
                                   hashtextextended('bytes:' || translate(encode(a.value, 'base64'), E'\n', ''), 0) AS h, count(*) AS n
                            FROM otel_metric_summary_attrs_bytes AS a
                            WHERE a.time_unix_nano >= $1 AND a.time_unix_nano < $2
                            GROUP BY 1, 2, 5
                            UNION ALL
                            SELECT a.time_unix_nano / 60000000000 * 60000000000, NULL::bigint, j.key, t.value_type,
                                   hashtextextended(t.value_type || ':' || coalesce(
                                       j.value ->> 'stringValue', j.value ->> 'intValue', j.value ->> 'doubleValue',
                                       j.value ->> 'boolValue', j.value ->> 'bytesValue', j.value::text), 0),
                                   count(*)
                            FROM otel_metric_summary_attrs_other AS a
                            CROSS JOIN LATERAL jsonb_each(a.attributes) AS j
                            CROSS JOIN LATERAL (SELECT CASE
                                WHEN j.value ? 'stringValue' THEN 'string' WHEN j.value ? 'intValue' THEN 'int'
                                WHEN j.value ? 'doubleValue' THEN 'double' WHEN j.value ? 'boolValue' THEN 'bool'
                                WHEN j.value ? 'bytesValue' THEN 'bytes' WHEN j.value ? 'arrayValue' THEN 'array'
                                WHEN j.value ? 'kvlistValue' THEN 'kvlist' ELSE 'empty' END) AS t(value_type)
                            WHERE a.time_unix_nano >= $1 AND a.time_unix_nano < $2
                            GROUP BY 1, 3, 4, 5) AS y
                                  LEFT JOIN attribute_keys AS k ON k.key_id = y.key_id) AS x
                            GROUP BY 1, 2, 3) AS e) AS x
           WHERE starts_with(x.key, $6) AND x.key > $7),
     s AS (SELECT x.key, (array_agg(DISTINCT h.h ORDER BY h.h))[1:64] AS hashes
           FROM x CROSS JOIN LATERAL unnest(x.hashes) AS h(h)
           GROUP BY 1)
SELECT g.*, coalesce(s.hashes, '{}') AS hashes,
       k.key_id IS NOT NULL AND ((SELECT 1 FROM otel_metric_number_attrs_string AS a WHERE a.key_id = k.key_id ORDER BY a.key_id, a.value LIMIT 1)
       IS NOT NULL OR (SELECT 1 FROM otel_metric_number_attrs_int AS a WHERE a.key_id = k.key_id ORDER BY a.key_id, a.value LIMIT 1)
       IS NOT NULL OR (SELECT 1 FROM otel_metric_number_attrs_double AS a WHERE a.key_id = k.key_id ORDER BY a.key_id, a.value LIMIT 1)
       IS NOT NULL OR (SELECT 1 FROM otel_metric_number_attrs_bool AS a WHERE a.key_id = k.key_id ORDER BY a.key_id, a.value LIMIT 1)
       IS NOT NULL OR (SELECT 1 FROM otel_metric_number_attrs_bytes AS a WHERE a.key_id = k.key_id ORDER BY a.key_id, a.value LIMIT 1)
       IS NOT NULL OR (SELECT 1 FROM otel_metric_histogram_attrs_string AS a WHERE a.key_id = k.key_id ORDER BY a.key_id, a.value LIMIT 1)
       IS NOT NULL OR (SELECT 1 FROM otel_metric_histogram_attrs_int AS a WHERE a.key_id = k.key_id ORDER BY a.key_id, a.value LIMIT 1)
       IS NOT NULL OR (SELECT 1 FROM otel_metric_histogram_attrs_double AS a WHERE a.key_id = k.key_id ORDER BY a.key_id, a.value LIMIT 1)
       IS NOT NULL OR (SELECT 1 FROM otel_metric_histogram_attrs_bool AS a WHERE a.key_id = k.key_id ORDER BY a.key_id, a.value LIMIT 1)
       IS NOT NULL OR (SELECT 1 FROM otel_metric_histogram_attrs_bytes AS a WHERE a.key_id = k.key_id ORDER BY a.key_id, a.value LIMIT 1)
       IS NOT NULL OR (SELECT 1 FROM otel_metric_exp_histogram_attrs_string AS a WHERE a.key_id = k.key_id ORDER BY a.key_id, a.value LIMIT 1)
       IS NOT NULL OR (SELECT 1 FROM otel_metric_exp_histogram_attrs_int AS a WHERE a.key_id = k.key_id ORDER BY a.key_id, a.value LIMIT 1)
       IS NOT NULL OR (SELECT 1 FROM otel_metric_exp_histogram_attrs_double AS a WHERE a.key_id = k.key_id ORDER BY a.key_id, a.value LIMIT 1)
       IS NOT NULL OR (SELECT 1 FROM otel_metric_exp_histogram_attrs_bool AS a WHERE a.key_id = k.key_id ORDER BY a.key_id, a.value LIMIT 1)
       IS NOT NULL OR (SELECT 1 FROM otel_metric_exp_histogram_attrs_bytes AS a WHERE a.key_id = k.key_id ORDER BY a.key_id, a.value LIMIT 1)
       IS NOT NULL OR (SELECT 1 FROM otel_metric_summary_attrs_string AS a WHERE a.key_id = k.key_id ORDER BY a.key_id, a.value LIMIT 1)
       IS NOT NULL OR (SELECT 1 FROM otel_metric_summary_attrs_int AS a WHERE a.key_id = k.key_id ORDER BY a.key_id, a.value LIMIT 1)
       IS NOT NULL OR (SELECT 1 FROM otel_metric_summary_attrs_double AS a WHERE a.key_id = k.key_id ORDER BY a.key_id, a.value LIMIT 1)
       IS NOT NULL OR (SELECT 1 FROM otel_metric_summary_attrs_bool AS a WHERE a.key_id = k.key_id ORDER BY a.key_id, a.value LIMIT 1)
       IS NOT NULL OR (SELECT 1 FROM otel_metric_summary_attrs_bytes AS a WHERE a.key_id = k.key_id ORDER BY a.key_id, a.value LIMIT 1)
       IS NOT NULL) AS promoted
FROM (SELECT x.key, x.value_type, sum(x.n)::bigint AS n,
             max(x.minute_unix_nano) AS last_minute, bool_and(x.hashes IS NOT NULL) AS sketched
      FROM x
      GROUP BY 1, 2) AS g
LEFT JOIN s ON s.key = g.key
LEFT JOIN attribute_keys AS k ON k.key = g.key
ORDER BY 1, 2;
