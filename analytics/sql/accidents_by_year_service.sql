-- accidents_by_year_service: accidents per fiscal year, form and service. Each
-- row is one operator's accidents (op_key) with one combination of the finest
-- keys: the table's cells before any margin. Compute adds these parts up into
-- every cell and margin (the form total, the total over services), each
-- operator's sum being the cell's contribution for the disclosure control.
SELECT
    fiscal_year::VARCHAR AS fiscal_year,
    form,
    service,
    op_key,
    count(*) AS accidents
FROM deid_accident
GROUP BY fiscal_year, form, service, op_key
ORDER BY fiscal_year, form, service, op_key;
