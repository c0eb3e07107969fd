-- Stores made before issue 12 may hold `hist_engagements`, a table the historic validation created outside the
-- migrations from a second reading of the MME and SIPRI files. The series now reads `engagement_dyads` (each
-- file has one reader, the engagements importer), so the table goes.
DROP TABLE IF EXISTS hist_engagements;
