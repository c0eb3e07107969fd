-- The same exercise recorded by two datasets: a JME v3 exercise with exactly the participants of an MME v7
-- exercise that starts within 31 days of it is a duplicate of the closest such MME exercise (ties: lowest id).
-- Consumers that count engagements per dyad (the trust stock) skip rows whose duplicate_of is set.
CREATE OR REPLACE VIEW engagement_duplicates AS
WITH ex AS (
    SELECT engagement_id, dataset, start_date, list_sort(list_distinct(participants)) AS ps
    FROM engagements WHERE kind = 'joint_exercise' AND dataset IN ('mme_v7', 'jme_v3')
), m AS (
    SELECT j.engagement_id, x.engagement_id AS duplicate_of,
           abs(date_diff('day', x.start_date, j.start_date)) AS days_apart,
           row_number() OVER (PARTITION BY j.engagement_id
                              ORDER BY abs(date_diff('day', x.start_date, j.start_date)), x.engagement_id) AS rn
    FROM ex AS j JOIN ex AS x
      ON j.dataset = 'jme_v3' AND x.dataset = 'mme_v7' AND j.ps = x.ps
     AND abs(date_diff('day', x.start_date, j.start_date)) <= 31
)
SELECT engagement_id, duplicate_of, days_apart, 'same participants, starts within 31 days' AS rule
FROM m WHERE rn = 1;

-- engagement_dyads as in 0200, with duplicate_of appended (NULL for an engagement counted once).
CREATE OR REPLACE VIEW engagement_dyads AS
WITH p AS (
    SELECT e.engagement_id, e.kind, e.dataset, e.start_date, e.end_date, u.x AS actor
    FROM engagements e, unnest(list_distinct(e.participants)) AS u(x)
    WHERE u.x IS NOT NULL
), t AS (
    SELECT e.engagement_id, u.x AS actor
    FROM engagements e, unnest(list_distinct(coalesce(e.third_parties, []::VARCHAR[]))) AS u(x)
    WHERE u.x IS NOT NULL
), d AS (
    SELECT p1.engagement_id, p1.kind, p1.actor AS a, p2.actor AS b, p1.start_date, p1.end_date,
           'participant' AS role, p1.dataset
    FROM p AS p1 JOIN p AS p2 ON p1.engagement_id = p2.engagement_id AND p1.actor < p2.actor
    UNION ALL
    SELECT p.engagement_id, p.kind, least(p.actor, t.actor) AS a, greatest(p.actor, t.actor) AS b, p.start_date,
           p.end_date, 'third_party' AS role, p.dataset
    FROM p JOIN t ON p.engagement_id = t.engagement_id AND p.actor <> t.actor
)
SELECT d.*, x.duplicate_of
FROM d LEFT JOIN engagement_duplicates AS x USING (engagement_id);
