-- Indexed text and range search (revision 0005). Statements run with search_path set to
-- the target schema. Core SQL only (no pg_trgm): the trigrams and number buckets are
-- arrays from IMMUTABLE functions, served by GIN array indexes; every query that uses
-- them also tests the exact predicate, so the index only narrows the rows.

-- name: functions
-- otel_trigrams(text) -> its 3-character substrings (none under 3 characters; repeats
-- are kept, a GIN index stores each once).
CREATE FUNCTION otel_trigrams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
    SELECT ARRAY(SELECT substr(t, i, 3) FROM generate_series(1, length(t) - 2) AS i)
$fn$;

-- otel_log_body_text(body) -> a log body as searched: a string body's text, the JSON text
-- of any other body (maps, arrays, numbers, booleans).
CREATE FUNCTION otel_log_body_text(body jsonb) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path FROM CURRENT AS $fn$
    SELECT CASE WHEN body ? 'stringValue' THEN body ->> 'stringValue'
                ELSE otel_anyvalue_to_json(body) #>> '{}' END
$fn$;

-- otel_log_body_trigrams(body) -> the trigrams of its text (otel_log_body_text and
-- otel_trigrams, written out: an index computes it for every record); a body over 4096 characters
-- gets the single token '' instead (no trigram is empty), which every indexed body search
-- also reads: long bodies are always rechecked, never indexed by all their trigrams.
CREATE FUNCTION otel_log_body_trigrams(body jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path FROM CURRENT AS $fn$
    SELECT CASE WHEN length(b.t) > 4096 THEN ARRAY['']::text[]
                ELSE ARRAY(SELECT substr(b.t, i, 3) FROM generate_series(1, length(b.t) - 2) AS i)
           END
    FROM (SELECT CASE WHEN body ? 'stringValue' THEN body ->> 'stringValue'
                      ELSE otel_anyvalue_to_json(body) #>> '{}' END AS t) AS b
$fn$;

-- otel_number_tokens(attributes) -> the bucket tokens of every number (intValue, or a
-- numeric doubleValue) of a JSONB catch-all of tagged AnyValues, each
-- `key || chr(31) || bucket`: zero is '0'; otherwise the sign and the decimal exponent e of
-- |n| (clamped to -21..21: below 1e-20 and from 1e21 on are one bucket each), and for
-- -20 <= e <= 20 that decade narrowed by the first one, two and three significant digits
-- ('+2', '+2:1', '+2:12', '+2:123' for 123.4). Computed in double precision (fast; near a
-- bucket's edge a number may land in the neighbouring bucket). A range of numbers is the
-- few tokens that cover it (gateway/numbuckets.py), widened by one bucket at each end.
CREATE FUNCTION otel_number_tokens(attributes jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
    SELECT coalesce(array_agg(t), '{}'::text[])
    FROM jsonb_each(attributes) AS a(key, value),
         LATERAL (SELECT CASE WHEN a.value ? 'intValue' THEN (a.value ->> 'intValue')::float8
                              WHEN jsonb_typeof(a.value -> 'doubleValue') = 'number'
                              THEN (a.value -> 'doubleValue')::float8 END AS n) AS v,
         LATERAL (SELECT a.key || chr(31) || CASE WHEN v.n > 0 THEN '+' ELSE '-' END AS p,
                         least(21, greatest(-21, floor(log(nullif(abs(v.n), 0)))))::int AS e)
             AS c,
         LATERAL (SELECT least(999, greatest(100, trunc(abs(v.n) * 10 ^ (2 - c.e))))::int::text
                  AS d) AS d,
         unnest(CASE WHEN v.n IS NULL THEN '{}'::text[]
                     WHEN v.n = 0 THEN ARRAY[a.key || chr(31) || '0']
                     WHEN c.e NOT BETWEEN -20 AND 20 THEN ARRAY[c.p || c.e]
                     ELSE ARRAY[c.p || c.e, c.p || c.e || ':' || left(d.d, 1),
                                c.p || c.e || ':' || left(d.d, 2), c.p || c.e || ':' || d.d]
                END) AS t
$fn$;

-- name: indexes
CREATE INDEX otel_logs_fact_body_trigrams_idx
    ON otel_logs_fact USING gin (otel_log_body_trigrams(body));
CREATE INDEX otel_span_attrs_other_numbers_idx
    ON otel_span_attrs_other USING gin (otel_number_tokens(attributes));
CREATE INDEX otel_span_event_attrs_other_numbers_idx
    ON otel_span_event_attrs_other USING gin (otel_number_tokens(attributes));
CREATE INDEX otel_log_attrs_other_numbers_idx
    ON otel_log_attrs_other USING gin (otel_number_tokens(attributes));

-- name: drop
DROP INDEX otel_logs_fact_body_trigrams_idx;
DROP INDEX otel_span_attrs_other_numbers_idx;
DROP INDEX otel_span_event_attrs_other_numbers_idx;
DROP INDEX otel_log_attrs_other_numbers_idx;
DROP FUNCTION otel_number_tokens(jsonb);
DROP FUNCTION otel_log_body_trigrams(jsonb);
DROP FUNCTION otel_log_body_text(jsonb);
DROP FUNCTION otel_trigrams(text);
