-- name: owned_attributes
-- The rows of a source (a SELECT with a unique row number `r` and the owner columns)
-- with their attribute maps, in one statement: every typed table joined once on the
-- owner's key columns (typed: owned_typed per value type; the match bounds the
-- partition key to whole days, which only chooses the partitions read), aggregated per
-- row, and the JSONB catch-all as stored (tagged AnyValues). The gateway merges the two,
-- promoted keys winning, as otel_<owner>_attributes_all does (gateway.attributes.merge).
-- typed_tags holds the tagged form of the promoted values whose plain JSON does not say
-- their type (doubles, bytes): the typed form of the map needs it.
WITH src AS MATERIALIZED (
    @source@
), typed AS (
    @typed@
), agg AS (
    SELECT t.r, jsonb_object_agg(ak.key, t.v) AS attrs,
           jsonb_object_agg(ak.key, t.tag) FILTER (WHERE t.tag IS NOT NULL) AS tags
    FROM typed AS t JOIN attribute_keys AS ak USING (key_id) GROUP BY t.r
)
SELECT src.*, agg.attrs AS typed_attributes, agg.tags AS typed_tags,
       a.attributes AS other_attributes
FROM src
LEFT JOIN agg ON agg.r = src.r
LEFT JOIN @other@ AS a ON @match@
ORDER BY @order@

-- name: owned_typed
-- The promoted attributes of the source's rows in one typed table, as JSON.
SELECT src.r, a.key_id, @json@ AS v, @tag@ AS tag
FROM src JOIN @table@ AS a ON @match@

-- name: owner_keys
-- The source of an owner's attributes by its keys (key column, partition column).
SELECT k.i AS k, k.i AS r, k.pk AS @pk@, k.part AS @part@
FROM unnest(:pks::bigint[], :parts::bigint[]) WITH ORDINALITY AS k(pk, part, i)

-- name: value_json
-- A typed table's value a.value as JSON, by value type (any other: to_jsonb): doubles
-- with NaN and the infinities as OTLP/JSON's strings, bytes as base64 text (encode()
-- breaks its lines every 76 characters: gateway.attributes.merge joins them, from the tag).
otel_double_to_json(a.value)                                  -- when double
to_jsonb(encode(a.value, 'base64'))                           -- when bytes
to_jsonb(a.value)                                             -- when any

-- name: value_tag
-- A typed table's value a.value as a tagged AnyValue when its plain JSON loses its type
-- (any other: NULL): a double's text keeps -0, NaN and the infinities exactly.
jsonb_build_object('doubleValue', a.value::text)                          -- when double
jsonb_build_object('bytesValue', encode(a.value, 'base64'))               -- when bytes
NULL::jsonb                                                               -- when any
