-- COW inter-state wars (issue 12: the simulator's calibration reads the store, not the files).
-- Directed war dyad-years (cow_war_inter.rda, peacesciencer's extract): cowinteronset = 1 in the dyad's first year.
CREATE TABLE war_dyad_years (
    warnum INTEGER NOT NULL, ccode1 INTEGER NOT NULL, ccode2 INTEGER NOT NULL, year INTEGER NOT NULL,
    cowinteronset INTEGER NOT NULL, batdeath1 DOUBLE, batdeath2 DOUBLE,
    file_id BIGINT, line BIGINT
);
-- War participants (Inter-StateWarData v4.0): battle deaths per state, side and spell; -8/-9 mean unknown.
CREATE TABLE war_participants (
    warnum INTEGER NOT NULL, ccode INTEGER NOT NULL, side INTEGER, start_year INTEGER, batdeath DOUBLE,
    file_id BIGINT, line BIGINT
);
