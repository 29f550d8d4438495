-- Licence numbers are compared without case on import ("d9" beside "D9"
-- is one licence said twice): an index in that collation keeps the check
-- a lookup instead of a scan per imported row.
CREATE INDEX licenses_number_nocase ON licenses(number COLLATE NOCASE);
