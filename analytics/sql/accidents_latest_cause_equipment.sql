-- accidents_latest_cause_equipment: accidents of the latest fiscal year ($latest) per
-- cause and equipment, both forms together.
-- One row per operator and finest cell: the accidents of operator op_key
-- with these keys. Compute adds the parts up into each cell and its margins
-- (the form total, the total over equipment, ...), keeping every operator's
-- part as the cell's contribution for the disclosure control.
SELECT
    fiscal_year::VARCHAR AS fiscal_year,
    cause,
    equipment,
    op_key,
    count(*) AS accidents
FROM deid_accident
WHERE fiscal_year = $latest
GROUP BY fiscal_year, cause, equipment, op_key
ORDER BY fiscal_year, cause, equipment, op_key;
