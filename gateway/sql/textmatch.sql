-- Text conditions on a name column (gateway/textmatch.py): `@column@` is a column of the
-- gateway's choice. A prefix is a LIKE pattern with its wildcards escaped, which the
-- btree (text_pattern_ops) index on the trace summary's root name serves.

-- name: text_prefix
@column@ LIKE :v

-- name: text_contains
strpos(@column@, :v) > 0

-- name: text_regex
@column@ ~ :v
