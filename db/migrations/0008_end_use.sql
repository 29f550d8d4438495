-- 0008: where the items will be used and by whom. end_use_country is
-- the country of end use (NULL: the destination); end_user_hq the end
-- user's ultimate headquarters (NULL: the customer's ultimate parent's).
-- Both are ISO-2 codes of countries; decide fills the defaults.
ALTER TABLE orders ADD COLUMN end_use_country TEXT
  REFERENCES countries(code);
ALTER TABLE orders ADD COLUMN end_user_hq TEXT
  REFERENCES countries(code);
