-- name: owned_attributes
-- The rows of a source (a SELECT with a unique row number `r` and the owner columns)
-- with their attribute maps, in one statement: every typed table joined once on the
-- owner's key columns (the match bounds the partition key to whole days, which only
-- chooses the partitions read), aggregated per row, and the
-- JSONB catch-all as stored (tagged AnyValues). The gateway merges the two, promoted
-- keys winning, as otel_<owner>_attributes_all does (gateway.attributes.merge).
WITH src AS MATERIALIZED (
    @source@
), typed AS (
    SELECT src.r, a.key_id, to_jsonb(a.value) AS v FROM src JOIN @prefix@_string AS a ON @match@
    UNION ALL SELECT src.r, a.key_id, to_jsonb(a.value) FROM src JOIN @prefix@_int AS a ON @match@
    UNION ALL SELECT src.r, a.key_id, otel_double_to_json(a.value) FROM src
      JOIN @prefix@_double AS a ON @match@
    UNION ALL SELECT src.r, a.key_id, to_jsonb(a.value) FROM src JOIN @prefix@_bool AS a ON @match@
    UNION ALL SELECT src.r, a.key_id, to_jsonb(encode(a.value, 'base64')) FROM src
      JOIN @prefix@_bytes AS a ON @match@
), agg AS (
    SELECT t.r, jsonb_object_agg(ak.key, t.v) AS attrs
    FROM typed AS t JOIN attribute_keys AS ak USING (key_id) GROUP BY t.r
)
SELECT src.*, agg.attrs AS typed_attributes, a.attributes AS other_attributes
FROM src
LEFT JOIN agg ON agg.r = src.r
LEFT JOIN @prefix@_other AS a ON @match@
ORDER BY @order@

-- name: owner_keys
SELECT k.i AS k, k.i AS r, k.pk AS @pk@, k.part AS @part@
FROM unnest(:pks::bigint[], :parts::bigint[]) WITH ORDINALITY AS k(pk, part, i)
