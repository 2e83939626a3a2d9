-- Loading files, in one transaction: one file, or a group of small files (see group.go). Each
-- step is one statement for all the files; Go runs them in the order below, skipping the steps
-- that have nothing to do. {{.Files}} is a list of quoted paths of temporary NDJSON files (read in
-- parallel) that the Go code wrote as it validated the rows (spool.go): a file's own parts, or
-- spool segments, which other files' lines share. Each line carries the index f of its file in the
-- load, and {{.Parts}} says where each file of the group is, (part, f, sha256, path), so that a read
-- joined with it keeps exactly the group's lines, each with its file. {{.Shas}} lists the SHA-256
-- of the group's files. $name are parameters.

-- step forget_attempt
-- An earlier attempt of the same bytes that was rejected is replaced by this one.
DELETE FROM ingest_file WHERE sha256 IN ({{.Shas}});

-- step has_accidents
-- Whether any accident was loaded before: if none, no row of this file can be a correction.
SELECT EXISTS (SELECT 1 FROM accident);

-- step accident
-- The valid rows' lines carry short keys c0, c1, ... in the order of the accident table's columns.
INSERT INTO accident BY NAME
SELECT {{.AccidentSelect}}, g.sha256 AS source_sha256, g.path AS source_file, $loaded_at::TIMESTAMP AS loaded_at
FROM read_ndjson({{.Files}}, columns = {f: 'INTEGER', {{.AccidentColumns}}}, maximum_object_size = {{.MaxObject}},
                 filename = true) j
JOIN {{.Parts}} ON j.filename = g.part AND j.f = g.f;

-- step history
-- A correction: an accident a file of the group carries again (same operator_id and report_no)
-- was loaded from an earlier file; that version goes to history with the file that replaces it
-- (no two files of a group share a key). The versions replaced are found by their keys first,
-- reading three columns of the table, and then fetched whole by rowid: DuckDB then reads only the
-- row groups that hold them (at 603k accidents, one correcting file took 80-100 ms instead of
-- 170 ms).
INSERT INTO accident_history
SELECT old.*, $loaded_at::TIMESTAMP AS superseded_at, replaced.by_sha256 AS superseded_by_sha256
FROM accident old
JOIN (
    SELECT o.rowid AS id, new.source_sha256 AS by_sha256
    FROM accident o
    JOIN (SELECT operator_id, report_no, source_sha256 FROM accident WHERE source_sha256 IN ({{.Shas}})) new
        ON o.operator_id = new.operator_id AND o.report_no = new.report_no
    WHERE o.source_sha256 NOT IN ({{.Shas}})
) replaced ON old.rowid = replaced.id;

-- step supersede
DELETE FROM accident old
USING (SELECT operator_id, report_no FROM accident WHERE source_sha256 IN ({{.Shas}})) new
WHERE old.source_sha256 NOT IN ({{.Shas}}) AND old.operator_id = new.operator_id AND old.report_no = new.report_no;

-- step quarantine_row
INSERT INTO quarantine_row BY NAME
SELECT j.source_row, j.raw, g.sha256 AS file_sha256, g.path AS source_file, $loaded_at::TIMESTAMP AS loaded_at
FROM read_ndjson({{.Files}}, columns = {f: 'INTEGER', source_row: 'INTEGER', raw: 'MAP(VARCHAR, VARCHAR)'},
                 maximum_object_size = {{.MaxObject}}, filename = true) j
JOIN {{.Parts}} ON j.filename = g.part AND j.f = g.f;

-- step quarantine_error
INSERT INTO quarantine_error BY NAME
SELECT j.* EXCLUDE (f, filename), g.sha256 AS file_sha256, g.path AS source_file
FROM read_ndjson({{.Files}}, columns = {f: 'INTEGER', source_row: 'INTEGER', column_header: 'VARCHAR', value: 'VARCHAR',
                 code: 'VARCHAR', message_ja: 'VARCHAR', message_en: 'VARCHAR'}, maximum_object_size = {{.MaxObject}},
                 filename = true) j
JOIN {{.Parts}} ON j.filename = g.part AND j.f = g.f;

-- step warning
INSERT INTO ingest_warning BY NAME
SELECT j.* EXCLUDE (f, filename), g.sha256 AS file_sha256, g.path AS source_file
FROM read_ndjson({{.Files}}, columns = {f: 'INTEGER', source_row: 'INTEGER', column_header: 'VARCHAR', value: 'VARCHAR',
                 code: 'VARCHAR', message_ja: 'VARCHAR', message_en: 'VARCHAR'}, maximum_object_size = {{.MaxObject}},
                 filename = true) j
JOIN {{.Parts}} ON j.filename = g.part AND j.f = g.f;

-- step file
INSERT INTO ingest_file (sha256, path, format, encoding, status, message_ja, message_en,
                         rows_read, rows_loaded, rows_quarantined, warnings, loaded_at)
VALUES {{.FileRows}};

-- step loaded_files
-- The files loaded before, and when each was first loaded (a second load of the same bytes changes
-- nothing).
SELECT sha256, min(loaded_at) FROM ingest_file WHERE status = 'loaded' GROUP BY sha256;

-- step accident_columns
-- The columns of accident that a valid row's JSON line carries (all but the provenance the INSERT adds).
SELECT column_name, data_type FROM duckdb_columns()
WHERE database_name = current_database() AND schema_name = 'main' AND table_name = 'accident'
  AND column_name NOT IN ('source_sha256', 'source_file', 'loaded_at')
ORDER BY column_index;

-- step load_settings
-- Rows of accident have no order (every reader sorts); not keeping the file's order lets DuckDB
-- write a large load on every core with less memory. Each file commits on its own, and checkpointing
-- after every few small files rewrites the same row groups again and again; a load checkpoints
-- when its log passes the threshold Go sets (1 GiB) and at its end (a crash before then is
-- recovered from the write-ahead log). That checkpoint writes the free text without FSST: analysing
-- and compressing it with FSST cost 0.5 s of the 1.7 s a copy of 600k accidents takes, for text
-- kept 1.5 times smaller in the restricted database only (dictionary compression still applies).
-- A small file's INSERT runs on one thread (see threads). A file's rows stay in its transaction's
-- memory until it commits (a million rows took 620 MB on two threads): DuckDB's memory is held to
-- 512 MiB while files load, beyond which it writes them out as it goes (see memory_limit). The
-- settings are restored after the load.
SELECT current_setting('preserve_insertion_order')::VARCHAR, current_setting('checkpoint_threshold')::VARCHAR,
       current_setting('disabled_compression_methods')::VARCHAR, current_setting('threads')::BIGINT,
       current_setting('memory_limit')::VARCHAR,
       (SELECT path FROM duckdb_databases() WHERE database_name = current_database()) IS NOT NULL;

-- step set_load_settings
SET preserve_insertion_order = {{.InsertionOrder}};
SET checkpoint_threshold = {{.CheckpointThreshold}};
SET disabled_compression_methods = {{.DisabledCompression}};

-- step memory_limit
-- DuckDB shows its memory limit rounded: it is set back to the value the database was opened with,
-- or reset to DuckDB's default.
{{if .Limit}}SET memory_limit = {{.Limit}};{{else}}RESET memory_limit;{{end}}

-- step threads
-- DuckDB's threads for the next file. A file of a few thousand rows is loaded faster on one:
-- handing its rows between threads costs more than it saves, and the next file is being read and
-- validated on the other cores meanwhile (national ingest, 40 files of 15k rows, alternated three
-- times: 7.0-8.1 s against 8.1-9.2 s on two threads, with a fifth less CPU; the sample's 335 small
-- files: 5.3-6.4 s against 6.7-7.1 s). A large file is loaded on all of them (a 1M-row file on one
-- thread: 9.5-9.6 s against 7.2-7.9 s).
SET threads = {{.Threads}};

-- step checkpoint
CHECKPOINT;
