-- duration_by_year_cause_group: the median and 90th percentile of the
-- duration in minutes per fiscal year, form and cause group, with the form
-- and cause-group totals ('total'), and the accidents they come from.
-- Quantiles interpolate linearly between the ordered durations (R's type 7).
-- They need every accident of a cell, so each cell and margin comes as a row
-- of its own (op_key NULL, from GROUPING SETS); the rows with op_key are the
-- accidents per operator and finest cell, which Compute adds up into each
-- cell's contributions for the disclosure control. {{.Accidents}} is
-- deid_accident with its codes as ENUMs (prepare.sql).
SELECT
    a.fiscal_year::VARCHAR AS fiscal_year,
    a.form::VARCHAR AS form,
    a.cause_group::VARCHAR AS cause_group,
    a.op_key,
    count(*) AS accidents,
    NULL::DOUBLE AS median_duration_min,
    NULL::DOUBLE AS p90_duration_min
FROM {{.Accidents}} AS a
GROUP BY a.fiscal_year, a.form, a.cause_group, a.op_key
UNION ALL
SELECT
    a.fiscal_year::VARCHAR AS fiscal_year,
    CASE WHEN grouping(a.form) = 1 THEN 'total' ELSE a.form::VARCHAR END AS form,
    CASE WHEN grouping(a.cause_group) = 1 THEN 'total' ELSE a.cause_group::VARCHAR END AS cause_group,
    NULL::INTEGER AS op_key,
    count(*) AS accidents,
    quantile_cont(a.duration_min, 0.5) AS median_duration_min,
    quantile_cont(a.duration_min, 0.9) AS p90_duration_min
FROM {{.Accidents}} AS a
GROUP BY a.fiscal_year, CUBE (a.form, a.cause_group)
ORDER BY fiscal_year, form, cause_group, op_key NULLS FIRST;
