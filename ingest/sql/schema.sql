-- The tables ingest owns (docs/contract.md). Created when missing, so a
-- database is set up by its first load. No primary key on accident: the
-- load keeps (operator_id, report_no) unique itself (a correction moves the
-- old version to accident_history in the same transaction), and an index
-- would slow a bulk load down without adding a guarantee the load lacks.
-- The enum placeholder of a coded column is the ENUM of its code list in byte order
-- (kensho.CodeList.SQLEnum): codes are one byte each, so the load writes,
-- and later stages read, far less than text; a database made while a list
-- was shorter (or with text columns, before) is brought up to date first
-- (schema.go).

CREATE TABLE IF NOT EXISTS ingest_file (
    sha256 VARCHAR NOT NULL,
    path VARCHAR NOT NULL,
    format VARCHAR NOT NULL,
    encoding VARCHAR,
    status VARCHAR NOT NULL,
    message_ja VARCHAR,
    message_en VARCHAR,
    rows_read INTEGER NOT NULL,
    rows_loaded INTEGER NOT NULL,
    rows_quarantined INTEGER NOT NULL,
    warnings INTEGER NOT NULL,
    loaded_at TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS accident (
    operator_id VARCHAR NOT NULL,
    report_no VARCHAR NOT NULL,
    operator_name VARCHAR NOT NULL,
    contact_name VARCHAR,
    contact VARCHAR,
    fiscal_year INTEGER NOT NULL,
    quarter INTEGER NOT NULL,
    form {{enum "form"}} NOT NULL,
    report_type {{enum "report_type"}} NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    recovered_at TIMESTAMP NOT NULL,
    duration_min INTEGER NOT NULL,
    duration_min_reported INTEGER,
    impact {{enum "impact"}} NOT NULL,
    service {{enum "service"}} NOT NULL,
    affected_users BIGINT NOT NULL,
    prefectures VARCHAR[] NOT NULL,
    nationwide BOOLEAN NOT NULL,
    site_location VARCHAR,
    cause_group {{enum "cause_group"}} NOT NULL,
    cause {{enum "cause"}} NOT NULL,
    equipment {{enum "equipment"}} NOT NULL,
    vendor_model VARCHAR,
    other_operator_origin BOOLEAN NOT NULL,
    partner_operator VARCHAR,
    critical_infra_users INTEGER,
    disaster_name VARCHAR,
    cyber_attack BOOLEAN NOT NULL,
    summary VARCHAR,
    prevention VARCHAR,
    extra MAP(VARCHAR, VARCHAR),
    below_threshold BOOLEAN NOT NULL,
    meets_serious BOOLEAN NOT NULL,
    source_sha256 VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    source_row INTEGER NOT NULL,
    loaded_at TIMESTAMP NOT NULL
);

-- Every column of accident, then when and by which file it was replaced.
CREATE TABLE IF NOT EXISTS accident_history AS
    SELECT *, NULL::TIMESTAMP AS superseded_at, NULL::VARCHAR AS superseded_by_sha256
    FROM accident WITH NO DATA;

CREATE TABLE IF NOT EXISTS quarantine_row (
    file_sha256 VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    source_row INTEGER NOT NULL,
    raw MAP(VARCHAR, VARCHAR),
    loaded_at TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS quarantine_error (
    file_sha256 VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    source_row INTEGER NOT NULL,
    column_header VARCHAR,
    value VARCHAR,
    code VARCHAR NOT NULL,
    message_ja VARCHAR NOT NULL,
    message_en VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS ingest_warning (
    file_sha256 VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    source_row INTEGER NOT NULL,
    column_header VARCHAR,
    value VARCHAR,
    code VARCHAR NOT NULL,
    message_ja VARCHAR NOT NULL,
    message_en VARCHAR NOT NULL
);
