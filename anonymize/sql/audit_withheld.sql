-- Records withheld from the microdata, by fiscal year and operator.
SELECT CAST(d.fiscal_year AS VARCHAR) AS fiscal_year, d.op_key, count(*) AS n
FROM deid_accident d ANTI JOIN microdata_release m USING (record_key)
GROUP BY ALL
