-- accidents_by_year_service: accidents per fiscal year, form and service, with
-- the form total and the total over services. Each row is operator op_key's
-- part of one cell ('total' marks a margin); Compute adds the parts of a cell
-- up into its value and keeps them as its contributions for the disclosure
-- control. {{.Accidents}} is deid_accident with its codes as ENUMs in
-- code-list order (prepare.sql), so grouping and sorting work on small
-- integers.
WITH parts AS (
    -- Per operator and finest cell first; the margins then add up parts.
    SELECT
        fiscal_year,
        form,
        service,
        op_key,
        count(*) AS accidents
    FROM {{.Accidents}}
    GROUP BY fiscal_year, form, service, op_key
)
SELECT
    parts.fiscal_year::VARCHAR AS fiscal_year,
    CASE WHEN grouping(parts.form) = 1 THEN 'total' ELSE parts.form::VARCHAR END AS form,
    CASE WHEN grouping(parts.service) = 1 THEN 'total' ELSE parts.service::VARCHAR END AS service,
    parts.op_key,
    sum(parts.accidents)::BIGINT AS accidents
FROM parts
GROUP BY parts.fiscal_year, CUBE (parts.form, parts.service), parts.op_key
ORDER BY parts.fiscal_year, parts.form, parts.service, parts.op_key;
