# orders_db.sh -- sourced by the batch and verify benchmarks: a database
# with the 170 Epoch chips and their attributes (and, with CSL=FILE, a
# party list), then N orders over C customers from the yardstick's
# generator (tests/bench/baseline/gen_orders.py), imported.
#   orders_db CHIPGATE DB WORK_DIR N C
# Leaves WORK_DIR/chips.csv (chipgate's chip CSV columns, what the
# baseline reads), customers.csv and orders.csv. Needs $here (the repo).
orders_db() {
  _cg=$1 _db=$2 _work=$3 _n=$4 _c=$5
  "$_cg" --db "$_db" init --seed "$here/db/seed" >/dev/null
  "$_cg" --db "$_db" import chips "$here/db/seed/epoch_ml_hardware.csv" \
    --format epoch >/dev/null
  "$_cg" --db "$_db" import chips "$here/db/seed/chip_attributes.csv" >/dev/null
  if [ -n "${CSL:-}" ]; then
    "$_cg" --db "$_db" import parties "$CSL" --format csl-csv >/dev/null
  fi
  sqlite3 -csv -header "$_db" "SELECT name, vendor, node, die_area_mm2,
    transistors_billion, datacenter, hbm, fp64_tflops, fp32_tflops,
    tf32_tflops, fp16_tflops, bf16_tflops, fp8_tflops, fp4_tflops,
    int8_tops, int4_tops, memory_bandwidth_gbs FROM chips
    WHERE kind = 'ic' ORDER BY id" >"$_work/chips.csv"
  python3 "$here/tests/bench/baseline/gen_orders.py" "$_work/chips.csv" \
    "$_work" "$_n" "$_c"
  "$_cg" --db "$_db" import customers "$_work/customers.csv" >/dev/null
  "$_cg" --db "$_db" import orders "$_work/orders.csv" >/dev/null
}
