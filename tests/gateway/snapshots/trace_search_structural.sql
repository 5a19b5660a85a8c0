-- trace_search_structural: the 1 SQL statements of this GraphQL query, in text order
-- (tests/gateway/test_sql_snapshots.py; `make snapshot-sql` rewrites it).
--
--   {
--     traces(filter: {spans: [{kind: CLIENT}, {kind: CLIENT, hasParent: {kind: SERVER}}],
--                     notSpans: [{status: ERROR}],
--                     anyOf: [{rootName: "GET /items"}, {not: {service: "shop"}}]}) {
--       nodes { traceId }
--     }
--   }

-- statement 1 of 1
SELECT t.trace_id, t.start_time_unix_nano, t.end_time_unix_nano, t.span_count, t.error_count,
t.root_span_id, t.root_span_name, t.root_service_name, t.service_names FROM otel_trace_summary AS t
WHERE (EXISTS (SELECT 1 FROM (SELECT ARRAY[]::bigint[]) AS o(taken)
        JOIN otel_spans_fact AS s ON s.trace_id = t.trace_id
         AND s.start_time_unix_nano BETWEEN t.start_time_unix_nano AND t.end_time_unix_nano
        WHERE s.span_pk <> ALL(o.taken) AND (s.kind_id = $3)
        AND (EXISTS (SELECT 1 FROM (SELECT o.taken || s.span_pk) AS o(taken)
                JOIN otel_spans_fact AS s ON s.trace_id = t.trace_id
                 AND s.start_time_unix_nano BETWEEN t.start_time_unix_nano AND t.end_time_unix_nano
                WHERE s.span_pk <> ALL(o.taken) AND (s.kind_id = $1)
                AND (EXISTS (SELECT 1 FROM (SELECT s.trace_id, s.parent_span_id) AS o(trace_id, span_id)
                        JOIN otel_spans_fact AS s ON s.trace_id = o.trace_id AND s.span_id = o.span_id
                        WHERE (s.kind_id = $2)))))))
AND (NOT EXISTS (SELECT 1 FROM otel_spans_fact AS s
            WHERE s.trace_id = t.trace_id
              AND s.start_time_unix_nano BETWEEN t.start_time_unix_nano AND t.end_time_unix_nano
              AND (s.status_code_id = $4)))
AND ((((t.root_span_name = $5))
OR ((NOT coalesce(((t.service_names @> ARRAY[$6::text])), false)))))
ORDER BY t.start_time_unix_nano DESC, t.trace_id DESC
LIMIT $7;
