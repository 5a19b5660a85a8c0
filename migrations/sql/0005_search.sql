-- Indexed text and range search (revision 0005). Statements run with search_path set to
-- the target schema. Core SQL only (no pg_trgm): the trigrams and number buckets are
-- arrays from IMMUTABLE functions (PL/pgSQL, several times cheaper per row than SQL
-- functions here: indexes compute them for every row written), served by GIN array
-- indexes; every query that uses them also tests the exact predicate, so the index only
-- narrows the rows.

-- name: functions
-- otel_log_body_text(body) -> a log body as searched: a string body's text, the JSON text
-- of any other body (maps, arrays, numbers, booleans).
CREATE FUNCTION otel_log_body_text(body jsonb) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path FROM CURRENT AS $fn$
    SELECT CASE WHEN body ? 'stringValue' THEN body ->> 'stringValue'
                ELSE otel_anyvalue_to_json(body) #>> '{}' END
$fn$;

-- otel_log_body_trigrams(body) -> the 3-character substrings of its text
-- (otel_log_body_text, written out: an index computes it for every record; repeats are
-- kept, GIN stores each once; none under 3 characters); a body over 4096 characters
-- gets the single token '' instead (no trigram is empty), which every indexed body search
-- also reads: long bodies are always rechecked, never indexed by all their trigrams.
CREATE FUNCTION otel_log_body_trigrams(body jsonb) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE SET search_path FROM CURRENT AS $fn$
DECLARE
    t text := CASE WHEN body ? 'stringValue' THEN body ->> 'stringValue'
                   ELSE otel_anyvalue_to_json(body) #>> '{}' END;
    out text[] := '{}';
BEGIN
    IF length(t) > 4096 THEN
        RETURN ARRAY[''];
    END IF;
    FOR i IN 1 .. length(t) - 2 LOOP
        out := out || substr(t, i, 3);
    END LOOP;
    RETURN out;
END
$fn$;

-- otel_number_tokens(attributes) -> the bucket tokens of every number (intValue, a
-- numeric doubleValue, or the "-0" that stands for -0.0) of a JSONB catch-all of tagged AnyValues, each
-- `key || chr(31) || bucket`: zero is '0'; otherwise the sign and the decimal exponent e of
-- |n| (clamped to -21..21: below 1e-20 and from 1e21 on are one bucket each), and for
-- -20 <= e <= 20 that decade narrowed by the first one, two and three significant digits
-- ('+2', '+2:1', '+2:12', '+2:123' for 123.4). Computed in double precision (fast; near a
-- bucket's edge a number may land in the neighbouring bucket). A range of numbers is the
-- few tokens that cover it (gateway/numbuckets.py), widened by one bucket at each end.
CREATE FUNCTION otel_number_tokens(attributes jsonb) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
DECLARE
    k text;
    v jsonb;
    n float8;
    e int;
    d text;
    p text;
    out text[] := '{}';
BEGIN
    FOR k, v IN SELECT * FROM jsonb_each(attributes) LOOP
        IF v ? 'intValue' THEN
            n := (v ->> 'intValue')::float8;
        ELSIF jsonb_typeof(v -> 'doubleValue') = 'number' THEN
            n := (v -> 'doubleValue')::float8;
        ELSIF v ->> 'doubleValue' = '-0' THEN  -- -0.0, kept tagged (ollygraph/codecs.py)
            n := 0;
        ELSE
            CONTINUE;
        END IF;
        IF n = 0 THEN
            out := out || (k || chr(31) || '0');
            CONTINUE;
        END IF;
        p := k || chr(31) || CASE WHEN n > 0 THEN '+' ELSE '-' END;
        e := least(21, greatest(-21, floor(log(abs(n)))));
        IF e NOT BETWEEN -20 AND 20 THEN
            out := out || (p || e);
            CONTINUE;
        END IF;
        d := least(999, greatest(100, trunc(abs(n) * 10 ^ (2 - e))))::int::text;
        p := p || e;
        out := out || ARRAY[p, p || ':' || left(d, 1), p || ':' || left(d, 2), p || ':' || d];
    END LOOP;
    RETURN out;
END
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
