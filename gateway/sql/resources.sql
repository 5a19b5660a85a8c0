-- Resources and scopes by id: sources of owned_attributes (attributes.sql), which adds
-- their attribute maps in the same statement.

-- name: resources_by_id
SELECT k.i AS k, k.i AS r, r.resource_id, r.service_name, r.service_namespace, r.schema_url,
       r.dropped_attributes_count, r.entity_refs
FROM unnest(:ids::bigint[]) WITH ORDINALITY AS k(resource_id, i)
JOIN otel_resources_dim AS r ON r.resource_id = k.resource_id

-- name: scopes_by_id
SELECT k.i AS k, k.i AS r, c.scope_id, c.name, c.version, c.schema_url,
       c.dropped_attributes_count
FROM unnest(:ids::bigint[]) WITH ORDINALITY AS k(scope_id, i)
JOIN otel_scopes_dim AS c ON c.scope_id = k.scope_id
