-- 0006 (issue 10 numbers it 0007: renumber to follow the other 0006 when
-- merging): where the items will be used and by whom. end_use_country is
-- the country of end use (NULL: the destination); end_user_hq the end
-- user's ultimate headquarters (NULL: the customer's ultimate parent's).
-- Both are ISO-2 codes of countries; decide fills the defaults.
ALTER TABLE orders ADD COLUMN end_use_country TEXT
  REFERENCES countries(code);
ALTER TABLE orders ADD COLUMN end_user_hq TEXT
  REFERENCES countries(code);
