-- The audit's own recomputation of one published table from deid_accident:
-- the records summed per operator and combination of keys, for all three
-- magnitudes; audit_data.go adds these sums up into every cell, margins
-- included. Keys are compared as text, as the tables write them. User-hours
-- are summed as integer user-minutes and divided once, so the sum is exact
-- and the same whatever order the rows are added in.
SELECT {{.Keys}}op_key,
       count(*) AS n,
       sum(affected_users)::HUGEINT AS users,
       sum(affected_users::HUGEINT * duration_min) AS user_minutes
FROM deid_accident
WHERE {{.Where}}
GROUP BY ALL
