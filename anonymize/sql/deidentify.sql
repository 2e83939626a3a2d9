-- deid_accident: one row per accident with every direct identifier and free
-- text dropped, and the published generalizations added. Internal: it keeps
-- op_key and exact values for the disclosure control and analytics.
-- {{.X}} placeholders are CASE expressions generated from the code lists in
-- codes/*.csv (see deidentify.go), so the lists stay data. Every coded
-- column is an ENUM of its code list, in byte order (so it sorts and
-- compares as the text it stands for): a table of one-byte codes is
-- written, hashed and grouped several times faster than one of strings.
-- With .Public (a register of public facts was loaded) it also has
-- public_fact, the register entry the accident was matched to.
CREATE OR REPLACE TABLE deid_accident AS
WITH ops AS (
    -- deid_operator: each operator's op_key, made just before (deidentify.go).
    SELECT operator_id, op_key FROM deid_operator
),
disaster_match AS (
    -- Each 災害名 as typed, the day it was reported for, and the code of
    -- codes/disasters.csv it names ('other' when none): matched in Go by
    -- kensho.MatchDisaster (deidentify.go), the one matcher ingest warns
    -- with. The typed name itself goes no further.
    SELECT unnest($disaster_names::VARCHAR[]) AS disaster_name,
           unnest($disaster_days::VARCHAR[])::DATE AS day,
           unnest($disaster_codes::VARCHAR[]) AS disaster
),
keyed AS (
    -- The record numbers, sorted on the keys alone: a window that carried
    -- every column along would sort them all.
    SELECT a.rowid AS rid,
           row_number() OVER (ORDER BY a.fiscal_year, a.occurred_at, o.op_key, a.report_no) AS record_key
    FROM accident a JOIN ops o USING (operator_id)
),
base AS (
    SELECT a.*, o.op_key, k.record_key,
           {{.EURootCause}} AS eu_root_cause,
           list_distinct(list_transform(a.prefectures, p -> {{.PrefectureRegion}})) AS regions,
           dm.disaster AS disaster_code{{if .Public}}, pf.public_fact{{end}}
    FROM accident a JOIN ops o USING (operator_id) JOIN keyed k ON k.rid = a.rowid
    LEFT JOIN disaster_match dm ON dm.disaster_name = a.disaster_name AND dm.day = CAST(a.occurred_at AS DATE)
    {{- if .Public}}
    -- The register entry that describes the accident (several sources
    -- may publish one accident: the first entry stands for them).
    LEFT JOIN (SELECT operator_id, report_no, min(entry) AS public_fact FROM public_fact_match
               WHERE status = 'matched' GROUP BY operator_id, report_no) pf
        ON pf.operator_id = a.operator_id AND pf.report_no = a.report_no
    {{- end}}
)
SELECT
    record_key,
    op_key,
    fiscal_year, quarter,
    form::{{enum "form"}} AS form,
    report_type::{{enum "report_type"}} AS report_type,
    impact::{{enum "impact"}} AS impact,
    service::{{enum "service"}} AS service,
    cause_group::{{enum "cause_group"}} AS cause_group,
    cause::{{enum "cause"}} AS cause,
    equipment::{{enum "equipment"}} AS equipment,
    occurred_at, recovered_at, duration_min, affected_users,
    affected_users * duration_min / 60.0 AS user_hours,
    ({{.DurationBand}})::{{enum "duration_band"}} AS duration_band,
    ({{.UsersBand}})::{{enum "users_band"}} AS users_band,
    ({{.ServiceCategory}})::{{enum "service_category"}} AS service_category,
    eu_root_cause::{{enum "eu_root_cause"}} AS eu_root_cause,
    (eu_root_cause IN ({{.ThirdPartyEU}}) OR other_operator_origin) AS third_party,
    ({{.EquipmentClass}})::{{enum "equipment_class"}} AS equipment_class,
    ({{.MinistryClass}})::{{enum "ministry_equipment_class"}} AS ministry_equipment_class,
    (CASE
        WHEN nationwide OR len(regions) = 0 THEN 'national'
        WHEN len(regions) = 1 THEN regions[1]
        ELSE 'multi'
    END)::{{enum "region"}} AS region,
    other_operator_origin, cyber_attack, meets_serious, below_threshold,
    coalesce(critical_infra_users, 0) > 0 AS critical_infra,
    ({{.CriteriaEra}})::{{.CriteriaEraEnum}} AS criteria_era,
    disaster_code::{{enum "disaster"}} AS disaster
    {{- if .Public}},
    public_fact
    {{- end}}
FROM base
ORDER BY record_key;
