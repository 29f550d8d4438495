#!/bin/sh
# Batch benchmark (issue 5): N orders (default 1,000,000) over 500 chips
# and 20,000 customers; times `chipgate batch` with JSON output and its
# peak RSS, then a pure-SQL baseline with the sqlite3 CLI that classifies
# the same orders by TPP/PD and destination and inserts one result row per
# order. Usage: tests/bench/bench_batch.sh [BUILD_DIR] [N]
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$here/build}
n=${2:-1000000}
cg=$build/chipgate
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db=$work/bench.db
export CHIPGATE_RULES=$here/rules

"$cg" --db "$db" init --seed "$here/db/seed" >/dev/null
"$cg" --db "$db" import chips "$here/db/seed/epoch_ml_hardware.csv" --format epoch >/dev/null
"$cg" --db "$db" import chips "$here/db/seed/chip_attributes.csv" >/dev/null
if [ -n "${CSL:-}" ]; then
  "$cg" --db "$db" import parties "$CSL" --format csl-csv >/dev/null
fi
# 500 chips: the 170 Epoch chips and variants of them; 20,000 customers
# spread over 60 countries; N orders cycling through both.
sqlite3 "$db" <<SQL
INSERT INTO chips(name, vendor, node, foundry, node_nm, nonplanar,
  die_area_mm2, transistors_billion, datacenter, hbm, fp64_tflops,
  fp32_tflops, tf32_tflops, fp16_tflops, bf16_tflops, fp8_tflops,
  fp4_tflops, int8_tops, int4_tops, memory_bandwidth_gbs, source)
SELECT name || ' v' || k.v, vendor, node, foundry, node_nm, nonplanar,
  die_area_mm2, transistors_billion, datacenter, hbm, fp64_tflops * k.f,
  fp32_tflops * k.f, tf32_tflops * k.f, fp16_tflops * k.f,
  bf16_tflops * k.f, fp8_tflops * k.f, fp4_tflops * k.f, int8_tops * k.f,
  int4_tops * k.f, memory_bandwidth_gbs, 'bench'
FROM chips, (SELECT 2 AS v, 0.5 AS f UNION ALL SELECT 3, 0.8) AS k
LIMIT 330;
WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i WHERE n < 20000),
c AS (SELECT code, row_number() OVER (ORDER BY code) - 1 AS r FROM countries
      WHERE code IN ('US','DE','FR','JP','KR','TW','SG','IN','VN','SA','AE',
      'CN','HK','MO','RU','IL','MX','BR','GB','NL','SE','CH','IT','ES','PL',
      'TR','EG','PK','KZ','MY','TH','ID','PH','AU','NZ','CA','AR','CL','ZA',
      'NG','KE','MA','JO','QA','KW','BH','OM','IQ','IR','BY','MM','KH','LA',
      'MN','UZ','AM','GE','AZ','VE','CU'))
INSERT INTO customers(name, country, hq_country, parent, parent_hq_country, role)
SELECT printf('Bench Customer %05d Ltd', n), c.code, c.code,
  CASE WHEN n % 17 = 0 THEN 'Bench Parent Holdings' END,
  CASE WHEN n % 17 = 0 THEN 'CN' END, 'end_user'
FROM i JOIN c ON c.r = n % 60;
WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i WHERE n < $n)
INSERT INTO orders(order_id, customer_id, chip_id, destination, quantity,
  ship_date, end_use, role)
SELECT printf('B-%08d', n), 1 + (n * 7919) % 20000, 1 + (n * 31) % 500,
  cu.country, 1 + n % 500, '2026-11-2' || (n % 6), '', 'distributor'
FROM i JOIN customers cu ON cu.id = 1 + (n * 7919) % 20000;
SQL
cp "$db" "$work/baseline.db"
if [ -n "${BENCH_SAVE_DB:-}" ]; then
  cp "$db" "$BENCH_SAVE_DB" # for profiling: the database before the batch
fi
echo "orders: $(sqlite3 "$db" 'SELECT count(*) FROM orders'), chips: $(sqlite3 "$db" 'SELECT count(*) FROM chips'), customers: $(sqlite3 "$db" 'SELECT count(*) FROM customers')"

start=$(date +%s.%N)
/usr/bin/time -f "%M" -o "$work/rss" "$cg" --db "$db" batch --quiet \
  --out "$work/reports" --formats json
end=$(date +%s.%N)
t_batch=$(echo "$end - $start" | bc)
rss_kb=$(cat "$work/rss")

start=$(date +%s.%N)
sqlite3 "$work/baseline.db" <<'SQL'
CREATE TABLE results(order_id TEXT PRIMARY KEY, eccn TEXT, decision TEXT);
WITH t AS (
  SELECT o.order_id, o.destination AS dest, o.ship_date AS d,
    max(coalesce(fp64_tflops, 0) * 64, coalesce(fp32_tflops, 0) * 32,
        coalesce(tf32_tflops, 0) * 32, coalesce(fp16_tflops, 0) * 16,
        coalesce(bf16_tflops, 0) * 16, coalesce(fp8_tflops, 0) * 8,
        coalesce(fp4_tflops, 0) * 4, coalesce(int8_tops, 0) * 8,
        coalesce(int4_tops, 0) * 4) AS tpp, c.die_area_mm2 AS die
  FROM orders o JOIN chips c ON c.id = o.chip_id),
k AS (
  SELECT *, CASE
    WHEN tpp >= 4800 OR (tpp >= 1600 AND tpp / die >= 5.92) THEN '3A090.a'
    WHEN (tpp >= 2400 AND tpp < 4800 AND tpp / die >= 1.6 AND tpp / die < 5.92)
      OR (tpp >= 1600 AND tpp / die >= 3.2 AND tpp / die < 5.92) THEN '3A090.b'
    ELSE 'other' END AS eccn FROM t)
INSERT INTO results
SELECT order_id, eccn, CASE
  WHEN eccn = 'other' THEN 'nlr'
  WHEN EXISTS (SELECT 1 FROM country_groups g WHERE g.country = k.dest
               AND g.grp = 'D:5' AND g.valid_from <= k.d AND k.d < g.valid_to)
       OR dest = 'MO' THEN 'deny'
  WHEN EXISTS (SELECT 1 FROM country_groups g WHERE g.country = k.dest
               AND g.grp IN ('D:1', 'D:4') AND g.valid_from <= k.d
               AND k.d < g.valid_to)
       AND NOT EXISTS (SELECT 1 FROM country_groups g WHERE g.country = k.dest
               AND g.grp IN ('A:5', 'A:6') AND g.valid_from <= k.d
               AND k.d < g.valid_to) THEN 'license_required'
  ELSE 'nlr' END
FROM k;
SQL
end=$(date +%s.%N)
t_base=$(echo "$end - $start" | bc)

echo "chipgate batch (json report): ${t_batch}s, peak RSS $((rss_kb / 1024)) MB"
echo "sqlite3 baseline:            ${t_base}s"
echo "ratio batch/baseline:        $(echo "scale=2; $t_batch / $t_base" | bc)"
echo "decided: $(sqlite3 "$db" 'SELECT count(*) FROM decisions'); audit:"
"$cg" --db "$db" audit verify
