-- Aggregations over spans and logs (gateway/stats). `:x` binds a value; `@x@` is SQL the
-- gateway chooses: a fragment of this file, a filter condition (gateway.filters), or a
-- table/column name from its fixed lists. The whole statement a query runs is
-- `stats` with its slots filled (tests/gateway/stats/test_statements.py checks examples).
--
-- The fragments after `stats` are expressions, so they carry no comments of their own:
-- typed_value / other_value probe one attribute of the row in one typed table / the JSONB
-- catch-all by primary key; semantic_type ranks the span's keys (typed_keys, other_keys)
-- by the prefixes of gateway.semantic; measure_top_k counts a group's values (its array of
-- them) and keeps the k most frequent; json_plain makes a stored AnyValue plain JSON (scalars without
-- a function call); log_error holds for ERROR and FATAL records (severity 17-24);
-- measure_quantile is exact: percentile_cont interpolates linearly between the two
-- nearest values.

-- name: stats
-- One row per (group, time bucket) and one per group over the whole range (bucket NULL,
-- `total`), groups ranked by their number of items. The groups past the first N (a bind
-- parameter) are aggregated together into one row with `other` (gk NULL); `group_count`
-- is how many groups there were in all.
WITH x AS (
    SELECT @keys@ AS xk, @bucket@ AS bucket@inputs@
    FROM @table@ AS @alias@
    WHERE @where@
), ranked AS (
    SELECT xk, row_number() OVER (ORDER BY count(*) DESC, xk) AS rank
    FROM x GROUP BY xk
), y AS (
    SELECT CASE WHEN r.rank <= :groups THEN x.xk END AS gk, r.rank > :groups AS other,
           least(r.rank, :groups + 1) AS rank, x.*
    FROM x JOIN ranked AS r ON r.xk = x.xk
)
SELECT y.gk, y.other, min(y.rank) AS rank, y.bucket, GROUPING(y.bucket) = 1 AS total,
       (SELECT count(*) FROM ranked) AS group_count@measures@
FROM y
GROUP BY @grouping@
ORDER BY min(y.rank), y.bucket NULLS FIRST

-- name: grouping_total
GROUPING SETS ((y.gk, y.other, y.bucket))

-- name: grouping_series
GROUPING SETS ((y.gk, y.other), (y.gk, y.other, y.bucket))

-- name: no_bucket
NULL::bigint

-- name: bucket
@time@ / :step::bigint * :step::bigint

-- name: no_keys
'[]'::jsonb

-- name: keys
jsonb_build_array(@keys@)

-- name: span_service
(SELECT to_jsonb(r.service_name) FROM otel_resources_dim AS r WHERE r.resource_id = s.resource_id)

-- name: span_name
to_jsonb(s.name)

-- name: span_kind
(SELECT to_jsonb(k.name) FROM span_kinds AS k WHERE k.kind_id = s.kind_id)

-- name: span_status
(SELECT to_jsonb(c.name) FROM status_codes AS c WHERE c.status_code_id = s.status_code_id)

-- name: span_duration
(s.end_time_unix_nano - s.start_time_unix_nano) / 1e6::float8

-- name: span_error
s.status_code_id = 2

-- name: log_service
(SELECT to_jsonb(r.service_name) FROM otel_resources_dim AS r WHERE r.resource_id = l.resource_id)

-- name: log_severity
(SELECT to_jsonb(v.name) FROM log_severity_numbers AS v WHERE v.severity_number = l.severity_number)

-- name: log_severity_text
to_jsonb(l.severity_text)

-- name: log_error
l.severity_number >= 17

-- name: semantic_type
(SELECT to_jsonb((:types::text[])[min(p.priority) + 1])
 FROM (@keys@) AS k(key)
 JOIN unnest(:prefixes::text[], :priorities::int[]) AS p(prefix, priority)
   ON starts_with(k.key, p.prefix))

-- name: typed_keys
SELECT ak.key FROM @table@ AS a JOIN attribute_keys AS ak ON ak.key_id = a.key_id
WHERE (@inner@) = (@outer@)

-- name: other_keys
SELECT jsonb_object_keys(a.attributes) FROM @table@ AS a WHERE (@inner@) = (@outer@)

-- name: typed_value
(SELECT @value@ FROM @table@ AS a WHERE (@inner@) = (@outer@) AND a.key_id = :key_id)

-- name: other_value
(SELECT @value@ FROM @table@ AS a WHERE (@inner@) = (@outer@) AND a.attributes ? :key::text)

-- name: json_plain
CASE WHEN a.attributes -> :key::text ? 'stringValue' THEN a.attributes -> :key::text -> 'stringValue'
     WHEN a.attributes -> :key::text ? 'intValue'
     THEN to_jsonb((a.attributes -> :key::text ->> 'intValue')::numeric)
     WHEN a.attributes -> :key::text ? 'doubleValue' THEN a.attributes -> :key::text -> 'doubleValue'
     WHEN a.attributes -> :key::text ? 'boolValue' THEN a.attributes -> :key::text -> 'boolValue'
     ELSE otel_anyvalue_to_json(a.attributes -> :key::text) END

-- name: measure_count
count(*)::float8

-- name: measure_rate
count(*)::float8 / @seconds@

-- name: seconds_series
CASE WHEN GROUPING(y.bucket) = 1 THEN :range::float8 ELSE :step::float8 END

-- name: seconds_range
:range::float8

-- name: measure_error_count
(count(*) FILTER (WHERE y.err))::float8

-- name: measure_error_rate
(count(*) FILTER (WHERE y.err))::float8 / count(*)

-- name: measure_avg
avg(y.@input@)

-- name: measure_min
min(y.@input@)

-- name: measure_max
max(y.@input@)

-- name: measure_sum
sum(y.@input@)

-- name: measure_quantile
percentile_cont(:q::float8) WITHIN GROUP (ORDER BY y.@input@)

-- name: measure_top_k
(SELECT jsonb_agg(jsonb_build_array(t.v, t.n) ORDER BY t.n DESC, t.v)
 FROM (SELECT u.v, count(*) AS n FROM unnest(array_agg(y.@input@)) AS u(v)
       WHERE u.v IS NOT NULL GROUP BY u.v ORDER BY count(*) DESC, u.v LIMIT :k) AS t)

-- name: measure_count_distinct
(count(DISTINCT y.@input@))::float8
