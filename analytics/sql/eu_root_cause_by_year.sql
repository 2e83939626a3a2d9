-- eu_root_cause_by_year: accidents and user-hours per fiscal year, form, EU
-- root-cause category and third-party flag ('true'/'false').
-- user_minutes (users × minutes, an exact integer) becomes user-hours in
-- Compute by one division by 60, so a cell does not depend on the order of
-- a floating-point sum.
-- One row per operator and finest cell: the accidents of operator op_key
-- with these keys. Compute adds the parts up into each cell and its margins
-- (the form total, the total over categories, ...), keeping every operator's
-- part as the cell's contribution for the disclosure control.
SELECT
    fiscal_year::VARCHAR AS fiscal_year,
    form,
    eu_root_cause,
    third_party::VARCHAR AS third_party,
    op_key,
    count(*) AS accidents,
    sum(affected_users * duration_min)::BIGINT AS user_minutes
FROM deid_accident
GROUP BY fiscal_year, form, eu_root_cause, third_party, op_key
ORDER BY fiscal_year, form, eu_root_cause, third_party, op_key;
