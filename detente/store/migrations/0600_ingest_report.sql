-- Unresolved actors: per file, the code or name given for an actor that resolved to none (issue 14, finding 9).
ALTER TABLE files ADD COLUMN unresolved BIGINT DEFAULT 0;
CREATE TABLE unresolved_actors (
    file_id  BIGINT NOT NULL,
    role     VARCHAR NOT NULL,   -- source or target
    actor    VARCHAR NOT NULL,   -- the code (else the name) as the file gives it
    events   BIGINT NOT NULL     -- new events of the file with that actor unresolved
);
