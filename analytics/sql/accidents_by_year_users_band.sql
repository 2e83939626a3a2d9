-- accidents_by_year_users_band: accidents per fiscal year, form and affected-users band.
-- One row per operator and finest cell: operator op_key's accidents with
-- these keys. Compute adds the parts up into each cell and every margin
-- above it (form total, total over the affected-users bands), keeping each operator's part as the cell's
-- contribution for the disclosure control. {{.Accidents}} is
-- deid_accident with its codes as ENUMs in code-list order (prepare.sql), so
-- the rows come in publication order.
SELECT
    a.fiscal_year::VARCHAR AS fiscal_year,
    a.form::VARCHAR AS form,
    a.users_band::VARCHAR AS users_band,
    a.op_key,
    count(*) AS accidents
FROM {{.Accidents}} AS a
GROUP BY a.fiscal_year, a.form, a.users_band, a.op_key
ORDER BY a.fiscal_year, a.form, a.users_band, a.op_key;
