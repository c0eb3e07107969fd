-- COW's system2016.csv had two readers and two tables: the reference loader (state_years) and a peace-science
-- panel (cow_system_years). One reader and one table: state_years; the panels read it under the old name
-- (store/panels.py, PANEL_VIEWS). A store that only held the panel's copy keeps its rows.
INSERT INTO state_years (cow, cowc, year, file_id)
SELECT ccode, stateabb, year, file_id FROM cow_system_years
WHERE NOT EXISTS (SELECT 1 FROM state_years);
DROP TABLE cow_system_years;
