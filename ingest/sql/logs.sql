-- Logs: retried records are found by their content hash.

-- name: existing_logs
-- 1-based ordinals of the (content_hash, ts) keys already stored.
SELECT k.i
FROM unnest($1::bytea[], $2::bigint[]) WITH ORDINALITY AS k(content_hash, ts, i)
WHERE EXISTS (SELECT 1 FROM otel_logs_fact AS l
              WHERE l.content_hash = k.content_hash AND l.ts_unix_nano = k.ts)

-- name: existing_logs_any_time
-- The same for records without a time of their own (stored at their receipt time),
-- among those received since $2 (the retry window).
SELECT k.i
FROM unnest($1::bytea[]) WITH ORDINALITY AS k(content_hash, i)
WHERE EXISTS (SELECT 1 FROM otel_logs_fact AS l
              WHERE l.content_hash = k.content_hash AND l.ts_unix_nano >= $2::bigint)
