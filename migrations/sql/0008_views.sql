-- Set-based SQL views (revision 0008): the v_otel_* views read every attribute map with
-- correlated subqueries over the owner's attribute tables, planned once with the query
-- and run as index probes per row, instead of calling otel_*_attributes_all() per row
-- (a non-inlinable function that planned its own statement on every call). Same columns,
-- same values. Statements run with search_path set to the target schema; the templates'
-- {placeholders} are filled by versions/0008_views.py from its owner list.

-- name: attributes
-- The attributes of the owner row {owner_match} names, as one plain JSON object: the
-- JSONB catch-all with the promoted keys merged over it (a promoted key wins over a
-- catch-all key of the same name), as otel_<owner>_attributes_all() returns them.
(coalesce((SELECT otel_attributes_to_json(attributes) FROM {prefix}_other
           WHERE {owner_match}), '{{}}'::jsonb)
 || (SELECT coalesce(jsonb_object_agg(k.key, t.value), '{{}}'::jsonb)
     FROM (SELECT key_id, to_jsonb(value) AS value FROM {prefix}_string WHERE {owner_match}
           UNION ALL SELECT key_id, to_jsonb(value) FROM {prefix}_int WHERE {owner_match}
           UNION ALL SELECT key_id, otel_double_to_json(value) FROM {prefix}_double
                     WHERE {owner_match}
           UNION ALL SELECT key_id, to_jsonb(value) FROM {prefix}_bool WHERE {owner_match}
           UNION ALL SELECT key_id, to_jsonb(encode(value, 'base64')) FROM {prefix}_bytes
                     WHERE {owner_match}) AS t
     JOIN attribute_keys AS k USING (key_id)))

-- name: views
-- The columns of revision 0004, in the same order; each <owner>_attributes_of_<alias>
-- placeholder is the `attributes` template for the row of that alias.
CREATE OR REPLACE VIEW v_otel_spans_enriched AS
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
    {resource_attributes_of_r} AS resource_attributes,
    scope.scope_id,
    scope.name AS scope_name,
    scope.version AS scope_version,
    {span_attributes_of_s} AS attributes,
    (SELECT jsonb_agg(jsonb_build_object(
                'name', e.name,
                'time_unix_nano', e.time_unix_nano,
                'dropped_attributes_count', e.dropped_attributes_count,
                'attributes', {span_event_attributes_of_e})
            ORDER BY e.event_index)
     FROM otel_span_events AS e
     WHERE e.span_pk = s.span_pk AND e.start_time_unix_nano = s.start_time_unix_nano) AS events,
    (SELECT jsonb_agg(jsonb_build_object(
                'trace_id', encode(l.linked_trace_id, 'hex'),
                'span_id', encode(l.linked_span_id, 'hex'),
                'trace_state', l.trace_state,
                'flags', l.flags,
                'dropped_attributes_count', l.dropped_attributes_count,
                'attributes', {span_link_attributes_of_l})
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

CREATE OR REPLACE VIEW v_otel_logs_enriched AS
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
    {log_attributes_of_l} AS attributes,
    l.dropped_attributes_count
FROM otel_logs_fact AS l
JOIN otel_resources_dim AS r ON r.resource_id = l.resource_id
LEFT JOIN otel_scopes_dim AS s ON s.scope_id = l.scope_id
LEFT JOIN log_severity_numbers AS sev ON sev.severity_number = l.severity_number
LEFT JOIN log_body_types AS bt ON bt.body_type_id = l.body_type_id;

CREATE OR REPLACE VIEW v_otel_metrics_number AS
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
    {metric_number_attributes_of_dp} AS attributes
FROM otel_metrics_data_points_number AS dp
JOIN otel_metrics_dim AS m ON m.metric_id = dp.metric_id
JOIN metric_types AS mt ON mt.metric_type_id = m.metric_type_id
LEFT JOIN aggregation_temporalities AS at ON at.temporality_id = m.aggregation_temporality_id
JOIN otel_resources_dim AS r ON r.resource_id = dp.resource_id;

CREATE OR REPLACE VIEW v_otel_metrics_histogram AS
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
    {metric_histogram_attributes_of_dp} AS attributes
FROM otel_metrics_data_points_histogram AS dp
JOIN otel_metrics_dim AS m ON m.metric_id = dp.metric_id
LEFT JOIN aggregation_temporalities AS at ON at.temporality_id = m.aggregation_temporality_id
JOIN otel_resources_dim AS r ON r.resource_id = dp.resource_id;
