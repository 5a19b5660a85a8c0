-- Raw points of one metric (its descriptors :ids), newest first, keyset on (time, pk).

-- name: point_columns
-- The kind's own columns travel as JSON text (row_to_json, not jsonb: jsonb's numeric turns
-- a double's -0 into 0); NaN and the infinities are the strings "NaN", "Infinity",
-- "-Infinity" (gateway.metrics.points.fields).
p.point_pk, p.time_unix_nano, p.start_time_unix_nano, p.metric_id, p.resource_id, p.scope_id,
p.flags, p.exemplars, row_to_json(p)::text AS fields

-- name: search_points
SELECT @columns@ FROM @table@ AS p
WHERE @where@
ORDER BY p.time_unix_nano @dir@, p.point_pk @dir@
LIMIT :limit

-- name: count_points
SELECT count(*) FROM @table@ AS p WHERE @where@

-- name: point_filter
-- The conditions on the points p of one table, each when its field is given: the points
-- of a metric's descriptors (ids), in a time range, from a service's resources; a page
-- continues after its cursor's row (after_desc, after_asc: in that order).
p.metric_id = ANY(:ids)                            -- when ids
p.time_unix_nano >= :time_from                     -- when time_from
p.time_unix_nano <= :time_to                       -- when time_to
p.resource_id IN (SELECT resource_id FROM otel_resources_dim WHERE service_name = :service)
                                                   -- when service
(p.time_unix_nano, p.point_pk) < (:after_time, :after_id)          -- when after_desc
(p.time_unix_nano, p.point_pk) > (:after_time, :after_id)          -- when after_asc

-- name: descriptors_by_id
-- Metric descriptors by metric_id (the descriptor each point was sent with).
SELECT k.i AS k, m.metric_id, m.name, m.metric_type_id, m.unit, m.description,
       m.aggregation_temporality_id, m.is_monotonic, m.metadata
FROM unnest(:ids::bigint[]) WITH ORDINALITY AS k(metric_id, i)
JOIN otel_metrics_dim AS m ON m.metric_id = k.metric_id
