-- The audit's own recomputation of one published table from deid_accident:
-- every cell, margins included (one grouping set per subset of the
-- dimensions), per operator, for all three magnitudes. Keys are compared as
-- text, as the tables write them.
SELECT {{.Groupings}}{{.Keys}}op_key,
       count(*)::DOUBLE AS accidents,
       sum(affected_users)::DOUBLE AS affected_users,
       sum(user_hours)::DOUBLE AS user_hours
FROM deid_accident
WHERE {{.Where}}
GROUP BY GROUPING SETS ({{.Sets}})
