-- API keys (ollygraph/auth/keys.py) and the gateway's SELECT-only role.

-- name: api_keys
-- One row per key made by `ollygraph keys create`. The key itself is never stored: its
-- public id (the part after `og_`, before the second `_`) finds the row, the SHA-256 of the
-- whole key is compared in constant time. A revoked key keeps its row (`keys list` shows
-- it), and lookups skip it.
CREATE TABLE otel_api_keys (
    key_id text PRIMARY KEY,
    key_sha256 bytea NOT NULL,
    tenant text NOT NULL,
    role text NOT NULL CHECK (role IN ('ingest', 'query', 'admin')),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz,
    revoked_at timestamptz,
    note text
);

-- The one way the gateway's SELECT-only role reads keys: the live key of one id, never
-- the list.
DO $do$
BEGIN
    EXECUTE format($f$
        CREATE FUNCTION otel_find_api_key(p_key_id text)
        RETURNS TABLE (key_sha256 bytea, tenant text, role text)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = %I, pg_temp AS $body$
            SELECT key_sha256, tenant, role FROM otel_api_keys
            WHERE key_id = p_key_id AND revoked_at IS NULL
              AND (expires_at IS NULL OR expires_at > now())
        $body$ $f$, current_schema());
END
$do$;

-- name: reader_role
-- The role the gateway may connect as: SELECT on the store's tables and views and nothing
-- else, so `SET TRANSACTION READ WRITE` gains it no write. One per schema (a schema's
-- tables are its own), without LOGIN: an operator grants it to a login role (see
-- docs/security.md). Tables made later by this role's owner (partitions) are readable by
-- default privileges.
DO $$
DECLARE
    reader text := current_schema() || '_reader';
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = reader) THEN
        EXECUTE format('CREATE ROLE %I NOLOGIN', reader);
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', current_schema(), reader);
    EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA %I TO %I', current_schema(), reader);
    EXECUTE format('REVOKE SELECT ON otel_api_keys FROM %I', reader);
    EXECUTE format('GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA %I TO %I', current_schema(),
                   reader);
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT ON TABLES TO %I',
                   current_schema(), reader);
END
$$;

-- name: drop_reader_role
DO $$
DECLARE
    reader text := current_schema() || '_reader';
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = reader) THEN
        EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I REVOKE SELECT ON TABLES FROM %I',
                       current_schema(), reader);
        EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA %I FROM %I', current_schema(),
                       reader);
        EXECUTE format('REVOKE ALL ON ALL FUNCTIONS IN SCHEMA %I FROM %I', current_schema(),
                       reader);
        EXECUTE format('REVOKE ALL ON SCHEMA %I FROM %I', current_schema(), reader);
        EXECUTE format('DROP ROLE %I', reader);
    END IF;
END
$$;

-- name: drop_api_keys
DROP FUNCTION IF EXISTS otel_find_api_key(text);
DROP TABLE IF EXISTS otel_api_keys;
