-- The feed follower's checkpoint (`detente follow gdelt`): one row per published file it has handled.
-- A file's 'ingested' row is written in the same transaction that publishes its events, so a follower
-- killed at any point resumes without losing or repeating an update.
CREATE TABLE feed_files (
    feed        VARCHAR NOT NULL,   -- e.g. gdelt2
    name        VARCHAR NOT NULL,   -- the file name in the update list, e.g. 20191024143000.export.CSV.zip
    url         VARCHAR NOT NULL,
    stamp       TIMESTAMP,          -- the quarter-hour the file covers (UTC)
    size        BIGINT,             -- as the update list gives them
    md5         VARCHAR,
    status      VARCHAR NOT NULL,   -- ingested, or failed (retried while attempts < the follower's limit)
    attempts    INTEGER NOT NULL DEFAULT 0,
    file_id     BIGINT,             -- files.file_id of the ingest
    error       VARCHAR,            -- the last failure, one line
    updated_at  TIMESTAMP NOT NULL
);
-- Per feed: where a backfill starts, and the last check (the dashboard's "data last updated").
CREATE TABLE feed_state (
    feed        VARCHAR NOT NULL,
    since       TIMESTAMP,
    checked_at  TIMESTAMP,
    updated_at  TIMESTAMP,          -- the last time a file was ingested
    last_line   VARCHAR             -- the follower's last log line
);
