-- Verified ceasefire violations exported from the operations store (issue 6) for the escalation alerts:
-- one row per agreement, day, violating party and the other party it was against (actor codes), with
-- the number of verified incidents. Replaced whole on every export (detente.ops.ceasefire.export_violations).
CREATE TABLE ceasefire_violations (
    agreement_id BIGINT NOT NULL,
    day          DATE NOT NULL,
    violator     VARCHAR NOT NULL,
    party        VARCHAR NOT NULL,
    incidents    INTEGER NOT NULL,
    exported_at  TIMESTAMP NOT NULL
);
