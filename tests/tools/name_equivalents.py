#!/usr/bin/env python3
"""Checks db/seed/name_equivalents.csv and counts its variants in the lists.

    python3 tests/tools/name_equivalents.py            # check, exit 1 on a problem
    python3 tests/tools/name_equivalents.py --update   # recount `source`, sort, write

The table is reviewed data (docs/screening-names.md): people edit the rows;
this tool only keeps the `source` column honest and the file in order.
`source` is how many names in the real lists contain the variant as whole
words, after the same folding the labelled set uses (casefold, accents
off, '.' and apostrophes dropped, other punctuation a space):
"csl:N" over the names and alt_names of the full CSL of 2026-07-31, plus
;ofac:N" over the OFAC sample (SDN names, ALT names) when N > 0; for a
`reading` row (a Han word ICU reads wrongly) it counts the canonical, the
romanised form the lists use. A row
with "csl:0" is not attested in these lists; its `note` says where it
comes from.

Checks: the header; kind in KINDS; weight as KINDS says; lang given; no
variant equal to its canonical; one row per (kind, canonical, variant);
no folded variant mapped to two canonicals; rows sorted by (kind,
canonical, variant); `source` as counted now.
"""
import csv, re, sys, unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TABLE = ROOT / 'db' / 'seed' / 'name_equivalents.csv'
CSL = ROOT / 'tests' / 'data' / 'csl' / 'csl_full_2026-07-31.csv'
OFAC = ROOT / 'tests' / 'data' / 'ofac'
HEADER = ['kind', 'canonical', 'variant', 'lang', 'weight', 'source', 'note']
# kind -> the weight its rows carry (the kind factor of the canonical form's
# tokens in scoring: a legal form weighs as CG_SX_LEGAL_FACTOR, words 1.0).
KINDS = {'abbrev': '1.0', 'legal': '0.12', 'glossary': '1.0', 'reading': '1.0'}


def key(s):
    s = unicodedata.normalize('NFKD', s.casefold())
    s = ''.join(c for c in s if not unicodedata.combining(c))
    return ' '.join(re.sub(r"[^\w]+", ' ',
                           s.replace('.', '').replace("'", '')
                           .replace('\u2019', '')).split())


def list_names():
    csl = []
    for r in csv.DictReader(open(CSL, encoding='utf-8')):
        csl.append(r['name'])
        csl += [a for a in r['alt_names'].split(';') if a.strip()]
    ofac = []
    for f, col in (('sdn.csv', 1), ('alt.csv', 3)):
        p = OFAC / f
        if p.exists():
            for r in csv.reader(open(p, encoding='utf-8', newline='')):
                if len(r) > col and r[col].strip() not in ('', '-0-'):
                    ofac.append(r[col])
    return ([' ' + key(n) + ' ' for n in csl],
            [' ' + key(n) + ' ' for n in ofac])


def count(variant, names):
    k = ' ' + key(variant) + ' '
    return sum(1 for n in names if k in n)


def source(variant, csl, ofac):
    s = 'csl:%d' % count(variant, csl)
    o = count(variant, ofac)
    return s + (';ofac:%d' % o if o else '')


def sort_key(r):
    return (r['kind'], r['canonical'], key(r['variant']), r['variant'])


def main():
    update = '--update' in sys.argv[1:]
    f = open(TABLE, encoding='utf-8', newline='')
    rd = csv.DictReader(f)
    bad = []
    if rd.fieldnames != HEADER:
        print('header is %s, want %s' % (rd.fieldnames, HEADER))
        return 1
    rows = list(rd)
    f.close()
    csl, ofac = list_names()
    seen, canon = set(), {}
    for i, r in enumerate(rows, 2):
        where = 'line %d (%s -> %s)' % (i, r['variant'], r['canonical'])
        if r['kind'] not in KINDS:
            bad.append('%s: kind %r' % (where, r['kind']))
        elif r['weight'] != KINDS[r['kind']]:
            bad.append('%s: weight %s, kind %s wants %s' %
                       (where, r['weight'], r['kind'], KINDS[r['kind']]))
        if not r['lang'] or not r['canonical'] or not r['variant']:
            bad.append('%s: empty field' % where)
        if key(r['variant']) == key(r['canonical']):
            bad.append('%s: variant is its canonical' % where)
        t = (r['kind'], r['canonical'], r['variant'])
        if t in seen:
            bad.append('%s: duplicate row' % where)
        seen.add(t)
        kv = key(r['variant'])
        if kv in canon and canon[kv] != r['canonical']:
            bad.append('%s: variant also maps to %s' % (where, canon[kv]))
        canon[kv] = r['canonical']
        # A reading's variant is Han (absent from the lists): count the
        # list form it should produce instead.
        src = source(r['canonical'] if r['kind'] == 'reading' else
                     r['variant'], csl, ofac)
        if update:
            r['source'] = src
        elif r['source'] != src:
            bad.append('%s: source %s, counted %s' % (where, r['source'], src))
    if update:
        rows.sort(key=sort_key)
        with open(TABLE, 'w', encoding='utf-8', newline='') as out:
            w = csv.DictWriter(out, HEADER, lineterminator='\n')
            w.writeheader()
            w.writerows(rows)
    elif rows != sorted(rows, key=sort_key):
        bad.append('rows are not sorted by (kind, canonical, variant)')
    for b in bad:
        print(b)
    n = {k: sum(1 for r in rows if r['kind'] == k) for k in KINDS}
    att = sum(1 for r in rows if not r['source'].startswith('csl:0'))
    print('%d rows (%s), %d attested in the lists, %d problems' %
          (len(rows), ', '.join('%s %d' % kv for kv in n.items()), att,
           len(bad)))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
