-- trend_by_cause: accidents per fiscal year, form, cause group and cause; the
-- changes and trends of the table are derived from these counts.
-- One row per operator and finest cell: operator op_key's accidents with
-- these keys. Compute adds the parts up into each cell and every margin
-- above it (form total, group totals, grand total), keeping each operator's part as the cell's
-- contribution for the disclosure control. {{.Accidents}} is
-- deid_accident with its codes as ENUMs in code-list order (prepare.sql), so
-- the rows come in publication order.
SELECT
    a.fiscal_year::VARCHAR AS fiscal_year,
    a.form::VARCHAR AS form,
    a.cause_group::VARCHAR AS cause_group,
    a.cause::VARCHAR AS cause,
    a.op_key,
    count(*) AS accidents
FROM {{.Accidents}} AS a
GROUP BY a.fiscal_year, a.form, a.cause_group, a.cause, a.op_key
ORDER BY a.fiscal_year, a.form, a.cause_group, a.cause, a.op_key;
