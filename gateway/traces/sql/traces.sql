-- Trace and span queries of the gateway. `@where@`, `@order@`, `@columns@` are filled
-- by gateway code from whitelisted fragments; every value is a `$n` bind parameter.

-- name: span_columns
s.span_pk, s.start_time_unix_nano, s.end_time_unix_nano, s.trace_id, s.span_id,
s.parent_span_id, s.trace_state, s.flags, s.name, s.kind_id, s.status_code_id,
s.status_message, s.resource_id, s.scope_id, s.dropped_attributes_count,
s.dropped_events_count, s.dropped_links_count,
(SELECT r.service_name FROM otel_resources_dim AS r WHERE r.resource_id = s.resource_id) AS service_name

-- name: trace_columns
t.trace_id, t.start_time_unix_nano, t.end_time_unix_nano, t.span_count, t.error_count,
t.root_span_id, t.root_span_name, t.root_service_name, t.service_names

-- name: search_traces
SELECT @columns@ FROM otel_trace_summary AS t
WHERE @where@
ORDER BY t.start_time_unix_nano @dir@, t.trace_id @dir@
LIMIT :limit

-- name: count_traces
SELECT count(*) FROM otel_trace_summary AS t WHERE @where@

-- name: trace_has_span
-- walks the traces (in page order) and probes their spans
EXISTS (SELECT 1 FROM otel_spans_fact AS s
        WHERE s.trace_id = t.trace_id
          AND s.start_time_unix_nano BETWEEN t.start_time_unix_nano AND t.end_time_unix_nano
          AND @where@)

-- name: trace_of_spans
-- the traces of the given spans (that satisfy the filter a search starts from,
-- gateway.traces.matching) and of the other conditions
t.trace_id = ANY(ARRAY(
    SELECT DISTINCT s.trace_id
    FROM unnest(:pks::bigint[], :parts::bigint[]) AS d(span_pk, start_time_unix_nano)
    JOIN otel_spans_fact AS s
      ON s.span_pk = d.span_pk AND s.start_time_unix_nano = d.start_time_unix_nano
    WHERE @where@))

-- name: trace_filter
-- The conditions of a TraceFilter on the trace summary t, each when its field is given;
-- the span-level ones follow (trace_has_span or trace_of_spans). A page continues after
-- its cursor's row (after_desc, after_asc: in that order).
t.start_time_unix_nano >= :time_from                                -- when time_from
t.start_time_unix_nano <= :time_to                                  -- when time_to
t.service_names @> ARRAY[:service::text]                            -- when service
t.root_service_name = :root_service                                 -- when root_service
t.root_span_name = :root_name                                       -- when root_name
t.root_span_name LIKE :root_name_prefix                              -- when root_name_prefix
strpos(t.root_span_name, :root_name_contains) > 0                   -- when root_name_contains
t.root_span_name ~ :root_name_regex                                 -- when root_name_regex
t.error_count > 0                                                   -- when has_error
t.error_count = 0                                                   -- when no_error
t.end_time_unix_nano - t.start_time_unix_nano >= :min_duration      -- when min_duration
t.end_time_unix_nano - t.start_time_unix_nano <= :max_duration      -- when max_duration
(t.start_time_unix_nano, t.trace_id) < (:after_time, :after_id)     -- when after_desc
(t.start_time_unix_nano, t.trace_id) > (:after_time, :after_id)     -- when after_asc

-- name: search_spans
SELECT @columns@ FROM otel_spans_fact AS s
WHERE @where@
ORDER BY s.start_time_unix_nano @dir@, s.span_pk @dir@
LIMIT :limit

-- name: count_spans
SELECT count(*) FROM otel_spans_fact AS s WHERE @where@

-- name: span_filter
-- The conditions of a SpanFilter on the span s, each when its field is given (a trace's
-- spans also lie in its time window; `pks`: the spans a search starts from, see
-- gateway.starting); the semantic type and attribute probes follow. The span-level
-- conditions of a TraceFilter are its name and kind. A page continues after its cursor's
-- row (after_desc, after_asc: in that order).
s.start_time_unix_nano >= :time_from                                -- when time_from
s.start_time_unix_nano <= :time_to                                  -- when time_to
s.trace_id = :trace_id                                              -- when trace_id
s.start_time_unix_nano BETWEEN
    (SELECT start_time_unix_nano FROM otel_trace_summary WHERE trace_id = :trace_id)
    AND (SELECT end_time_unix_nano FROM otel_trace_summary WHERE trace_id = :trace_id)
                                                                    -- when trace_id
(s.span_pk, s.start_time_unix_nano) IN (SELECT * FROM unnest(:pks::bigint[], :parts::bigint[]))
                                                                    -- when pks
s.name = :name                                                      -- when name
s.name LIKE :name_prefix                                            -- when name_prefix
strpos(s.name, :name_contains) > 0                                  -- when name_contains
s.name ~ :name_regex                                                -- when name_regex
s.kind_id = :kind                                                   -- when kind
s.resource_id IN (SELECT resource_id FROM otel_resources_dim WHERE service_name = :service)
                                                                    -- when service
s.status_code_id = :status                                          -- when status
s.parent_span_id IS NULL                                            -- when root_only
EXISTS (SELECT 1 FROM otel_span_events AS e
        WHERE e.span_pk = s.span_pk AND e.start_time_unix_nano = s.start_time_unix_nano
          AND e.name = :event_name)                                 -- when event_name
EXISTS (SELECT 1 FROM otel_span_links AS l
        WHERE l.span_pk = s.span_pk AND l.start_time_unix_nano = s.start_time_unix_nano
          AND l.linked_trace_id = :linked_trace_id)                 -- when linked_trace_id
s.end_time_unix_nano - s.start_time_unix_nano >= :min_duration      -- when min_duration
s.end_time_unix_nano - s.start_time_unix_nano <= :max_duration      -- when max_duration
(s.start_time_unix_nano, s.span_pk) < (:after_time, :after_id)      -- when after_desc
(s.start_time_unix_nano, s.span_pk) > (:after_time, :after_id)      -- when after_asc

-- name: traces_by_id
SELECT k.i AS k, @columns@
FROM unnest(:ids::bytea[]) WITH ORDINALITY AS k(trace_id, i)
JOIN otel_trace_summary AS t ON t.trace_id = k.trace_id

-- name: spans_by_id
SELECT k.i AS k, @columns@
FROM unnest(:trace_ids::bytea[], :span_ids::bytea[]) WITH ORDINALITY AS k(trace_id, span_id, i)
JOIN otel_spans_fact AS s ON s.trace_id = k.trace_id AND s.span_id = k.span_id
ORDER BY k.i, s.start_time_unix_nano

-- name: spans_of_traces
SELECT * FROM (
    SELECT k.i AS k, @columns@,
           row_number() OVER (PARTITION BY k.i ORDER BY s.start_time_unix_nano, s.span_pk) AS n
    FROM unnest(:ids::bytea[]) WITH ORDINALITY AS k(trace_id, i)
    JOIN otel_trace_summary AS t ON t.trace_id = k.trace_id
    JOIN otel_spans_fact AS s ON s.trace_id = t.trace_id
     AND s.start_time_unix_nano BETWEEN t.start_time_unix_nano AND t.end_time_unix_nano
    WHERE @where@
) AS x
WHERE x.n <= :limit
ORDER BY x.k, x.n

-- name: children_of_spans
SELECT k.i AS k, @columns@
FROM unnest(:trace_ids::bytea[], :span_ids::bytea[]) WITH ORDINALITY AS k(trace_id, span_id, i)
JOIN otel_trace_summary AS t ON t.trace_id = k.trace_id
JOIN otel_spans_fact AS s ON s.trace_id = t.trace_id AND s.parent_span_id = k.span_id
 AND s.start_time_unix_nano BETWEEN t.start_time_unix_nano AND t.end_time_unix_nano
ORDER BY k.i, s.start_time_unix_nano, s.span_pk


-- name: events_of_spans
-- the source of owned_attributes (gateway/sql/attributes.sql) for events
SELECT k.i AS k, row_number() OVER () AS r, e.span_pk, e.event_index, e.start_time_unix_nano,
       e.time_unix_nano, e.name, e.dropped_attributes_count
FROM unnest(:pks::bigint[], :starts::bigint[]) WITH ORDINALITY AS k(span_pk, start_time_unix_nano, i)
JOIN otel_span_events AS e
  ON e.span_pk = k.span_pk AND e.start_time_unix_nano = k.start_time_unix_nano
 AND e.start_time_unix_nano BETWEEN :lo AND :hi

-- name: links_of_spans
-- the source of owned_attributes (gateway/sql/attributes.sql) for links
SELECT k.i AS k, row_number() OVER () AS r, l.span_pk, l.link_index, l.start_time_unix_nano,
       l.linked_trace_id, l.linked_span_id, l.trace_state, l.flags, l.dropped_attributes_count
FROM unnest(:pks::bigint[], :starts::bigint[]) WITH ORDINALITY AS k(span_pk, start_time_unix_nano, i)
JOIN otel_span_links AS l
  ON l.span_pk = k.span_pk AND l.start_time_unix_nano = k.start_time_unix_nano
 AND l.start_time_unix_nano BETWEEN :lo AND :hi

-- name: links_to_spans
-- the source of owned_attributes (gateway/sql/attributes.sql) for the links to the given
-- spans (by the index on the links' targets), with the ids of the spans that hold them
SELECT k.i AS k, row_number() OVER () AS r, l.span_pk, l.link_index, l.start_time_unix_nano,
       l.linked_trace_id, l.linked_span_id, l.trace_state, l.flags, l.dropped_attributes_count,
       s.trace_id AS from_trace_id, s.span_id AS from_span_id
FROM unnest(:trace_ids::bytea[], :span_ids::bytea[]) WITH ORDINALITY AS k(trace_id, span_id, i)
JOIN otel_span_links AS l ON l.linked_trace_id = k.trace_id AND l.linked_span_id = k.span_id
JOIN otel_spans_fact AS s
  ON s.span_pk = l.span_pk AND s.start_time_unix_nano = l.start_time_unix_nano

-- name: semantic_types_of_traces
-- Per span the highest-priority prefix among its keys (as semantic.detect), per trace the
-- set; typed_keys: span_key_ids of every typed table of the spans' attributes.
WITH spans AS (
    SELECT k.i, s.span_pk, s.start_time_unix_nano
    FROM unnest(:ids::bytea[]) WITH ORDINALITY AS k(trace_id, i)
    JOIN otel_trace_summary AS t ON t.trace_id = k.trace_id
    JOIN otel_spans_fact AS s ON s.trace_id = t.trace_id
     AND s.start_time_unix_nano BETWEEN t.start_time_unix_nano AND t.end_time_unix_nano
), prefixes AS (
    SELECT * FROM unnest(:prefixes::text[], :priorities::int[]) AS p(prefix, priority)
), keyed AS (
    SELECT x.i, x.span_pk, x.start_time_unix_nano, ak.key
    FROM spans AS x
    JOIN (@typed_keys@) AS a USING (span_pk, start_time_unix_nano)
    JOIN attribute_keys AS ak USING (key_id)
    UNION ALL
    SELECT x.i, x.span_pk, x.start_time_unix_nano, j.key
    FROM spans AS x
    JOIN @other@ AS o USING (span_pk, start_time_unix_nano)
    CROSS JOIN LATERAL jsonb_object_keys(o.attributes) AS j(key)
), ranked AS (
    SELECT i, span_pk, min(p.priority) AS priority
    FROM keyed JOIN prefixes AS p ON starts_with(keyed.key, p.prefix)
    GROUP BY i, span_pk, start_time_unix_nano
)
SELECT i AS k, array_agg(DISTINCT priority ORDER BY priority) AS priorities
FROM ranked GROUP BY i

-- name: span_key_ids
SELECT span_pk, start_time_unix_nano, key_id FROM @table@

-- name: span_has_parent
-- Structural conditions (gateway/traces/structure.py): the span `s` has a relative that
-- satisfies @where@ (conditions on that relative, also named `s`). The outer span's ids
-- are taken first (o), before the relative's name hides it.
EXISTS (SELECT 1 FROM (SELECT s.trace_id, s.parent_span_id) AS o(trace_id, span_id)
        JOIN otel_spans_fact AS s ON s.trace_id = o.trace_id AND s.span_id = o.span_id
        WHERE @where@)

-- name: span_has_child
EXISTS (SELECT 1 FROM (SELECT s.trace_id, s.span_id) AS o(trace_id, span_id)
        JOIN otel_spans_fact AS s ON s.trace_id = o.trace_id AND s.parent_span_id = o.span_id
        WHERE @where@)

-- name: span_has_ancestor
-- walks up from the span's parent, a point lookup per level (UNION stops at a cycle)
EXISTS (WITH RECURSIVE up(trace_id, span_id) AS (
            SELECT s.trace_id, s.parent_span_id WHERE s.parent_span_id IS NOT NULL
            UNION
            SELECT p.trace_id, p.parent_span_id FROM up
            JOIN otel_spans_fact AS p ON p.trace_id = up.trace_id AND p.span_id = up.span_id
            WHERE p.parent_span_id IS NOT NULL)
        SELECT 1 FROM up
        JOIN otel_spans_fact AS s ON s.trace_id = up.trace_id AND s.span_id = up.span_id
        WHERE @where@)

-- name: span_has_descendant
-- walks up from the spans of the trace that satisfy the filter, a point lookup per
-- level, until it meets the span (UNION stops at a cycle)
EXISTS (WITH RECURSIVE o(trace_id, span_id) AS (SELECT s.trace_id, s.span_id),
        up(trace_id, span_id) AS (
            SELECT s.trace_id, s.parent_span_id FROM o
            JOIN otel_spans_fact AS s ON s.trace_id = o.trace_id
            WHERE s.parent_span_id IS NOT NULL AND @where@
            UNION
            SELECT p.trace_id, p.parent_span_id FROM up
            JOIN o ON up.span_id <> o.span_id
            JOIN otel_spans_fact AS p ON p.trace_id = up.trace_id AND p.span_id = up.span_id
            WHERE p.parent_span_id IS NOT NULL)
        SELECT 1 FROM up JOIN o ON up.span_id = o.span_id)

-- name: trace_has_spans_apart
-- TraceFilter.spans: a span of the trace t not among the ones taken by the filters
-- before (@taken@: their span keys) that satisfies @where@ (which nests the next filter's)
EXISTS (SELECT 1 FROM (SELECT @taken@) AS o(taken)
        JOIN otel_spans_fact AS s ON s.trace_id = t.trace_id
         AND s.start_time_unix_nano BETWEEN t.start_time_unix_nano AND t.end_time_unix_nano
        WHERE s.span_pk <> ALL(o.taken) AND @where@)

-- name: no_spans_taken
ARRAY[]::bigint[]

-- name: spans_taken
o.taken || s.span_pk

-- name: trace_without_span
NOT EXISTS (SELECT 1 FROM otel_spans_fact AS s
            WHERE s.trace_id = t.trace_id
              AND s.start_time_unix_nano BETWEEN t.start_time_unix_nano AND t.end_time_unix_nano
              AND @where@)

-- name: span_parent_among
-- Structural conditions started from the spans of the nested filter's attribute filter
-- (at most gateway.starting.START_LIMIT): the relatives of those spans that satisfy
-- @where@ form one set, read once, and the span `s` is looked up in it
(s.trace_id, s.parent_span_id) IN (SELECT s.trace_id, s.span_id FROM otel_spans_fact AS s
                                   WHERE @where@)

-- name: span_child_among
(s.trace_id, s.span_id) IN (SELECT s.trace_id, s.parent_span_id FROM otel_spans_fact AS s
                            WHERE s.parent_span_id IS NOT NULL AND @where@)

-- name: span_ancestor_among
-- the descendants of the spans that satisfy @where@, walked down level by level
(s.trace_id, s.span_id) IN (
    WITH RECURSIVE down(trace_id, span_id) AS (
        SELECT c.trace_id, c.span_id FROM otel_spans_fact AS s
        JOIN otel_spans_fact AS c ON c.trace_id = s.trace_id AND c.parent_span_id = s.span_id
        WHERE @where@
        UNION
        SELECT c.trace_id, c.span_id FROM down
        JOIN otel_spans_fact AS c ON c.trace_id = down.trace_id AND c.parent_span_id = down.span_id)
    SELECT trace_id, span_id FROM down)

-- name: span_descendant_among
-- the ancestors of the spans that satisfy @where@, walked up a point lookup per level
(s.trace_id, s.span_id) IN (
    WITH RECURSIVE up(trace_id, span_id) AS (
        SELECT s.trace_id, s.parent_span_id FROM otel_spans_fact AS s
        WHERE s.parent_span_id IS NOT NULL AND @where@
        UNION
        SELECT p.trace_id, p.parent_span_id FROM up
        JOIN otel_spans_fact AS p ON p.trace_id = up.trace_id AND p.span_id = up.span_id
        WHERE p.parent_span_id IS NOT NULL)
    SELECT trace_id, span_id FROM up)

-- name: exception_groups
-- Query.exceptions: the exception events (semantic conventions: an event named
-- "exception") of the spans that satisfy @where@, grouped by @group@ (their type, or the
-- span's service), with the newest one's trace and span as a sample. exception.type is
-- read whether it was stored promoted (@string_table@) or in the JSONB catch-all.
WITH ex AS (
    SELECT s.trace_id, s.span_id, s.resource_id, e.time_unix_nano,
           coalesce(
               (SELECT a.value FROM @string_table@ AS a
                WHERE a.span_pk = e.span_pk AND a.event_index = e.event_index
                  AND a.start_time_unix_nano = e.start_time_unix_nano
                  AND a.key_id = (SELECT key_id FROM attribute_keys
                                  WHERE key = 'exception.type')),
               (SELECT o.attributes -> 'exception.type' ->> 'stringValue' FROM @other_table@ AS o
                WHERE o.span_pk = e.span_pk AND o.event_index = e.event_index
                  AND o.start_time_unix_nano = e.start_time_unix_nano)) AS type
    FROM otel_spans_fact AS s
    JOIN otel_span_events AS e
      ON e.span_pk = s.span_pk AND e.start_time_unix_nano = s.start_time_unix_nano
    WHERE e.name = 'exception' AND @where@
)
SELECT @group@ AS key, count(*) AS n,
       (array_agg(ex.trace_id ORDER BY ex.time_unix_nano DESC))[1] AS trace_id,
       (array_agg(ex.span_id ORDER BY ex.time_unix_nano DESC))[1] AS span_id,
       max(ex.time_unix_nano) AS last_seen
FROM ex
GROUP BY 1
ORDER BY n DESC, key NULLS LAST
LIMIT :limit

-- name: exception_group
ex.type                                                             -- when type
(SELECT r.service_name FROM otel_resources_dim AS r WHERE r.resource_id = ex.resource_id)
                                                                    -- when service

-- name: trace_holds_started
-- TraceFilter.spans, a condition implied by a listed filter's relative that starts from
-- few spans (gateway.traces.structure): the relative lies in the same trace, so the trace
-- holds one of those spans. It lets the search read only their traces.
t.trace_id = ANY(ARRAY(
    SELECT s.trace_id
    FROM unnest(:pks::bigint[], :parts::bigint[]) AS d(span_pk, start_time_unix_nano)
    JOIN otel_spans_fact AS s
      ON s.span_pk = d.span_pk AND s.start_time_unix_nano = d.start_time_unix_nano))
