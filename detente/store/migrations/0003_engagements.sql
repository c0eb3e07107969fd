-- Engagements: exercises, exchanges, dialogues, mediation, peacekeeping, agreements...
CREATE SEQUENCE IF NOT EXISTS engagement_ids START 1;
CREATE TABLE engagements (
    engagement_id  BIGINT PRIMARY KEY DEFAULT nextval('engagement_ids'),
    kind           VARCHAR NOT NULL,
    name           VARCHAR,
    start_date     DATE NOT NULL,
    end_date       DATE,
    participants   VARCHAR[] NOT NULL,
    third_parties  VARCHAR[],
    place          VARCHAR,
    track          VARCHAR NOT NULL DEFAULT 'I',
    dataset        VARCHAR NOT NULL,
    source_id      VARCHAR,
    file_id        BIGINT,
    line           BIGINT,
    attributes     JSON
);
