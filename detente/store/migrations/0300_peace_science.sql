-- Peace-science panels for early warning (issue 4): COW MID, NMC, contiguity, major powers,
-- state-system years, ATOP dyad-years, UCDP/PRIO ACD and UCDP onsets. One row per source row
-- that was accepted; file_id/line point back to the provenance row in `files`.
CREATE TABLE mid_disputes (
    dispnum  INTEGER NOT NULL, styear INTEGER NOT NULL, stmon INTEGER, outcome INTEGER, settle INTEGER,
    fatality INTEGER, mindur INTEGER, maxdur INTEGER, hiact INTEGER, hostlev INTEGER, recip INTEGER,
    file_id  BIGINT, line BIGINT
);
-- Directed dispute dyad-years (ccode1 -> ccode2); disponset = 1 in the dyad's first year of the dispute.
CREATE TABLE mid_dyad_years (
    dispnum  INTEGER NOT NULL, ccode1 INTEGER NOT NULL, ccode2 INTEGER NOT NULL, year INTEGER NOT NULL,
    disponset INTEGER NOT NULL, sidea1 INTEGER, hostlev1 INTEGER, hostlev2 INTEGER, fatality1 INTEGER,
    orig1 INTEGER, orig2 INTEGER,
    file_id  BIGINT, line BIGINT
);
CREATE TABLE nmc (
    ccode INTEGER NOT NULL, year INTEGER NOT NULL, milex DOUBLE, milper DOUBLE, irst DOUBLE, pec DOUBLE,
    tpop DOUBLE, upop DOUBLE, cinc DOUBLE,
    file_id BIGINT, line BIGINT
);
-- Direct contiguity spans (conttype 1 land ... 5 up to 400 miles of water), both directions as in COW.
CREATE TABLE contiguity (
    ccode1 INTEGER NOT NULL, ccode2 INTEGER NOT NULL, conttype INTEGER NOT NULL,
    start_date DATE NOT NULL, end_date DATE,
    file_id BIGINT, line BIGINT
);
CREATE TABLE cow_system_years (
    ccode INTEGER NOT NULL, year INTEGER NOT NULL, stateabb VARCHAR, file_id BIGINT, line BIGINT
);
CREATE TABLE cow_majors (
    ccode INTEGER NOT NULL, start_year INTEGER NOT NULL, end_year INTEGER NOT NULL, stateabb VARCHAR,
    file_id BIGINT, line BIGINT
);
-- ATOP 5.1 non-directed alliance dyad-years (peacesciencer's extract; ccode1 < ccode2 and the reverse).
CREATE TABLE atop_dyad_years (
    ccode1 INTEGER NOT NULL, ccode2 INTEGER NOT NULL, year INTEGER NOT NULL,
    defense INTEGER, offense INTEGER, neutral INTEGER, nonagg INTEGER, consul INTEGER,
    file_id BIGINT, line BIGINT
);
-- UCDP/PRIO Armed Conflict Dataset, conflict-years (Gleditsch-Ward codes).
CREATE TABLE ucdp_conflict_years (
    conflict_id INTEGER NOT NULL, year INTEGER NOT NULL, gwno_a INTEGER, gwno_a_2nd INTEGER, gwno_b INTEGER,
    gwno_b_2nd INTEGER, incompatibility VARCHAR, intensity_level INTEGER, type_of_conflict VARCHAR,
    start_date DATE, start_date2 DATE, ep_end INTEGER, ep_end_date DATE,
    file_id BIGINT, line BIGINT
);
-- UCDP conflict onsets per country-year (Gleditsch-Ward codes): sumonsetN counts onsets after N years of peace.
CREATE TABLE ucdp_onsets (
    gwcode INTEGER NOT NULL, year INTEGER NOT NULL, sumnewconf INTEGER, sumonset1 INTEGER, sumonset2 INTEGER,
    sumonset3 INTEGER, sumonset5 INTEGER, sumonset10 INTEGER,
    file_id BIGINT, line BIGINT
);
-- Saved forecast runs (backtests): the manifest JSON; artefacts live in files beside the DuckDB file.
CREATE TABLE forecast_runs (
    run_id     VARCHAR PRIMARY KEY,
    task       VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    seed       BIGINT NOT NULL,
    manifest   JSON NOT NULL
);
