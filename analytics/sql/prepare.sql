-- prepare: the accidents every table counts, copied once per Compute from
-- deid_accident into a private in-memory database that Compute detaches at the
-- end. Each coded column becomes an ENUM of its code list (codes/*.csv, in
-- list order), so the table queries group and sort small integers rather than
-- text, and their rows come in publication order. A code outside its list
-- becomes NULL here; Compute then reports it (unknown_codes.sql).
CREATE TABLE {{.Accidents}} AS
SELECT
    op_key,
    fiscal_year,
    quarter,
{{- range .Coded}}
    TRY_CAST({{.Column}} AS {{.Enum}}) AS {{.Column}},
{{- end}}
    third_party,
    meets_serious,
    disaster,
    occurred_at,
    duration_min,
    affected_users
FROM deid_accident;
