-- accidents_latest_cause_service: accidents of the latest fiscal year ($latest) per
-- cause and service, both forms together.
-- One row per operator and finest cell: the accidents of operator op_key
-- with these keys. Compute adds the parts up into each cell and its margins
-- (the form total, the total over service, ...), keeping every operator's
-- part as the cell's contribution for the disclosure control.
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
