-- The attribute key registry (migrations/sql/0003_stats.sql and 0006_key_registry.sql
-- define otel_attribute_key_rollups), kept by ollygraph/key_registry.py over the minutes
-- of the RED rollups and read by attributeKeys (gateway/stats/sql/catalog.sql).
--
-- key_rows is the registry rows of one owner for the items of [$1, $2): per minute, key
-- and value type, how many items carry it and the KMV sketch of its values (the @k@
-- smallest distinct hashes). Its parts are typed_part and other_part, one per attribute
-- table: time-partitioned owners (spans, events, logs, metric points) count their own rows;
-- dimensions (resources, scopes) count the items of their minute that refer to them
-- (items_cte: dimension_items over fact_items of every fact with the dimension's id). A value is
-- hashed as its type and its text (base64 for bytes), the same whether stored typed or in
-- JSONB. These are parts of larger statements, so they carry no further comments.

-- name: key_rows
@items@
SELECT x.minute_unix_nano, x.key, x.value_type, sum(x.n)::bigint AS n,
       (array_agg(DISTINCT x.h ORDER BY x.h))[1:@k@] AS hashes
FROM (SELECT y.minute_unix_nano, coalesce(y.key, k.key) AS key, y.value_type, y.h, y.n
      FROM (@parts@) AS y
      LEFT JOIN attribute_keys AS k ON k.key_id = y.key_id) AS x
GROUP BY 1, 2, 3

-- name: typed_part
SELECT @minute@ AS minute_unix_nano, a.key_id, NULL AS key, '@type@' AS value_type,
       hashtextextended('@type@:' || @text@, 0) AS h, @weight@ AS n
FROM @from@
WHERE @where@
GROUP BY 1, 2, 5

-- name: other_part
SELECT @minute@, NULL::bigint, j.key, t.value_type,
       hashtextextended(t.value_type || ':' || coalesce(
           j.value ->> 'stringValue', j.value ->> 'intValue', j.value ->> 'doubleValue',
           j.value ->> 'boolValue', j.value ->> 'bytesValue', j.value::text), 0),
       @weight@
FROM @from@
CROSS JOIN LATERAL jsonb_each(a.attributes) AS j
CROSS JOIN LATERAL (SELECT CASE
    WHEN j.value ? 'stringValue' THEN 'string' WHEN j.value ? 'intValue' THEN 'int'
    WHEN j.value ? 'doubleValue' THEN 'double' WHEN j.value ? 'boolValue' THEN 'bool'
    WHEN j.value ? 'bytesValue' THEN 'bytes' WHEN j.value ? 'arrayValue' THEN 'array'
    WHEN j.value ? 'kvlistValue' THEN 'kvlist' ELSE 'empty' END) AS t(value_type)
WHERE @where@
GROUP BY 1, 3, 4, 5

-- name: items_cte
WITH items AS MATERIALIZED (@items@)

-- name: dimension_items
SELECT f.minute_unix_nano, f.id, sum(f.n) AS n FROM (@facts@) AS f GROUP BY 1, 2

-- name: fact_items
SELECT t.@time@ / 60000000000 * 60000000000 AS minute_unix_nano, t.@id@ AS id, count(*) AS n
FROM @table@ AS t WHERE t.@time@ >= $1 AND t.@time@ < $2 GROUP BY 1, 2

-- name: insert_keys
INSERT INTO otel_attribute_key_rollups (minute_unix_nano, owner, key, value_type, n, hashes)
SELECT r.minute_unix_nano, $3, r.key, r.value_type, r.n, r.hashes FROM (@rows@) AS r

-- name: drop_keys_between
DELETE FROM otel_attribute_key_rollups WHERE minute_unix_nano >= $1 AND minute_unix_nano < $2

-- name: mark_late_keys
-- The minutes a batch of logs or metric points wrote to ($1; distinct, sorted) below the
-- span rollups' `accepted`: their registry is computed again.
INSERT INTO otel_attribute_key_pending AS p (minute_unix_nano)
SELECT m FROM unnest($1::bigint[]) AS m
WHERE m < (SELECT accepted FROM otel_span_rollup_state)
ON CONFLICT (minute_unix_nano) DO UPDATE SET mark = nextval('otel_attribute_key_mark_seq')

-- name: key_marks
SELECT minute_unix_nano, mark FROM otel_attribute_key_pending
WHERE minute_unix_nano < $1
ORDER BY minute_unix_nano
LIMIT $2

-- name: clear_key_marks
DELETE FROM otel_attribute_key_pending AS p
USING unnest($1::bigint[], $2::bigint[]) AS k(minute, mark)
WHERE p.minute_unix_nano = k.minute AND p.mark = k.mark
