-- Fine rollups of the number points (revision 0007). Statements run with search_path set
-- to the target schema.

-- name: fine_rollups
-- The number points rolled up per 15 s granule, kept by the rollup job (ollygraph/
-- rollups.py) beside the per-minute rollups, over the same minutes and with the same
-- columns: step series whose step is whole granules but not whole minutes read them. They
-- cover [fine_rolled_from, rolled) of otel_metrics_rollup_state (from `rolled_from` when
-- fine_rolled_from is NULL: a store rolled up before this revision has fine rollups from
-- where its minutes stood). A late point marks its minute in otel_metrics_rollup_pending,
-- and the job computes the minute's granules again with the minute.
CREATE TABLE otel_metrics_number_fine_rollups (
    granule_unix_nano bigint NOT NULL,
    metric_id bigint NOT NULL,
    resource_id bigint NOT NULL,
    scope_id bigint,
    attributes_hash bytea NOT NULL,
    n bigint NOT NULL,
    total double precision,
    low double precision,
    high double precision,
    first_time_unix_nano bigint NOT NULL,
    first_value double precision,
    first_start_time_unix_nano bigint NOT NULL,
    point_pk bigint NOT NULL,                      -- the granule's last point
    time_unix_nano bigint NOT NULL,
    last_value double precision,
    last_start_time_unix_nano bigint NOT NULL,
    increase double precision NOT NULL
) PARTITION BY RANGE (granule_unix_nano);
CREATE UNIQUE INDEX otel_metrics_number_fine_rollups_key_idx
    ON otel_metrics_number_fine_rollups
    (metric_id, granule_unix_nano, resource_id, (coalesce(scope_id, -1)), attributes_hash);
CREATE TABLE otel_metrics_number_fine_rollups_default
    PARTITION OF otel_metrics_number_fine_rollups DEFAULT;
SELECT otel_ensure_partitions(current_date - 1, current_date + 2);
ALTER TABLE otel_metrics_rollup_state ADD COLUMN fine_rolled_from bigint;
UPDATE otel_metrics_rollup_state SET fine_rolled_from = rolled;

-- name: drop_fine_rollups
ALTER TABLE otel_metrics_rollup_state DROP COLUMN IF EXISTS fine_rolled_from;
DROP TABLE IF EXISTS otel_metrics_number_fine_rollups;
