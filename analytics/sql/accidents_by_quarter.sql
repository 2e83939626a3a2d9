-- accidents_by_quarter: accidents per fiscal year, quarter and form. An
-- accident counts in the quarter in which it began (the declared quarter,
-- which Compute holds to occurred_at).
-- One row per operator and finest cell: the accidents of operator op_key
-- with these keys. Compute adds the parts up into each cell and its margins
-- (the form total, the total over quarters, ...), keeping every operator's
-- part as the cell's contribution for the disclosure control.
SELECT
    fiscal_year::VARCHAR AS fiscal_year,
    quarter::VARCHAR AS quarter,
    form,
    op_key,
    count(*) AS accidents
FROM deid_accident
GROUP BY fiscal_year, quarter, form, op_key
ORDER BY fiscal_year, quarter, form, op_key;
