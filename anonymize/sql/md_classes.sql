-- Every class of the microdata at one level of global generalization, with
-- the records each operator has in it. Internal: op_key never leaves the
-- restricted side.
SELECT {{.Keys}}, op_key, count(*) AS n
FROM deid_accident
GROUP BY ALL
ORDER BY ALL
