-- The ops outbox entries this store has applied (detente.ops.outbox): recorded in the same transaction as
-- the change they carry, so an entry is applied exactly once however often the outbox is replayed.
CREATE TABLE outbox_applied (
    id         BIGINT PRIMARY KEY,
    kind       VARCHAR NOT NULL,
    applied_at TIMESTAMP NOT NULL
);
