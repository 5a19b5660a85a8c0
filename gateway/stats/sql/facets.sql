-- Facets (gateway/stats/facets.py): per key i (its value expression in the VALUES list),
-- the first N values by count, their key's total of items with a value, and the items
-- without the key (v NULL). One pass over the rows the search's conditions match.

-- name: facets
SELECT f.i, f.v, f.n, f.total FROM (
    SELECT k.i, k.v, count(*) AS n,
           row_number() OVER (PARTITION BY k.i, k.v IS NULL ORDER BY count(*) DESC, k.v) AS rank,
           sum(count(*)) OVER (PARTITION BY k.i, k.v IS NULL) AS total
    FROM @table@ AS @alias@ @join@
    CROSS JOIN LATERAL (VALUES @values@) AS k(i, v)
    WHERE @where@
    GROUP BY k.i, k.v
) AS f
WHERE f.rank <= :first OR f.v IS NULL
ORDER BY f.i, f.v IS NULL, f.n DESC, f.v

-- name: trace_root_span
LEFT JOIN LATERAL (
    SELECT s.span_pk, s.start_time_unix_nano, s.resource_id, s.scope_id
    FROM otel_spans_fact AS s
    WHERE s.trace_id = t.trace_id AND s.span_id = t.root_span_id
      AND s.start_time_unix_nano BETWEEN t.start_time_unix_nano AND t.end_time_unix_nano
) AS s ON true

-- name: trace_root_service
to_jsonb(t.root_service_name)

-- name: trace_root_name
to_jsonb(t.root_span_name)

-- name: trace_status
to_jsonb(CASE WHEN t.error_count > 0 THEN 'ERROR' ELSE 'OK' END)
