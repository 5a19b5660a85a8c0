-- Fragments composed by gateway/filters.py and gateway/attrsets.py. `:x` binds a value, `@x@` is SQL chosen by the
-- gateway (another fragment, or a table/column name from its fixed list).

-- name: owner_in
(@outer@) IN (@sets@)

-- name: owner_exists
-- a probe per row: OFFSET 0 keeps the planner from turning it into a join over all the
-- sets' rows (its estimates of attribute matches are too rough to choose that)
EXISTS (@sets@ OFFSET 0)

-- name: owner_not_exists
NOT EXISTS (@sets@ OFFSET 0)

-- name: owner_match
(@inner@) = (@outer@)

-- name: key_ids
SELECT key, key_id FROM attribute_keys WHERE key = ANY(:keys::text[])

-- name: key_id
-- The key id of a typed set: resolved first (gateway.filters.key_ids), or looked up.
:key_id::bigint                                               -- when key_id
(SELECT key_id FROM attribute_keys WHERE key = :key::text)    -- when key

-- name: attr_typed_set
SELECT @inner@ FROM @table@ AS a
WHERE @match@ AND a.key_id = @key_id@ AND @bounds@ AND @pred@

-- name: attr_other_set
SELECT @inner@ FROM @table@ AS a WHERE @match@ AND @bounds@ AND @pred@

-- name: no_owners
-- The sets of a filter whose key no table holds.
SELECT NULL WHERE false

-- name: json_has_key
a.attributes ? :key::text AND @pred@

-- name: start_candidates
SELECT * FROM @candidates@

-- name: start_rows
-- how many owner rows (up to the limit + 1), and their two key columns when at most the
-- limit (gateway.starting)
(SELECT count(*) AS n,
        CASE WHEN count(*) <= :limit THEN array_agg(d.pk) END AS pks,
        CASE WHEN count(*) <= :limit THEN array_agg(d.part) END AS parts
 FROM (@rows@ LIMIT :limit + 1) AS d(pk, part))

-- name: attr_bounds
a.@partition@ BETWEEN :lo AND :hi

-- name: typed_predicate
-- The predicate on the value a.value of a typed set, one per kind of attribute filter.
true                                                          -- when exists
a.value = ANY(:v)                                             -- when in
strpos(a.value, :v) > 0                                       -- when contains
a.value ~ :v                                                  -- when regex
a.value @op@ :v                                               -- when compare
a.value::numeric @op@ :v::numeric                             -- when compare_numeric

-- name: json_value
-- the plain JSON of the stored AnyValue (arrays and maps too; a PL/pgSQL call per row)
otel_anyvalue_to_json(a.attributes -> :key::text)

-- name: json_number
-- the number a stored AnyValue holds (intValue, or a finite doubleValue: -0.0 is stored as
-- the string "-0"), else NULL
CASE WHEN a.attributes -> :key::text ? 'intValue'
     THEN (a.attributes -> :key::text ->> 'intValue')::numeric
     WHEN jsonb_typeof(a.attributes -> :key::text -> 'doubleValue') = 'number'
     THEN (a.attributes -> :key::text -> 'doubleValue')::numeric
     WHEN a.attributes -> :key::text ->> 'doubleValue' = '-0' THEN 0
END

-- name: json_string
-- the string a stored AnyValue holds as plain JSON (stringValue, bytesValue in base64, or a
-- doubleValue NaN/Infinity), else NULL
coalesce(a.attributes -> :key::text ->> 'stringValue', a.attributes -> :key::text ->> 'bytesValue',
         CASE WHEN jsonb_typeof(a.attributes -> :key::text -> 'doubleValue') = 'string'
               AND a.attributes -> :key::text ->> 'doubleValue' <> '-0'
              THEN a.attributes -> :key::text ->> 'doubleValue' END)

-- name: json_predicate
-- The predicate on the stored AnyValue of a key in the JSONB catch-all a.attributes, one
-- per kind of attribute filter; `x`, `num`, `str` are its plain JSON, number and string
-- (json_value, json_number, json_string). `contained` tests {key: stored form} for each
-- stored form of the values: it uses the GIN (jsonb_path_ops) index, and is exact (a
-- stored AnyValue is an object with one member). `number_range` is narrowed first by the
-- number buckets of the range (json_numbers_narrow) where it selects rows, not in probes.
true                                                          -- when exists
@x@ = ANY(:v::jsonb[])                                        -- when in
a.attributes @> ANY(:c::jsonb[])                              -- when contained
@narrow@ AND @num@ @op@ :v::numeric                           -- when number_range
@str@ @op@ :v::text                                           -- when compare_string
CASE WHEN a.attributes -> :key::text ? 'arrayValue'
     THEN @x@ @> jsonb_build_array(:v::jsonb)
     ELSE strpos(@str@, :s::text) > 0
END                                                           -- when contains
@str@ ~ :v::text                                              -- when regex

-- name: json_numbers_narrow
-- the catch-alls with a number of the range's buckets (gateway/numbuckets.py; a GIN index)
otel_number_tokens(a.attributes) && :t::text[]

-- name: semantic_typed_set
SELECT @inner@ FROM @table@ AS a
WHERE a.key_id IN (SELECT k.key_id FROM attribute_keys AS k, unnest(:prefixes::text[]) AS p
                   WHERE starts_with(k.key, p))
  AND @match@ AND @bounds@

-- name: semantic_other_set
SELECT @inner@ FROM @table@ AS a
WHERE EXISTS (SELECT 1 FROM jsonb_object_keys(a.attributes) AS j, unnest(:prefixes::text[]) AS p
              WHERE starts_with(j, p))
  AND @match@ AND @bounds@

-- name: none_of
-- Boolean composition of filters (gateway/traces/structure.py): a condition that is
-- NULL counts as not holding
NOT coalesce((@condition@), false)

-- name: any_of
(@conditions@)

-- name: always
true

-- name: never
false
