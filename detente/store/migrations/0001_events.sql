-- Files ingested, with provenance and the reconciled counts of their last ingest.
CREATE SEQUENCE IF NOT EXISTS file_ids START 1;
CREATE TABLE files (
    file_id      BIGINT PRIMARY KEY DEFAULT nextval('file_ids'),
    dataset      VARCHAR NOT NULL,
    path         VARCHAR NOT NULL,
    name         VARCHAR NOT NULL,
    url          VARCHAR,
    sha256       VARCHAR NOT NULL,
    bytes        BIGINT NOT NULL,
    ingested_at  TIMESTAMP NOT NULL,
    read         BIGINT NOT NULL DEFAULT 0,
    stored       BIGINT NOT NULL DEFAULT 0,
    duplicates   BIGINT NOT NULL DEFAULT 0,
    quarantined  BIGINT NOT NULL DEFAULT 0
);

-- Canonical events (see detente.core.events.EVENT_FIELDS); dedup_key folds repeats.
CREATE TABLE events (
    event_id        BIGINT NOT NULL,
    dataset         VARCHAR NOT NULL,
    source_event_id VARCHAR,
    date            DATE NOT NULL,
    source_actor    VARCHAR,
    target_actor    VARCHAR,
    source_sector   VARCHAR,
    target_sector   VARCHAR,
    source_name     VARCHAR,
    target_name     VARCHAR,
    cameo_code      VARCHAR NOT NULL,
    cameo_root      TINYINT NOT NULL,
    quad_class      TINYINT NOT NULL,
    goldstein       DOUBLE,
    plover_type     VARCHAR,
    plover_mode     VARCHAR,
    plover_context  VARCHAR,
    fatalities      INTEGER,
    num_mentions    INTEGER NOT NULL DEFAULT 1,
    num_sources     INTEGER NOT NULL DEFAULT 1,
    num_articles    INTEGER NOT NULL DEFAULT 1,
    place           VARCHAR,
    country         VARCHAR,
    latitude        DOUBLE,
    longitude       DOUBLE,
    url             VARCHAR,
    evidence        VARCHAR,
    confidence      DOUBLE NOT NULL DEFAULT 1.0,
    file_id         BIGINT NOT NULL,
    line            BIGINT NOT NULL,
    duplicates      INTEGER NOT NULL DEFAULT 0,
    dedup_key       UHUGEINT NOT NULL
);

-- Every accepted source row, mapped to its canonical event: makes ingest idempotent.
CREATE TABLE event_rows (
    dataset   VARCHAR NOT NULL,
    row_key   VARCHAR NOT NULL,
    event_id  BIGINT NOT NULL,
    file_id   BIGINT NOT NULL,
    line      BIGINT NOT NULL
);

-- Rows that could not be accepted, with why; nothing is dropped silently.
CREATE TABLE quarantine (
    file_id  BIGINT NOT NULL,
    line     BIGINT NOT NULL,
    reason   VARCHAR NOT NULL,
    raw      VARCHAR
);
