-- accidents_by_quarter_cause_group: accidents per fiscal year, quarter, form
-- and cause group; the seasonality table is derived from it.
-- One row per operator and finest cell: operator op_key's accidents with
-- these keys. Compute adds the parts up into each cell and every margin
-- above it (quarter, form and cause-group totals), keeping each operator's part as the cell's
-- contribution for the disclosure control. {{.Accidents}} is
-- deid_accident with its codes as ENUMs in code-list order (prepare.sql), so
-- the rows come in publication order.
SELECT
    a.fiscal_year::VARCHAR AS fiscal_year,
    a.quarter::VARCHAR AS quarter,
    a.form::VARCHAR AS form,
    a.cause_group::VARCHAR AS cause_group,
    a.op_key,
    count(*) AS accidents
FROM {{.Accidents}} AS a
GROUP BY a.fiscal_year, a.quarter, a.form, a.cause_group, a.op_key
ORDER BY a.fiscal_year, a.quarter, a.form, a.cause_group, a.op_key;
