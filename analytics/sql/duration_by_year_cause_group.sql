-- duration_by_year_cause_group: the median and 90th percentile of the duration
-- in minutes per fiscal year, form and cause group, with the form and
-- cause-group totals ('total'), and the accidents they come from. Quantiles
-- interpolate linearly between the ordered durations (R's type 7). They need
-- every accident of a cell, so each cell comes once as a row of its own
-- (op_key NULL) with its quantiles, and once per operator with accidents in it
-- (op_key set): Compute adds those parts up into the cell's accidents and
-- keeps them as its contributions for the disclosure control. {{.Accidents}}
-- is deid_accident with its codes as ENUMs (prepare.sql).
WITH parts AS (
    -- Per operator and finest cell first; the margins then add up parts.
    SELECT fiscal_year, form, cause_group, op_key, count(*) AS accidents
    FROM {{.Accidents}}
    GROUP BY fiscal_year, form, cause_group, op_key
),
per_operator AS (
    SELECT
        fiscal_year,
        form,
        cause_group,
        grouping(form) AS form_total,
        grouping(cause_group) AS group_total,
        op_key,
        sum(accidents)::BIGINT AS accidents,
        NULL::DOUBLE AS median_duration_min,
        NULL::DOUBLE AS p90_duration_min
    FROM parts
    GROUP BY fiscal_year, CUBE (form, cause_group), op_key
),
cells AS (
    SELECT
        fiscal_year,
        form,
        cause_group,
        grouping(form) AS form_total,
        grouping(cause_group) AS group_total,
        NULL::INTEGER AS op_key,
        count(*) AS accidents,
        quantile_cont(duration_min, 0.5) AS median_duration_min,
        quantile_cont(duration_min, 0.9) AS p90_duration_min
    FROM {{.Accidents}}
    GROUP BY fiscal_year, CUBE (form, cause_group)
),
all_rows AS (
    SELECT * FROM per_operator
    UNION ALL
    SELECT * FROM cells
)
SELECT
    fiscal_year::VARCHAR AS fiscal_year,
    CASE WHEN form_total = 1 THEN 'total' ELSE form::VARCHAR END AS form,
    CASE WHEN group_total = 1 THEN 'total' ELSE cause_group::VARCHAR END AS cause_group,
    op_key,
    accidents,
    median_duration_min,
    p90_duration_min
FROM all_rows
ORDER BY all_rows.fiscal_year, all_rows.form, all_rows.cause_group, all_rows.op_key NULLS FIRST;
