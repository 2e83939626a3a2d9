-- Per-operator sums of one magnitude over every accident (a cell with no
-- condition).
SELECT 0 AS id, op_key, {{.Agg}} AS v
FROM deid_accident
GROUP BY op_key
ORDER BY op_key
