-- 0001: reference data, chips, customers, licences, orders.
-- Dates are ISO 8601 text (YYYY-MM-DD); valid_to is exclusive and
-- '9999-12-31' means open-ended.

CREATE TABLE meta(
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE countries(
  code TEXT PRIMARY KEY CHECK(length(code) = 2 AND code = upper(code)),
  name TEXT NOT NULL
) STRICT;

CREATE TABLE country_groups(
  grp        TEXT NOT NULL CHECK(grp GLOB '[A-E]:[0-9]*'),
  country    TEXT NOT NULL REFERENCES countries(code),
  valid_from TEXT NOT NULL DEFAULT '0001-01-01',
  valid_to   TEXT NOT NULL DEFAULT '9999-12-31',
  source     TEXT NOT NULL,
  PRIMARY KEY(grp, country, valid_from),
  CHECK(valid_from < valid_to)
) STRICT;
CREATE INDEX country_groups_by_country ON country_groups(country);

-- First matching pattern (lowest ord) wins.
CREATE TABLE process_nodes(
  ord       INTEGER PRIMARY KEY,
  pattern   TEXT NOT NULL,
  foundry   TEXT NOT NULL,
  nm        REAL NOT NULL CHECK(nm > 0),
  nonplanar INTEGER NOT NULL CHECK(nonplanar IN (0, 1)),
  note      TEXT NOT NULL DEFAULT ''
) STRICT;

-- Performance columns are dense peak rates in TFLOP/s or TOP/s; NULL is
-- unknown (never 0). Node fields are resolved at import from
-- process_nodes; the label is kept as given.
CREATE TABLE chips(
  id                   INTEGER PRIMARY KEY,
  name                 TEXT NOT NULL UNIQUE COLLATE NOCASE,
  vendor               TEXT,
  node                 TEXT,
  foundry              TEXT,
  node_nm              REAL CHECK(node_nm > 0),
  nonplanar            INTEGER CHECK(nonplanar IN (0, 1)),
  die_area_mm2         REAL CHECK(die_area_mm2 > 0),
  transistors_billion  REAL CHECK(transistors_billion > 0),
  datacenter           INTEGER CHECK(datacenter IN (0, 1)),
  hbm                  INTEGER CHECK(hbm IN (0, 1)),
  fp64_tflops          REAL CHECK(fp64_tflops >= 0),
  fp32_tflops          REAL CHECK(fp32_tflops >= 0),
  tf32_tflops          REAL CHECK(tf32_tflops >= 0),
  fp16_tflops          REAL CHECK(fp16_tflops >= 0),
  bf16_tflops          REAL CHECK(bf16_tflops >= 0),
  fp8_tflops           REAL CHECK(fp8_tflops >= 0),
  fp4_tflops           REAL CHECK(fp4_tflops >= 0),
  int8_tops            REAL CHECK(int8_tops >= 0),
  int4_tops            REAL CHECK(int4_tops >= 0),
  memory_bandwidth_gbs REAL CHECK(memory_bandwidth_gbs >= 0),
  source               TEXT NOT NULL DEFAULT '',
  updated_at           TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ'))
) STRICT;

CREATE TABLE customers(
  id                INTEGER PRIMARY KEY,
  name              TEXT NOT NULL UNIQUE COLLATE NOCASE,
  country           TEXT NOT NULL REFERENCES countries(code),
  hq_country        TEXT REFERENCES countries(code),
  parent            TEXT,
  parent_hq_country TEXT REFERENCES countries(code),
  address           TEXT,
  role              TEXT NOT NULL DEFAULT 'end_user'
                    CHECK(role IN ('designer', 'osat', 'distributor',
                                   'end_user'))
) STRICT;

CREATE TABLE licenses(
  id           INTEGER PRIMARY KEY,
  number       TEXT NOT NULL UNIQUE,
  customer_id  INTEGER NOT NULL REFERENCES customers(id),
  kind         TEXT NOT NULL CHECK(kind IN ('license', 'approved_ic_designer',
                 'authorized_ic_designer', 'approved_osat',
                 'policy_permission')),
  eccn         TEXT,           -- pattern; NULL = any
  chip         TEXT,           -- pattern; NULL = any
  destinations TEXT,           -- ';'-separated codes or groups; NULL = any
  max_qty      INTEGER CHECK(max_qty > 0), -- NULL = unlimited
  valid_from   TEXT NOT NULL,
  valid_to     TEXT NOT NULL,
  authority    TEXT NOT NULL DEFAULT '',
  notes        TEXT NOT NULL DEFAULT '',
  CHECK(valid_from <= valid_to)
) STRICT;

CREATE TABLE orders(
  id          INTEGER PRIMARY KEY,
  order_id    TEXT NOT NULL UNIQUE,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  chip_id     INTEGER NOT NULL REFERENCES chips(id),
  destination TEXT NOT NULL REFERENCES countries(code),
  quantity    INTEGER NOT NULL CHECK(quantity > 0),
  ship_date   TEXT NOT NULL,
  end_use     TEXT NOT NULL DEFAULT '',
  role        TEXT NOT NULL DEFAULT 'distributor'
              CHECK(role IN ('fab', 'osat', 'distributor')),
  -- Who packages the die (foundry rule, Note 1 to 3A090.a); NULL unknown.
  packager    TEXT CHECK(packager IN ('fab_outside_d5mo', 'approved_osat',
                                      'other')),
  export_from_us INTEGER CHECK(export_from_us IN (0, 1)),
  status      TEXT NOT NULL DEFAULT 'pending'
              CHECK(status IN ('pending', 'decided')),
  source      TEXT NOT NULL DEFAULT 'import',
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ'))
) STRICT;
CREATE INDEX orders_pending ON orders(status, order_id);

-- Reference training runs for workload estimates (docs/regulations.md section 9).
CREATE TABLE workloads(
  name   TEXT PRIMARY KEY,
  flop   REAL NOT NULL CHECK(flop > 0),
  source TEXT NOT NULL
) STRICT;

-- Quantity consumed from a licence by one decided order.
CREATE TABLE license_usage(
  license_id INTEGER NOT NULL REFERENCES licenses(id),
  order_id   INTEGER NOT NULL REFERENCES orders(id),
  quantity   INTEGER NOT NULL CHECK(quantity > 0),
  PRIMARY KEY(license_id, order_id)
) STRICT;
