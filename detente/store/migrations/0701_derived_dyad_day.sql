-- Derived tables the API answers from, maintained per published file (detente.store.derived):
-- directed daily sums per dyad (the base every index, trust, tension and alert query rolls up from),
-- the days the store holds any event on (alert baselines skip the days without), and how many events
-- they cover (-1: not built yet; the next publish or server start builds them from the events).
CREATE TABLE dyad_day (
    a                  VARCHAR NOT NULL,
    b                  VARCHAR NOT NULL,
    day                DATE NOT NULL,
    cooperation        DOUBLE NOT NULL,
    conflict           DOUBLE NOT NULL,
    events             BIGINT NOT NULL,
    cooperative_events BIGINT NOT NULL,
    hostile_events     BIGINT NOT NULL,
    PRIMARY KEY (a, b, day)
);
CREATE TABLE event_days (
    day    DATE PRIMARY KEY,
    events BIGINT NOT NULL
);
CREATE TABLE derived_state (
    name     VARCHAR PRIMARY KEY,
    events   BIGINT NOT NULL,
    built_at TIMESTAMP
);
INSERT INTO derived_state SELECT 'dyad_day', CASE WHEN (SELECT count(*) FROM events) = 0 THEN 0 ELSE -1 END, NULL;
