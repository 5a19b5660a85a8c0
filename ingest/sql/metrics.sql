-- Metrics: retried points are found by their content hash.

-- name: existing_points
-- {table} is one of the four point tables (our own constant). 1-based ordinals of the
-- (content_hash, time) keys already stored.
SELECT k.i
FROM unnest($1::bytea[], $2::bigint[]) WITH ORDINALITY AS k(content_hash, time_ns, i)
WHERE EXISTS (SELECT 1 FROM {table} AS p
              WHERE p.content_hash = k.content_hash AND p.time_unix_nano = k.time_ns)
