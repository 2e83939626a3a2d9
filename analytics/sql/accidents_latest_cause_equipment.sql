-- accidents_latest_cause_equipment: accidents of the latest fiscal year
-- ($latest) per cause and equipment, both forms together, with the cause and
-- equipment totals. Each row is operator op_key's part of one cell ('total'
-- marks a margin); Compute adds the parts of a cell up into its value and
-- keeps them as its contributions for the disclosure control. {{.Accidents}}
-- is deid_accident with its codes as ENUMs in code-list order (prepare.sql),
-- so grouping and sorting work on small integers.
WITH parts AS (
    -- Per operator and finest cell first; the margins then add up parts.
    SELECT
        fiscal_year,
        cause,
        equipment,
        op_key,
        count(*) AS accidents
    FROM {{.Accidents}}
    WHERE fiscal_year = $latest
    GROUP BY fiscal_year, cause, equipment, op_key
)
SELECT
    parts.fiscal_year::VARCHAR AS fiscal_year,
    CASE WHEN grouping(parts.cause) = 1 THEN 'total' ELSE parts.cause::VARCHAR END AS cause,
    CASE WHEN grouping(parts.equipment) = 1 THEN 'total' ELSE parts.equipment::VARCHAR END AS equipment,
    parts.op_key,
    sum(parts.accidents)::BIGINT AS accidents
FROM parts
GROUP BY parts.fiscal_year, CUBE (parts.cause, parts.equipment), parts.op_key
ORDER BY parts.fiscal_year, parts.cause, parts.equipment, parts.op_key;
