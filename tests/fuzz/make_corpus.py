#!/usr/bin/env python3
"""make_corpus.py -- (re)builds tests/fuzz/corpus/ and tests/fuzz/dict/
from the real files in the tree: small samples, every file under 200 KB,
the whole corpus a few MB. Run from anywhere:

    python3 tests/fuzz/make_corpus.py [DECISIONS.db]

DECISIONS.db (optional) is a database made by `chipgate demo`: its
decision documents become the decision seeds (without it the decision
seeds already in the tree are kept)."""
import csv
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))
SEP = b"\n---8<---\n"
MAX = 200 * 1024


def rd(rel):
    with open(os.path.join(SRC, rel), "rb") as f:
        return f.read()


def head(data, lines):
    return b"".join(data.splitlines(keepends=True)[:lines])


def put(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    assert len(data) <= MAX, (target, name, len(data))
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def reset(target):
    """Removes the seeds made here; keeps cov-* (inputs the campaign grew
    that add coverage, merged in by hand: see README.md)."""
    d = os.path.join(HERE, "corpus", target)
    if os.path.isdir(d):
        for n in os.listdir(d):
            if not n.startswith("cov-"):
                os.remove(os.path.join(d, n))


def rules():
    reset("rules")
    files = []
    for top, _, names in sorted(os.walk(os.path.join(SRC, "rules"))):
        for n in sorted(names):
            if n.endswith(".rules"):
                files.append(os.path.relpath(os.path.join(top, n), SRC))
    files.sort()
    defs = [f for f in files if "00-definitions" in f]
    for f in files:
        base = os.path.basename(f)
        put("rules", "one-" + base, rd(f))
        if defs and f not in defs:
            put("rules", "defs-" + base, rd(defs[0]) + SEP + rd(f))
    put("rules", "pack-us-ear", SEP.join(rd(f) for f in files if "us-ear" in f))
    us = [f for f in files if "us-ear" in f]
    put("rules", "pack-all", SEP.join(rd(f) for f in us + [f for f in files if f not in us]))


def chips():
    reset("import_chips")
    seed = "db/seed/"
    put("import_chips", "epoch-full", b"E" + rd(seed + "epoch_ml_hardware.csv"))
    put("import_chips", "epoch-head", b"E" + head(rd(seed + "epoch_ml_hardware.csv"), 12))
    grid = rd("tests/data/chips/epoch_chip_dataset_grid_view.csv")
    put("import_chips", "epoch-grid-head", b"E" + head(grid, 25))
    for n in ("chip_attributes.csv", "chip_die_estimates.csv",
              "chip_hbm_stacks.csv", "chip_systems.csv"):
        put("import_chips", "own-" + n, b"C" + rd(seed + n))
    put("import_chips", "own-new",
        b"Cname,vendor,node,die_area_mm2,transistors_billion,datacenter,hbm,"
        b"int8_tops,fp16_tflops,memory_bandwidth_gbs,kind,ic,ics\n"
        b"Fuzz X1,Fuzz,TSMC N4,814,80,1,1,3958,989.5,3350,ic,,\n"
        b"Fuzz X1 board,Fuzz,,,,1,1,,,,board,Fuzz X1,8\n")


def simple(target, rel, extra=()):
    reset(target)
    data = rd(rel)
    put(target, "demo", data)
    put(target, "demo-head", head(data, 3))
    for i, x in enumerate(extra):
        put(target, "case-%d" % i, x)


def csl_csv():
    reset("csl_csv")
    put("csl_csv", "consolidated-2025", rd("tests/data/csl/csl_consolidated_sample_2025.csv"))
    put("csl_csv", "legacy-2019", rd("tests/data/csl/csl_legacy_sample_2019.csv"))
    put("csl_csv", "full-head", head(rd("tests/data/csl/csl_full_2026-07-31.csv"), 40))
    put("csl_csv", "bis-head", head(rd("db/seed/csl_bis_2026-07-31.csv"), 25))


def csl_json():
    reset("csl_json")
    raw = rd("tests/data/csl/csl_sample.json")
    put("csl_json", "sample", raw)
    doc = json.loads(raw)
    for i, r in enumerate(doc["results"][:4]):
        put("csl_json", "one-%d" % i,
            json.dumps({"total": 1, "results": [r]}).encode())
    put("csl_json", "empty", b'{"results": []}')


def ofac():
    reset("ofac")
    parts = [rd("tests/data/ofac/" + n) for n in
             ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv")]
    put("ofac", "all", SEP.join(parts))
    put("ofac", "sdn-only", parts[0])
    put("ofac", "heads", SEP.join(head(p, 3) for p in parts))


def sync_orders():
    reset("sync_orders")
    rows = list(csv.DictReader(io.StringIO(rd("db/seed/demo_orders.csv").decode())))
    def typed(r):
        o = {k: v for k, v in r.items() if v != ""}
        if "quantity" in o:
            o["quantity"] = int(o["quantity"])
        if "export_from_us" in o:
            o["export_from_us"] = o["export_from_us"] in ("1", "true", "yes")
        return o
    put("sync_orders", "array", json.dumps([typed(r) for r in rows[:10]]).encode())
    put("sync_orders", "object", json.dumps({"orders": [typed(r) for r in rows[10:16]]}, indent=1).encode())
    put("sync_orders", "strings", json.dumps(rows[:3]).encode())
    put("sync_orders", "one", json.dumps([typed(rows[0])]).encode())


def http():
    reset("http_response")
    cases = {
        "200-cl": b"HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Length: 5\r\n"
                  b"ETag: \"abc\"\r\nLast-Modified: Sat, 01 Nov 2026 10:00:00 GMT\r\n\r\na,b\n1",
        "304": b"HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n\r\n",
        "503-retry-s": b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 120\r\nContent-Length: 0\r\n\r\n",
        "429-retry-date": b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: Wed, 21 Oct 2026 07:28:00 GMT\r\n"
                          b"Content-Length: 2\r\n\r\nno",
        "chunked": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nname\r\n6\r\n,x\r\n1\n\r\n0\r\n\r\n",
        "no-cl": b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{\"results\": []}",
        "short-cl": b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly a few bytes",
        "continue": b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
        "redirect": b"HTTP/1.1 301 Moved Permanently\r\nLocation: /other\r\nContent-Length: 0\r\n\r\n",
        "410": b"HTTP/1.1 410 Gone\r\nContent-Length: 4\r\n\r\ngone",
        "weak-etag": b"HTTP/1.1 200 OK\r\nETag: W/\"x\"\r\netag: \"y\"\r\nContent-Length: 0\r\n\r\n",
        "folded": b"HTTP/1.1 200 OK\r\nX-A: a\r\n  b\r\nContent-Length: 1\r\n\r\nz",
        "http2": b"HTTP/2 200\r\ncontent-length: 1\r\n\r\nz",
        "gzip": b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 3\r\n\r\nabc",
    }
    for k, v in cases.items():
        put("http_response", k, v)


def decisions(db):
    if not db:
        return
    reset("decision")
    con = sqlite3.connect(db)
    seen = set()
    for seq, dec, doc in con.execute(
            "SELECT seq, decision, doc FROM decisions WHERE kind = 'decision' ORDER BY seq"):
        key = (dec, len(doc) // 1500)
        if key in seen:
            continue
        seen.add(key)
        put("decision", "%s-%d" % (dec, seq), doc.encode() if isinstance(doc, str) else doc)
    put("decision", "empty-object", b"{}")


def names():
    reset("names")
    rows = list(csv.reader(io.StringIO(rd("tests/data/screen_labelled.csv").decode())))
    out = []
    for r in rows[1:]:
        out.extend(x for x in r[:2] if x)
    out = sorted(set(out))[:80]
    for i, n in enumerate(out):
        put("names", "n%03d" % i, n.encode())
    extra = ["Sophgo Technologies Co., Ltd.", "O'Neil S.A.", "ＡＢＣ　Ｌｉｍｉｔｅｄ",
             "Ångström Corporation", "İstanbul Şirketi A.Ş.", "ß straße",
             "ﬁnance ﬂow", "x\u0301\u0302y", "\u00a0 Co. , Ltd .", "11420 CORP."]
    for i, n in enumerate(extra):
        put("names", "u%02d" % i, n.encode())
    put("names", "pair", b"ALICE. \x00 alice")
    put("names", "invalid", b"caf\xc3 \xff\xfe end\xe2\x82")


def dicts():
    d = os.path.join(HERE, "dict")
    os.makedirs(d, exist_ok=True)
    def write(name, words):
        with open(os.path.join(d, name + ".dict"), "w") as f:
            f.write("# %s.dict -- made by make_corpus.py\n" % name)
            for w in sorted(set(words)):
                esc = ""
                for b in w.encode():
                    c = chr(b)
                    if c in '\\"':
                        esc += "\\" + c
                    elif 32 <= b < 127:
                        esc += c
                    else:
                        esc += "\\x%02X" % b
                f.write('"%s"\n' % esc)
    # rules: every identifier and operator of the shipped pack
    words = set()
    for top, _, ns in os.walk(os.path.join(SRC, "rules")):
        for n in ns:
            if n.endswith(".rules"):
                text = open(os.path.join(top, n), encoding="utf-8").read()
                text = re.sub(r'"[^"\n]*"', " ", text)
                text = re.sub(r"#[^\n]*", " ", text)
                words.update(re.findall(r"[A-Za-z_][A-Za-z0-9_.]*", text))
    words.update(["==", "!=", "<=", ">=", "<", ">", "=", "[", "]", "(", ")", ",",
                  "/", "\"", "2026-01-01", "#", "---8<---", "\n---8<---\n"])
    write("rules", [w for w in words if len(w) <= 40])
    hdr = lambda rel: rd(rel).splitlines()[0].decode("utf-8-sig").split(",")
    write("import_chips", hdr("db/seed/epoch_ml_hardware.csv") +
          hdr("db/seed/chip_attributes.csv") +
          ["name", "vendor", "node", "kind", "ic", "ics", "board", "system", "ic",
           "hbm_stack", "hbm_density", "interconnect_gbs", "int8_tops", "fp8_tflops",
           "fp4_tflops", "int4_tops", "tf32_tflops", "bf16_tflops", "fp64_tflops",
           "E", "C", "\"", "\r\n", ",", "1e308", "-0", "nan", "inf", "TSMC N4"])
    write("import_customers", hdr("db/seed/demo_customers.csv") +
          ["end_user", "designer", "osat", "distributor", "CN", "US", "MO", "\"", ","])
    write("import_licenses", hdr("db/seed/demo_licenses.csv") +
          ["license", "approval", "exception", "BIS", "3A090\\.a", ".*", "(", "|",
           "2025-01-01", "9999-12-31", "SA;AE", "\"", ","])
    write("import_orders", hdr("db/seed/demo_orders.csv") +
          ["fab", "osat", "distributor", "fab_outside_d5mo", "approved_osat", "other",
           "true", "false", "yes", "2026-11-20", "NVIDIA H100 SXM5 80GB", "\"", ","])
    csl = hdr("tests/data/csl/csl_consolidated_sample_2025.csv") + \
        hdr("tests/data/csl/csl_legacy_sample_2019.csv")
    write("csl_csv", csl + ["Entity List (EL) - Bureau of Industry and Security",
                            "734.9(e)(1)", "\"", ",", "; "])
    jkeys = set()
    def walk(x):
        if isinstance(x, dict):
            for k, v in x.items():
                jkeys.add('"%s":' % k)
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)
    walk(json.loads(rd("tests/data/csl/csl_sample.json")))
    write("csl_json", list(jkeys) + ["null", "true", "false", "[]", "{}", "\\u0000"])
    write("ofac", ["-0- ", "\"aka\"", "\"fka\"", "\"individual\"", "\"vessel\"",
                   "\n---8<---\n", "\r\n", ",", "SDNT"])
    write("sync_orders", ['"%s":' % k for k in hdr("db/seed/demo_orders.csv")] +
          ['{"orders":', "null", "true", "false", "[]", "{}", "1e400", "-1"])
    write("http_response", ["HTTP/1.1 ", "HTTP/1.0 ", "HTTP/2 ", "200 OK", "304",
                            "\r\n", "\r\n\r\n", "Content-Length: ", "ETag: ",
                            "Last-Modified: ", "Retry-After: ", "Transfer-Encoding: chunked",
                            "Content-Type: ", "Location: ", "Connection: close",
                            "Content-Encoding: gzip", "W/\"", "GMT", "Wed, 21 Oct 2026 07:28:00 GMT"])
    jkeys.clear()
    ddir = os.path.join(HERE, "corpus", "decision")
    for n in os.listdir(ddir) if os.path.isdir(ddir) else []:
        try:
            walk(json.loads(open(os.path.join(ddir, n), "rb").read()))
        except ValueError:
            pass
    write("decision", list(jkeys) + ["null", "true", "false", "nlr", "hold", "deny",
                                     "licensed", "notify", "exception", "license_required",
                                     "1e-5", "1e15", "NaN"])


def main():
    rules()
    chips()
    simple("import_customers", "db/seed/demo_customers.csv")
    simple("import_licenses", "db/seed/demo_licenses.csv")
    simple("import_orders", "db/seed/demo_orders.csv")
    csl_csv()
    csl_json()
    ofac()
    sync_orders()
    http()
    decisions(sys.argv[1] if len(sys.argv) > 1 else None)
    names()
    dicts()
    total = 0
    for top, _, ns in os.walk(os.path.join(HERE, "corpus")):
        total += sum(os.path.getsize(os.path.join(top, n)) for n in ns)
    print("corpus: %d bytes" % total)


if __name__ == "__main__":
    main()
