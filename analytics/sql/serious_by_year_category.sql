-- serious_by_year_category: accidents that met the serious-accident criteria
-- in force when they occurred (meets_serious, 施行規則 第58条), per fiscal year,
-- form, service category and report type (reported as serious, or only in the
-- quarterly report). Each row is one operator's accidents (op_key) with one
-- combination of the finest keys: the table's cells before any margin. Compute
-- adds these parts up into every cell and margin (the form, category and
-- report-type totals), each operator's sum being the cell's contribution for
-- the disclosure control.
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
