-- Fragments composed by gateway/filters.py. `:x` binds a value, `@x@` is SQL chosen by the
-- gateway (another fragment, or a table/column name from its fixed list).

-- name: owner_in
(@outer@) IN (@sets@)

-- name: owner_not_in
(@outer@) NOT IN (@sets@)

-- name: attr_typed_set
SELECT @inner@ FROM @table@ AS a
WHERE a.key_id = (SELECT key_id FROM attribute_keys WHERE key = :key::text) AND @bounds@ AND @pred@

-- name: attr_other_set
SELECT @inner@ FROM @table@ AS a WHERE a.attributes ? :key::text AND @bounds@ AND @pred@

-- name: attr_bounds
a.@partition@ BETWEEN :lo AND :hi

-- name: pred_true
true

-- name: pred_eq
a.value = :v

-- name: pred_in
a.value = ANY(:v)

-- name: pred_contains
strpos(a.value, :v) > 0

-- name: pred_regex
a.value ~ :v

-- name: pred_compare
a.value @op@ :v

-- name: pred_compare_numeric
a.value::numeric @op@ :v::numeric

-- name: json_value
otel_anyvalue_to_json(a.attributes -> :key::text)

-- name: json_eq
@x@ = :v::jsonb

-- name: json_in
@x@ = ANY(:v::jsonb[])

-- name: json_in_indexed
-- the containment test uses the GIN (jsonb_path_ops) index; the exact test rechecks
a.attributes @> ANY(:c::jsonb[]) AND @x@ = ANY(:v::jsonb[])

-- name: json_compare_number
jsonb_typeof(@x@) = 'number' AND (@x@)::numeric @op@ :v::numeric

-- name: json_compare_string
jsonb_typeof(@x@) = 'string' AND (@x@ #>> '{}') @op@ :v::text

-- name: json_contains
CASE jsonb_typeof(@x@)
    WHEN 'array' THEN @x@ @> jsonb_build_array(:v::jsonb)
    WHEN 'string' THEN strpos(@x@ #>> '{}', :s::text) > 0
    ELSE false
END

-- name: json_regex
jsonb_typeof(@x@) = 'string' AND (@x@ #>> '{}') ~ :v::text

-- name: semantic_typed_set
SELECT @inner@ FROM @table@ AS a
WHERE a.key_id IN (SELECT k.key_id FROM attribute_keys AS k, unnest(:prefixes::text[]) AS p
                   WHERE starts_with(k.key, p))
  AND @bounds@

-- name: semantic_other_set
SELECT @inner@ FROM @table@ AS a
WHERE EXISTS (SELECT 1 FROM jsonb_object_keys(a.attributes) AS j, unnest(:prefixes::text[]) AS p
              WHERE starts_with(j, p))
  AND @bounds@

-- name: resource_of_service
@column@ IN (SELECT resource_id FROM otel_resources_dim WHERE service_name = :v)
