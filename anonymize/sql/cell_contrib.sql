-- Per-operator sums of one magnitude over the cells listed in k (one row per
-- cell: an id and one value per condition). Conditions compare the column
-- as text, so codes, fiscal years and flags match the keys of the tables;
-- NULL matches NULL (a disaster left empty).
SELECT k.id, d.op_key, {{.Agg}} AS v
FROM deid_accident d
JOIN (VALUES {{.Values}}) AS k(id{{range .Cols}}, {{.Alias}}{{end}})
  ON {{.On}}
GROUP BY k.id, d.op_key
ORDER BY k.id, d.op_key
