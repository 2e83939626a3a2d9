-- accidents_by_quarter: accidents per fiscal year, quarter and form. An
-- accident counts in the quarter in which it began (the declared quarter,
-- which Compute holds to occurred_at).
-- One row per operator and finest cell: operator op_key's accidents with
-- these keys. Compute adds the parts up into each cell and every margin
-- above it (quarter total, form total), keeping each operator's part as the cell's
-- contribution for the disclosure control. {{.Accidents}} is
-- deid_accident with its codes as ENUMs in code-list order (prepare.sql), so
-- the rows come in publication order.
SELECT
    a.fiscal_year::VARCHAR AS fiscal_year,
    a.quarter::VARCHAR AS quarter,
    a.form::VARCHAR AS form,
    a.op_key,
    count(*) AS accidents
FROM {{.Accidents}} AS a
GROUP BY a.fiscal_year, a.quarter, a.form, a.op_key
ORDER BY a.fiscal_year, a.quarter, a.form, a.op_key;
