-- How many records sit in unsafe classes when the microdata publishes the
-- fields kept by $mask: a class is the set of records with the same
-- published values; it is unsafe with fewer than $min_operators operators or
-- when one operator holds more than $max_share of its records.
WITH g AS (
    SELECT k & $mask AS lk, op_key, count(*) AS n
    FROM anon_md_codes
    GROUP BY ALL
),
c AS (
    SELECT lk, count(*) AS ops, sum(n) AS records, max(n) AS top
    FROM g
    GROUP BY lk
)
SELECT coalesce(sum(records) FILTER (WHERE ops < $min_operators OR top > $max_share * records), 0)::BIGINT AS unsafe,
       coalesce(sum(records), 0)::BIGINT AS total
FROM c
