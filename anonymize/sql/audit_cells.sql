-- Per-operator sums of the three magnitudes over cells that no table shows
-- (the audit's hidden cells), one row per (cell, operator). All cells of
-- one query condition on the same columns.
SELECT k.id, d.op_key,
       count(*)::DOUBLE AS accidents,
       sum(d.affected_users)::DOUBLE AS affected_users,
       (sum(d.affected_users::HUGEINT * d.duration_min) / 60)::DOUBLE AS user_hours
FROM deid_accident d JOIN (VALUES {{.Values}}) AS k(id{{.Aliases}}) ON {{.On}}
GROUP BY k.id, d.op_key
