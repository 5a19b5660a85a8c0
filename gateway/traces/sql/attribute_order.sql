-- Spans in order of a numeric attribute (gateway/traces/attribute_order.py), keyset-paginated
-- by (value, span_pk); the spans without a number under the key come last, in time order.
--
-- A key's numbers can be in the spans' int and double tables (where it is promoted) and in
-- the JSONB catch-all (where it is not, or was not when the span arrived), so a page is the
-- merge of one branch per place, each already in order and cut at the page size. A typed
-- branch walks the (key_id, value) index of its table from the cursor on and probes each
-- span for the filter: its cost follows the page, not the store (but spans of one value
-- are ordered by id after reading them all: a value that many spans share, like an HTTP
-- status code, costs a probe of each of them). The JSONB branch runs for promoted keys
-- too (spans stored before the key was promoted have it there): the catch-all has no index
-- on key presence, so it reads the catch-all rows of the filter's time range and sorts the
-- spans that have the key; its cost follows the range (README, bench/gateway.py). The
-- spans without the key are read by a second statement, only when the keyed ones do not
-- fill the page.

-- name: spans_by_attribute
SELECT * FROM (@branches@) AS o
ORDER BY o.attribute_value @dir@, o.span_pk @dir@
LIMIT :limit

-- name: typed_branch
-- The span is probed per attribute row (LATERAL ... OFFSET 0: PostgreSQL estimates the join
-- on the two key columns at one row and would otherwise sort all the key's rows).
(SELECT s.*, a.value::float8 AS attribute_value
 FROM @table@ AS a
 CROSS JOIN LATERAL (SELECT @columns@ FROM otel_spans_fact AS s
                     WHERE (@outer@) = (@inner@) AND @where@ OFFSET 0) AS s
 WHERE a.key_id = :key_id AND @bounds@
 ORDER BY a.value @dir@, a.span_pk @dir@
 LIMIT :limit)

-- name: other_branch
(SELECT @columns@, @value@ AS attribute_value
 FROM @table@ AS a
 JOIN otel_spans_fact AS s ON (@outer@) = (@inner@)
 WHERE a.attributes ? :key::text AND @value@ IS NOT NULL AND @where@
 ORDER BY attribute_value @dir@, a.span_pk @dir@
 LIMIT :limit)

-- name: spans_without_attribute
SELECT @columns@, NULL::float8 AS attribute_value
FROM otel_spans_fact AS s
WHERE @value@ IS NULL AND @where@
ORDER BY s.start_time_unix_nano @dir@, s.span_pk @dir@
LIMIT :limit

-- name: attribute_order_filter
-- The bounds of a branch: its time range (partition pruning of the attribute table), and
-- the rows after the cursor (typed_after_*: a bound of the index on the stored value, then
-- the exact order; an int table is bounded by the cursor rounded toward the page).
a.start_time_unix_nano BETWEEN :lo AND :hi                                  -- when bounded
a.value <= :bound                                                           -- when typed_after_desc
a.value >= :bound                                                           -- when typed_after_asc
(@value@, a.span_pk) < (:after_value, :after_id)                            -- when after_desc
(@value@, a.span_pk) > (:after_value, :after_id)                            -- when after_asc
