-- Every class of the microdata at one level of generalization, with the
-- records each operator has in it. Internal: op_key never leaves the
-- restricted side.
SELECT k & $mask AS lk, op_key, count(*) AS n
FROM anon_md_codes
GROUP BY ALL
ORDER BY lk, op_key
