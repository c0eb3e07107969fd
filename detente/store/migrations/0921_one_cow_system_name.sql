-- COW's system2016.csv was listed under two dataset names: `cow-system` (the reference loader, state_years)
-- and `cow_system` (the peace-science panel, cow_system_years). One name: cow_system.
UPDATE files SET dataset = 'cow_system' WHERE dataset = 'cow-system';
