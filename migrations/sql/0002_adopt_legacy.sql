-- Adopting the legacy runtime tables `traces` / `spans` (seed 000, or seed 001's renamed
-- shape) into the normalized store. Driven by versions/0002_adopt_legacy.py with the
-- search_path on the store's schema. The helper functions live in pg_temp (always called
-- schema-qualified) and disappear with the migration's session; the staging tables are
-- temporary too. Templates use {placeholders} filled by the driver.

-- name: legacy_columns
SELECT table_name::text, column_name::text
FROM information_schema.columns
WHERE table_schema = current_schema() AND table_name IN ('traces', 'spans')
ORDER BY table_name, ordinal_position;

-- name: legacy_days
-- The UTC days holding legacy spans, newest first; {start} is the spans' start column.
SELECT DISTINCT ({start}::timestamptz AT TIME ZONE 'UTC')::date AS day
FROM spans
WHERE {start}::timestamptz >= '1970-01-01 00:00:00+00' AND {start}::timestamptz < '2262-04-11 00:00:00+00'
ORDER BY day DESC
LIMIT {max_days};

-- name: partition_names
SELECT c.relname::text
FROM pg_inherits AS i
JOIN pg_class AS c ON c.oid = i.inhrelid
JOIN pg_class AS p ON p.oid = i.inhparent
WHERE p.relnamespace = current_schema()::regnamespace AND c.relname ~ '_p[0-9]{8}$';

-- name: adopt_tables
-- The legacy tables keep every row under their new names; the bookkeeping tables record
-- what the upgrade inserted, so the downgrade removes exactly that.
ALTER TABLE traces RENAME TO legacy_traces;
ALTER TABLE spans RENAME TO legacy_spans;

CREATE TABLE legacy_conversion_errors (
    table_name text NOT NULL,
    row_id text NOT NULL,
    reason text NOT NULL,
    PRIMARY KEY (table_name, row_id)
);
COMMENT ON TABLE legacy_conversion_errors IS
    'Legacy rows revision 0002 could not convert; they stay in legacy_traces / legacy_spans';

CREATE TABLE legacy_adopted_spans (
    legacy_span_id text PRIMARY KEY,
    trace_id bytea NOT NULL,
    span_pk bigint NOT NULL,
    start_time_unix_nano bigint NOT NULL
);
CREATE INDEX legacy_adopted_spans_trace_idx ON legacy_adopted_spans (trace_id);
CREATE TABLE legacy_adopted_resources (resource_id bigint PRIMARY KEY);
CREATE TABLE legacy_adopted_keys (key_id bigint PRIMARY KEY);
CREATE TABLE legacy_adopted_partitions (name text PRIMARY KEY);

-- name: helper_functions
-- A legacy JSON value -> a tagged OTLP/JSON AnyValue ({"stringValue": "x"}, {"intValue": "12"},
-- {"doubleValue": 1.5}, {"boolValue": true}, arrayValue, kvlistValue; JSON null -> {}).
CREATE FUNCTION pg_temp.legacy_anyvalue(v jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $fn$
BEGIN
    RETURN CASE jsonb_typeof(v)
        WHEN 'string' THEN jsonb_build_object('stringValue', v)
        WHEN 'boolean' THEN jsonb_build_object('boolValue', v)
        WHEN 'number' THEN CASE
            WHEN v::text ~ '^-?[0-9]+$'
                 AND v::text::numeric BETWEEN -9223372036854775808 AND 9223372036854775807
                THEN jsonb_build_object('intValue', v::text)
            WHEN abs(v::text::numeric) <= 1.7976931348623157e308
                THEN jsonb_build_object('doubleValue', to_jsonb(v::text::double precision))
            ELSE jsonb_build_object('stringValue', v::text)
        END
        WHEN 'array' THEN jsonb_build_object('arrayValue', jsonb_build_object('values', coalesce(
            (SELECT jsonb_agg(pg_temp.legacy_anyvalue(e) ORDER BY i)
             FROM jsonb_array_elements(v) WITH ORDINALITY AS x(e, i)), '[]'::jsonb)))
        WHEN 'object' THEN jsonb_build_object('kvlistValue', jsonb_build_object('values', coalesce(
            (SELECT jsonb_agg(jsonb_build_object('key', k, 'value', pg_temp.legacy_anyvalue(x)) ORDER BY k)
             FROM jsonb_each(v) AS y(k, x)), '[]'::jsonb)))
        ELSE '{}'::jsonb
    END;
END
$fn$;

CREATE FUNCTION pg_temp.legacy_string(v text) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $fn$
    SELECT CASE WHEN v IS NOT NULL THEN jsonb_build_object('stringValue', v) END
$fn$;

-- Is v already a tagged AnyValue (OTLP/JSON KeyValue lists carry them)?
CREATE FUNCTION pg_temp.legacy_is_anyvalue(v jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $fn$
    SELECT CASE WHEN jsonb_typeof(v) = 'object' THEN
        (SELECT count(*) = 1 AND bool_and(k IN ('stringValue', 'boolValue', 'intValue', 'doubleValue',
                                                'bytesValue', 'arrayValue', 'kvlistValue'))
         FROM jsonb_object_keys(v) AS k)
    ELSE false END
$fn$;

-- Legacy attributes -> {key: tagged AnyValue}, or NULL when they cannot be read. Accepts a
-- plain JSON object, an OTLP/JSON KeyValue list, or either of them encoded as a JSON string.
CREATE FUNCTION pg_temp.legacy_attributes(v jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $fn$
DECLARE
    decoded jsonb;
BEGIN
    IF v IS NULL OR jsonb_typeof(v) = 'null' THEN
        RETURN '{}'::jsonb;
    END IF;
    IF jsonb_typeof(v) = 'string' THEN
        BEGIN
            decoded := (v #>> '{}')::jsonb;
        EXCEPTION WHEN others THEN
            RETURN NULL;
        END;
        RETURN CASE WHEN jsonb_typeof(decoded) IN ('object', 'array')
                    THEN pg_temp.legacy_attributes(decoded) END;
    END IF;
    IF jsonb_typeof(v) = 'object' THEN
        RETURN (SELECT coalesce(jsonb_object_agg(key, pg_temp.legacy_anyvalue(value)), '{}'::jsonb)
                FROM jsonb_each(v));
    END IF;
    IF jsonb_typeof(v) = 'array' AND NOT EXISTS (
            SELECT 1 FROM jsonb_array_elements(v) AS e
            WHERE jsonb_typeof(e) <> 'object' OR jsonb_typeof(e -> 'key') IS DISTINCT FROM 'string') THEN
        RETURN (SELECT coalesce(jsonb_object_agg(e ->> 'key',
                    CASE WHEN pg_temp.legacy_is_anyvalue(e -> 'value') THEN e -> 'value'
                         ELSE pg_temp.legacy_anyvalue(e -> 'value') END), '{}'::jsonb)
                FROM jsonb_array_elements(v) AS e);
    END IF;
    RETURN NULL;
END
$fn$;

-- The typed table a tagged value can be promoted to, or NULL (then it stays JSONB).
CREATE FUNCTION pg_temp.legacy_value_type(v jsonb) RETURNS text
LANGUAGE sql IMMUTABLE AS $fn$
    SELECT CASE
        WHEN jsonb_typeof(v -> 'stringValue') = 'string' THEN 'string'
        WHEN v ->> 'intValue' ~ '^-?[0-9]{1,19}$'
             AND (v ->> 'intValue')::numeric BETWEEN -9223372036854775808 AND 9223372036854775807
            THEN 'int'
        WHEN jsonb_typeof(v -> 'doubleValue') = 'number' THEN 'double'
        WHEN jsonb_typeof(v -> 'boolValue') = 'boolean' THEN 'bool'
    END
$fn$;

-- Hex text (any case, dashes ignored) -> bytea of `bytes` bytes; NULL unless valid and non-zero.
CREATE FUNCTION pg_temp.legacy_hex_id(id text, bytes integer) RETURNS bytea
LANGUAGE sql IMMUTABLE AS $fn$
    SELECT CASE WHEN h ~ ('^[0-9a-f]{' || bytes * 2 || '}$') AND h ~ '[1-9a-f]' THEN decode(h, 'hex') END
    FROM (SELECT lower(replace(btrim(id), '-', '')) AS h) AS x
$fn$;

CREATE FUNCTION pg_temp.legacy_unix_nano(ts timestamptz) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $fn$
    SELECT CASE WHEN ts >= '1970-01-01 00:00:00+00' AND ts < '2262-04-11 00:00:00+00'
                THEN (extract(epoch FROM ts) * 1000000000)::bigint END
$fn$;

-- An event time: a number (ns, us, ms or s, told apart by magnitude) or a timestamp text.
CREATE FUNCTION pg_temp.legacy_time_nano(v jsonb) RETURNS bigint
LANGUAGE plpgsql STABLE AS $fn$
DECLARE
    n numeric;
    t timestamptz;
BEGIN
    IF jsonb_typeof(v) = 'number' OR v #>> '{}' ~ '^\s*[0-9]+(\.[0-9]+)?\s*$' THEN
        n := btrim(v #>> '{}')::numeric;
        n := CASE WHEN n >= 1e17 THEN n WHEN n >= 1e14 THEN n * 1e3
                  WHEN n >= 1e11 THEN n * 1e6 ELSE n * 1e9 END;
        RETURN CASE WHEN n < 9223372036854775807 THEN round(n)::bigint END;
    END IF;
    IF jsonb_typeof(v) = 'string' THEN
        BEGIN
            t := (v #>> '{}')::timestamptz;
        EXCEPTION WHEN others THEN
            RETURN NULL;
        END;
        RETURN pg_temp.legacy_unix_nano(t);
    END IF;
    RETURN NULL;
END
$fn$;

-- Legacy events -> [{name, time, attributes (tagged map), dropped}], in order, or NULL when
-- they cannot be read. An event without a time gets the span's start.
CREATE FUNCTION pg_temp.legacy_events(v jsonb, span_start bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $fn$
DECLARE
    e jsonb;
    raw jsonb;
    t bigint;
    attrs jsonb;
    dropped text;
    result jsonb := '[]'::jsonb;
BEGIN
    IF v IS NULL OR jsonb_typeof(v) = 'null' THEN
        RETURN '[]'::jsonb;
    END IF;
    IF jsonb_typeof(v) = 'string' THEN
        BEGIN
            v := (v #>> '{}')::jsonb;
        EXCEPTION WHEN others THEN
            RETURN NULL;
        END;
    END IF;
    IF jsonb_typeof(v) <> 'array' THEN
        RETURN NULL;
    END IF;
    FOR e IN SELECT x FROM jsonb_array_elements(v) WITH ORDINALITY AS a(x, i) ORDER BY i LOOP
        IF jsonb_typeof(e) <> 'object' THEN
            RETURN NULL;
        END IF;
        raw := coalesce(e -> 'time_unix_nano', e -> 'timeUnixNano', e -> 'timestamp', e -> 'time');
        IF raw IS NULL OR jsonb_typeof(raw) = 'null' THEN
            t := span_start;
        ELSE
            t := pg_temp.legacy_time_nano(raw);
            IF t IS NULL THEN
                RETURN NULL;
            END IF;
        END IF;
        attrs := pg_temp.legacy_attributes(e -> 'attributes');
        IF attrs IS NULL THEN
            RETURN NULL;
        END IF;
        dropped := coalesce(e ->> 'dropped_attributes_count', e ->> 'droppedAttributesCount');
        result := result || jsonb_build_array(jsonb_build_object(
            'name', coalesce(e ->> 'name', ''), 'time', t, 'attributes', attrs,
            'dropped', CASE WHEN dropped ~ '^[0-9]{1,9}$' THEN dropped::integer ELSE 0 END));
    END LOOP;
    RETURN result;
END
$fn$;

-- Span kind text (SERVER, server, SPAN_KIND_SERVER, SpanKind.SERVER, 2) -> kind id, NULL if unknown.
CREATE FUNCTION pg_temp.legacy_kind_id(kind text) RETURNS smallint
LANGUAGE sql IMMUTABLE AS $fn$
    SELECT (CASE upper(regexp_replace(btrim(coalesce(kind, '')), '^span_?kind[_.]', '', 'i'))
        WHEN '' THEN 0 WHEN 'UNSPECIFIED' THEN 0 WHEN '0' THEN 0
        WHEN 'INTERNAL' THEN 1 WHEN '1' THEN 1
        WHEN 'SERVER' THEN 2 WHEN '2' THEN 2
        WHEN 'CLIENT' THEN 3 WHEN '3' THEN 3
        WHEN 'PRODUCER' THEN 4 WHEN '4' THEN 4
        WHEN 'CONSUMER' THEN 5 WHEN '5' THEN 5
    END)::smallint
$fn$;

-- Status text (OK, ok, STATUS_CODE_OK, StatusCode.OK, 1) -> status code id, NULL if unknown.
CREATE FUNCTION pg_temp.legacy_status_id(status text) RETURNS smallint
LANGUAGE sql IMMUTABLE AS $fn$
    SELECT (CASE upper(regexp_replace(btrim(coalesce(status, '')), '^status_?code[_.]', '', 'i'))
        WHEN '' THEN 0 WHEN 'UNSET' THEN 0 WHEN '0' THEN 0
        WHEN 'OK' THEN 1 WHEN '1' THEN 1
        WHEN 'ERROR' THEN 2 WHEN '2' THEN 2
    END)::smallint
$fn$;

CREATE TEMP TABLE legacy_promoted (
    owner text NOT NULL,
    key text NOT NULL,
    value_type text NOT NULL,
    PRIMARY KEY (owner, key)
);

-- name: stage_traces
-- One row per legacy trace: its resource and the attributes it lends its spans (tagged
-- AnyValue maps), or why it cannot be converted. {columns} selects the legacy columns
-- under the unified names legacy_id, service_name, environment, tenant_id, interaction_id,
-- raw_blob_url, resource_attributes, trace_attributes.
CREATE TEMP TABLE legacy_trace_stage AS
WITH t AS (
    SELECT {columns} FROM legacy_traces
), c AS (
    SELECT t.*,
           pg_temp.legacy_hex_id(t.legacy_id, 16) AS trace_id,
           pg_temp.legacy_attributes(t.resource_attributes) AS resource_base,
           pg_temp.legacy_attributes(t.trace_attributes) AS attributes_base
    FROM t
)
SELECT legacy_id,
       trace_id,
       resource_base || jsonb_strip_nulls(jsonb_build_object(
           'service.name', pg_temp.legacy_string(service_name),
           'deployment.environment', pg_temp.legacy_string(environment))) AS resource,
       attributes_base || jsonb_strip_nulls(jsonb_build_object(
           'tenant.id', pg_temp.legacy_string(tenant_id),
           'interaction.id', pg_temp.legacy_string(interaction_id),
           'legacy.raw_blob_url', pg_temp.legacy_string(raw_blob_url))) AS span_attributes,
       CASE WHEN trace_id IS NULL THEN 'trace_id is not 32 hex digits'
            WHEN resource_base IS NULL THEN 'resource_attributes is not a JSON object'
            WHEN attributes_base IS NULL THEN 'trace_attributes is not a JSON object'
       END AS reason
FROM c;
CREATE INDEX ON legacy_trace_stage (legacy_id);
ANALYZE legacy_trace_stage;

-- name: stage_spans
-- One row per legacy span, converted, or with the reason it cannot be; convertible rows get
-- a batch number (whole traces, about {batch_size} spans a batch). {columns} selects the
-- legacy columns under the unified names legacy_id, legacy_trace_id, parent_span_id, name,
-- kind, start_time, end_time, duration_ms, status, status_message, attributes, events.
CREATE TEMP TABLE legacy_span_stage AS
WITH s AS (
    SELECT {columns} FROM legacy_spans
), c AS (
    SELECT s.legacy_id,
           s.legacy_trace_id,
           coalesce(s.name, '') AS name,
           pg_temp.legacy_hex_id(s.legacy_trace_id, 16) AS trace_id,
           pg_temp.legacy_hex_id(s.legacy_id, 8) AS span_id,
           nullif(lower(replace(btrim(s.parent_span_id), '-', '')), '') AS parent_text,
           pg_temp.legacy_hex_id(s.parent_span_id, 8) AS parent_span_id,
           pg_temp.legacy_unix_nano(s.start_time) AS start_ns,
           coalesce(pg_temp.legacy_unix_nano(s.end_time),
                    pg_temp.legacy_unix_nano(s.start_time + s.duration_ms * interval '1 millisecond'))
               AS end_ns,
           coalesce(pg_temp.legacy_kind_id(s.kind), 0) AS kind_id,
           coalesce(pg_temp.legacy_status_id(s.status), 0) AS status_code_id,
           s.status_message,
           coalesce(t.span_attributes, '{{}}'::jsonb)
               || pg_temp.legacy_attributes(s.attributes)
               || jsonb_strip_nulls(jsonb_build_object(
                      'legacy.span_kind', CASE WHEN pg_temp.legacy_kind_id(s.kind) IS NULL
                                               THEN pg_temp.legacy_string(s.kind) END,
                      'legacy.status_code', CASE WHEN pg_temp.legacy_status_id(s.status) IS NULL
                                                 THEN pg_temp.legacy_string(s.status) END))
               AS attributes,
           s.events AS raw_events,
           coalesce(t.resource, '{{}}'::jsonb) AS resource,
           t.reason AS trace_reason
    FROM s LEFT JOIN legacy_trace_stage AS t ON t.legacy_id = s.legacy_trace_id
), r AS (
    SELECT c.*, pg_temp.legacy_events(c.raw_events, c.start_ns) AS events FROM c
), checked AS (
    SELECT r.*, CASE
        WHEN trace_id IS NULL THEN 'trace_id is not 32 hex digits'
        WHEN span_id IS NULL THEN 'span_id is not 16 hex digits'
        WHEN parent_text IS NOT NULL AND parent_text !~ '^0+$' AND parent_span_id IS NULL
            THEN 'parent_span_id is not 16 hex digits'
        WHEN start_ns IS NULL THEN 'start time is missing or outside 1970-2262'
        WHEN end_ns IS NULL THEN 'end time (or duration_ms) is missing or outside 1970-2262'
        WHEN attributes IS NULL THEN 'attributes are not a JSON object'
        WHEN events IS NULL THEN 'events are not a JSON array of event objects'
        WHEN trace_reason IS NOT NULL THEN 'its trace cannot be converted: ' || trace_reason
        WHEN EXISTS (SELECT 1 FROM otel_spans_fact AS f
                     WHERE f.trace_id = r.trace_id AND f.span_id = r.span_id)
            THEN 'already stored in otel_spans_fact'
    END AS first_reason
    FROM r
), deduplicated AS (
    SELECT checked.*,
           coalesce(first_reason, CASE WHEN row_number() OVER same_ids > 1
               THEN 'same trace and span id as span ' || first_value(legacy_id) OVER same_ids END)
               AS reason
    FROM checked
    WINDOW same_ids AS (PARTITION BY trace_id, span_id ORDER BY first_reason IS NULL DESC, legacy_id)
)
SELECT legacy_id, legacy_trace_id, trace_id, span_id, parent_span_id, name, kind_id,
       status_code_id, status_message, start_ns, end_ns, attributes, events, resource, reason,
       CASE WHEN reason IS NULL THEN
           ((count(*) FILTER (WHERE reason IS NULL) OVER (ORDER BY trace_id))
            - (count(*) FILTER (WHERE reason IS NULL) OVER (PARTITION BY trace_id))) / {batch_size}
       END AS batch
FROM deduplicated;
CREATE INDEX ON legacy_span_stage (batch);
ANALYZE legacy_span_stage;

-- name: record_errors
INSERT INTO legacy_conversion_errors (table_name, row_id, reason)
SELECT 'legacy_traces', legacy_id, reason FROM legacy_trace_stage WHERE reason IS NOT NULL
UNION ALL
SELECT 'legacy_traces', t.legacy_id, 'no span of this trace could be converted'
FROM legacy_trace_stage AS t
WHERE t.reason IS NULL AND NOT EXISTS (
    SELECT 1 FROM legacy_span_stage AS s WHERE s.legacy_trace_id = t.legacy_id AND s.reason IS NULL)
UNION ALL
SELECT 'legacy_spans', legacy_id, reason FROM legacy_span_stage WHERE reason IS NOT NULL;

-- name: select_errors
SELECT table_name, row_id, reason FROM legacy_conversion_errors ORDER BY table_name, row_id;

-- name: select_progress
SELECT count(*), coalesce(max(batch) + 1, 0) FROM legacy_span_stage WHERE reason IS NULL;

-- name: select_resources
-- Every distinct resource of the convertible spans, with the time range it was seen in.
SELECT resource, min(start_ns), max(end_ns)
FROM legacy_span_stage WHERE reason IS NULL
GROUP BY resource;

-- name: create_resource_hashes
CREATE TEMP TABLE legacy_resource_hashes (
    resource jsonb NOT NULL,
    resource_hash bytea NOT NULL,
    first_seen_ns bigint NOT NULL,
    last_seen_ns bigint NOT NULL,
    resource_id bigint
);

-- name: insert_resource_hash
INSERT INTO legacy_resource_hashes (resource, resource_hash, first_seen_ns, last_seen_ns)
VALUES (%s, %s, %s, %s);

-- name: insert_resources
WITH inserted AS (
    INSERT INTO otel_resources_dim (resource_hash, service_name, service_namespace, schema_url,
                                    first_seen, last_seen)
    SELECT resource_hash,
           resource -> 'service.name' ->> 'stringValue',
           resource -> 'service.namespace' ->> 'stringValue',
           '',
           to_timestamp(first_seen_ns / 1e9),
           to_timestamp(last_seen_ns / 1e9)
    FROM legacy_resource_hashes
    ON CONFLICT (resource_hash) DO NOTHING
    RETURNING resource_id
)
INSERT INTO legacy_adopted_resources SELECT resource_id FROM inserted;
UPDATE legacy_resource_hashes AS h SET resource_id = d.resource_id
FROM otel_resources_dim AS d WHERE d.resource_hash = h.resource_hash;
CREATE INDEX ON legacy_resource_hashes (resource);
ANALYZE legacy_resource_hashes;

-- name: resource_attributes
-- The attributes of the resources this upgrade inserted, one row per key.
DROP TABLE IF EXISTS legacy_batch_attributes;
CREATE TEMP TABLE legacy_batch_attributes AS
SELECT x.*, EXISTS (SELECT 1 FROM legacy_promoted AS p
                    WHERE p.owner = x.owner AND p.key = x.key AND p.value_type = x.value_type) AS promoted
FROM (
    SELECT 'resource'::text AS owner, h.resource_id AS owner_pk, 0 AS item, 0::bigint AS start_ns,
           a.key, a.value, pg_temp.legacy_value_type(a.value) AS value_type
    FROM legacy_resource_hashes AS h
    JOIN legacy_adopted_resources USING (resource_id)
    CROSS JOIN LATERAL jsonb_each(h.resource) AS a
) AS x;

-- name: batch_spans
-- Batch {batch}: its spans with new span_pk values and their resource ids, then the facts.
DROP TABLE IF EXISTS legacy_batch;
CREATE TEMP TABLE legacy_batch AS
SELECT nextval('otel_spans_fact_span_pk_seq') AS span_pk, s.*, h.resource_id
FROM legacy_span_stage AS s JOIN legacy_resource_hashes AS h ON h.resource = s.resource
WHERE s.batch = {batch};

INSERT INTO otel_spans_fact (span_pk, start_time_unix_nano, end_time_unix_nano, trace_id, span_id,
                             parent_span_id, name, kind_id, status_code_id, status_message, resource_id)
SELECT span_pk, start_ns, end_ns, trace_id, span_id, parent_span_id, name, kind_id,
       status_code_id, status_message, resource_id
FROM legacy_batch;

INSERT INTO otel_span_events (span_pk, event_index, start_time_unix_nano, time_unix_nano, name,
                              dropped_attributes_count)
SELECT b.span_pk, (e.i - 1)::integer, b.start_ns, (e.event ->> 'time')::bigint, e.event ->> 'name',
       (e.event ->> 'dropped')::integer
FROM legacy_batch AS b CROSS JOIN LATERAL jsonb_array_elements(b.events) WITH ORDINALITY AS e(event, i);

INSERT INTO legacy_adopted_spans (legacy_span_id, trace_id, span_pk, start_time_unix_nano)
SELECT legacy_id, trace_id, span_pk, start_ns FROM legacy_batch;

DROP TABLE IF EXISTS legacy_batch_attributes;
CREATE TEMP TABLE legacy_batch_attributes AS
SELECT x.*, EXISTS (SELECT 1 FROM legacy_promoted AS p
                    WHERE p.owner = x.owner AND p.key = x.key AND p.value_type = x.value_type) AS promoted
FROM (
    SELECT 'span'::text AS owner, b.span_pk AS owner_pk, 0 AS item, b.start_ns,
           a.key, a.value, pg_temp.legacy_value_type(a.value) AS value_type
    FROM legacy_batch AS b CROSS JOIN LATERAL jsonb_each(b.attributes) AS a
    UNION ALL
    SELECT 'span_event', b.span_pk, (e.i - 1)::integer, b.start_ns,
           a.key, a.value, pg_temp.legacy_value_type(a.value)
    FROM legacy_batch AS b
    CROSS JOIN LATERAL jsonb_array_elements(b.events) WITH ORDINALITY AS e(event, i)
    CROSS JOIN LATERAL jsonb_each(e.event -> 'attributes') AS a
) AS x;

-- name: register_keys
-- The promoted keys of legacy_batch_attributes into the key registry.
WITH inserted AS (
    INSERT INTO attribute_keys (key)
    SELECT DISTINCT key FROM legacy_batch_attributes WHERE promoted ORDER BY key
    ON CONFLICT (key) DO NOTHING
    RETURNING key_id
)
INSERT INTO legacy_adopted_keys SELECT key_id FROM inserted;

-- name: insert_typed_attributes
-- {table} (otel_{owner}_attrs_{value_type}) from legacy_batch_attributes; {columns} and
-- {values} are its owner key columns and where they come from.
INSERT INTO {table} ({columns}, key_id, value)
SELECT {values}, k.key_id, {value}
FROM legacy_batch_attributes AS a JOIN attribute_keys AS k USING (key)
WHERE a.owner = '{owner}' AND a.promoted AND a.value_type = '{value_type}';

-- name: insert_other_attributes
INSERT INTO {table} ({columns}, attributes)
SELECT {values}, jsonb_object_agg(a.key, a.value)
FROM legacy_batch_attributes AS a
WHERE a.owner = '{owner}' AND NOT a.promoted
GROUP BY {values};

-- name: rebuild_trace_summaries
-- otel_trace_summary of the traces in ({trace_ids}) rebuilt from the spans stored for them.
INSERT INTO otel_trace_summary AS t (trace_id, start_time_unix_nano, end_time_unix_nano, span_count,
                                     error_count, root_span_id, root_span_name, root_service_name,
                                     service_names)
SELECT s.trace_id,
       min(s.start_time_unix_nano),
       max(s.end_time_unix_nano),
       count(*),
       count(*) FILTER (WHERE s.status_code_id = 2),
       (array_agg(s.span_id ORDER BY s.start_time_unix_nano, s.span_pk)
            FILTER (WHERE s.parent_span_id IS NULL))[1],
       (array_agg(s.name ORDER BY s.start_time_unix_nano, s.span_pk)
            FILTER (WHERE s.parent_span_id IS NULL))[1],
       (array_agg(r.service_name ORDER BY s.start_time_unix_nano, s.span_pk)
            FILTER (WHERE s.parent_span_id IS NULL))[1],
       coalesce(array_agg(DISTINCT r.service_name) FILTER (WHERE r.service_name IS NOT NULL), '{{}}')
FROM otel_spans_fact AS s JOIN otel_resources_dim AS r USING (resource_id)
WHERE s.trace_id IN ({trace_ids})
GROUP BY s.trace_id
ON CONFLICT (trace_id) DO UPDATE SET
    start_time_unix_nano = excluded.start_time_unix_nano,
    end_time_unix_nano = excluded.end_time_unix_nano,
    span_count = excluded.span_count,
    error_count = excluded.error_count,
    root_span_id = excluded.root_span_id,
    root_span_name = excluded.root_span_name,
    root_service_name = excluded.root_service_name,
    service_names = excluded.service_names;

-- name: drop_staging
DROP TABLE IF EXISTS legacy_batch, legacy_batch_attributes, legacy_resource_hashes,
    legacy_span_stage, legacy_trace_stage, legacy_promoted;
DROP FUNCTION pg_temp.legacy_events(jsonb, bigint), pg_temp.legacy_time_nano(jsonb),
    pg_temp.legacy_unix_nano(timestamptz), pg_temp.legacy_hex_id(text, integer),
    pg_temp.legacy_value_type(jsonb), pg_temp.legacy_attributes(jsonb),
    pg_temp.legacy_is_anyvalue(jsonb), pg_temp.legacy_string(text), pg_temp.legacy_anyvalue(jsonb),
    pg_temp.legacy_kind_id(text), pg_temp.legacy_status_id(text);

-- name: adopted
SELECT to_regclass('legacy_adopted_spans') IS NOT NULL;

-- name: adopted_partitions
SELECT name FROM legacy_adopted_partitions ORDER BY name;

-- name: delete_adopted_rows
-- {table}: a span-keyed table (fact, events, span/event attributes); rows of adopted spans go.
DELETE FROM {table} AS x USING legacy_adopted_spans AS a
WHERE x.span_pk = a.span_pk AND x.start_time_unix_nano = a.start_time_unix_nano;

-- name: delete_adopted_summaries
CREATE TEMP TABLE legacy_summary_traces AS SELECT DISTINCT trace_id FROM legacy_adopted_spans;
DELETE FROM otel_trace_summary WHERE trace_id IN (SELECT trace_id FROM legacy_summary_traces);

-- name: delete_adopted_dimensions
-- Resources and keys the upgrade inserted, unless data stored since uses them.
DELETE FROM otel_resources_dim AS r USING legacy_adopted_resources AS a
WHERE r.resource_id = a.resource_id
  AND NOT EXISTS (SELECT 1 FROM otel_spans_fact AS x WHERE x.resource_id = r.resource_id)
  AND NOT EXISTS (SELECT 1 FROM otel_logs_fact AS x WHERE x.resource_id = r.resource_id)
  AND NOT EXISTS (SELECT 1 FROM otel_metrics_data_points_number AS x WHERE x.resource_id = r.resource_id)
  AND NOT EXISTS (SELECT 1 FROM otel_metrics_data_points_histogram AS x WHERE x.resource_id = r.resource_id)
  AND NOT EXISTS (SELECT 1 FROM otel_metrics_data_points_exp_histogram AS x WHERE x.resource_id = r.resource_id)
  AND NOT EXISTS (SELECT 1 FROM otel_metrics_data_points_summary AS x WHERE x.resource_id = r.resource_id);
DELETE FROM attribute_keys AS k USING legacy_adopted_keys AS a
WHERE k.key_id = a.key_id {unused_key};

-- name: typed_attribute_tables
-- Every typed attribute table (parents, not partitions) of the store.
SELECT c.relname::text FROM pg_class AS c
WHERE c.relnamespace = current_schema()::regnamespace AND NOT c.relispartition
  AND c.relkind IN ('r', 'p') AND c.relname ~ '^otel_[a-z_]+_attrs_(string|int|double|bool|bytes)$'
ORDER BY 1;

-- name: release_tables
DROP TABLE legacy_summary_traces, legacy_conversion_errors, legacy_adopted_spans,
    legacy_adopted_resources, legacy_adopted_keys, legacy_adopted_partitions;
ALTER TABLE IF EXISTS legacy_traces RENAME TO traces;
ALTER TABLE IF EXISTS legacy_spans RENAME TO spans;
