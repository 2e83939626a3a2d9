-- The audit's own recomputation of one published table from deid_accident:
-- the records summed per operator and combination of keys, for all three
-- magnitudes; audit_data.go adds these sums up into every cell, margins
-- included. Keys are compared as text, as the tables write them. User-hours
-- are summed as integer user-minutes and divided once, so the sum is exact
-- and the same whatever order the rows are added in.
SELECT {{.Text}}op_key, n, users, user_minutes
FROM (
    -- Grouped on the columns as stored (one-byte ENUM codes), and the
    -- few groups turned into text after: the same groups, four times
    -- cheaper than casting every row.
    SELECT {{.Keys}}op_key,
           count(*) AS n,
           sum(affected_users)::HUGEINT AS users,
           -- A product too large for BIGINT is an error, never a wrap.
           sum(affected_users * duration_min)::HUGEINT AS user_minutes
    FROM deid_accident
    WHERE {{.Where}}
    GROUP BY ALL
)
