-- 0006 (issue 10 names it 0008; migrations must be numbered without gaps):
-- items that are not bare ICs, HBM stacks, the 2022 interconnect test and
-- licence units.
--
-- A chips row is an item: an IC (kind 'ic', the default), or a board or a
-- system holding ics copies of the IC row ic_id. A board or system has no
-- metrics of its own: the rules read its IC's (4A090 follows 3A090). An
-- IC has neither ic_id nor ics; a board or system has both, and ic_id
-- names an IC (checked at import: SQLite cannot check another row).
ALTER TABLE chips ADD COLUMN kind TEXT NOT NULL DEFAULT 'ic'
  CHECK(kind IN ('ic', 'board', 'system'));
ALTER TABLE chips ADD COLUMN ic_id INTEGER REFERENCES chips(id);
ALTER TABLE chips ADD COLUMN ics INTEGER CHECK(ics > 0);
-- The item is an HBM stack (3A090.c); NULL unknown. Memory bandwidth
-- density in GB/s per mm2 of package or stack area (3A090.c Technical
-- Note); NULL unknown.
ALTER TABLE chips ADD COLUMN hbm_stack INTEGER CHECK(hbm_stack IN (0, 1));
ALTER TABLE chips ADD COLUMN hbm_density REAL CHECK(hbm_density > 0);
-- Aggregate bidirectional transfer rate to or from ICs other than volatile
-- memory, GB/s (3A090 as published in 87 FR 62186); NULL unknown.
ALTER TABLE chips ADD COLUMN interconnect_gbs REAL
  CHECK(interconnect_gbs >= 0);

-- What max_qty and license_usage.quantity count: 'item' (the unit ordered:
-- ICs, boards or systems; as before) or 'ic' (the ICs they hold).
ALTER TABLE licenses ADD COLUMN unit TEXT NOT NULL DEFAULT 'item'
  CHECK(unit IN ('item', 'ic'));
