-- Lossless ingest (revision 0004): what valid OTLP may hold, the store holds. Statements
-- run with search_path set to the target schema.

-- name: drop_views
-- The views read columns whose type changes; they are created again unchanged.
DROP VIEW v_otel_spans_enriched;
DROP VIEW v_otel_logs_enriched;
DROP VIEW v_otel_metrics_number;
DROP VIEW v_otel_metrics_histogram;
DROP VIEW v_otel_metrics;

-- name: widen
-- Dropped counts are uint32 in OTLP: integer cannot hold those past 2^31-1, bigint holds
-- them all. Enums are open in proto3 (int32): span kind, status code, severity number and
-- aggregation temporality are stored as sent, in integer columns, whether this version
-- knows the value or not; the temporality no longer references its lookup table (every
-- join to a lookup table is LEFT, so an unknown value's name reads NULL).
-- A resource's entity references (Resource.entity_refs) are kept as sent, in their
-- OTLP/JSON form (NULL: none), and are part of the resource's identity.
ALTER TABLE otel_spans_fact
    ALTER COLUMN kind_id TYPE integer,
    ALTER COLUMN status_code_id TYPE integer,
    ALTER COLUMN dropped_attributes_count TYPE bigint,
    ALTER COLUMN dropped_events_count TYPE bigint,
    ALTER COLUMN dropped_links_count TYPE bigint;
ALTER TABLE otel_span_events ALTER COLUMN dropped_attributes_count TYPE bigint;
ALTER TABLE otel_span_links ALTER COLUMN dropped_attributes_count TYPE bigint;
ALTER TABLE otel_logs_fact
    ALTER COLUMN severity_number TYPE integer,
    ALTER COLUMN dropped_attributes_count TYPE bigint;
ALTER TABLE otel_resources_dim
    ALTER COLUMN dropped_attributes_count TYPE bigint,
    ADD COLUMN entity_refs jsonb;
ALTER TABLE otel_scopes_dim ALTER COLUMN dropped_attributes_count TYPE bigint;
ALTER TABLE otel_metrics_dim
    DROP CONSTRAINT otel_metrics_dim_aggregation_temporality_id_fkey,
    ALTER COLUMN aggregation_temporality_id TYPE integer;
ALTER TABLE otel_span_red_rollups
    ALTER COLUMN kind_id TYPE integer,
    ALTER COLUMN status_code_id TYPE integer;

-- name: narrow
-- The downgrade: fails if a stored count or enum value does not fit revision 0003.
ALTER TABLE otel_span_red_rollups
    ALTER COLUMN kind_id TYPE smallint,
    ALTER COLUMN status_code_id TYPE smallint;
ALTER TABLE otel_metrics_dim
    ALTER COLUMN aggregation_temporality_id TYPE smallint,
    ADD CONSTRAINT otel_metrics_dim_aggregation_temporality_id_fkey
    FOREIGN KEY (aggregation_temporality_id) REFERENCES aggregation_temporalities;
ALTER TABLE otel_scopes_dim ALTER COLUMN dropped_attributes_count TYPE integer;
ALTER TABLE otel_resources_dim
    DROP COLUMN entity_refs,
    ALTER COLUMN dropped_attributes_count TYPE integer;
ALTER TABLE otel_logs_fact
    ALTER COLUMN severity_number TYPE smallint,
    ALTER COLUMN dropped_attributes_count TYPE integer;
ALTER TABLE otel_span_links ALTER COLUMN dropped_attributes_count TYPE integer;
ALTER TABLE otel_span_events ALTER COLUMN dropped_attributes_count TYPE integer;
ALTER TABLE otel_spans_fact
    ALTER COLUMN kind_id TYPE smallint,
    ALTER COLUMN status_code_id TYPE smallint,
    ALTER COLUMN dropped_attributes_count TYPE integer,
    ALTER COLUMN dropped_events_count TYPE integer,
    ALTER COLUMN dropped_links_count TYPE integer;

-- name: views
-- As revision 0001 created them.
CREATE VIEW v_otel_spans_enriched AS
SELECT
    s.span_pk,
    encode(s.trace_id, 'hex') AS trace_id,
    encode(s.span_id, 'hex') AS span_id,
    encode(s.parent_span_id, 'hex') AS parent_span_id,
    s.trace_state,
    s.flags,
    s.name,
    s.kind_id,
    sk.name AS kind_name,
    s.start_time_unix_nano,
    s.end_time_unix_nano,
    s.end_time_unix_nano - s.start_time_unix_nano AS duration_nanos,
    to_timestamp(s.start_time_unix_nano / 1e9) AS start_time,
    s.status_code_id,
    sc.name AS status_name,
    s.status_message,
    r.resource_id,
    r.service_name,
    r.service_namespace,
    otel_resource_attributes_all(r.resource_id) AS resource_attributes,
    scope.scope_id,
    scope.name AS scope_name,
    scope.version AS scope_version,
    otel_span_attributes_all(s.span_pk, s.start_time_unix_nano) AS attributes,
    (SELECT jsonb_agg(jsonb_build_object(
                'name', e.name,
                'time_unix_nano', e.time_unix_nano,
                'dropped_attributes_count', e.dropped_attributes_count,
                'attributes', otel_span_event_attributes_all(e.span_pk, e.event_index,
                                                             e.start_time_unix_nano))
            ORDER BY e.event_index)
     FROM otel_span_events AS e
     WHERE e.span_pk = s.span_pk AND e.start_time_unix_nano = s.start_time_unix_nano) AS events,
    (SELECT jsonb_agg(jsonb_build_object(
                'trace_id', encode(l.linked_trace_id, 'hex'),
                'span_id', encode(l.linked_span_id, 'hex'),
                'trace_state', l.trace_state,
                'flags', l.flags,
                'dropped_attributes_count', l.dropped_attributes_count,
                'attributes', otel_span_link_attributes_all(l.span_pk, l.link_index,
                                                            l.start_time_unix_nano))
            ORDER BY l.link_index)
     FROM otel_span_links AS l
     WHERE l.span_pk = s.span_pk AND l.start_time_unix_nano = s.start_time_unix_nano) AS links,
    s.dropped_attributes_count,
    s.dropped_events_count,
    s.dropped_links_count
FROM otel_spans_fact AS s
JOIN otel_resources_dim AS r ON r.resource_id = s.resource_id
LEFT JOIN otel_scopes_dim AS scope ON scope.scope_id = s.scope_id
LEFT JOIN span_kinds AS sk ON sk.kind_id = s.kind_id
LEFT JOIN status_codes AS sc ON sc.status_code_id = s.status_code_id;

CREATE VIEW v_otel_logs_enriched AS
SELECT
    l.log_pk AS log_id,
    l.ts_unix_nano,
    l.time_unix_nano,
    l.observed_time_unix_nano,
    to_timestamp(l.ts_unix_nano / 1e9) AS "timestamp",
    l.severity_number,
    sev.name AS severity_name,
    l.severity_text,
    bt.name AS body_type,
    otel_anyvalue_to_json(l.body) AS body,
    encode(l.trace_id, 'hex') AS trace_id,
    encode(l.span_id, 'hex') AS span_id,
    l.flags,
    l.event_name,
    r.resource_id,
    r.service_name,
    r.service_namespace,
    s.scope_id,
    s.name AS scope_name,
    s.version AS scope_version,
    otel_log_attributes_all(l.log_pk, l.ts_unix_nano) AS attributes,
    l.dropped_attributes_count
FROM otel_logs_fact AS l
JOIN otel_resources_dim AS r ON r.resource_id = l.resource_id
LEFT JOIN otel_scopes_dim AS s ON s.scope_id = l.scope_id
LEFT JOIN log_severity_numbers AS sev ON sev.severity_number = l.severity_number
LEFT JOIN log_body_types AS bt ON bt.body_type_id = l.body_type_id;

CREATE VIEW v_otel_metrics_number AS
SELECT
    dp.point_pk AS data_point_id,
    m.metric_id,
    m.name AS metric_name,
    m.unit,
    mt.name AS metric_type,
    at.name AS temporality,
    m.is_monotonic,
    dp.start_time_unix_nano,
    dp.time_unix_nano,
    to_timestamp(dp.time_unix_nano / 1e9) AS "time",
    coalesce(dp.value_int::double precision, dp.value_double) AS value,
    r.service_name,
    r.service_namespace,
    otel_metric_number_attributes_all(dp.point_pk, dp.time_unix_nano) AS attributes
FROM otel_metrics_data_points_number AS dp
JOIN otel_metrics_dim AS m ON m.metric_id = dp.metric_id
JOIN metric_types AS mt ON mt.metric_type_id = m.metric_type_id
LEFT JOIN aggregation_temporalities AS at ON at.temporality_id = m.aggregation_temporality_id
JOIN otel_resources_dim AS r ON r.resource_id = dp.resource_id;

CREATE VIEW v_otel_metrics_histogram AS
SELECT
    dp.point_pk AS data_point_id,
    m.metric_id,
    m.name AS metric_name,
    m.unit,
    'HISTOGRAM'::text AS metric_type,
    at.name AS temporality,
    dp.start_time_unix_nano,
    dp.time_unix_nano,
    to_timestamp(dp.time_unix_nano / 1e9) AS "time",
    dp.count,
    dp.sum,
    dp.min,
    dp.max,
    dp.explicit_bounds,
    dp.bucket_counts,
    r.service_name,
    r.service_namespace,
    otel_metric_histogram_attributes_all(dp.point_pk, dp.time_unix_nano) AS attributes
FROM otel_metrics_data_points_histogram AS dp
JOIN otel_metrics_dim AS m ON m.metric_id = dp.metric_id
LEFT JOIN aggregation_temporalities AS at ON at.temporality_id = m.aggregation_temporality_id
JOIN otel_resources_dim AS r ON r.resource_id = dp.resource_id;

CREATE VIEW v_otel_metrics AS
SELECT
    m.metric_id,
    m.name,
    mt.name AS metric_type,
    m.unit,
    m.description,
    at.name AS temporality,
    m.is_monotonic,
    m.first_seen,
    m.last_seen
FROM otel_metrics_dim AS m
JOIN metric_types AS mt ON mt.metric_type_id = m.metric_type_id
LEFT JOIN aggregation_temporalities AS at ON at.temporality_id = m.aggregation_temporality_id;
