-- trace_search_started: the 4 SQL statements of this GraphQL query, in text order
-- (tests/gateway/test_sql_snapshots.py; `make snapshot-sql` rewrites it).
--
--   {
--     traces(filter: {timeRange: {last: "1d"}, service: "shop", attributes: [
--         {key: "http.route", value: "/items"},
--         {key: "custom.count", op: GT, value: 5},
--         {key: "deployment.environment", scope: RESOURCE, value: "test"},
--         {key: "attempt", scope: EVENT, op: IN, values: [1, 2]},
--         {key: "http.request.method", op: NEQ, value: "POST"}]}) {
--       totalCount
--       nodes { traceId rootName spanCount }
--     }
--   }

-- statement 1 of 4
SELECT * FROM (SELECT count(*) AS n,
        CASE WHEN count(*) <= $8 THEN array_agg(d.pk) END AS pks,
        CASE WHEN count(*) <= $8 THEN array_agg(d.part) END AS parts
 FROM (SELECT a.span_pk, a.start_time_unix_nano FROM otel_span_attrs_string AS a
 WHERE true AND a.key_id = $1::bigint AND a.start_time_unix_nano BETWEEN $3 AND $4 AND a.value = ANY($2)
 UNION ALL SELECT a.span_pk, a.start_time_unix_nano FROM otel_span_attrs_other AS a WHERE true AND a.start_time_unix_nano BETWEEN $6 AND $7 AND a.attributes @> ANY($5::jsonb[]) LIMIT $8 + 1) AS d(pk, part)) AS c0,
(SELECT count(*) AS n,
        CASE WHEN count(*) <= $12 THEN array_agg(d.pk) END AS pks,
        CASE WHEN count(*) <= $12 THEN array_agg(d.part) END AS parts
 FROM (SELECT a.span_pk, a.start_time_unix_nano FROM otel_span_event_attrs_other AS a WHERE true AND a.start_time_unix_nano BETWEEN $10 AND $11 AND a.attributes @> ANY($9::jsonb[]) LIMIT $12 + 1) AS d(pk, part)) AS c1;

-- statement 2 of 4
SELECT count(*) FROM otel_trace_summary AS t WHERE (t.start_time_unix_nano >= $1)
AND (t.start_time_unix_nano <= $2)
AND (t.service_names @> ARRAY[$3::text])
AND (t.trace_id = ANY(ARRAY(
    SELECT DISTINCT s.trace_id
    FROM unnest($17::bigint[], $18::bigint[]) AS d(span_pk, start_time_unix_nano)
    JOIN otel_spans_fact AS s
      ON s.span_pk = d.span_pk AND s.start_time_unix_nano = d.start_time_unix_nano
    WHERE (EXISTS (SELECT a.span_pk, a.start_time_unix_nano FROM otel_span_attrs_other AS a WHERE (a.span_pk, a.start_time_unix_nano) = (d.span_pk, d.start_time_unix_nano) AND a.start_time_unix_nano BETWEEN $6 AND $7 AND true AND CASE WHEN a.attributes -> $4::text ? 'intValue'
         THEN (a.attributes -> $4::text ->> 'intValue')::numeric
         WHEN jsonb_typeof(a.attributes -> $4::text -> 'doubleValue') = 'number'
         THEN (a.attributes -> $4::text -> 'doubleValue')::numeric
         WHEN a.attributes -> $4::text ->> 'doubleValue' = '-0' THEN 0
    END > $5::numeric OFFSET 0))
    AND (EXISTS (SELECT a.resource_id FROM otel_resource_attrs_string AS a
    WHERE (a.resource_id) = (s.resource_id) AND a.key_id = $8::bigint AND true AND a.value = ANY($9)
    UNION ALL SELECT a.resource_id FROM otel_resource_attrs_other AS a WHERE (a.resource_id) = (s.resource_id) AND true AND a.attributes @> ANY($10::jsonb[]) OFFSET 0))
    AND (EXISTS (SELECT a.span_pk, a.start_time_unix_nano FROM otel_span_event_attrs_other AS a WHERE (a.span_pk, a.start_time_unix_nano) = (d.span_pk, d.start_time_unix_nano) AND a.start_time_unix_nano BETWEEN $12 AND $13 AND a.attributes @> ANY($11::jsonb[]) OFFSET 0))
    AND (NOT EXISTS (SELECT a.span_pk, a.start_time_unix_nano FROM otel_span_attrs_other AS a WHERE (a.span_pk, a.start_time_unix_nano) = (d.span_pk, d.start_time_unix_nano) AND a.start_time_unix_nano BETWEEN $15 AND $16 AND a.attributes @> ANY($14::jsonb[]) OFFSET 0)))));

-- statement 3 of 4
SELECT key, key_id FROM attribute_keys WHERE key = ANY($1::text[]);

-- statement 4 of 4
SELECT t.trace_id, t.start_time_unix_nano, t.end_time_unix_nano, t.span_count, t.error_count,
t.root_span_id, t.root_span_name, t.root_service_name, t.service_names FROM otel_trace_summary AS t
WHERE (t.start_time_unix_nano >= $1)
AND (t.start_time_unix_nano <= $2)
AND (t.service_names @> ARRAY[$3::text])
AND (t.trace_id = ANY(ARRAY(
    SELECT DISTINCT s.trace_id
    FROM unnest($17::bigint[], $18::bigint[]) AS d(span_pk, start_time_unix_nano)
    JOIN otel_spans_fact AS s
      ON s.span_pk = d.span_pk AND s.start_time_unix_nano = d.start_time_unix_nano
    WHERE (EXISTS (SELECT a.span_pk, a.start_time_unix_nano FROM otel_span_attrs_other AS a WHERE (a.span_pk, a.start_time_unix_nano) = (d.span_pk, d.start_time_unix_nano) AND a.start_time_unix_nano BETWEEN $6 AND $7 AND true AND CASE WHEN a.attributes -> $4::text ? 'intValue'
         THEN (a.attributes -> $4::text ->> 'intValue')::numeric
         WHEN jsonb_typeof(a.attributes -> $4::text -> 'doubleValue') = 'number'
         THEN (a.attributes -> $4::text -> 'doubleValue')::numeric
         WHEN a.attributes -> $4::text ->> 'doubleValue' = '-0' THEN 0
    END > $5::numeric OFFSET 0))
    AND (EXISTS (SELECT a.resource_id FROM otel_resource_attrs_string AS a
    WHERE (a.resource_id) = (s.resource_id) AND a.key_id = $8::bigint AND true AND a.value = ANY($9)
    UNION ALL SELECT a.resource_id FROM otel_resource_attrs_other AS a WHERE (a.resource_id) = (s.resource_id) AND true AND a.attributes @> ANY($10::jsonb[]) OFFSET 0))
    AND (EXISTS (SELECT a.span_pk, a.start_time_unix_nano FROM otel_span_event_attrs_other AS a WHERE (a.span_pk, a.start_time_unix_nano) = (d.span_pk, d.start_time_unix_nano) AND a.start_time_unix_nano BETWEEN $12 AND $13 AND a.attributes @> ANY($11::jsonb[]) OFFSET 0))
    AND (NOT EXISTS (SELECT a.span_pk, a.start_time_unix_nano FROM otel_span_attrs_other AS a WHERE (a.span_pk, a.start_time_unix_nano) = (d.span_pk, d.start_time_unix_nano) AND a.start_time_unix_nano BETWEEN $15 AND $16 AND a.attributes @> ANY($14::jsonb[]) OFFSET 0)))))
ORDER BY t.start_time_unix_nano DESC, t.trace_id DESC
LIMIT $19;
