-- accidents_by_quarter: accidents per fiscal year, quarter and form. An
-- accident counts in the quarter in which it began (the declared quarter,
-- which Compute holds to occurred_at). Each row is one operator's accidents
-- (op_key) with one combination of the finest keys: the table's cells before
-- any margin. Compute adds these parts up into every cell and margin (the
-- quarter total, which is the fiscal year, and the form total), each
-- operator's sum being the cell's contribution for the disclosure control.
SELECT
    fiscal_year::VARCHAR AS fiscal_year,
    quarter::VARCHAR AS quarter,
    form,
    op_key,
    count(*) AS accidents
FROM deid_accident
GROUP BY fiscal_year, quarter, form, op_key
ORDER BY fiscal_year, quarter, form, op_key;
