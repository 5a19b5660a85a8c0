-- services: the 2 SQL statements of this GraphQL query, in text order
-- (tests/gateway/test_sql_snapshots.py; `make snapshot-sql` rewrites it).
--
--   {
--     all: services { name namespace }
--     recent: services(timeRange: {last: "1d"}) { name }
--   }

-- statement 1 of 2
SELECT DISTINCT r.service_name, r.service_namespace
FROM otel_resources_dim AS r
WHERE r.service_name IS NOT NULL
  AND (EXISTS (SELECT 1 FROM otel_trace_summary AS t
               WHERE t.service_names @> ARRAY[r.service_name]
                 AND t.start_time_unix_nano <= $2 AND t.end_time_unix_nano >= $1)
       OR EXISTS (SELECT 1 FROM otel_logs_fact AS l
                  WHERE l.resource_id = r.resource_id AND l.ts_unix_nano BETWEEN $1 AND $2))
ORDER BY 1, 2;

-- statement 2 of 2
SELECT DISTINCT r.service_name, r.service_namespace
FROM otel_resources_dim AS r
WHERE r.service_name IS NOT NULL
ORDER BY 1, 2;
