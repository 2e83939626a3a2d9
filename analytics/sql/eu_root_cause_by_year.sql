-- eu_root_cause_by_year: accidents and user-hours per fiscal year, form, EU
-- root-cause category and third-party flag ('true'/'false'), with every margin
-- but the fiscal year. user_minutes (users × minutes, an exact integer)
-- becomes user-hours in Compute by one division by 60, so a cell never depends
-- on the order of a floating-point sum. Each row is operator op_key's part of
-- one cell ('total' marks a margin); Compute adds the parts of a cell up into
-- its value and keeps them as its contributions for the disclosure control.
-- {{.Accidents}} is deid_accident with its codes as ENUMs in code-list order
-- (prepare.sql), so grouping and sorting work on small integers.
WITH parts AS (
    -- Per operator and finest cell first; the margins then add up parts.
    SELECT
        fiscal_year,
        form,
        eu_root_cause,
        third_party,
        op_key,
        count(*) AS accidents,
        sum(affected_users * duration_min) AS user_minutes
    FROM {{.Accidents}}
    GROUP BY fiscal_year, form, eu_root_cause, third_party, op_key
)
SELECT
    parts.fiscal_year::VARCHAR AS fiscal_year,
    CASE WHEN grouping(parts.form) = 1 THEN 'total' ELSE parts.form::VARCHAR END AS form,
    CASE WHEN grouping(parts.eu_root_cause) = 1 THEN 'total' ELSE parts.eu_root_cause::VARCHAR END AS eu_root_cause,
    CASE WHEN grouping(parts.third_party) = 1 THEN 'total' ELSE parts.third_party::VARCHAR END AS third_party,
    parts.op_key,
    sum(parts.accidents)::BIGINT AS accidents,
    sum(parts.user_minutes)::BIGINT AS user_minutes
FROM parts
GROUP BY parts.fiscal_year, CUBE (parts.form, parts.eu_root_cause, parts.third_party), parts.op_key
ORDER BY parts.fiscal_year, parts.form, parts.eu_root_cause, parts.third_party, parts.op_key;
