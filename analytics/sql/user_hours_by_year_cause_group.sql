-- user_hours_by_year_cause_group: user-hours, affected users and accidents per
-- fiscal year, form and cause group. user_minutes, users times minutes summed
-- exactly as integers, becomes user-hours by one division by 60, so no cell
-- depends on the order of a floating-point sum. Each row is one operator's
-- accidents (op_key) with one combination of the finest keys: the table's
-- cells before any margin. Compute adds these parts up into every cell and
-- margin (the form total, the total over cause groups), each operator's sum
-- being the cell's contribution for the disclosure control.
SELECT
    fiscal_year::VARCHAR AS fiscal_year,
    form,
    cause_group,
    op_key,
    count(*) AS accidents,
    sum(affected_users)::BIGINT AS affected_users,
    sum(affected_users * duration_min)::BIGINT AS user_minutes
FROM deid_accident
GROUP BY fiscal_year, form, cause_group, op_key
ORDER BY fiscal_year, form, cause_group, op_key;
