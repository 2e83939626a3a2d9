-- serious_by_year_category: accidents that met the serious-accident criteria
-- in force when they occurred (meets_serious, 施行規則 第58条), per fiscal
-- year, form, service category and report type (reported as serious, or
-- only in the quarterly report).
-- One row per operator and finest cell: the accidents of operator op_key
-- with these keys. Compute adds the parts up into each cell and its margins
-- (the form total, the total over service categories, ...), keeping every operator's
-- part as the cell's contribution for the disclosure control.
SELECT
    fiscal_year::VARCHAR AS fiscal_year,
    form,
    service_category,
    report_type,
    op_key,
    count(*) AS accidents
FROM deid_accident
WHERE meets_serious
GROUP BY fiscal_year, form, service_category, report_type, op_key
ORDER BY fiscal_year, form, service_category, report_type, op_key;
