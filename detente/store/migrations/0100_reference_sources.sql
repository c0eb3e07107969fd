-- Reference datasets (COW state system, ATOP): actor ids resolved at load time, state-years, alliance details.
ALTER TABLE state_system ADD COLUMN actor_id VARCHAR;

-- COW system2016: one row per state-year.
CREATE TABLE state_years (
    cow       INTEGER NOT NULL,
    cowc      VARCHAR,
    year      INTEGER NOT NULL,
    actor_id  VARCHAR,
    file_id   BIGINT
);

-- ATOP alliance-level detail: the alliance's condition flags (JSON), its members at signature, source line.
ALTER TABLE alliances ADD COLUMN conditions VARCHAR;
ALTER TABLE alliances ADD COLUMN members VARCHAR;
ALTER TABLE alliances ADD COLUMN line BIGINT;
