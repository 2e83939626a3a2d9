-- calendar: the fiscal years and quarters that hold accidents, with the first
-- and last time an accident of each occurred, to check every declared fiscal
-- quarter against the fiscal calendar (kensho.FiscalQuarter) and to find the
-- years without data in all four quarters.
SELECT
    fiscal_year,
    quarter,
    count(*) AS accidents,
    min(occurred_at) AS first_at,
    max(occurred_at) AS last_at
FROM deid_accident
GROUP BY fiscal_year, quarter
ORDER BY fiscal_year, quarter;
