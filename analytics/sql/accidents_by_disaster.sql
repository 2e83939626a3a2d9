-- accidents_by_disaster: accidents, affected users and user-hours per named
-- disaster and fiscal year, with the total over the fiscal years.
-- deid_accident.disaster holds a name only when enough operators reported it.
-- first_at, the first accident in epoch seconds, orders the disasters.
-- user_minutes (users × minutes, an exact integer) becomes user-hours in
-- Compute by one division by 60, so a cell never depends on the order of a
-- floating-point sum. Each row is operator op_key's part of one cell ('total'
-- marks a margin); Compute adds the parts of a cell up into its value and
-- keeps them as its contributions for the disclosure control. {{.Accidents}}
-- is deid_accident with its codes as ENUMs in code-list order (prepare.sql),
-- so grouping and sorting work on small integers.
WITH parts AS (
    -- Per operator and finest cell first; the margins then add up parts.
    SELECT
        disaster,
        fiscal_year,
        op_key,
        count(*) AS accidents,
        sum(affected_users) AS affected_users,
        sum(affected_users * duration_min) AS user_minutes,
        min(occurred_at) AS first_at
    FROM {{.Accidents}}
    WHERE disaster IS NOT NULL
    GROUP BY disaster, fiscal_year, op_key
)
SELECT
    parts.disaster::VARCHAR AS disaster,
    CASE WHEN grouping(parts.fiscal_year) = 1 THEN 'total' ELSE parts.fiscal_year::VARCHAR END AS fiscal_year,
    parts.op_key,
    sum(parts.accidents)::BIGINT AS accidents,
    sum(parts.affected_users)::BIGINT AS affected_users,
    sum(parts.user_minutes)::BIGINT AS user_minutes,
    epoch(min(parts.first_at)) AS first_at
FROM parts
GROUP BY parts.disaster, CUBE (parts.fiscal_year), parts.op_key
ORDER BY parts.disaster, parts.fiscal_year, parts.op_key;
