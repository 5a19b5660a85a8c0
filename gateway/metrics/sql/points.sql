-- Raw points of one metric (its descriptors :ids), newest first, keyset on (time, pk).

-- name: point_columns
p.point_pk, p.time_unix_nano, p.start_time_unix_nano, p.resource_id, p.scope_id, p.flags,
p.exemplars, to_jsonb(p) - ARRAY['point_pk', 'time_unix_nano', 'start_time_unix_nano',
    'metric_id', 'resource_id', 'scope_id', 'attributes_hash', 'flags', 'exemplars',
    'content_hash'] AS fields

-- name: search_points
SELECT @columns@ FROM @table@ AS p
WHERE @where@
ORDER BY p.time_unix_nano @dir@, p.point_pk @dir@
LIMIT :limit

-- name: count_points
SELECT count(*) FROM @table@ AS p WHERE @where@

-- name: point_after
(p.time_unix_nano, p.point_pk) @cmp@ (:time, :id)

-- name: point_of_metric
p.metric_id = ANY(:v)

-- name: point_time_from
p.time_unix_nano >= :v

-- name: point_time_to
p.time_unix_nano <= :v

-- name: point_attributes
SELECT k.i AS k, otel_@kind@_attributes_all(k.point_pk, k.time_unix_nano) AS attributes
FROM unnest(:pks::bigint[], :times::bigint[]) WITH ORDINALITY AS k(point_pk, time_unix_nano, i)
