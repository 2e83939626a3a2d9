-- accidents_by_year_cause: accidents per fiscal year, form and cause.
-- One row per operator and finest cell: the accidents of operator op_key
-- with these keys. Compute adds the parts up into each cell and its margins
-- (the form total, the total over cause, ...), keeping every operator's
-- part as the cell's contribution for the disclosure control.
SELECT
    fiscal_year::VARCHAR AS fiscal_year,
    form,
    cause,
    op_key,
    count(*) AS accidents
FROM deid_accident
GROUP BY fiscal_year, form, cause, op_key
ORDER BY fiscal_year, form, cause, op_key;
