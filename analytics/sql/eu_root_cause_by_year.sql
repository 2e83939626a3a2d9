-- eu_root_cause_by_year: accidents and user-hours per fiscal year, form, EU
-- root-cause category and third-party flag ('true'/'false'). user_minutes,
-- users times minutes summed exactly as integers, becomes user-hours by one
-- division by 60, so no cell depends on the order of a floating-point sum.
-- Each row is one operator's accidents (op_key) with one combination of the
-- finest keys: the table's cells before any margin. Compute adds these parts
-- up into every cell and margin (the form, category and flag totals), each
-- operator's sum being the cell's contribution for the disclosure control.
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
