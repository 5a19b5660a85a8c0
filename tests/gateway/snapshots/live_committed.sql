SELECT min(c.k) AS lo, max(c.k) AS hi, min(c.t) AS time_from, max(c.t) AS time_to
FROM (
    SELECT s.span_pk AS k, s.start_time_unix_nano AS t,
           s.span_pk - row_number() OVER (ORDER BY s.span_pk) AS run
    FROM otel_spans_fact AS s
    WHERE s.start_time_unix_nano >= $1 AND s.span_pk > $2
      AND NOT EXISTS (SELECT 1 FROM unnest($3::bigint[], $4::bigint[]) AS r(lo, hi)
                      WHERE s.span_pk BETWEEN r.lo AND r.hi)
) AS c
GROUP BY c.run
ORDER BY lo
LIMIT $5
