-- Dimensions shared by every signal: attribute keys, resources, scopes, metrics.
-- Inserts use ON CONFLICT DO NOTHING and return only what they inserted; the caller then
-- selects the rest, so processes racing on the same new row all end with its id.

-- name: insert_attribute_keys
INSERT INTO attribute_keys (key)
SELECT k FROM unnest($1::text[]) AS k ORDER BY k
ON CONFLICT (key) DO NOTHING

-- name: select_attribute_keys
SELECT key, key_id FROM attribute_keys WHERE key = ANY($1::text[])

-- name: reserve_ids
-- $1 is the sequence (one of our own constants), $2 how many values.
SELECT array_agg(nextval($1::regclass)) FROM generate_series(1, $2::integer)

-- name: insert_resources
INSERT INTO otel_resources_dim
    (resource_hash, service_name, service_namespace, schema_url, dropped_attributes_count,
     entity_refs)
SELECT * FROM unnest($1::bytea[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::jsonb[])
ON CONFLICT (resource_hash) DO NOTHING
RETURNING resource_hash AS hash, resource_id AS id, service_name

-- name: select_resources
SELECT resource_hash AS hash, resource_id AS id, service_name
FROM otel_resources_dim WHERE resource_hash = ANY($1::bytea[])

-- name: insert_scopes
INSERT INTO otel_scopes_dim (scope_hash, name, version, schema_url, dropped_attributes_count)
SELECT * FROM unnest($1::bytea[], $2::text[], $3::text[], $4::text[], $5::bigint[])
ON CONFLICT (scope_hash) DO NOTHING
RETURNING scope_hash AS hash, scope_id AS id, NULL::text AS service_name

-- name: select_scopes
SELECT scope_hash AS hash, scope_id AS id, NULL::text AS service_name
FROM otel_scopes_dim WHERE scope_hash = ANY($1::bytea[])

-- name: insert_metrics
INSERT INTO otel_metrics_dim
    (metric_hash, metric_identity_hash, name, metric_type_id, unit, description,
     aggregation_temporality_id, is_monotonic, metadata)
SELECT * FROM unnest($1::bytea[], $2::bytea[], $3::text[], $4::smallint[], $5::text[],
                     $6::text[], $7::integer[], $8::boolean[], $9::jsonb[])
ON CONFLICT (metric_hash) DO NOTHING
RETURNING metric_hash AS hash, metric_id AS id, NULL::text AS service_name

-- name: select_metrics
SELECT metric_hash AS hash, metric_id AS id, NULL::text AS service_name
FROM otel_metrics_dim WHERE metric_hash = ANY($1::bytea[])

-- name: touch_resources
-- last_seen of the resources used lately (at most once a minute per row)
UPDATE otel_resources_dim SET last_seen = now()
WHERE resource_id = ANY($1::bigint[]) AND last_seen < now() - interval '1 minute'

-- name: touch_scopes
UPDATE otel_scopes_dim SET last_seen = now()
WHERE scope_id = ANY($1::bigint[]) AND last_seen < now() - interval '1 minute'

-- name: touch_metrics
UPDATE otel_metrics_dim SET last_seen = now()
WHERE metric_id = ANY($1::bigint[]) AND last_seen < now() - interval '1 minute'
