-- The service graph's edges (migrations/sql/0009_service_graph.sql defines the tables),
-- resolved by ollygraph/service_graph.py in the span writers' transaction and rolled up
-- per minute with the RED rollups (ollygraph/span_rollups.py).
--
-- A span waits for its parent and for each span it links to. Whichever of the two spans
-- is written second writes the edge: the waiting span finds the other among the stored
-- spans, or the other finds the waiting span in otel_service_edge_waits (and deletes the
-- row, so one of them writes it). Two writers running at the same time do not see each
-- other's rows; the rollup job finds such waits (sweep_waits). edge_kind, edge_error and
-- edge_rows are parts of larger statements, so they carry no comments.

-- name: edge_kind
CASE WHEN e.is_link THEN 4
     WHEN e.caller_kind_id = 3 AND e.callee_kind_id = 2 THEN 1
     WHEN e.caller_kind_id = 4 AND e.callee_kind_id = 5 THEN 2
     ELSE 3 END

-- name: edge_error
(e.is_error OR (NOT e.is_link AND e.caller_status_id = 2 AND e.caller_kind_id IN (3, 4)))

-- name: insert_edges
INSERT INTO otel_service_edges
    (start_time_unix_nano, span_pk, caller_service, callee_service, edge_kind_id, is_error,
     duration_ns)
SELECT e.start_time_unix_nano, e.span_pk, e.caller_service, e.callee_service, @kind@,
       @error@, e.duration_ns
FROM @resolved@ AS e
WHERE e.caller_service IS DISTINCT FROM e.callee_service
RETURNING start_time_unix_nano / 60000000000 * 60000000000 AS minute_unix_nano

-- name: resolve_edges
-- The spans of a batch (already stored; $1-$9 one array per column) and their links ($10
-- the linking span's pk, $11/$12 the linked trace and span id): the waits on them end,
-- their own waits are written or end at once. Returns the minutes edges were written to.
WITH b AS (
    SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bytea[], $5::bytea[],
                         $6::bytea[], $7::integer[], $8::integer[], $9::text[])
        AS b(span_pk, start_ns, end_ns, trace_id, span_id, parent_span_id, kind_id,
             status_code_id, service)
), woken AS (
    DELETE FROM otel_service_edge_waits AS w USING b
    WHERE w.trace_id = b.trace_id AND w.span_id = b.span_id
    RETURNING w.*, b.service AS caller_service, b.kind_id AS caller_kind_id,
              b.status_code_id AS caller_status_id
), wants AS (
    SELECT b.start_ns AS start_time_unix_nano, b.span_pk, b.trace_id,
           b.parent_span_id AS span_id, false AS is_link, b.service AS callee_service,
           b.kind_id AS callee_kind_id, b.status_code_id = 2 AS is_error,
           b.end_ns - b.start_ns AS duration_ns
    FROM b WHERE b.parent_span_id IS NOT NULL
    UNION ALL
    SELECT b.start_ns, b.span_pk, l.trace_id, l.span_id, true, b.service, b.kind_id,
           b.status_code_id = 2, b.end_ns - b.start_ns
    FROM unnest($10::bigint[], $11::bytea[], $12::bytea[]) AS l(span_pk, trace_id, span_id)
    JOIN b ON b.span_pk = l.span_pk
), found AS (
    -- the other span in the same batch (most parents: no lookup), else among those stored
    (SELECT DISTINCT ON (w.span_pk, w.is_link, w.trace_id, w.span_id)
            w.*, true AS found, p.service AS caller_service, p.kind_id AS caller_kind_id,
            p.status_code_id AS caller_status_id
     FROM wants AS w JOIN b AS p ON p.trace_id = w.trace_id AND p.span_id = w.span_id
     ORDER BY w.span_pk, w.is_link, w.trace_id, w.span_id, p.start_ns)
    UNION ALL
    SELECT w.*, p.found, p.service AS caller_service, p.kind_id AS caller_kind_id,
           p.status_code_id AS caller_status_id
    FROM wants AS w
    LEFT JOIN LATERAL (
        SELECT true AS found, s.kind_id, s.status_code_id,
               (SELECT r.service_name FROM otel_resources_dim AS r
                WHERE r.resource_id = s.resource_id) AS service
        FROM otel_spans_fact AS s
        WHERE s.trace_id = w.trace_id AND s.span_id = w.span_id
        ORDER BY s.start_time_unix_nano LIMIT 1) AS p ON true
    WHERE NOT EXISTS (SELECT FROM b WHERE b.trace_id = w.trace_id AND b.span_id = w.span_id)
), waits AS (
    INSERT INTO otel_service_edge_waits
        (start_time_unix_nano, span_pk, trace_id, span_id, is_link, callee_service,
         callee_kind_id, is_error, duration_ns)
    SELECT f.start_time_unix_nano, f.span_pk, f.trace_id, f.span_id, f.is_link,
           f.callee_service, f.callee_kind_id, f.is_error, f.duration_ns
    FROM found AS f WHERE f.found IS NULL
), edges AS (
    @insert_edges@
)
SELECT DISTINCT minute_unix_nano FROM edges

-- name: resolve_woken
(SELECT w.start_time_unix_nano, w.span_pk, w.is_link, w.callee_service, w.callee_kind_id,
        w.is_error, w.duration_ns, w.caller_service, w.caller_kind_id, w.caller_status_id
 FROM woken AS w
 UNION ALL
 SELECT f.start_time_unix_nano, f.span_pk, f.is_link, f.callee_service, f.callee_kind_id,
        f.is_error, f.duration_ns, f.caller_service, f.caller_kind_id, f.caller_status_id
 FROM found AS f WHERE f.found)

-- name: sweep_waits
-- The waits written in the last $1 seconds whose span is stored by now (its writer ran at
-- the same time as the waiting span's): they end, their edges are written. Returns the
-- minutes edges were written to.
WITH woken AS (
    DELETE FROM otel_service_edge_waits AS w
    USING otel_spans_fact AS s
    WHERE w.written_at >= now() - make_interval(secs => $1)
      AND s.trace_id = w.trace_id AND s.span_id = w.span_id
    RETURNING w.*, (SELECT r.service_name FROM otel_resources_dim AS r
                    WHERE r.resource_id = s.resource_id) AS caller_service,
              s.kind_id AS caller_kind_id, s.status_code_id AS caller_status_id
), edges AS (
    @insert_edges@
)
SELECT DISTINCT minute_unix_nano FROM edges

-- name: edge_rows
SELECT x.minute_unix_nano, x.caller_service, x.callee_service, x.edge_kind_id,
       sum(x.n)::bigint AS n, sum(x.errors)::bigint AS errors, sum(x.total) AS duration_sum,
       min(x.low) AS duration_min, max(x.high) AS duration_max,
       array_agg(x.b ORDER BY x.b) AS buckets, array_agg(x.n ORDER BY x.b) AS counts
FROM (SELECT e.start_time_unix_nano / 60000000000 * 60000000000 AS minute_unix_nano,
             e.caller_service, e.callee_service, e.edge_kind_id, @bucket@ AS b,
             count(*) AS n, count(*) FILTER (WHERE e.is_error) AS errors,
             sum(e.duration_ns) AS total, min(e.duration_ns) AS low,
             max(e.duration_ns) AS high
      FROM @edges@
      GROUP BY 1, 2, 3, 4, 5) AS x
GROUP BY 1, 2, 3, 4

-- name: edges_between
(SELECT * FROM otel_service_edges
 WHERE start_time_unix_nano >= $1 AND start_time_unix_nano < $2) AS e

-- name: edges_of_minutes
(SELECT f.* FROM unnest($1::bigint[]) AS k(minute)
 JOIN otel_service_edges AS f
   ON f.start_time_unix_nano >= k.minute
  AND f.start_time_unix_nano < k.minute + 60000000000) AS e

-- name: insert_edge_rollups
INSERT INTO otel_service_edge_rollups
    (minute_unix_nano, caller_service, callee_service, edge_kind_id, n, errors, duration_sum,
     duration_min, duration_max, buckets, counts)

-- name: forget_edge_rollups
DELETE FROM otel_service_edge_rollups

-- name: drop_edge_rollups_between
DELETE FROM otel_service_edge_rollups WHERE minute_unix_nano >= $1 AND minute_unix_nano < $2

-- name: drop_edge_rollups_of_minutes
DELETE FROM otel_service_edge_rollups WHERE minute_unix_nano = ANY($1::bigint[])
