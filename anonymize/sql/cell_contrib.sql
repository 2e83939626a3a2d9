-- Per-operator sums of one magnitude over the cells listed in k (one row per
-- cell: an id and one value per condition). Conditions compare the column
-- as text, so codes, fiscal years and flags match the keys of the tables;
-- NULL matches NULL (a disaster left empty). The accidents are summed per
-- operator and value of the dimensions first (grouping the stored one-byte
-- codes), so only those few groups are turned into text and matched; the
-- sums are integers, so adding them up again changes no value.
WITH g AS (
    SELECT {{range .Cols}}{{.Name}} AS {{.Alias}}, {{end}}op_key,
           count(*) AS n,
           sum(affected_users) AS users,
           -- A product too large for BIGINT is an error, never a wrap.
           sum(affected_users * duration_min) AS minutes
    FROM deid_accident
    GROUP BY ALL
)
SELECT k.id, g.op_key, {{.Agg}} AS v
FROM g
JOIN (VALUES {{.Values}}) AS k(id{{range .Cols}}, {{.Alias}}{{end}})
  ON {{.On}}
GROUP BY k.id, g.op_key
ORDER BY k.id, g.op_key
