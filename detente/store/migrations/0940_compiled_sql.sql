-- SQL compiled from Ibis expressions, kept per detente build (detente.store.derived.fingerprint), so that an
-- ingest in a new process reads its publish query here instead of importing Ibis and compiling it again.
CREATE TABLE IF NOT EXISTS compiled_sql (
    name        VARCHAR PRIMARY KEY,
    fingerprint VARCHAR NOT NULL,
    sql         VARCHAR NOT NULL
);
