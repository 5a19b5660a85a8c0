-- Partition upkeep and retention; the functions live in the store (migration 0001).

-- name: ensure_partitions
SELECT otel_ensure_partitions(current_date - 1, current_date + %(days_ahead)s::integer)

-- name: drop_partitions_before
SELECT otel_drop_partitions_before(%(cutoff_ns)s::bigint)

-- name: list_partitions
SELECT parent.relname AS table_name, child.relname AS partition_name
FROM pg_inherits AS i
JOIN pg_class AS parent ON parent.oid = i.inhparent
JOIN pg_class AS child ON child.oid = i.inhrelid
WHERE parent.relnamespace = current_schema()::regnamespace
ORDER BY 1, 2
