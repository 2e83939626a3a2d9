-- trend_by_cause: accidents per fiscal year, form, cause group and cause; the
-- changes and trends of the table are derived from these counts.
-- One row per operator and finest cell: the accidents of operator op_key
-- with these keys. Compute adds the parts up into each cell and its margins
-- (the form total, the total over causes of a group, ...), keeping every operator's
-- part as the cell's contribution for the disclosure control.
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
