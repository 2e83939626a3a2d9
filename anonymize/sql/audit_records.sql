-- The microdata joined in full with deid_accident, one row per fiscal year
-- and operator of the records: how many records were withheld from the
-- microdata (n), how many released values differ from their record's own
-- (bad), and how many released records have no record at all (orphan,
-- in the row whose fiscal year and operator are NULL).
SELECT CAST(d.fiscal_year AS VARCHAR) AS fiscal_year, d.op_key,
       count(*) FILTER (WHERE m.record_key IS NULL) AS n,
       coalesce(sum({{.Differs}}) FILTER (WHERE m.record_key IS NOT NULL AND d.record_key IS NOT NULL), 0)::BIGINT AS bad,
       count(*) FILTER (WHERE d.record_key IS NULL) AS orphan
FROM microdata_release m FULL JOIN deid_accident d ON m.record_key = d.record_key
GROUP BY ALL
