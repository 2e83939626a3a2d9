-- The audit's view of the released microdata: every published class with
-- the records each operator has in it (the operator comes from
-- deid_accident through the internal record_key).
SELECT {{.Cols}}, d.op_key, count(*) AS n
FROM microdata_release m JOIN deid_accident d USING (record_key)
GROUP BY ALL
