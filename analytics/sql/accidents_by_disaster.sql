-- accidents_by_disaster: accidents, affected users and user-hours per named
-- disaster and fiscal year. deid_accident.disaster holds a name only when
-- enough operators reported it. first_at, the part's first accident in epoch
-- seconds, orders the disasters by their first accident.
-- user_minutes (users × minutes, an exact integer) becomes user-hours in
-- Compute by one division by 60, so a cell does not depend on the order of
-- a floating-point sum.
-- One row per operator and finest cell: the accidents of operator op_key
-- with these keys. Compute adds the parts up into each cell and its margins
-- (the form total, the total over fiscal years, ...), keeping every operator's
-- part as the cell's contribution for the disclosure control.
SELECT
    disaster,
    fiscal_year::VARCHAR AS fiscal_year,
    op_key,
    count(*) AS accidents,
    sum(affected_users)::BIGINT AS affected_users,
    sum(affected_users * duration_min)::BIGINT AS user_minutes,
    epoch(min(occurred_at)) AS first_at
FROM deid_accident
WHERE disaster IS NOT NULL
GROUP BY disaster, fiscal_year, op_key
ORDER BY disaster, fiscal_year, op_key;
