-- Rows a source lists that are simply not what the dataset is loaded for (a SIPRI dyad-year without deliveries,
-- a CWM episode without mediation) are FILTERED, not quarantined: they are not bad rows. One row per file and
-- reason with the count; a file reconciles as read = stored + duplicates + filtered + quarantined.
CREATE TABLE filtered (
    file_id  BIGINT NOT NULL,
    reason   VARCHAR NOT NULL,
    rows     BIGINT NOT NULL,
    PRIMARY KEY (file_id, reason)
);
ALTER TABLE files ADD COLUMN filtered BIGINT NOT NULL DEFAULT 0;

-- Stores loaded before: their "not an engagement" quarantine rows move here.
INSERT INTO filtered
SELECT file_id, reason, count(*) FROM quarantine WHERE reason LIKE 'not an engagement%' GROUP BY file_id, reason;
UPDATE files SET filtered = f.n, quarantined = files.quarantined - f.n
FROM (SELECT file_id, sum(rows) AS n FROM filtered GROUP BY file_id) AS f
WHERE files.file_id = f.file_id;
DELETE FROM quarantine WHERE reason LIKE 'not an engagement%';
