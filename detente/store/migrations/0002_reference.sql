-- Reference data: actors, codes, memberships, alliances, taxonomy.
CREATE TABLE actors (
    actor_id  VARCHAR PRIMARY KEY,
    kind      VARCHAR NOT NULL,        -- state, organisation
    name      VARCHAR NOT NULL,
    cow       INTEGER,
    iso3      VARCHAR,
    cameo     VARCHAR,
    gw        INTEGER,
    start     DATE,
    "end"     DATE
);

-- Every code or name a dataset uses, mapped to an actor id (system: iso3, cameo, fips, name, alias...).
CREATE TABLE actor_codes (
    code      VARCHAR NOT NULL,
    system    VARCHAR NOT NULL,
    actor_id  VARCHAR NOT NULL
);

CREATE TABLE memberships (
    organisation VARCHAR NOT NULL,
    member       VARCHAR NOT NULL,
    joined       DATE NOT NULL,
    "left"       DATE,
    source       VARCHAR
);

CREATE TABLE cameo (
    code            VARCHAR PRIMARY KEY,
    name            VARCHAR NOT NULL,
    goldstein       DOUBLE NOT NULL,
    plover_type     VARCHAR,
    plover_mode     VARCHAR,
    plover_context  VARCHAR
);

CREATE TABLE alliances (
    atopid       INTEGER PRIMARY KEY,
    name         VARCHAR,
    begin_date   DATE,
    end_date     DATE,
    bilateral    BOOLEAN,
    defense      BOOLEAN, offense BOOLEAN, neutrality BOOLEAN, nonaggression BOOLEAN, consultation BOOLEAN,
    conditional  BOOLEAN,
    file_id      BIGINT
);

CREATE TABLE alliance_members (
    atopid        INTEGER NOT NULL,
    member        VARCHAR,              -- actor id (ISO3...), NULL when the COW code has no actor
    cow           INTEGER NOT NULL,
    phase         INTEGER,
    joined        DATE,
    "left"        DATE,
    defense       BOOLEAN, offense BOOLEAN, neutrality BOOLEAN, nonaggression BOOLEAN, consultation BOOLEAN,
    conditions    VARCHAR,              -- JSON object of ATOP condition flags for this member
    file_id       BIGINT,
    line          BIGINT
);

-- COW state-system membership spans (system2016 / states2016).
CREATE TABLE state_system (
    cow       INTEGER NOT NULL,
    cowc      VARCHAR,
    name      VARCHAR,
    start     DATE NOT NULL,
    "end"     DATE,
    file_id   BIGINT
);
