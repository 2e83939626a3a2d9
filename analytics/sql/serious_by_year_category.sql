-- serious_by_year_category: accidents that met the serious-accident criteria
-- in force when they occurred (meets_serious, 施行規則 第58条), per fiscal year,
-- form, service category and report type (reported as serious, or only in the
-- quarterly report), with every margin but the fiscal year. Each row is
-- operator op_key's part of one cell ('total' marks a margin); Compute adds
-- the parts of a cell up into its value and keeps them as its contributions
-- for the disclosure control. {{.Accidents}} is deid_accident with its codes
-- as ENUMs in code-list order (prepare.sql), so grouping and sorting work on
-- small integers.
WITH parts AS (
    -- Per operator and finest cell first; the margins then add up parts.
    SELECT
        fiscal_year,
        form,
        service_category,
        report_type,
        op_key,
        count(*) AS accidents
    FROM {{.Accidents}}
    WHERE meets_serious
    GROUP BY fiscal_year, form, service_category, report_type, op_key
)
SELECT
    parts.fiscal_year::VARCHAR AS fiscal_year,
    CASE WHEN grouping(parts.form) = 1 THEN 'total' ELSE parts.form::VARCHAR END AS form,
    CASE WHEN grouping(parts.service_category) = 1 THEN 'total' ELSE parts.service_category::VARCHAR END AS service_category,
    CASE WHEN grouping(parts.report_type) = 1 THEN 'total' ELSE parts.report_type::VARCHAR END AS report_type,
    parts.op_key,
    sum(parts.accidents)::BIGINT AS accidents
FROM parts
GROUP BY parts.fiscal_year, CUBE (parts.form, parts.service_category, parts.report_type), parts.op_key
ORDER BY parts.fiscal_year, parts.form, parts.service_category, parts.report_type, parts.op_key;
