-- microdata_release: the released record-level file, kept in the restricted
-- database with the internal record_key so the audit can trace every record
-- to its operator. record_id is assigned after sorting by the published
-- fields and means nothing. A field the level generalizes away is "*" for
-- every record; a decision may replace more values by "*" (star_mask, one
-- bit per field) or withhold the record.
CREATE OR REPLACE TABLE microdata_release AS
WITH d AS (
    SELECT record_key, {{.Keys}}
    FROM deid_accident
),
j AS (
    SELECT d.*, coalesce(m.star_mask, 0) AS star_mask
    FROM d LEFT JOIN anon_md_decision m ON {{.On}}
    WHERE NOT coalesce(m.dropped, false)
),
p AS (
    SELECT record_key, {{.Published}}
    FROM j
)
SELECT record_key,
       row_number() OVER (ORDER BY {{.Order}}, record_key)::BIGINT AS record_id,
       {{.Columns}}
FROM p
ORDER BY record_id
