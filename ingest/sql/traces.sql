-- Traces: retried spans and the trace summary.

-- name: existing_spans
-- 1-based ordinals of the (trace_id, span_id, start) keys already stored.
SELECT k.i
FROM unnest($1::bytea[], $2::bytea[], $3::bigint[]) WITH ORDINALITY AS k(trace_id, span_id, start_ns, i)
WHERE EXISTS (SELECT 1 FROM otel_spans_fact AS s
              WHERE s.trace_id = k.trace_id AND s.span_id = k.span_id
                AND s.start_time_unix_nano = k.start_ns)

-- name: upsert_trace_summary
-- One row per trace of the batch (newly stored spans only); $9/$10 pair trace ids with
-- service names. Rows are taken in trace id order so concurrent writers lock alike.
WITH batch AS (
    SELECT * FROM unnest($1::bytea[], $2::bigint[], $3::bigint[], $4::integer[], $5::integer[],
                         $6::bytea[], $7::text[], $8::text[])
        AS b(trace_id, start_ns, end_ns, spans, errors, root_span_id, root_span_name, root_service)
), services AS (
    SELECT trace_id, array_agg(DISTINCT name ORDER BY name) AS names
    FROM unnest($9::bytea[], $10::text[]) AS v(trace_id, name)
    GROUP BY trace_id
)
INSERT INTO otel_trace_summary AS t
    (trace_id, start_time_unix_nano, end_time_unix_nano, span_count, error_count,
     root_span_id, root_span_name, root_service_name, service_names)
SELECT b.trace_id, b.start_ns, b.end_ns, b.spans, b.errors,
       b.root_span_id, b.root_span_name, b.root_service, coalesce(s.names, '{}')
FROM batch AS b LEFT JOIN services AS s USING (trace_id)
ORDER BY b.trace_id
ON CONFLICT (trace_id) DO UPDATE SET
    start_time_unix_nano = least(t.start_time_unix_nano, excluded.start_time_unix_nano),
    end_time_unix_nano = greatest(t.end_time_unix_nano, excluded.end_time_unix_nano),
    span_count = t.span_count + excluded.span_count,
    error_count = t.error_count + excluded.error_count,
    root_span_id = coalesce(t.root_span_id, excluded.root_span_id),
    root_span_name = CASE WHEN t.root_span_id IS NULL THEN excluded.root_span_name
                          ELSE t.root_span_name END,
    root_service_name = CASE WHEN t.root_span_id IS NULL THEN excluded.root_service_name
                             ELSE t.root_service_name END,
    service_names = CASE WHEN excluded.service_names <@ t.service_names THEN t.service_names
                         ELSE (SELECT array_agg(DISTINCT n ORDER BY n)
                               FROM unnest(t.service_names || excluded.service_names) AS n) END
