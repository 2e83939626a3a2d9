-- The accident table as docs/contract.md defines it, for tests that must
-- not depend on the ingest stage.
CREATE TABLE accident (
    operator_id VARCHAR NOT NULL, report_no VARCHAR NOT NULL, operator_name VARCHAR NOT NULL,
    contact_name VARCHAR, contact VARCHAR, fiscal_year INTEGER NOT NULL, quarter INTEGER NOT NULL,
    form VARCHAR NOT NULL, report_type VARCHAR NOT NULL, occurred_at TIMESTAMP NOT NULL,
    recovered_at TIMESTAMP NOT NULL, duration_min INTEGER NOT NULL, duration_min_reported INTEGER,
    impact VARCHAR NOT NULL, service VARCHAR NOT NULL, affected_users BIGINT NOT NULL,
    prefectures VARCHAR[] NOT NULL, nationwide BOOLEAN NOT NULL, site_location VARCHAR,
    cause_group VARCHAR NOT NULL, cause VARCHAR NOT NULL, equipment VARCHAR NOT NULL, vendor_model VARCHAR,
    other_operator_origin BOOLEAN NOT NULL, partner_operator VARCHAR, critical_infra_users INTEGER,
    disaster_name VARCHAR, cyber_attack BOOLEAN NOT NULL, summary VARCHAR, prevention VARCHAR,
    extra MAP(VARCHAR, VARCHAR), below_threshold BOOLEAN NOT NULL, meets_serious BOOLEAN NOT NULL,
    source_sha256 VARCHAR NOT NULL, source_file VARCHAR NOT NULL, source_row INTEGER NOT NULL,
    loaded_at TIMESTAMP NOT NULL
);
