-- microdata_release_packed: the released record-level file, kept in the
-- restricted database with the internal record_key so the audit can trace
-- every record to its operator, each record's published values packed into
-- one BIGINT pk (the codes of anon_md_codes); the view microdata_release
-- spells them out. A field the level generalizes away is "*" for every
-- record; a decision (anon_md_decision, by class) may replace more values by
-- "*" (star_mask, one bit per field) or withhold the class. record_id is
-- assigned after sorting by the published fields (in code-list order, "*"
-- last) and means nothing. Packed, the table costs a tenth of what its
-- thirteen text columns cost to store.
CREATE OR REPLACE TABLE microdata_release_packed AS
WITH j AS (
    SELECT c.record_key, c.k & {{.Mask}} AS lk, coalesce(d.star_mask, 0) AS star_mask
    FROM anon_md_codes c
    LEFT JOIN anon_md_decision d ON d.lk = (c.k & {{.Mask}})
    WHERE NOT coalesce(d.dropped, false)
),
p AS (
    SELECT record_key, ({{.Published}}) AS pk
    FROM j
)
SELECT record_key,
       row_number() OVER (ORDER BY pk, record_key)::BIGINT AS record_id,
       pk
FROM p
