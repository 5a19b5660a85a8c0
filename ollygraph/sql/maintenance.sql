-- Partition upkeep and retention; the functions live in the store (migration 0001).
-- Callers run these one day per transaction: a day of partitions (every fact, child and
-- attribute table with its indexes) already takes a few hundred locks.

-- name: ensure_partitions
SELECT otel_ensure_partitions(%(day)s::date, %(day)s::date)

-- name: drop_partitions_before
SELECT otel_drop_partitions_before(%(cutoff_ns)s::bigint)

-- name: dated_partition_days
SELECT DISTINCT to_date(right(c.relname, 8), 'YYYYMMDD') AS day
FROM otel_partitioned_tables() AS t
JOIN pg_inherits AS i ON i.inhparent = quote_ident(t.table_name)::regclass
JOIN pg_class AS c ON c.oid = i.inhrelid
WHERE c.relname ~ '_p[0-9]{8}$'
ORDER BY 1
