-- The complete attribute key registry (ollygraph/key_registry.py keeps it, gateway/stats/
-- catalog.py reads it): besides counts, each registry row carries a sketch of the distinct
-- values seen, and minutes whose logs or metric points arrived late are computed again.

-- name: registry
-- hashes: the K smallest distinct 64-bit hashes of the values of the row's key and type
-- in its minute (a KMV sketch; all of them when fewer than K). Rows of all the owners
-- (span, span_event, log, metric, resource, scope) merge into exact distinct counts below
-- K values and estimates above.
ALTER TABLE otel_attribute_key_rollups ADD COLUMN hashes bigint[];

-- Minutes whose registry is computed again: marked by the writers of logs and metric
-- points below the span rollups' `accepted` (spans mark otel_span_rollup_pending, which
-- recomputes the registry too), and here, the minutes rolled before the sketches and the
-- new owners existed.
CREATE SEQUENCE otel_attribute_key_mark_seq AS bigint;
CREATE TABLE otel_attribute_key_pending (
    minute_unix_nano bigint PRIMARY KEY,
    mark bigint NOT NULL DEFAULT nextval('otel_attribute_key_mark_seq')
);
INSERT INTO otel_attribute_key_pending (minute_unix_nano)
SELECT DISTINCT minute_unix_nano FROM otel_attribute_key_rollups;

-- name: drop_registry
DROP TABLE IF EXISTS otel_attribute_key_pending;
DROP SEQUENCE IF EXISTS otel_attribute_key_mark_seq;
DELETE FROM otel_attribute_key_rollups WHERE owner NOT IN ('span', 'span_event', 'log');
ALTER TABLE otel_attribute_key_rollups DROP COLUMN hashes;
