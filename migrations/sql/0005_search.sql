-- Indexed text and range search (revision 0005). Statements run with search_path set to
-- the target schema. Core SQL only (no pg_trgm): the trigrams and number buckets are
-- arrays from IMMUTABLE functions, served by GIN array indexes; every query that uses
-- them also tests the exact predicate, so the index only narrows the rows.

-- name: functions
-- otel_trigrams(text) -> its distinct 3-character substrings (none under 3 characters).
CREATE FUNCTION otel_trigrams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
    SELECT coalesce(array_agg(DISTINCT substr(t, i, 3)), '{}'::text[])
    FROM generate_series(1, length(t) - 2) AS i
$fn$;

-- otel_log_body_text(body) -> a log body as searched: a string body's text, the JSON text
-- of any other body (maps, arrays, numbers, booleans).
CREATE FUNCTION otel_log_body_text(body jsonb) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path FROM CURRENT AS $fn$
    SELECT otel_anyvalue_to_json(body) #>> '{}'
$fn$;

-- otel_log_body_trigrams(body) -> the trigrams of its text; a body over 4096 characters
-- gets the single token '' instead (no trigram is empty), which every indexed body search
-- also reads: long bodies are always rechecked, never indexed by all their trigrams.
CREATE FUNCTION otel_log_body_trigrams(body jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path FROM CURRENT AS $fn$
    SELECT CASE WHEN length(t) > 4096 THEN ARRAY['']::text[] ELSE otel_trigrams(t) END
    FROM otel_log_body_text(body) AS t
$fn$;

-- otel_number_tokens_of(key, n) -> the bucket tokens of a number n under a key, each
-- `key || chr(31) || bucket`: zero is '0'; otherwise the sign and the decimal exponent e of
-- |n| (clamped to -21..21: below 1e-20 and from 1e21 on are one bucket each), and for
-- -20 <= e <= 20 that decade narrowed by the first one, two and three significant digits
-- ('+2', '+2:1', '+2:12', '+2:123' for 123.4). A range of numbers is the few tokens that
-- cover it (gateway/numbuckets.py), widest buckets inside, narrowest at its ends.
CREATE FUNCTION otel_number_tokens_of(key text, n numeric) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
    SELECT CASE
        WHEN n IS NULL THEN '{}'::text[]
        WHEN n = 0 THEN ARRAY[key || chr(31) || '0']
        WHEN c.e NOT BETWEEN -20 AND 20 THEN ARRAY[c.p || c.e]
        ELSE ARRAY[c.p || c.e, c.p || c.e || ':' || left(d.d, 1),
                   c.p || c.e || ':' || left(d.d, 2), c.p || c.e || ':' || d.d]
    END
    FROM (SELECT key || chr(31) || CASE WHEN n > 0 THEN '+' ELSE '-' END AS p,
                 CASE WHEN n <> 0 THEN least(21, greatest(-21, floor(log(abs(n)))))::int END AS e)
         AS c,
         LATERAL (SELECT CASE WHEN c.e BETWEEN -20 AND 20
                  THEN least(999, greatest(100, trunc(abs(n) * power(10::numeric, 2 - c.e))))::int::text
                  END AS d) AS d
$fn$;

-- otel_number_tokens(attributes) -> the bucket tokens of every number (intValue, or a
-- numeric doubleValue) of a JSONB catch-all of tagged AnyValues.
CREATE FUNCTION otel_number_tokens(attributes jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path FROM CURRENT AS $fn$
    SELECT coalesce(array_agg(t), '{}'::text[])
    FROM jsonb_each(attributes) AS a(key, value),
         unnest(otel_number_tokens_of(a.key,
             CASE WHEN a.value ? 'intValue' THEN (a.value ->> 'intValue')::numeric
                  WHEN jsonb_typeof(a.value -> 'doubleValue') = 'number'
                  THEN (a.value -> 'doubleValue')::numeric
             END)) AS t
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
DROP FUNCTION otel_number_tokens_of(text, numeric);
DROP FUNCTION otel_log_body_trigrams(jsonb);
DROP FUNCTION otel_log_body_text(jsonb);
DROP FUNCTION otel_trigrams(text);
