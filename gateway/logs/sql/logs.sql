-- Log queries of the gateway; `@...@` slots are filled from whitelisted fragments.

-- name: log_columns
l.log_pk, l.ts_unix_nano, l.time_unix_nano, l.observed_time_unix_nano, l.severity_number,
l.severity_text, l.body, l.trace_id, l.span_id, l.flags,
l.event_name, l.resource_id, l.scope_id, l.dropped_attributes_count,
(SELECT r.service_name FROM otel_resources_dim AS r WHERE r.resource_id = l.resource_id) AS service_name

-- name: search_logs
SELECT @columns@ FROM otel_logs_fact AS l
WHERE @where@
ORDER BY l.ts_unix_nano @dir@, l.log_pk @dir@
LIMIT :limit

-- name: count_logs
SELECT count(*) FROM otel_logs_fact AS l WHERE @where@

-- name: log_filter
-- The conditions of a LogFilter on the record l, each when its field is given (`pks`: the
-- records a search starts from, see gateway.starting); the attribute probes follow. A
-- page continues after its cursor's row (after_desc, after_asc: in that order). A body
-- search is narrowed by the trigrams every match contains (a GIN index; bodies too long
-- to index by trigrams are all read) and then tested exactly.
l.ts_unix_nano >= :time_from                                        -- when time_from
l.ts_unix_nano <= :time_to                                          -- when time_to
l.trace_id = :trace_id                                              -- when trace_id
l.span_id = :span_id                                                -- when span_id
l.resource_id IN (SELECT resource_id FROM otel_resources_dim WHERE service_name = :service)
                                                                    -- when service
l.severity_number >= :min_severity                                  -- when min_severity
l.severity_text = :severity_text                                    -- when severity_text
(otel_log_body_trigrams(l.body) @> :body_trigrams::text[]
 OR otel_log_body_trigrams(l.body) = '{""}')                       -- when body_trigrams
strpos(otel_log_body_text(l.body), :body_contains) > 0              -- when body_contains
otel_log_body_text(l.body) LIKE :body_match_prefix                  -- when body_match_prefix
strpos(otel_log_body_text(l.body), :body_match_contains) > 0        -- when body_match_contains
otel_log_body_text(l.body) ~ :body_match_regex                      -- when body_match_regex
(l.log_pk, l.ts_unix_nano) IN (SELECT * FROM unnest(:pks::bigint[], :parts::bigint[]))
                                                                    -- when pks
(l.ts_unix_nano, l.log_pk) < (:after_time, :after_id)               -- when after_desc
(l.ts_unix_nano, l.log_pk) > (:after_time, :after_id)               -- when after_asc

-- name: logs_of_spans
SELECT * FROM (
    SELECT k.i AS k, @columns@,
           row_number() OVER (PARTITION BY k.i ORDER BY l.ts_unix_nano, l.log_pk) AS n
    FROM unnest(:trace_ids::bytea[], :span_ids::bytea[]) WITH ORDINALITY AS k(trace_id, span_id, i)
    JOIN otel_logs_fact AS l ON l.trace_id = k.trace_id AND l.span_id = k.span_id
    WHERE @where@
) AS x
WHERE x.n <= :limit
ORDER BY x.k, x.n

-- name: logs_of_traces
SELECT * FROM (
    SELECT k.i AS k, @columns@,
           row_number() OVER (PARTITION BY k.i ORDER BY l.ts_unix_nano, l.log_pk) AS n
    FROM unnest(:trace_ids::bytea[]) WITH ORDINALITY AS k(trace_id, i)
    JOIN otel_logs_fact AS l ON l.trace_id = k.trace_id
    WHERE @where@
) AS x
WHERE x.n <= :limit
ORDER BY x.k, x.n
