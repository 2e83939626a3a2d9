-- duration_by_year_cause_group: the median and 90th percentile of the duration
-- in minutes per fiscal year, form and cause group, with the form and
-- cause-group totals ('total'), and the accidents they come from. Quantiles
-- interpolate linearly between the ordered durations (R's type 7) and need
-- every accident of a cell, so each cell and margin comes as a row of its own
-- (op_key NULL) from GROUPING SETS. The rows with op_key are one operator's
-- accidents with one combination of the finest keys; Compute adds them up into
-- every cell and margin, each operator's sum being the cell's contribution for
-- the disclosure control.
SELECT
    fiscal_year::VARCHAR AS fiscal_year,
    form,
    cause_group,
    op_key,
    count(*) AS accidents,
    NULL::DOUBLE AS median_duration_min,
    NULL::DOUBLE AS p90_duration_min
FROM deid_accident
GROUP BY fiscal_year, form, cause_group, op_key
UNION ALL
SELECT
    fiscal_year::VARCHAR AS fiscal_year,
    CASE WHEN grouping(form) = 1 THEN 'total' ELSE form END AS form,
    CASE WHEN grouping(cause_group) = 1 THEN 'total' ELSE cause_group END AS cause_group,
    NULL::INTEGER AS op_key,
    count(*) AS accidents,
    quantile_cont(duration_min, 0.5) AS median_duration_min,
    quantile_cont(duration_min, 0.9) AS p90_duration_min
FROM deid_accident
GROUP BY fiscal_year, CUBE (form, cause_group)
ORDER BY fiscal_year, form, cause_group, op_key NULLS FIRST;
