-- One-statement attribute functions (revision 0008): otel_<owner>_attributes_all(), which
-- the v_otel_* views call per row, read the owner's JSONB catch-all and its five typed
-- tables in one statement, planned once per calling query and run as index probes per
-- call. Before, the function called otel_attributes_to_json() and otel_<owner>_attributes()
-- from inside itself, and such nested SQL functions are planned again on every call
-- (0.3-0.5 ms a row). The views keep their definitions, columns and values. A function
-- call keeps their plans cheap for the planner: correlated subqueries in the views, over
-- every daily partition of six tables per owner, would cost enough to reach the JIT
-- threshold of a default session (seconds of compilation for a 500-span trace).
-- Statements run with search_path set to the target schema; the templates' {placeholders}
-- are filled by versions/0008_views.py from its owner list.

-- name: attributes_all
-- {function}(owner key) -> the owner's attributes as one plain JSON object: the catch-all
-- with the promoted keys merged over it (a promoted key wins over a catch-all key of the
-- same name), the values revision 0001's function returned. A catch-all value of a scalar
-- kind (an object of that one key) converts inline; arrays, key-value lists and anything
-- unusual through otel_anyvalue_to_json().
CREATE OR REPLACE FUNCTION {function}({owner_params}) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE SET search_path FROM CURRENT AS $fn$
    SELECT coalesce((SELECT jsonb_object_agg(a.key, CASE
                         WHEN jsonb_typeof(a.value) <> 'object' THEN a.value
                         WHEN a.value ? 'stringValue' AND a.value - 'stringValue' = '{{}}'
                             THEN a.value -> 'stringValue'
                         WHEN a.value ? 'intValue' AND a.value - 'intValue' = '{{}}'
                             THEN to_jsonb((a.value ->> 'intValue')::numeric)
                         WHEN a.value ? 'doubleValue' AND a.value - 'doubleValue' = '{{}}'
                             THEN a.value -> 'doubleValue'
                         WHEN a.value ? 'boolValue' AND a.value - 'boolValue' = '{{}}'
                             THEN a.value -> 'boolValue'
                         WHEN a.value ? 'bytesValue' AND a.value - 'bytesValue' = '{{}}'
                             THEN a.value -> 'bytesValue'
                         ELSE otel_anyvalue_to_json(a.value) END)
                     FROM {prefix}_other, jsonb_each(attributes) AS a
                     WHERE {owner_match}), '{{}}'::jsonb)
        || (SELECT coalesce(jsonb_object_agg(k.key, t.value), '{{}}'::jsonb)
            FROM (SELECT key_id, to_jsonb(value) AS value FROM {prefix}_string
                  WHERE {owner_match}
                  UNION ALL SELECT key_id, to_jsonb(value) FROM {prefix}_int WHERE {owner_match}
                  UNION ALL SELECT key_id, otel_double_to_json(value) FROM {prefix}_double
                            WHERE {owner_match}
                  UNION ALL SELECT key_id, to_jsonb(value) FROM {prefix}_bool
                            WHERE {owner_match}
                  UNION ALL SELECT key_id, to_jsonb(encode(value, 'base64')) FROM {prefix}_bytes
                            WHERE {owner_match}) AS t
            JOIN attribute_keys AS k USING (key_id))
$fn$;

-- name: previous_attributes_all
-- The downgrade: revision 0001's definition.
CREATE OR REPLACE FUNCTION {function}({owner_params}) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE SET search_path FROM CURRENT AS $fn$
    SELECT coalesce(otel_attributes_to_json(
               (SELECT attributes FROM {prefix}_other WHERE {owner_match})), '{{}}'::jsonb)
           || {function_typed}({owner_args})
$fn$;
