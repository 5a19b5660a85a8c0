-- API keys (migration 0010's otel_api_keys); ollygraph/auth/keys.py runs these.

-- name: insert_key
INSERT INTO otel_api_keys (key_id, key_sha256, tenant, role, expires_at, note)
VALUES (%(key_id)s, %(key_sha256)s, %(tenant)s, %(role)s, %(expires_at)s, %(note)s)

-- name: list_keys
SELECT key_id, tenant, role, created_at, expires_at, revoked_at, note
FROM otel_api_keys
ORDER BY tenant, created_at, key_id

-- name: revoke_key
UPDATE otel_api_keys SET revoked_at = now()
WHERE key_id = %(key_id)s AND revoked_at IS NULL
RETURNING key_id

-- name: find_key
SELECT key_sha256, tenant, role FROM otel_find_api_key($1)
