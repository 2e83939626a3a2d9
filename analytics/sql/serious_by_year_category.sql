-- serious_by_year_category: serious accidents (報告区分 重大, reported under
-- Article 28 and announced by the ministry) per fiscal year and service
-- category of Article 58. Each row is one operator's accidents (op_key) with
-- one combination of the finest keys: the table's cells before any margin.
-- Compute adds these parts up into every cell and margin (the category
-- total), each operator's sum being the cell's contribution for the
-- disclosure control.
SELECT
    fiscal_year::VARCHAR AS fiscal_year,
    service_category,
    op_key,
    count(*) AS accidents
FROM deid_accident
WHERE report_type = 'serious'
GROUP BY fiscal_year, service_category, op_key
ORDER BY fiscal_year, service_category, op_key;
