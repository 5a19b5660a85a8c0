-- The catalog from the attribute key registry (ollygraph/key_registry.py keeps it in
-- otel_attribute_key_rollups): the minutes of the range the rollup job has rolled, and the
-- newer ones (not rolled yet) from the attribute tables themselves
-- (ollygraph/sql/key_registry.sql: key_rows).

-- name: registry_keys
-- Per key and value type of the owner's registry rows (x): the count and last minute, and
-- the key's sketch of distinct values merged over its minutes and types (s: the K smallest
-- distinct hashes; null when a row has none yet).
WITH x AS (SELECT x.* FROM (SELECT r.minute_unix_nano, r.key, r.value_type, r.n, r.hashes
                            FROM otel_attribute_key_rollups AS r
                            WHERE r.owner = :owner AND r.minute_unix_nano >= :m0
                              AND r.minute_unix_nano < :m1
                            @raw@) AS x
           WHERE starts_with(x.key, :prefix) AND x.key > :after),
     s AS (SELECT x.key, (array_agg(DISTINCT h.h ORDER BY h.h))[1:@k@] AS hashes
           FROM x CROSS JOIN LATERAL unnest(x.hashes) AS h(h)
           GROUP BY 1)
SELECT g.*, coalesce(s.hashes, '{}') AS hashes,
       k.key_id IS NOT NULL AND (@typed@) AS promoted
FROM (SELECT x.key, x.value_type, sum(x.n)::bigint AS n,
             max(x.minute_unix_nano) AS last_minute, bool_and(x.hashes IS NOT NULL) AS sketched
      FROM x
      GROUP BY 1, 2) AS g
LEFT JOIN s ON s.key = g.key
LEFT JOIN attribute_keys AS k ON k.key = g.key
ORDER BY 1, 2

-- name: typed_has_key
-- Whether the owner's typed table @table@ holds values of the key k: one probe of its
-- (key_id, value) index (the ORDER BY keeps the planner from a scan it expects to stop
-- early, which reads the whole table for a key it does not hold).
(SELECT 1 FROM @table@ AS a WHERE a.key_id = k.key_id ORDER BY a.key_id, a.value LIMIT 1)
IS NOT NULL

-- name: registry_raw
UNION ALL
SELECT e.minute_unix_nano, e.key, e.value_type, e.n, e.hashes FROM (@rows@) AS e
