-- accidents_latest_cause_service: accidents of the latest fiscal year ($latest) per
-- cause and service, both forms together.
-- One row per operator and finest cell: operator op_key's accidents with
-- these keys. Compute adds the parts up into each cell and every margin
-- above it (cause and service totals), keeping each operator's part as the cell's
-- contribution for the disclosure control. {{.Accidents}} is
-- deid_accident with its codes as ENUMs in code-list order (prepare.sql), so
-- the rows come in publication order.
SELECT
    a.fiscal_year::VARCHAR AS fiscal_year,
    a.cause::VARCHAR AS cause,
    a.service::VARCHAR AS service,
    a.op_key,
    count(*) AS accidents
FROM {{.Accidents}} AS a
WHERE a.fiscal_year = $latest
GROUP BY a.fiscal_year, a.cause, a.service, a.op_key
ORDER BY a.fiscal_year, a.cause, a.service, a.op_key;
