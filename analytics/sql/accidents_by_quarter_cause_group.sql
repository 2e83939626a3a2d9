-- accidents_by_quarter_cause_group: accidents per fiscal year, quarter, form
-- and cause group, with every margin but the fiscal year; the seasonality
-- table is derived from it. Each row is operator op_key's part of one cell
-- ('total' marks a margin); Compute adds the parts of a cell up into its value
-- and keeps them as its contributions for the disclosure control.
-- {{.Accidents}} is deid_accident with its codes as ENUMs in code-list order
-- (prepare.sql), so grouping and sorting work on small integers.
WITH parts AS (
    -- Per operator and finest cell first; the margins then add up parts.
    SELECT
        fiscal_year,
        quarter,
        form,
        cause_group,
        op_key,
        count(*) AS accidents
    FROM {{.Accidents}}
    GROUP BY fiscal_year, quarter, form, cause_group, op_key
)
SELECT
    parts.fiscal_year::VARCHAR AS fiscal_year,
    CASE WHEN grouping(parts.quarter) = 1 THEN 'total' ELSE parts.quarter::VARCHAR END AS quarter,
    CASE WHEN grouping(parts.form) = 1 THEN 'total' ELSE parts.form::VARCHAR END AS form,
    CASE WHEN grouping(parts.cause_group) = 1 THEN 'total' ELSE parts.cause_group::VARCHAR END AS cause_group,
    parts.op_key,
    sum(parts.accidents)::BIGINT AS accidents
FROM parts
GROUP BY parts.fiscal_year, CUBE (parts.quarter, parts.form, parts.cause_group), parts.op_key
ORDER BY parts.fiscal_year, parts.quarter, parts.form, parts.cause_group, parts.op_key;
