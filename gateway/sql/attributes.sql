-- name: owner_attributes
-- Attribute maps of many owners in one statement: every typed table joined once (pruned
-- to the owners' partition range [:lo, :hi]), aggregated per owner, merged over the
-- JSONB catch-all (promoted keys win, as in otel_<owner>_attributes_all).
WITH k AS (
    SELECT * FROM unnest(:pks::bigint[], :parts::bigint[]) WITH ORDINALITY AS k(pk, part, i)
), typed AS (
    SELECT k.i, a.key_id, to_jsonb(a.value) AS v FROM k JOIN @prefix@_string AS a
      ON a.@pk@ = k.pk AND a.@part@ = k.part AND a.@part@ BETWEEN :lo AND :hi
    UNION ALL SELECT k.i, a.key_id, to_jsonb(a.value) FROM k JOIN @prefix@_int AS a
      ON a.@pk@ = k.pk AND a.@part@ = k.part AND a.@part@ BETWEEN :lo AND :hi
    UNION ALL SELECT k.i, a.key_id, otel_double_to_json(a.value) FROM k JOIN @prefix@_double AS a
      ON a.@pk@ = k.pk AND a.@part@ = k.part AND a.@part@ BETWEEN :lo AND :hi
    UNION ALL SELECT k.i, a.key_id, to_jsonb(a.value) FROM k JOIN @prefix@_bool AS a
      ON a.@pk@ = k.pk AND a.@part@ = k.part AND a.@part@ BETWEEN :lo AND :hi
    UNION ALL SELECT k.i, a.key_id, to_jsonb(encode(a.value, 'base64')) FROM k
      JOIN @prefix@_bytes AS a ON a.@pk@ = k.pk AND a.@part@ = k.part AND a.@part@ BETWEEN :lo AND :hi
), agg AS (
    SELECT t.i, jsonb_object_agg(ak.key, t.v) AS attrs
    FROM typed AS t JOIN attribute_keys AS ak USING (key_id) GROUP BY t.i
)
SELECT k.i AS k,
       coalesce(otel_attributes_to_json(o.attributes), '{}'::jsonb)
       || coalesce(agg.attrs, '{}'::jsonb) AS attributes
FROM k
LEFT JOIN agg ON agg.i = k.i
LEFT JOIN @prefix@_other AS o
  ON o.@pk@ = k.pk AND o.@part@ = k.part AND o.@part@ BETWEEN :lo AND :hi
