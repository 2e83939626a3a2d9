-- accidents_by_quarter_cause_group: accidents per fiscal year, quarter, form
-- and cause group; the seasonality table is derived from it. Each row is one
-- operator's accidents (op_key) with one combination of the finest keys: the
-- table's cells before any margin. Compute adds these parts up into every cell
-- and margin (the quarter, form and cause-group totals), each operator's sum
-- being the cell's contribution for the disclosure control.
SELECT
    fiscal_year::VARCHAR AS fiscal_year,
    quarter::VARCHAR AS quarter,
    form,
    cause_group,
    op_key,
    count(*) AS accidents
FROM deid_accident
GROUP BY fiscal_year, quarter, form, cause_group, op_key
ORDER BY fiscal_year, quarter, form, cause_group, op_key;
