-- serious_by_year_category: accidents that met the serious-accident criteria
-- in force when they occurred (meets_serious, 施行規則 第58条), per fiscal
-- year, form, service category and report type (reported as serious, or
-- only in the quarterly report).
-- One row per operator and finest cell: operator op_key's accidents with
-- these keys. Compute adds the parts up into each cell and every margin
-- above it (form, category and report-type totals), keeping each operator's part as the cell's
-- contribution for the disclosure control. {{.Accidents}} is
-- deid_accident with its codes as ENUMs in code-list order (prepare.sql), so
-- the rows come in publication order.
SELECT
    a.fiscal_year::VARCHAR AS fiscal_year,
    a.form::VARCHAR AS form,
    a.service_category::VARCHAR AS service_category,
    a.report_type::VARCHAR AS report_type,
    a.op_key,
    count(*) AS accidents
FROM {{.Accidents}} AS a
WHERE a.meets_serious
GROUP BY a.fiscal_year, a.form, a.service_category, a.report_type, a.op_key
ORDER BY a.fiscal_year, a.form, a.service_category, a.report_type, a.op_key;
