-- The audit's own recomputation of one published table from deid_accident:
-- every cell, margins included (one grouping set per subset of the
-- dimensions), per operator, for all three magnitudes. The records are
-- first summed per operator and combination of keys, then the grouping
-- sets add those sums up. Keys are compared as text, as the tables write
-- them. User-hours are summed as integer user-minutes and divided once, so
-- the sum is exact and the same whatever order the rows are added in.
WITH base AS (
    SELECT {{.Keys}}op_key,
           count(*) AS n,
           sum(affected_users)::HUGEINT AS users,
           sum(affected_users::HUGEINT * duration_min) AS user_minutes
    FROM deid_accident
    WHERE {{.Where}}
    GROUP BY ALL
)
SELECT {{.Groupings}}{{.KeyCols}}op_key,
       sum(n)::DOUBLE AS accidents,
       sum(users)::DOUBLE AS affected_users,
       (sum(user_minutes) / 60)::DOUBLE AS user_hours
FROM base
GROUP BY GROUPING SETS ({{.Sets}})
