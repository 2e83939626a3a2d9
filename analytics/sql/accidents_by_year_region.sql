-- accidents_by_year_region: accidents per fiscal year, form and region.
-- One row per operator and finest cell: operator op_key's accidents with
-- these keys. Compute adds the parts up into each cell and every margin
-- above it (form total, total over the regions), keeping each operator's part as the cell's
-- contribution for the disclosure control. {{.Accidents}} is
-- deid_accident with its codes as ENUMs in code-list order (prepare.sql), so
-- the rows come in publication order.
SELECT
    a.fiscal_year::VARCHAR AS fiscal_year,
    a.form::VARCHAR AS form,
    a.region::VARCHAR AS region,
    a.op_key,
    count(*) AS accidents
FROM {{.Accidents}} AS a
GROUP BY a.fiscal_year, a.form, a.region, a.op_key
ORDER BY a.fiscal_year, a.form, a.region, a.op_key;
