-- trend_by_cause: accidents per fiscal year, form, cause group and cause; the
-- changes and trends of the table are derived from these counts. Each row is
-- one operator's accidents (op_key) with one combination of the finest keys:
-- the table's cells before any margin. Compute adds these parts up into every
-- cell and margin (the form total, each group's total, the grand total), each
-- operator's sum being the cell's contribution for the disclosure control.
SELECT
    fiscal_year::VARCHAR AS fiscal_year,
    form,
    cause_group,
    cause,
    op_key,
    count(*) AS accidents
FROM deid_accident
GROUP BY fiscal_year, form, cause_group, cause, op_key
ORDER BY fiscal_year, form, cause_group, cause, op_key;
