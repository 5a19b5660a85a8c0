-- span_search_structural: the 3 SQL statements of this GraphQL query, in text order
-- (tests/gateway/test_sql_snapshots.py; `make snapshot-sql` rewrites it).
--
--   {
--     spans(filter: {kind: SERVER, eventName: "exception",
--                    hasDescendant: {semanticType: DB, minDurationMs: 500, attributes: [
--                        {key: "db.system.name", value: "postgresql"}]},
--                    hasParent: {service: "shop"}, hasChild: {kind: CLIENT},
--                    not: {hasAncestor: {name: "agent"}},
--                    anyOf: [{linkedTraceId: "0af7651916cd43dd8448eb211c80319c"}, {rootOnly: true}]}) {
--       nodes { name }
--     }
--   }

-- statement 1 of 3
SELECT * FROM (SELECT count(*) AS n,
        CASE WHEN count(*) <= $2 THEN array_agg(d.pk) END AS pks,
        CASE WHEN count(*) <= $2 THEN array_agg(d.part) END AS parts
 FROM (SELECT a.span_pk, a.start_time_unix_nano FROM otel_span_attrs_other AS a WHERE true AND true AND a.attributes @> ANY($1::jsonb[]) LIMIT $2 + 1) AS d(pk, part)) AS c0;

-- statement 2 of 3
SELECT key, key_id FROM attribute_keys WHERE key = ANY($1::text[]);

-- statement 3 of 3
SELECT s.span_pk, s.start_time_unix_nano, s.end_time_unix_nano, s.trace_id, s.span_id,
s.parent_span_id, s.trace_state, s.flags, s.name, s.kind_id, s.status_code_id,
s.status_message, s.resource_id, s.scope_id, s.dropped_attributes_count,
s.dropped_events_count, s.dropped_links_count,
(SELECT r.service_name FROM otel_resources_dim AS r WHERE r.resource_id = s.resource_id) AS service_name FROM otel_spans_fact AS s
WHERE (s.kind_id = $1)
AND (EXISTS (SELECT 1 FROM otel_span_events AS e
        WHERE e.span_pk = s.span_pk AND e.start_time_unix_nano = s.start_time_unix_nano
          AND e.name = $2))
AND (EXISTS (SELECT 1 FROM (SELECT s.trace_id, s.parent_span_id) AS o(trace_id, span_id)
        JOIN otel_spans_fact AS s ON s.trace_id = o.trace_id AND s.span_id = o.span_id
        WHERE (s.resource_id IN (SELECT resource_id FROM otel_resources_dim WHERE service_name = $3))))
AND (EXISTS (SELECT 1 FROM (SELECT s.trace_id, s.span_id) AS o(trace_id, span_id)
        JOIN otel_spans_fact AS s ON s.trace_id = o.trace_id AND s.parent_span_id = o.span_id
        WHERE (s.kind_id = $4)))
AND ((s.trace_id, s.span_id) IN (
    WITH RECURSIVE up(trace_id, span_id) AS (
        SELECT s.trace_id, s.parent_span_id FROM otel_spans_fact AS s
        WHERE s.parent_span_id IS NOT NULL AND ((s.span_pk, s.start_time_unix_nano) IN (SELECT * FROM unnest($5::bigint[], $6::bigint[])))
        AND (s.end_time_unix_nano - s.start_time_unix_nano >= $7)
        AND (EXISTS (SELECT a.span_pk, a.start_time_unix_nano FROM otel_span_attrs_string AS a
        WHERE a.key_id IN (SELECT k.key_id FROM attribute_keys AS k, unnest($8::text[]) AS p
                           WHERE starts_with(k.key, p))
          AND (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND true
        UNION ALL SELECT a.span_pk, a.start_time_unix_nano FROM otel_span_attrs_int AS a
        WHERE a.key_id IN (SELECT k.key_id FROM attribute_keys AS k, unnest($9::text[]) AS p
                           WHERE starts_with(k.key, p))
          AND (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND true
        UNION ALL SELECT a.span_pk, a.start_time_unix_nano FROM otel_span_attrs_double AS a
        WHERE a.key_id IN (SELECT k.key_id FROM attribute_keys AS k, unnest($10::text[]) AS p
                           WHERE starts_with(k.key, p))
          AND (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND true
        UNION ALL SELECT a.span_pk, a.start_time_unix_nano FROM otel_span_attrs_bool AS a
        WHERE a.key_id IN (SELECT k.key_id FROM attribute_keys AS k, unnest($11::text[]) AS p
                           WHERE starts_with(k.key, p))
          AND (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND true
        UNION ALL SELECT a.span_pk, a.start_time_unix_nano FROM otel_span_attrs_bytes AS a
        WHERE a.key_id IN (SELECT k.key_id FROM attribute_keys AS k, unnest($12::text[]) AS p
                           WHERE starts_with(k.key, p))
          AND (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND true
        UNION ALL SELECT a.span_pk, a.start_time_unix_nano FROM otel_span_attrs_other AS a
        WHERE EXISTS (SELECT 1 FROM jsonb_object_keys(a.attributes) AS j, unnest($13::text[]) AS p
                      WHERE starts_with(j, p))
          AND (a.span_pk, a.start_time_unix_nano) = (s.span_pk, s.start_time_unix_nano) AND true OFFSET 0))
        UNION
        SELECT p.trace_id, p.parent_span_id FROM up
        JOIN otel_spans_fact AS p ON p.trace_id = up.trace_id AND p.span_id = up.span_id
        WHERE p.parent_span_id IS NOT NULL)
    SELECT trace_id, span_id FROM up))
AND (NOT coalesce(((EXISTS (WITH RECURSIVE up(trace_id, span_id) AS (
            SELECT s.trace_id, s.parent_span_id WHERE s.parent_span_id IS NOT NULL
            UNION
            SELECT p.trace_id, p.parent_span_id FROM up
            JOIN otel_spans_fact AS p ON p.trace_id = up.trace_id AND p.span_id = up.span_id
            WHERE p.parent_span_id IS NOT NULL)
        SELECT 1 FROM up
        JOIN otel_spans_fact AS s ON s.trace_id = up.trace_id AND s.span_id = up.span_id
        WHERE (s.name = $14)))), false))
AND ((((EXISTS (SELECT 1 FROM otel_span_links AS l
        WHERE l.span_pk = s.span_pk AND l.start_time_unix_nano = s.start_time_unix_nano
          AND l.linked_trace_id = $15)))
OR ((s.parent_span_id IS NULL))))
ORDER BY s.start_time_unix_nano DESC, s.span_pk DESC
LIMIT $16;
