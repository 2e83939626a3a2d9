-- accidents_by_quarter: accidents per fiscal year, quarter and form, with the
-- quarter total (the fiscal year) and the form total. An accident counts in
-- the quarter in which it began (the declared quarter, which Compute holds to
-- occurred_at). Each row is operator op_key's part of one cell ('total' marks
-- a margin); Compute adds the parts of a cell up into its value and keeps them
-- as its contributions for the disclosure control. {{.Accidents}} is
-- deid_accident with its codes as ENUMs in code-list order (prepare.sql), so
-- grouping and sorting work on small integers.
WITH parts AS (
    -- Per operator and finest cell first; the margins then add up parts.
    SELECT
        fiscal_year,
        quarter,
        form,
        op_key,
        count(*) AS accidents
    FROM {{.Accidents}}
    GROUP BY fiscal_year, quarter, form, op_key
)
SELECT
    parts.fiscal_year::VARCHAR AS fiscal_year,
    CASE WHEN grouping(parts.quarter) = 1 THEN 'total' ELSE parts.quarter::VARCHAR END AS quarter,
    CASE WHEN grouping(parts.form) = 1 THEN 'total' ELSE parts.form::VARCHAR END AS form,
    parts.op_key,
    sum(parts.accidents)::BIGINT AS accidents
FROM parts
GROUP BY parts.fiscal_year, CUBE (parts.quarter, parts.form), parts.op_key
ORDER BY parts.fiscal_year, parts.quarter, parts.form, parts.op_key;
