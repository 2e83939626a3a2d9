-- anon_md_codes: each record's microdata fields packed into one BIGINT k,
-- each field the position of its value in the field's dictionary (see
-- protect_microdata.go), so the classes of every level of generalization
-- are one integer GROUP BY. Internal, restricted side; dropped after use.
CREATE OR REPLACE TABLE anon_md_codes AS
SELECT record_key, op_key, {{.Key}} AS k
FROM deid_accident
