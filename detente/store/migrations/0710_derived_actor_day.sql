-- Events per actor, dataset and day (detente.store.derived, maintained per published file with dyad_day): an
-- event counts once for each actor it names (once when both sides are the same actor). The server reads it
-- for the actors the events know and every actor's latest covered day (the tension map's default day)
-- instead of scanning the events after each publish.
CREATE TABLE actor_day (
    actor   VARCHAR NOT NULL,
    dataset VARCHAR NOT NULL,
    day     DATE NOT NULL,
    events  BIGINT NOT NULL,
    PRIMARY KEY (actor, dataset, day)
);
INSERT INTO actor_day
SELECT actor, dataset, date, count(*) FROM (
    SELECT source_actor AS actor, dataset, date FROM events WHERE source_actor IS NOT NULL
    UNION ALL
    SELECT target_actor, dataset, date FROM events
    WHERE target_actor IS NOT NULL AND (source_actor IS NULL OR target_actor <> source_actor)
) GROUP BY ALL;
