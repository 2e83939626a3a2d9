-- Loading one file, in one transaction. Each step is one statement; Go runs
-- them in the order below, skipping the steps that have nothing to do.
-- {{.X}} are quoted paths of temporary NDJSON files written by the Go code
-- that validated the rows; $name are parameters.

-- step forget_attempt
-- An earlier attempt of the same bytes that was rejected is replaced by this one.
DELETE FROM ingest_file WHERE sha256 = $sha;

-- step keys
CREATE OR REPLACE TEMP TABLE ingest_keys AS
SELECT * FROM read_ndjson({{.Keys}}, columns = {operator_id: 'VARCHAR', report_no: 'VARCHAR'});

-- step history
-- A correction: the version being replaced goes to history with the file that replaces it.
INSERT INTO accident_history
SELECT a.*, $loaded_at::TIMESTAMP AS superseded_at, $sha AS superseded_by_sha256
FROM accident a SEMI JOIN ingest_keys k ON a.operator_id = k.operator_id AND a.report_no = k.report_no;

-- step supersede
DELETE FROM accident a USING ingest_keys k
WHERE a.operator_id = k.operator_id AND a.report_no = k.report_no;

-- step drop_keys
DROP TABLE ingest_keys;

-- step accident
INSERT INTO accident BY NAME
SELECT *, $sha AS source_sha256, $file AS source_file, $loaded_at::TIMESTAMP AS loaded_at
FROM read_ndjson({{.Accident}}, columns = {{.AccidentColumns}}, maximum_object_size = {{.MaxObject}});

-- step quarantine_row
INSERT INTO quarantine_row BY NAME
SELECT *, $sha AS file_sha256, $file AS source_file, $loaded_at::TIMESTAMP AS loaded_at
FROM read_ndjson({{.QuarantineRow}}, columns = {source_row: 'INTEGER', raw: 'MAP(VARCHAR, VARCHAR)'},
                 maximum_object_size = {{.MaxObject}});

-- step quarantine_error
INSERT INTO quarantine_error BY NAME
SELECT *, $sha AS file_sha256, $file AS source_file
FROM read_ndjson({{.QuarantineError}}, columns = {source_row: 'INTEGER', column_header: 'VARCHAR', value: 'VARCHAR',
                 code: 'VARCHAR', message_ja: 'VARCHAR', message_en: 'VARCHAR'}, maximum_object_size = {{.MaxObject}});

-- step warning
INSERT INTO ingest_warning BY NAME
SELECT *, $sha AS file_sha256, $file AS source_file
FROM read_ndjson({{.Warning}}, columns = {source_row: 'INTEGER', column_header: 'VARCHAR', value: 'VARCHAR',
                 code: 'VARCHAR', message_ja: 'VARCHAR', message_en: 'VARCHAR'}, maximum_object_size = {{.MaxObject}});

-- step file
INSERT INTO ingest_file (sha256, path, format, encoding, status, message_ja, message_en,
                         rows_read, rows_loaded, rows_quarantined, warnings, loaded_at)
VALUES ($sha, $file, $format, $encoding, $status, $message_ja, $message_en,
        $rows_read, $rows_loaded, $rows_quarantined, $warnings, $loaded_at::TIMESTAMP);

-- step loaded_at
-- When the same bytes were loaded (a second load of them changes nothing).
SELECT loaded_at FROM ingest_file WHERE sha256 = $sha AND status = 'loaded' ORDER BY loaded_at LIMIT 1;

-- step accident_columns
-- The columns each valid row's JSON line carries: all of accident but the provenance added above.
SELECT column_name, data_type FROM duckdb_columns()
WHERE database_name = current_database() AND schema_name = 'main' AND table_name = 'accident'
  AND column_name NOT IN ('source_sha256', 'source_file', 'loaded_at')
ORDER BY column_index;
