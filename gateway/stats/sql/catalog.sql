-- The catalog from the attribute key registry (ollygraph/span_rollups.py keeps it in
-- otel_attribute_key_rollups): the rolled whole minutes of the range from the registry, the
-- edges from the attribute tables themselves (ollygraph/sql/span_rollups.sql: key_rows).

-- name: registry_keys
SELECT x.key, x.value_type, sum(x.n)::bigint AS n, max(x.minute_unix_nano) AS last_minute,
       EXISTS (SELECT 1 FROM attribute_keys AS k WHERE k.key = x.key AND (@typed@)) AS promoted
FROM (SELECT r.minute_unix_nano, r.key, r.value_type, r.n FROM otel_attribute_key_rollups AS r
      WHERE r.owner = :owner AND r.minute_unix_nano >= :m0 AND r.minute_unix_nano < :m1
      @raw@) AS x
WHERE starts_with(x.key, :prefix)
GROUP BY 1, 2
ORDER BY 1, 2

-- name: typed_has_key
-- Whether the owner's typed table @table@ holds values of the key k: one index probe.
EXISTS (SELECT 1 FROM @table@ AS a WHERE a.key_id = k.key_id)

-- name: registry_raw
UNION ALL
SELECT e.minute_unix_nano, e.key, e.value_type, e.n FROM (@rows@) AS e
