-- accidents_by_year_duration_band: accidents per fiscal year, form and
-- duration band. Each row is one operator's accidents (op_key) with one
-- combination of the finest keys: the table's cells before any margin. Compute
-- adds these parts up into every cell and margin (the form total, the total
-- over bands), each operator's sum being the cell's contribution for the
-- disclosure control.
SELECT
    fiscal_year::VARCHAR AS fiscal_year,
    form,
    duration_band,
    op_key,
    count(*) AS accidents
FROM deid_accident
GROUP BY fiscal_year, form, duration_band, op_key
ORDER BY fiscal_year, form, duration_band, op_key;
