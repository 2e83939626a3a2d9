-- accidents_by_disaster: accidents, affected users and user-hours per named
-- disaster and fiscal year. deid_accident.disaster holds a name only when
-- enough operators reported it. first_at, the part's first accident in epoch
-- seconds, orders the disasters by their first accident.
-- user_minutes (users × minutes, an exact integer) becomes user-hours in
-- Compute by one division by 60, so a cell never depends on the order of a
-- floating-point sum.
-- One row per operator and finest cell: operator op_key's accidents with
-- these keys. Compute adds the parts up into each cell and every margin
-- above it (total over the fiscal years), keeping each operator's part as the cell's
-- contribution for the disclosure control. {{.Accidents}} is
-- deid_accident with its codes as ENUMs in code-list order (prepare.sql), so
-- the rows come in publication order.
SELECT
    a.disaster::VARCHAR AS disaster,
    a.fiscal_year::VARCHAR AS fiscal_year,
    a.op_key,
    count(*) AS accidents,
    sum(a.affected_users)::BIGINT AS affected_users,
    sum(a.affected_users * a.duration_min)::BIGINT AS user_minutes,
    epoch(min(a.occurred_at)) AS first_at
FROM {{.Accidents}} AS a
WHERE a.disaster IS NOT NULL
GROUP BY a.disaster, a.fiscal_year, a.op_key
ORDER BY a.disaster, a.fiscal_year, a.op_key;
