-- accidents_latest_cause_service: accidents of the latest fiscal year
-- ($latest) per cause and service, both forms together. Each row is one
-- operator's accidents (op_key) with one combination of the finest keys: the
-- table's cells before any margin. Compute adds these parts up into every cell
-- and margin (the cause and service totals), each operator's sum being the
-- cell's contribution for the disclosure control.
SELECT
    fiscal_year::VARCHAR AS fiscal_year,
    cause,
    service,
    op_key,
    count(*) AS accidents
FROM deid_accident
WHERE fiscal_year = $latest
GROUP BY fiscal_year, cause, service, op_key
ORDER BY fiscal_year, cause, service, op_key;
