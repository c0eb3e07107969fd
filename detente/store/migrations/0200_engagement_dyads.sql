-- Every engagement as the unordered dyads it involves (a < b), for the trust stock and dyad timelines.
-- role 'participant': two participants of the engagement; role 'third_party': a participant and a
-- third party (mediator, peacekeeping organisation or lead state, witness).
CREATE INDEX IF NOT EXISTS engagements_dataset_source ON engagements (dataset, source_id);

CREATE OR REPLACE VIEW engagement_dyads AS
WITH p AS (
    SELECT e.engagement_id, e.kind, e.dataset, e.start_date, e.end_date, u.x AS actor
    FROM engagements e, unnest(list_distinct(e.participants)) AS u(x)
    WHERE u.x IS NOT NULL
), t AS (
    SELECT e.engagement_id, u.x AS actor
    FROM engagements e, unnest(list_distinct(coalesce(e.third_parties, []::VARCHAR[]))) AS u(x)
    WHERE u.x IS NOT NULL
)
SELECT p1.engagement_id, p1.kind, p1.actor AS a, p2.actor AS b, p1.start_date, p1.end_date,
       'participant' AS role, p1.dataset
FROM p AS p1 JOIN p AS p2 ON p1.engagement_id = p2.engagement_id AND p1.actor < p2.actor
UNION ALL
SELECT p.engagement_id, p.kind, least(p.actor, t.actor) AS a, greatest(p.actor, t.actor) AS b, p.start_date,
       p.end_date, 'third_party' AS role, p.dataset
FROM p JOIN t ON p.engagement_id = t.engagement_id AND p.actor <> t.actor;
