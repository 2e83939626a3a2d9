-- accidents_by_disaster: accidents, affected users and user-hours per named
-- disaster and fiscal year. deid_accident.disaster holds the code of the
-- disaster of codes/disasters.csv the report names ('other' for a name not
-- on the list), NULL when it names none. user_minutes, users times minutes summed exactly as
-- integers, becomes user-hours by one division by 60, so no cell depends on
-- the order of a floating-point sum. Each row is one operator's accidents
-- (op_key) with one combination of the finest keys: the table's cells before
-- any margin. Compute adds these parts up into every cell and margin (the
-- total over fiscal years), each operator's sum being the cell's contribution
-- for the disclosure control.
SELECT
    disaster,
    fiscal_year::VARCHAR AS fiscal_year,
    op_key,
    count(*) AS accidents,
    sum(affected_users)::BIGINT AS affected_users,
    sum(affected_users * duration_min)::BIGINT AS user_minutes
FROM deid_accident
WHERE disaster IS NOT NULL
GROUP BY disaster, fiscal_year, op_key
ORDER BY disaster, fiscal_year, op_key;
