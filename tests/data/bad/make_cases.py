#!/usr/bin/env python3
"""Writes the bad-input catalogue: one folder per case under
tests/data/bad/ (see README.md). Run from anywhere; it rewrites every
case folder it knows (the catalogue is this file; the folders are its
output, committed so the test needs no Python)."""
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = []

CUST_H = "name,country,hq_country,parent,parent_hq_country,address,role\n"
LIC_H = ("number,customer,kind,eccn,chip,destinations,max_qty,valid_from,"
         "valid_to,authority,notes\n")
ORD_H = ("order_id,customer,chip,destination,quantity,ship_date,end_use,"
         "role,packager,export_from_us\n")
ORD_OK = ("O-9001,Nordic AI Cloud AB,NVIDIA H100 SXM5 80GB,SE,10,2026-11-20,"
          ",distributor,,\n")
CSL_H = ("_id,source,entity_number,type,programs,name,title,addresses,"
         "federal_register_notice,start_date,end_date,standard_order,"
         "license_requirement,license_policy,call_sign,vessel_type,"
         "gross_tonnage,gross_registered_tonnage,vessel_flag,vessel_owner,"
         "remarks,source_list_url,alt_names,citizenships,dates_of_birth,"
         "nationalities,places_of_birth,source_information_url,ids\n")


def csl_row(id_, name, source="Entity List (EL) - Bureau of Industry and "
            "Security", extra_cols=0):
    cols = [id_, source, "", "", "", name] + [""] * (23 + extra_cols)
    return ",".join('"%s"' % c for c in cols) + "\n"


def case(name, why, args, exit_, stderr, files=None, db=None, stdout=None):
    CASES.append((name, why, args, exit_, stderr, files or {}, db, stdout))


LINT_ERR = r'rules: 1 error; the pack is not used'


def rcase(name, why, stdout, files):
    """A broken rule pack: rules lint prints each diagnostic on stdout
    (file:line:col: what) and the verdict on stderr."""
    case(name, why, "--rules {dir}/rules rules lint", 65, LINT_ERR, files,
         stdout=stdout)


def epoch_header():
    with open(os.path.join(HERE, "..", "..", "..", "db", "seed",
                           "epoch_ml_hardware.csv"), encoding="utf-8") as f:
        return f.readline()


def epoch_row(name, **over):
    h = epoch_header().rstrip("\n").split(",")
    # the header has quoted names with commas? no: plain names
    row = [""] * len(h)
    row[0] = name
    row[1] = "Acme"
    for k, v in over.items():
        row[int(k[1:])] = v
    return ",".join(row) + "\n"


def build():
    E = epoch_header()
    # ---------------- chips, chipgate CSV ----------------
    case("chips-csv-no-name-column", "chips CSV without the name column",
         "import chips {dir}/in.csv", 65,
         r'in\.csv:1: missing required column "name"',
         {"in.csv": "vendor,node\nAcme,N5\n"})
    case("chips-csv-unknown-column", "chips CSV with an unknown column",
         "import chips {dir}/in.csv", 65,
         r'in\.csv:1: unknown column "tflops"',
         {"in.csv": "name,tflops\nX1,5\n"})
    case("chips-csv-duplicate-header", "a column named twice in the header",
         "import chips {dir}/in.csv", 65, r'in\.csv:1: .*vendor.*twice|'
         r'in\.csv:1: .*duplicate.*vendor',
         {"in.csv": "name,vendor,vendor\nX1,A,B\n"})
    case("chips-csv-empty-file", "an empty file", "import chips {dir}/in.csv",
         65, r'in\.csv.*empty|in\.csv:1: .*header',
         {"in.csv": ""})
    case("chips-csv-header-only", "a header and no rows",
         "import chips {dir}/in.csv", 65, r'in\.csv.*no (data )?rows',
         {"in.csv": "name,vendor\n"})
    case("chips-csv-negative-die", "a negative die area",
         "import chips {dir}/in.csv", 65, r'in\.csv:2: .*die_area_mm2',
         {"in.csv": "name,die_area_mm2\nX1,-5\n"})
    case("chips-csv-zero-die", "a zero die area",
         "import chips {dir}/in.csv", 65,
         r'in\.csv:3: die_area_mm2 must be positive',
         {"in.csv": "name,die_area_mm2\nX1,10\nX2,0\n"})
    case("chips-csv-nan", "NaN as a number", "import chips {dir}/in.csv", 65,
         r'in\.csv:2: .*fp16_tflops.*(not a number|NaN|nan)',
         {"in.csv": "name,fp16_tflops\nX1,NaN\n"})
    case("chips-csv-huge", "1e400 overflows a double",
         "import chips {dir}/in.csv", 65, r'in\.csv:2: .*fp16_tflops',
         {"in.csv": "name,fp16_tflops\nX1,1e400\n"})
    case("chips-csv-bad-bool", "datacenter is neither 0/1 nor yes/no",
         "import chips {dir}/in.csv", 65, r'in\.csv:2: .*datacenter',
         {"in.csv": "name,datacenter\nX1,maybe\n"})
    case("chips-csv-conflicting-duplicate",
         "the same chip twice with different values (issue 12 defect)",
         "import chips {dir}/in.csv", 65,
         r'in\.csv:3: chip "x1" is also on line 2 with different values',
         {"in.csv": "name,die_area_mm2\nX1,100\nx1,200\n"})
    case("chips-csv-board-unknown-ic", "a board holding an unknown IC",
         "import chips {dir}/in.csv", 65,
         r'in\.csv:2: ic: unknown chip "No Such IC" \(import the IC first',
         {"in.csv": "name,kind,ic,ics\nB1,board,No Such IC,8\n"})
    case("chips-csv-board-zero-ics", "a board holding 0 ICs",
         "import chips {dir}/in.csv", 65, r'in\.csv:2: ics: ',
         {"in.csv": "name,kind,ic,ics\nB1,board,NVIDIA B200,0\n"})
    case("chips-csv-bad-kind", "kind is not ic, board or system",
         "import chips {dir}/in.csv", 65,
         r'in\.csv:2: kind: "rack" is not ic, board or system',
         {"in.csv": "name,kind\nB1,rack\n"})
    case("chips-csv-quote-open", "a quote left open to the end of the file",
         "import chips {dir}/in.csv", 65, r'in\.csv:2: .*quot',
         {"in.csv": 'name,vendor\n"X1,Acme\nX2,Acme\n'})
    case("chips-csv-nul-byte", "a NUL byte inside a field",
         "import chips {dir}/in.csv", 65, r'in\.csv:2: .*(NUL|nul)',
         {"in.csv": b"name,vendor\nX1,Ac\x00me\n"})
    case("chips-csv-bad-utf8", "a name that is not UTF-8",
         "import chips {dir}/in.csv", 65, r'in\.csv:2: .*UTF-8',
         {"in.csv": b"name,vendor\nX\xff1,Acme\n"})
    case("chips-csv-over-long-field", "a 70,000-byte field",
         "import chips {dir}/in.csv", 65, r'in\.csv:2: .*(long|large|bytes)',
         {"in.csv": "name,vendor\nX1," + "a" * 70000 + "\n"})
    case("chips-csv-wrong-field-count", "a row with more fields than the header",
         "import chips {dir}/in.csv", 65, r'in\.csv:3: .*(field|column)',
         {"in.csv": "name,vendor\nX1,A\nX2,B,C\n"})
    # ---------------- chips, Epoch ----------------
    case("chips-epoch-missing-column", "an Epoch file without the FP64 column",
         "import chips {dir}/in.csv --format epoch", 65,
         r'in\.csv:1: missing Epoch column "FP64',
         {"in.csv": "Hardware name,Manufacturer\nX1,Acme\n"})
    case("chips-epoch-chipgate-csv", "chipgate's CSV given as Epoch",
         "import chips {dir}/in.csv --format epoch", 65,
         r'in\.csv:1: missing Epoch column .*ml_hardware',
         {"in.csv": "name,vendor\nX1,Acme\n"})
    case("chips-epoch-bad-number", "letters in an Epoch rate column",
         "import chips {dir}/in.csv --format epoch", 65,
         r'in\.csv:2: .*FP64',
         {"in.csv": E + epoch_row("X1", c6="fast")})
    case("chips-epoch-duplicate", "one Epoch chip twice with different rates",
         "import chips {dir}/in.csv --format epoch", 65,
         r'in\.csv:3: chip "X1" is also on line 2',
         {"in.csv": E + epoch_row("X1", c6="1e12") + epoch_row("X1", c6="2e12")})
    case("chips-epoch-bom-crlf",
         "a UTF-8 BOM and CRLF lines are read; the bad rate on line 2 is named",
         "import chips {dir}/in.csv --format epoch", 65, r'in\.csv:2: .*FP64',
         {"in.csv": "\ufeff" + (E + epoch_row("X1", c6="-1")).replace("\n", "\r\n")})
    case("chips-bad-format", "--format that no chip importer knows",
         "import chips {dir}/in.csv --format xlsx", 64,
         r'import chips: --format must be csv or epoch',
         {"in.csv": "name\nX1\n"})
    # ---------------- customers ----------------
    case("customers-missing-country-column", "no country column",
         "import customers {dir}/in.csv", 65, r'in\.csv:1: .*country',
         {"in.csv": "name,address\nAcme,Here\n"})
    case("customers-unknown-country", "a country code that does not exist",
         "import customers {dir}/in.csv", 65, r'in\.csv:2: .*country.*"XX"',
         {"in.csv": CUST_H + "Acme,XX,,,,,\n"})
    case("customers-alpha3-country", "an alpha-3 country code (any case)",
         "import customers {dir}/in.csv", 65, r'in\.csv:2: .*country.*"deu"',
         {"in.csv": CUST_H + "Acme,deu,,,,,\n"})
    case("customers-bad-role", "a role that is not one of the four",
         "import customers {dir}/in.csv", 65,
         r'in\.csv:2: role: "wholesaler" is not designer',
         {"in.csv": CUST_H + "Acme,DE,,,,,wholesaler\n"})
    case("customers-parent-hq-without-parent", "parent_hq_country alone",
         "import customers {dir}/in.csv", 65,
         r'in\.csv:2: parent_hq_country given without a parent',
         {"in.csv": CUST_H + "Acme,DE,,,CN,,\n"})
    case("customers-empty-name", "a row without a name",
         "import customers {dir}/in.csv", 65, r'in\.csv:3: name is empty',
         {"in.csv": CUST_H + "Acme,DE,,,,,\n  ,DE,,,,,\n"})
    case("customers-conflicting-duplicate",
         "one customer twice, in two countries (issue 12 defect)",
         "import customers {dir}/in.csv", 65,
         r'in\.csv:4: customer "ACME GmbH" is also on line 2 with different',
         {"in.csv": CUST_H + "Acme GmbH,DE,,,,,\nBeta,FR,,,,,\nACME GmbH,CN,,,,,\n"})
    case("customers-over-long-name", "a 600-byte name",
         "import customers {dir}/in.csv", 65,
         r'in\.csv:2: name: longer than 511 bytes',
         {"in.csv": CUST_H + "A" * 600 + ",DE,,,,,\n"})
    case("customers-header-only", "a header and no rows",
         "import customers {dir}/in.csv", 65, r'in\.csv.*no (data )?rows',
         {"in.csv": CUST_H})
    case("customers-crlf-bad-country", "CRLF lines; the bad code on line 3",
         "import customers {dir}/in.csv", 65, r'in\.csv:3: .*"ZZ"',
         {"in.csv": (CUST_H + "Acme,DE,,,,,\nBeta,ZZ,,,,,\n").replace("\n", "\r\n")})
    case("customers-bom-bad-country", "a BOM before the header; the bad code on line 2",
         "import customers {dir}/in.csv", 65,
         r'in\.csv:2: country: unknown country code "XX"',
         {"in.csv": b"\xef\xbb\xbfname,country\nAcme,XX\n"})
    case("orders-blank-lines-line-numbers", "blank lines count: the bad row is line 5",
         "import orders {dir}/in.csv", 65, r'in\.csv:5: 7 fields, the header has 6',
         {"in.csv": "order_id,customer,chip,destination,quantity,ship_date\n"
          "O-9001,Nordic AI Cloud AB,NVIDIA B200,SE,5,2026-02-10\n\n\n"
          "O-9002,Nordic AI Cloud AB,NVIDIA B200,SE,5,2026-02-10,extra\n"})
    case("customers-missing-file", "a file that does not exist",
         "import customers {dir}/nope.csv", 66,
         r'nope\.csv: No such file or directory')
    # ---------------- licences ----------------
    case("licenses-unknown-customer", "a licence for a customer not imported",
         "import licenses {dir}/in.csv", 65,
         r'in\.csv:2: customer: unknown customer "Nobody Ltd"',
         {"in.csv": LIC_H + "L1,Nobody Ltd,license,,,CN,10,2026-01-01,2026-12-31,BIS,\n"})
    case("licenses-bad-date", "2026-02-30 is not a date",
         "import licenses {dir}/in.csv", 65,
         r'in\.csv:2: valid_from.*2026-02-30',
         {"in.csv": LIC_H + "L1,Nordic AI Cloud AB,license,,,SE,10,2026-02-30,2026-12-31,BIS,\n"})
    case("licenses-to-before-from", "valid_to before valid_from",
         "import licenses {dir}/in.csv", 65,
         r'in\.csv:2: valid_to 2026-01-01 is before valid_from 2026-06-01',
         {"in.csv": LIC_H + "L1,Nordic AI Cloud AB,license,,,SE,10,2026-06-01,2026-01-01,BIS,\n"})
    case("licenses-zero-qty", "max_qty 0 on a licence",
         "import licenses {dir}/in.csv", 65, r'in\.csv:2: max_qty',
         {"in.csv": LIC_H + "L1,Nordic AI Cloud AB,license,,,SE,0,2026-01-01,2026-12-31,BIS,\n"})
    case("licenses-huge-qty", "max_qty beyond the limit",
         "import licenses {dir}/in.csv", 65, r'in\.csv:2: max_qty',
         {"in.csv": LIC_H + "L1,Nordic AI Cloud AB,license,,,SE,99999999999999999999,2026-01-01,2026-12-31,BIS,\n"})
    case("licenses-bad-kind", "a kind that is not one of the five",
         "import licenses {dir}/in.csv", 65, r'in\.csv:2: kind: "permit"',
         {"in.csv": LIC_H + "L1,Nordic AI Cloud AB,permit,,,SE,10,2026-01-01,2026-12-31,BIS,\n"})
    case("licenses-bad-regex", "an ECCN pattern that is not a regex",
         "import licenses {dir}/in.csv", 65, r'in\.csv:2: eccn',
         {"in.csv": LIC_H + "L1,Nordic AI Cloud AB,license,3A090(,,SE,10,2026-01-01,2026-12-31,BIS,\n"})
    case("licenses-unknown-destination", "a destination that is no country or group",
         "import licenses {dir}/in.csv", 65, r'in\.csv:2: .*destinations.*QQ',
         {"in.csv": LIC_H + "L1,Nordic AI Cloud AB,license,,,QQ,10,2026-01-01,2026-12-31,BIS,\n"})
    case("licenses-no-destination", "a licence for everywhere",
         "import licenses {dir}/in.csv", 65,
         r'in\.csv:2: destinations is empty',
         {"in.csv": LIC_H + "L1,Nordic AI Cloud AB,license,,,,10,2026-01-01,2026-12-31,BIS,\n"})
    case("licenses-conflicting-duplicate",
         "one licence number twice with different quantities (issue 12 defect)",
         "import licenses {dir}/in.csv", 65,
         r'in\.csv:3: licence "L1" is also on line 2 with different values',
         {"in.csv": LIC_H + "L1,Nordic AI Cloud AB,license,,,SE,10,2026-01-01,2026-12-31,BIS,\n"
          "L1,Nordic AI Cloud AB,license,,,SE,900,2026-01-01,2026-12-31,BIS,\n"})
    case("licenses-case-twin-in-file",
         "d9 beside D9 in one file: one licence said twice, quantities differ",
         "import licenses {dir}/in.csv", 65,
         r'in\.csv:3: number: "l1" differs only in case from licence "L1" on file',
         {"in.csv": LIC_H + "L1,Nordic AI Cloud AB,license,,,SE,10,2026-01-01,2026-12-31,BIS,\n"
          "l1,Nordic AI Cloud AB,license,,,SE,900,2026-01-01,2026-12-31,BIS,\n"})
    case("licenses-case-twin-on-file",
         "d1000001 when D1000001 is on file (a second licence that looks the same)",
         "import licenses {dir}/in.csv", 65,
         r'in\.csv:2: number: "d1000001" differs only in case from licence "D1000001" on file',
         {"in.csv": LIC_H + "d1000001,Nordic AI Cloud AB,license,,,SE,10,2026-01-01,2026-12-31,BIS,\n"})
    case("licenses-bom-mid-file",
         "a byte-order mark before a licence number in the second row",
         "import licenses {dir}/in.csv", 65,
         r'in\.csv:3: number: invisible or control character U\+FEFF at byte 1',
         {"in.csv": LIC_H + "L1,Nordic AI Cloud AB,license,,,SE,10,2026-01-01,2026-12-31,BIS,\n"
          "\ufeffL1,Nordic AI Cloud AB,license,,,SE,900,2026-01-01,2026-12-31,BIS,\n"})
    case("customers-bidi-override",
         "a right-to-left override hidden in a customer name",
         "import customers {dir}/in.csv", 65,
         r'in\.csv:2: name: invisible or control character U\+202E at byte 5',
         {"in.csv": "name,country\nAcme\u202eoC,DE\n"})
    case("licenses-missing-required-column", "no valid_to column",
         "import licenses {dir}/in.csv", 65, r'in\.csv:1: .*valid_to',
         {"in.csv": "number,customer,kind,valid_from\nL1,Nordic AI Cloud AB,license,2026-01-01\n"})
    # ---------------- orders ----------------
    case("orders-unknown-chip", "an order for a chip not imported",
         "import orders {dir}/in.csv", 65, r'in\.csv:2: unknown chip "Z9000"',
         {"in.csv": ORD_H + "O-9001,Nordic AI Cloud AB,Z9000,SE,10,2026-11-20,,distributor,,\n"})
    case("orders-unknown-customer", "an order for a customer not imported",
         "import orders {dir}/in.csv", 65, r'in\.csv:2: unknown customer "Nobody"',
         {"in.csv": ORD_H + "O-9001,Nobody,NVIDIA B200,SE,10,2026-11-20,,distributor,,\n"})
    case("orders-unknown-destination", "destination XX",
         "import orders {dir}/in.csv", 65, r'in\.csv:2: .*destination.*"XX"',
         {"in.csv": ORD_H + "O-9001,Nordic AI Cloud AB,NVIDIA B200,XX,10,2026-11-20,,distributor,,\n"})
    case("orders-negative-qty", "quantity -5",
         "import orders {dir}/in.csv", 65, r'in\.csv:2: quantity',
         {"in.csv": ORD_H + "O-9001,Nordic AI Cloud AB,NVIDIA B200,SE,-5,2026-11-20,,distributor,,\n"})
    case("orders-fraction-qty", "quantity 1.5",
         "import orders {dir}/in.csv", 65, r'in\.csv:2: quantity',
         {"in.csv": ORD_H + "O-9001,Nordic AI Cloud AB,NVIDIA B200,SE,1.5,2026-11-20,,distributor,,\n"})
    case("orders-feb-30", "ship_date 2026-02-30",
         "import orders {dir}/in.csv", 65, r'in\.csv:2: ship_date.*2026-02-30',
         {"in.csv": ORD_H + "O-9001,Nordic AI Cloud AB,NVIDIA B200,SE,5,2026-02-30,,distributor,,\n"})
    case("orders-bad-role", "role retailer",
         "import orders {dir}/in.csv", 65, r'in\.csv:2: role',
         {"in.csv": ORD_H + "O-9001,Nordic AI Cloud AB,NVIDIA B200,SE,5,2026-02-10,,retailer,,\n"})
    case("orders-bad-from-us", "export_from_us perhaps",
         "import orders {dir}/in.csv", 65, r'in\.csv:2: export_from_us',
         {"in.csv": ORD_H + "O-9001,Nordic AI Cloud AB,NVIDIA B200,SE,5,2026-02-10,,distributor,,perhaps\n"})
    case("orders-id-too-long", "a 200-byte order id (issue 12 defect)",
         "import orders {dir}/in.csv", 65,
         r'in\.csv:2: order_id: longer than 127 bytes',
         {"in.csv": ORD_H + "O" * 200 + ",Nordic AI Cloud AB,NVIDIA B200,SE,5,2026-02-10,,distributor,,\n"})
    case("orders-conflicting-duplicate", "one order id twice, different quantities",
         "import orders {dir}/in.csv", 65,
         r'in\.csv:3: order O-9001 already exists with different content',
         {"in.csv": ORD_H + ORD_OK + ORD_OK.replace(",10,", ",11,")})
    case("orders-conflicts-with-stored", "an order id the database holds, changed",
         "import orders {dir}/in.csv", 65,
         r'in\.csv:2: order O-1001 already exists with different content',
         {"in.csv": ORD_H + "O-1001,Nordic AI Cloud AB,NVIDIA H100 SXM5 80GB,SE,999,2026-11-20,LLM training cluster,distributor,,\n"})
    case("orders-missing-column", "no quantity column",
         "import orders {dir}/in.csv", 65, r'in\.csv:1: .*quantity',
         {"in.csv": "order_id,customer,chip,destination,ship_date\nO-9001,Nordic AI Cloud AB,NVIDIA B200,SE,2026-02-10\n"})
    case("orders-bad-utf8-customer", "a customer name that is not UTF-8",
         "import orders {dir}/in.csv", 65, r'in\.csv:2: .*UTF-8',
         {"in.csv": (ORD_H + "O-9001,Nordic AI Cl\xffud AB,NVIDIA B200,SE,5,2026-02-10,,distributor,,\n").encode("latin-1")})
    # ---------------- parties: CSL CSV ----------------
    case("csl-csv-no-name-column", "a CSL file without the name column",
         "import parties {dir}/in.csv --format csl-csv", 65,
         r'in\.csv:1: .*name',
         {"in.csv": "_id,source\n1,Entity List\n"})
    case("csl-csv-empty-name", "an entry without a name",
         "import parties {dir}/in.csv --format csl-csv", 65,
         r'in\.csv:3: .*name',
         {"in.csv": CSL_H + csl_row("a1", "Acme Ltd") + csl_row("a2", "")})
    case("csl-csv-wrong-field-count", "a row one field short",
         "import parties {dir}/in.csv --format csl-csv", 65,
         r'in\.csv:3: 6 columns, expected 29',
         {"in.csv": CSL_H + csl_row("a1", "Acme Ltd") + '"a2","EL","","","","Beta"\n'})
    case("csl-csv-header-only", "a CSL file with no entries",
         "import parties {dir}/in.csv --format csl-csv", 65,
         r'in\.csv.*(no (data )?rows|no entries|empty)',
         {"in.csv": CSL_H})
    case("csl-csv-quote-open", "a quote left open",
         "import parties {dir}/in.csv --format csl-csv", 65,
         r'in\.csv:3: malformed CSV',
         {"in.csv": CSL_H + csl_row("a1", "Acme Ltd") + '"a2,"EL\n'})
    case("csl-csv-bad-utf8", "an entry name that is not UTF-8",
         "import parties {dir}/in.csv --format csl-csv", 65,
         r'in\.csv:2: .*UTF-8',
         {"in.csv": (CSL_H + csl_row("a1", "Acme \xff Ltd")).encode("latin-1")})
    case("csl-csv-shrinks", "a list far shorter than the one in use",
         "import parties {dir}/in.csv --format csl-csv --source bis", 65,
         r'(shr[ia]nk|--force)',
         {"in.csv": CSL_H + csl_row("a1", "Acme Ltd")})
    # ---------------- parties: CSL JSON ----------------
    case("csl-json-not-object", "a JSON array where an object belongs",
         "import parties {dir}/in.json --format csl-json", 65,
         r'in\.json: not a CSL JSON document: no "results" array',
         {"in.json": "[1, 2, 3]\n"})
    case("csl-json-no-results", "an object without results",
         "import parties {dir}/in.json --format csl-json", 65,
         r'in\.json.*results',
         {"in.json": '{"total": 0}\n'})
    case("csl-json-results-not-array", "results is a string",
         "import parties {dir}/in.json --format csl-json", 65,
         r'in\.json.*results',
         {"in.json": '{"results": "none"}\n'})
    case("csl-json-name-not-string", "an entry whose name is a number",
         "import parties {dir}/in.json --format csl-json", 65,
         r'in\.json: results\[0\]\.name: expected a string or an array of strings, got a number',
         {"in.json": '{"results": [{"id": "a1", "source": "Entity List", "name": 42}]}\n'})
    case("csl-json-truncated", "a document cut in the middle",
         "import parties {dir}/in.json --format csl-json", 65,
         r'in\.json:1:\d+: premature end of input',
         {"in.json": '{"results": [{"id": "a1", "source": "Entity List", "name": "Ac'})
    case("csl-json-short-of-total", "fewer results than the API's own total",
         "import parties {dir}/in.json --format csl-json", 65,
         r'in\.json: the document says "total": 3 but holds 1 results: '
         r'incomplete, not imported',
         {"in.json": '{"total": 3, "results": [{"id": "a1", "source": '
                     '"Entity List", "name": "Acme"}]}\n'})
    case("csl-json-deep-nesting", "100,000 nested arrays",
         "import parties {dir}/in.json --format csl-json", 65,
         r'in\.json:1:\d+: maximum parsing depth reached',
         {"in.json": '{"results": ' + "[" * 100000 + "]" * 100000 + "}\n"})
    case("csl-json-empty-file", "an empty file",
         "import parties {dir}/in.json --format csl-json", 65,
         r"in\.json:1:0: '\[' or '\{' expected near end of file",
         {"in.json": ""})
    case("csl-json-bad-utf8", "a name that is not UTF-8",
         "import parties {dir}/in.json --format csl-json", 65,
         r'in\.json:1:\d+: unable to decode byte 0xff',
         {"in.json": ('{"results": [{"id": "a1", "source": "Entity List", "name": "Ac\xffme"}]}\n').encode("latin-1")})
    case("csl-json-addresses-wrong-type", "addresses is a number",
         "import parties {dir}/in.json --format csl-json", 65,
         r'in\.json: results\[0\]\.addresses: expected a string or an array of strings, got a number',
         {"in.json": '{"results": [{"id": "a1", "source": "Entity List", "name": "Acme", "addresses": 5}]}\n'})
    # ---------------- parties: OFAC ----------------
    ofac_ok = {
        "sdn.csv": '10278,"LOGAN MOREY, Elvis Angus","individual","SDNT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n',
        "add.csv": '10278,13948,-0- ,-0- ,-0- ,-0- \r\n',
        "alt.csv": '10416,10278,"aka","KARADH AL-HASSAN",-0- \r\n',
        "sdn_comments.csv": '',
    }
    f = dict(ofac_ok)
    del f["alt.csv"]
    case("ofac-missing-alt", "sdn.csv without alt.csv beside it",
         "import parties {dir}/sdn.csv --format ofac", 66,
         r'OFAC file set incomplete \(alt\.csv\): .*alt\.csv: No such file', f)
    f = dict(ofac_ok)
    f["sdn.csv"] = '10278,"LOGAN MOREY","individual"\r\n'
    case("ofac-short-row", "an SDN row with 3 fields, not 12",
         "import parties {dir}/sdn.csv --format ofac", 65, r'sdn\.csv:1: 3 columns, expected 12', f)
    f = dict(ofac_ok)
    f["sdn.csv"] = ('abc,"LOGAN MOREY","individual","SDNT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n')
    case("ofac-bad-id", "an SDN entry number that is not a number",
         "import parties {dir}/sdn.csv --format ofac", 65, r'sdn\.csv:1: ent_num "abc" is not a number', f)
    f = dict(ofac_ok)
    f["alt.csv"] = '10416,10278,"aka"\r\n'
    case("ofac-alt-short-row", "an alias row with 3 fields, not 5",
         "import parties {dir}/sdn.csv --format ofac", 65,
         r'alt\.csv:1: 3 columns, expected 5', f)
    f = dict(ofac_ok)
    f["sdn.csv"] = ""
    case("ofac-empty-sdn", "an empty sdn.csv",
         "import parties {dir}/sdn.csv --format ofac", 65,
         r'sdn\.csv: no entries', f)
    # ---------------- rule files ----------------
    R = "rule T.one\n  title \"t\"\n  cite \"c\"\n"
    rcase("rules-syntax-error", "an expression cut short",
          r"a\.rules:5:3: expected a fact, literal, list, '\(' or function, got 'then'",
          {"rules/a.rules": R + "  when chip.tpp >=\n  then hold \"x\"\n"})
    rcase("rules-unknown-fact", "a fact no chipgate order has",
          r"a\.rules:4:\d+: .*unknown fact 'chip\.colour'",
          {"rules/a.rules": R + "  when chip.colour == \"red\"\n  then hold \"x\"\n"})
    rcase("rules-bad-threshold", "a number compared with a country",
          r'a\.rules:4:13: type mismatch: cannot compare country with number',
          {"rules/a.rules": R + "  when dest >= 4800\n  then hold \"x\"\n"})
    rcase("rules-duplicate-id", "the same rule id twice",
          r"a\.rules:6:\d+: duplicate rule id 'T\.one': first defined at .*a\.rules:1",
          {"rules/a.rules": R + "  when chip.tpp >= 1\n  then hold \"x\"\n" + R + "  when chip.tpp >= 2\n  then hold \"y\"\n"})
    rcase("rules-relieves-unknown", "relieves a rule that does not exist",
          r"a\.rules:5:\d+: relieves unknown rule 'T\.nowhere'",
          {"rules/a.rules": R + "  when chip.tpp >= 1\n  then exception \"x\" relieves T.nowhere\n"})
    rcase("rules-missing-cite", "a rule without cite",
          r"a\.rules:1:\d+: rule T\.one: missing 'cite'",
          {"rules/a.rules": "rule T.one\n  title \"t\"\n  when chip.tpp >= 1\n  then hold \"x\"\n"})
    rcase("rules-missing-then", "a rule without an action",
          r"a\.rules:1:\d+: rule T\.one: missing 'then'",
          {"rules/a.rules": R + "  when chip.tpp >= 1\n"})
    rcase("rules-bad-date", "effective 2026-02-30",
          r'a\.rules:4:\d+: .*2026-02-30',
          {"rules/a.rules": R + "  effective 2026-02-30\n  when chip.tpp >= 1\n  then hold \"x\"\n"})
    rcase("rules-unknown-placeholder", "a reason naming an unknown fact",
          r"a\.rules:1:\d+: .*unknown fact '\{chip\.nope\}' in reason",
          {"rules/a.rules": R + "  when chip.tpp >= 1\n  then hold \"x {chip.nope}\"\n"})
    rcase("rules-bad-regex", "a regex that does not compile",
          r'a\.rules:4:\d+: .*(regex|pattern)',
          {"rules/a.rules": R + "  when chip.name matches /([a-z/\n  then hold \"x\"\n"})
    rcase("rules-bad-utf8", "a rule file that is not UTF-8",
          r'a\.rules:\d+(:\d+)?: .*UTF-8',
          {"rules/a.rules": (R + "  when chip.tpp >= 1\n  then hold \"x\xff\"\n").encode("latin-1")})
    rcase("rules-nul-byte", "a NUL byte in a rule file",
          r'a\.rules:\d+(:\d+)?: .*(NUL|nul)',
          {"rules/a.rules": (R + "  when chip.tpp >= 1\n  then hold \"x\x00\"\n").encode("latin-1")})
    rcase("rules-string-open", "a string left open",
          r'a\.rules:5:\d+: .*(string|quote)',
          {"rules/a.rules": R + "  when chip.tpp >= 1\n  then hold \"x\n"})
    case("rules-empty-dir", "a rules folder with no .rules file",
         "--rules {dir}/rules rules lint", 65,
         r'rules: .*rules-empty-dir/rules: no \*\.rules files in the pack',
         {"rules/README": "nothing here\n"})
    case("rules-missing-dir", "a rules folder that does not exist",
         "--rules {dir}/nowhere rules lint", 66,
         r'rules: .*/nowhere: no such rules directory')
    rcase("rules-deep-nesting", "a condition nested 10,000 parentheses deep",
          r'a\.rules:\d+:\d+: .*(deep|nest)',
          {"rules/a.rules": R + "  when " + ("(" * 100 + "\n") * 100 +
           "chip.tpp >= 1\n" + (")" * 100 + "\n") * 100 + "  then hold \"x\"\n"})
    case("rules-check-uses-bad-pack", "check refuses to decide under a broken pack",
         "--rules {dir}/rules check --chip \"NVIDIA B200\" --customer \"Nordic AI Cloud AB\" --dest SE", 65,
         r"a\.rules:4:\d+: .*unknown fact",
         {"rules/a.rules": R + "  when chip.colour == \"red\"\n  then hold \"x\"\n"})
    # ---------------- CLI options ----------------
    CK = "check --chip \"NVIDIA B200\" --customer \"Nordic AI Cloud AB\" --dest SE"
    case("cli-unknown-command", "a command that does not exist", "frobnicate", 64,
         r'unknown command "frobnicate"')
    case("cli-unknown-option", "an option check does not have", CK + " --colour red", 64,
         r'check: unknown option "--colour" \(see chipgate check --help\)')
    case("cli-missing-value", "--dest without its value",
         "check --chip \"NVIDIA B200\" --customer \"Nordic AI Cloud AB\" --dest", 64,
         r"check: option --dest needs a value \(see chipgate check --help\)")
    case("cli-bad-date", "--date 2026-02-30", CK + " --date 2026-02-30", 64,
         r'check: --date "2026-02-30" is not a date')
    case("cli-bad-qty-zero", "--qty 0", CK + " --qty 0", 64,
         r'check: --qty must be a whole number from 1 to 1000000000, not "0"')
    case("cli-bad-qty-huge", "--qty beyond the limit", CK + " --qty 99999999999999999999", 64,
         r'check: --qty must be a whole number')
    case("cli-bad-qty-text", "--qty ten", CK + " --qty ten", 64, r'check: --qty .*"ten"')
    case("cli-bad-format", "--format xml", CK + " --format xml", 64, r'check: .*--format')
    case("cli-bad-country", "--dest XX", "check --chip \"NVIDIA B200\" --customer \"Nordic AI Cloud AB\" --dest XX",
         64, r'check: --dest: .*"XX"')
    case("cli-unknown-chip", "--chip names no chip",
         "check --chip \"Z9000\" --customer \"Nordic AI Cloud AB\" --dest SE", 66,
         r'unknown chip "Z9000"')
    case("cli-unknown-customer", "--customer names no customer",
         "check --chip \"NVIDIA B200\" --customer \"Nobody\" --dest SE", 66,
         r'unknown customer "Nobody" \(import it, or describe it with --customer-hq')
    case("cli-bad-role", "--role retailer", CK + " --role retailer", 64,
         r'check: --role must be fab, osat or distributor')
    case("cli-check-bad-utf8", "--customer that is not UTF-8 (issue 12 defect)",
         "check --chip \"NVIDIA B200\" --customer \"Nordic\\xffAB\" --dest SE", 64,
         r'check: --customer: value not valid UTF-8 at byte 7')
    case("cli-screen-bad-utf8", "screen NAME that is not UTF-8 (issue 12 defect)",
         "screen \"Sop\\xffgo\"", 64, r'screen: argument 1: not valid UTF-8 at byte 4')
    case("cli-screen-bad-threshold", "screen --threshold 1.5",
         "screen Sophgo --threshold 1.5", 64, r'screen: .*--threshold')
    case("cli-screen-nan-threshold", "screen --threshold nan",
         "screen Sophgo --threshold nan", 64, r'screen: .*--threshold')
    case("cli-screen-bad-limit", "screen --limit 0", "screen Sophgo --limit 0", 64,
         r'screen: .*--limit')
    case("cli-screen-empty-name", "screen with a blank name", "screen \"   \"", 64,
         r'screen: .*(empty|blank|name)')
    case("cli-audit-bad-since", "audit show --since 2026-13-01",
         "audit show --since 2026-13-01", 64, r'audit: --since "2026-13-01" is not a date')
    case("cli-audit-bad-anchor", "audit verify --anchor that is not SEQ:HASH",
         "audit verify --anchor 12:zz", 64, r'audit: .*anchor')
    case("cli-audit-long-order", "audit show --order with a 200-byte id (issue 12 defect)",
         "audit show --order " + "O" * 200, 64,
         r'order id "O{24}\.\.\." is 200 bytes, longer than an order id may be \(127 bytes\)')
    case("cli-show-long-order", "show order with a 200-byte id (issue 12 defect)",
         "show order " + "O" * 200, 64, r'order id .* is 200 bytes, longer than an order id may be \(127')
    case("cli-rules-show-unknown", "rules show of an id the pack lacks",
         "rules show NO.such.rule", 66,
         r"rules show: no rule 'NO\.such\.rule' in the pack")
    case("cli-import-unknown-kind", "import of a kind that does not exist",
         "import widgets {dir}/in.csv", 64,
         r'import: unknown KIND "widgets"', {"in.csv": "a\n1\n"})
    case("cli-import-bad-format", "import parties --format pdf",
         "import parties {dir}/in.csv --format pdf", 64,
         r'import parties: --format must be csl-csv, csl-json or ofac', {"in.csv": "a\n1\n"})
    case("cli-list-bad-state", "list orders --state lost", "list orders --state lost", 64,
         r'--state')
    case("cli-list-bad-since", "list orders --since 2026-02-30", "list orders --since 2026-02-30", 64,
         r'--since "2026-02-30" is not a date')
    # ---------------- databases ----------------
    case("db-init-foreign", "init on another program's SQLite file (issue 12 defect)",
         "init", 65, r'is not a chipgate database: it holds 2 tables \(notes, users\) and no chipgate schema version',
         {"db.sql": "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT);\n"
          "INSERT INTO users VALUES(1, 'alice');\nCREATE TABLE notes(t TEXT);\n"},
         db="sql")
    case("db-foreign-with-version", "a file with a user_version but other tables",
         "list orders", 65, r"is not a chipgate database: schema version 3 but not chipgate's tables \(it holds x\)",
         {"db.sql": "PRAGMA user_version = 3;\nCREATE TABLE x(a);\n"}, db="sql")
    case("db-not-sqlite", "a text file given as the database",
         "list orders", 65,
         r'is not a chipgate database: not an SQLite database file',
         {"db.sql": "-- text\n"}, db="text")
    case("db-init-not-sqlite", "init on a text file",
         "init", 65, r'is not a chipgate database: not an SQLite database file',
         {"db.sql": "name,country\nAcme,DE\n" * 200}, db="text")
    case("db-verify-not-sqlite", "audit verify of a text file says why",
         "audit verify", 65,
         r'is not a chipgate database: not an SQLite database file',
         {"db.sql": "-- text\n"}, db="text")
    case("db-missing", "a database that does not exist",
         "list orders", 66, r'does not exist', db="none")


def write():
    for name in os.listdir(HERE):
        p = os.path.join(HERE, name)
        if os.path.isdir(p):
            shutil.rmtree(p)
    for name, why, args, exit_, stderr, files, db, stdout in CASES:
        d = os.path.join(HERE, name)
        os.makedirs(d)
        for fn, content in files.items():
            fp = os.path.join(d, fn)
            os.makedirs(os.path.dirname(fp), exist_ok=True)
            mode = "wb" if isinstance(content, bytes) else "w"
            with open(fp, mode, **({} if mode == "wb" else
                                   {"encoding": "utf-8", "newline": ""})) as f:
                f.write(content)
        with open(os.path.join(d, "case"), "w", encoding="utf-8") as f:
            f.write("# %s\n" % why)
            f.write("args: %s\n" % args)
            f.write("exit: %d\n" % exit_)
            f.write("stderr: %s\n" % stderr)
            if stdout:
                f.write("stdout: %s\n" % stdout)
            if db:
                f.write("db: %s\n" % db)


if __name__ == "__main__":
    build()
    write()
    print("%d cases" % len(CASES))
