-- The register of public facts (docs/public-facts.md), as the last build
-- was given it: replaced whole by every load (LoadPublicFacts), in one
-- transaction. Restricted: it names operators. The enum placeholder is
-- the ENUM of a code list, as in schema.sql.

CREATE OR REPLACE TABLE public_fact_file (
    sha256 VARCHAR NOT NULL,
    path VARCHAR NOT NULL,
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

CREATE OR REPLACE TABLE public_fact_register (
    entry INTEGER NOT NULL PRIMARY KEY,
    operator_name VARCHAR NOT NULL,
    operator_id VARCHAR,
    occurred_on DATE NOT NULL,
    service {{enum "service"}} NOT NULL,
    affected_users BIGINT NOT NULL,
    duration_min BIGINT NOT NULL,
    cause {{enum "cause"}} NOT NULL,
    source_url VARCHAR NOT NULL,
    source_sha256 VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    source_row INTEGER NOT NULL,
    loaded_at TIMESTAMP NOT NULL
);

CREATE OR REPLACE TABLE public_fact_quarantine_row (
    file_sha256 VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    source_row INTEGER NOT NULL,
    raw MAP(VARCHAR, VARCHAR),
    loaded_at TIMESTAMP NOT NULL
);

-- Every error of a quarantined row, the reason of a rejected file (row 0
-- or the header's row) and every warning (severity 'warning').
CREATE OR REPLACE TABLE public_fact_problem (
    file_sha256 VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    source_row INTEGER NOT NULL,
    column_header VARCHAR,
    value VARCHAR,
    severity VARCHAR NOT NULL,
    code VARCHAR NOT NULL,
    message_ja VARCHAR NOT NULL,
    message_en VARCHAR NOT NULL
);
