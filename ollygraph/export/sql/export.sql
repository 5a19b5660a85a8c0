-- Reading the store back as OTLP (ollygraph/export). Templates: {placeholders} are
-- filled from ollygraph.store (table names, an owner's key columns), never from input.

-- name: spans_page
-- The next `$5` spans of [$1, $2) after the keyset ($3, $4) = (start, span_pk).
SELECT * FROM otel_spans_fact
WHERE start_time_unix_nano >= $1 AND start_time_unix_nano < $2
  AND (start_time_unix_nano, span_pk) > ($3, $4)
ORDER BY start_time_unix_nano, span_pk
LIMIT $5

-- name: spans_of_traces
-- Every span of the traces `$1`, at most `$2` (the caller refuses a trace past its limit).
SELECT * FROM otel_spans_fact
WHERE trace_id = ANY($1::bytea[])
ORDER BY start_time_unix_nano, span_pk
LIMIT $2

-- name: events_of_spans
SELECT e.* FROM unnest($1::bigint[], $2::bigint[]) AS o(pk, part)
JOIN otel_span_events AS e ON e.span_pk = o.pk AND e.start_time_unix_nano = o.part
ORDER BY e.span_pk, e.event_index

-- name: links_of_spans
SELECT l.* FROM unnest($1::bigint[], $2::bigint[]) AS o(pk, part)
JOIN otel_span_links AS l ON l.span_pk = o.pk AND l.start_time_unix_nano = o.part
ORDER BY l.span_pk, l.link_index

-- name: logs_page
-- The next `$5` log records of [$1, $2) after the keyset ($3, $4) = (ts, log_pk).
SELECT * FROM otel_logs_fact
WHERE ts_unix_nano >= $1 AND ts_unix_nano < $2
  AND (ts_unix_nano, log_pk) > ($3, $4)
ORDER BY ts_unix_nano, log_pk
LIMIT $5

-- name: points_page
-- The next `$5` points of {table} in [$1, $2) after the keyset ($3, $4) = (time, point_pk).
SELECT * FROM {table}
WHERE time_unix_nano >= $1 AND time_unix_nano < $2
  AND (time_unix_nano, point_pk) > ($3, $4)
ORDER BY time_unix_nano, point_pk
LIMIT $5

-- name: resources_by_id
SELECT * FROM otel_resources_dim WHERE resource_id = ANY($1::bigint[])

-- name: scopes_by_id
SELECT * FROM otel_scopes_dim WHERE scope_id = ANY($1::bigint[])

-- name: metrics_by_id
SELECT * FROM otel_metrics_dim WHERE metric_id = ANY($1::bigint[])

-- name: typed_attributes
-- The promoted attributes of the owners {owners} (joined on {match}) from the typed
-- tables {prefix}_*: the owner's key columns {key}, the key, and the value in the column
-- of its type.
SELECT {key}, k.key, t.value AS s, NULL::bigint AS i, NULL::float8 AS d,
       NULL::boolean AS b, NULL::bytea AS y
FROM {owners} JOIN {prefix}_string AS t ON {match} JOIN attribute_keys AS k ON k.key_id = t.key_id
UNION ALL
SELECT {key}, k.key, NULL, t.value, NULL, NULL, NULL
FROM {owners} JOIN {prefix}_int AS t ON {match} JOIN attribute_keys AS k ON k.key_id = t.key_id
UNION ALL
SELECT {key}, k.key, NULL, NULL, t.value, NULL, NULL
FROM {owners} JOIN {prefix}_double AS t ON {match} JOIN attribute_keys AS k ON k.key_id = t.key_id
UNION ALL
SELECT {key}, k.key, NULL, NULL, NULL, t.value, NULL
FROM {owners} JOIN {prefix}_bool AS t ON {match} JOIN attribute_keys AS k ON k.key_id = t.key_id
UNION ALL
SELECT {key}, k.key, NULL, NULL, NULL, NULL, t.value
FROM {owners} JOIN {prefix}_bytes AS t ON {match} JOIN attribute_keys AS k ON k.key_id = t.key_id

-- name: other_attributes
-- The JSONB catch-all of the same owners: their key columns and the tagged map.
SELECT {key}, t.attributes::text AS attributes
FROM {owners} JOIN {prefix}_other AS t ON {match}
