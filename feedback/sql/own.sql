-- The operator's own rows, read from the restricted database. Every
-- statement here selects rows of one operator only ($op): feedback never
-- adds up another operator's accidents. National figures come from the
-- release, never from here.

-- step operator
-- The operator's name as its latest file wrote it, and how many accidents it has.
SELECT arg_max(operator_name, loaded_at), count(*)
FROM accident
WHERE operator_id = $op;

-- step years
-- The operator's accidents, affected users and user-hours by fiscal year
-- (user-hours as deid_accident computes them).
SELECT fiscal_year, count(*), sum(affected_users), sum(affected_users * duration_min / 60.0)
FROM accident
WHERE operator_id = $op
GROUP BY fiscal_year
ORDER BY fiscal_year;

-- step accidents
-- The operator's accidents of the year, with what the breakdowns group by.
SELECT cause, service, equipment, duration_min, affected_users
FROM accident
WHERE operator_id = $op AND fiscal_year = $fy;

-- step keys
-- When each of the operator's report numbers was last loaded (to tell a
-- quarantined row that a later file corrected).
SELECT report_no, loaded_at
FROM accident
WHERE operator_id = $op;

-- step quarantined
-- Every quarantined row, with its cells as read; Go keeps the operator's
-- own (by the 登録・届出番号 in the row), as the raw cells are not typed.
SELECT file_sha256, source_file, source_row, map_keys(raw), map_values(raw), loaded_at
FROM quarantine_row
ORDER BY source_file, source_row, file_sha256;

-- step quarantine_errors
-- The errors of the quarantined rows of one file.
SELECT source_row, coalesce(column_header, ''), coalesce(value, ''), code, message_ja, message_en
FROM quarantine_error
WHERE file_sha256 = $sha
ORDER BY source_row, code, column_header;

-- step warnings
-- Warnings on the operator's accidents of the year, and warnings about the
-- columns (row 0) of the files those accidents came from.
WITH files AS (
    SELECT DISTINCT source_sha256 FROM accident WHERE operator_id = $op AND fiscal_year = $fy
)
SELECT w.source_file, w.source_row, coalesce(w.column_header, ''), coalesce(w.value, ''), w.code, w.message_ja, w.message_en
FROM ingest_warning w
WHERE (w.source_row = 0 AND w.file_sha256 IN (SELECT source_sha256 FROM files))
   OR EXISTS (SELECT 1 FROM accident a
              WHERE a.source_sha256 = w.file_sha256 AND a.source_row = w.source_row
                AND a.operator_id = $op AND a.fiscal_year = $fy)
ORDER BY w.source_file, w.source_row, w.code, w.column_header;

-- step files
-- The files the operator's accidents of the year came from.
SELECT f.path, strftime(f.loaded_at, '%Y-%m-%d %H:%M'), count(*)
FROM accident a JOIN ingest_file f ON f.sha256 = a.source_sha256
WHERE a.operator_id = $op AND a.fiscal_year = $fy
GROUP BY f.path, f.loaded_at
ORDER BY f.loaded_at, f.path;
