-- public_fact_match: one row per entry of the register of public facts
-- (docs/public-facts.md), saying which accident it describes. Restricted:
-- it names the operator's registration number and report number.
--
-- A candidate is an accident of the entry's operator ($entry_ops: the
-- registration number the entry gives, else every operator whose name
-- matches, found in Go by publicfacts.go) that began on the entry's day
-- (JST) with the entry's service, whose users are within $users_pct % of
-- the published figure and whose duration within $duration_min minutes of
-- it. Exact candidates (same users and duration) win over approximate
-- ones; an entry with one best candidate is matched, with several
-- ambiguous (matched to none), with none unmatched.
CREATE OR REPLACE TABLE public_fact_match AS
WITH entry_ops AS (
    SELECT unnest($entries::INTEGER[]) AS entry, unnest($ops::VARCHAR[]) AS operator_id
),
cand AS (
    SELECT r.entry, a.operator_id, a.report_no,
           (a.affected_users = r.affected_users AND a.duration_min = r.duration_min) AS exact,
           a.affected_users - r.affected_users AS users_diff,
           a.duration_min - r.duration_min AS duration_diff,
           CAST(a.cause AS VARCHAR) = CAST(r.cause AS VARCHAR) AS same_cause
    FROM public_fact_register r
    JOIN entry_ops eo ON eo.entry = r.entry
    JOIN accident a ON a.operator_id = eo.operator_id
        AND CAST(a.occurred_at AS DATE) = r.occurred_on
        AND CAST(a.service AS VARCHAR) = CAST(r.service AS VARCHAR)
    WHERE abs(a.affected_users - r.affected_users) * 100 <= $users_pct * r.affected_users
      AND abs(a.duration_min - r.duration_min) <= $duration_min
),
best AS (
    SELECT c.* FROM cand c
    WHERE c.exact OR NOT EXISTS (SELECT 1 FROM cand e WHERE e.entry = c.entry AND e.exact)
),
counted AS (
    -- The values of the one candidate when there is one (any_value of
    -- one row); only the count is kept otherwise.
    SELECT entry, count(*)::INTEGER AS n, any_value(operator_id) AS operator_id, any_value(report_no) AS report_no,
           any_value(exact) AS exact, any_value(users_diff) AS users_diff, any_value(duration_diff) AS duration_diff,
           any_value(same_cause) AS same_cause
    FROM best GROUP BY entry
)
SELECT r.entry, r.source_file, r.source_row,
       CASE WHEN c.n IS NULL THEN 'unmatched' WHEN c.n = 1 THEN 'matched' ELSE 'ambiguous' END AS status,
       coalesce(c.n, 0) AS candidates,
       CASE WHEN c.n = 1 THEN c.operator_id END AS operator_id,
       CASE WHEN c.n = 1 THEN c.report_no END AS report_no,
       CASE WHEN c.n = 1 THEN c.exact END AS exact,
       CASE WHEN c.n = 1 THEN c.users_diff END AS users_diff,
       CASE WHEN c.n = 1 THEN c.duration_diff END AS duration_diff,
       CASE WHEN c.n = 1 THEN c.same_cause END AS same_cause
FROM public_fact_register r LEFT JOIN counted c ON c.entry = r.entry
ORDER BY r.entry;
