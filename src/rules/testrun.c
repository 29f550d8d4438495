/* testrun.c -- runs the pack's own tests (rules/ ** / *.test).
 *
 * A .test file is line based:
 *
 *   # lines before the first `case` are defaults for every case
 *   customer.listed = false
 *
 *   case "A100 to China is denied"
 *     date = 2026-03-01          # any fact: NAME = VALUE | unknown
 *     chip.tpp = 4992
 *     dest = CN                  # countries are ISO-2 codes
 *     expect deny                # the decision
 *     fired EAR.3A090.a, EAR.742.6.dest   # exact set of decisive rules
 *     eccn 3A090.a               # or `unknown`
 *     missing chip.pd            # facts a hold must name
 *     otherwise license_required # what other completions of the
 *                                # unknown facts give (exact set)
 *
 * Country groups come from groups.test-data at the top of the rules dir:
 *   CC GROUP[,GROUP...] [from YYYY-MM-DD] [until YYYY-MM-DD]
 * (`until` is exclusive), evaluated as of the case's order.date. */
#include "rules/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct grp {
  char code[3];
  unsigned mask;
  int32_t from, until; /* [from, until) */
} grp;

typedef struct grp_table {
  grp *v;
  size_t n;
} grp_table;

typedef struct tcase {
  char name[160];
  int line;
  char *raw[CG_F_COUNT]; /* value text per fact, NULL = not given */
  int raw_line[CG_F_COUNT];
  int expect;  /* outcome or -1 */
  char *fired; /* NULL = not checked */
  char *eccn;
  char *missing;
  char *otherwise; /* outcomes other completions must give */
  int active;
} tcase;

typedef struct runner {
  const cg_rules *pack;
  const grp_table *groups;
  cg_rules_test_report report;
  void *ud;
  const char *file;
  cg_rules_result *res; /* scratch, one per run */
  int passed, failed;
} runner;

static void fail_at(runner *r, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail_at(runner *r, int line, const char *fmt, ...)
{
  char msg[1024];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  if(r->report)
    r->report(r->ud, r->file, line, msg);
}

static char *trim(char *s)
{
  char *e;

  while(*s == ' ' || *s == '\t')
    s++;
  e = s + strlen(s);
  while(e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
    *--e = '\0';
  return s;
}

/* Removes a trailing "# comment" that is not inside quotes. */
static void strip_comment(char *s)
{
  int q = 0;

  for(; *s; s++) {
    if(*s == '"')
      q = !q;
    else if(*s == '#' && !q) {
      *s = '\0';
      return;
    }
  }
}

/* ---- groups table ------------------------------------------------------ */

static int load_groups(const char *dir, grp_table *t, cg_error *err)
{
  char path[4096];
  char *text = NULL, *line, *save = NULL;
  size_t len;
  int rc, lineno = 0;

  t->v = NULL;
  t->n = 0;
  snprintf(path, sizeof(path), "%s/groups.test-data", dir);
  rc = cg_rules_read_file(path, &text, &len, err);
  if(rc != CG_OK)
    return rc;
  for(line = strtok_r(text, "\n", &save); line;
      line = strtok_r(NULL, "\n", &save)) {
    char *s, *tok, *tsave = NULL, *names;
    grp g;
    grp *v;
    lineno++;
    strip_comment(line);
    s = trim(line);
    if(!*s)
      continue;
    memset(&g, 0, sizeof(g));
    g.from = INT32_MIN;
    g.until = INT32_MAX;
    tok = strtok_r(s, " \t", &tsave);
    if(!tok || strlen(tok) != 2) {
      rc = cg_error_set(err, CG_EINVAL, "%s:%d: expected a country code", path,
                        lineno);
      goto done;
    }
    memcpy(g.code, tok, 3);
    names = strtok_r(NULL, " \t", &tsave);
    if(!names) {
      rc = cg_error_set(err, CG_EINVAL, "%s:%d: expected group names", path,
                        lineno);
      goto done;
    }
    {
      char *gs = NULL, *gn;
      for(gn = strtok_r(names, ",", &gs); gn; gn = strtok_r(NULL, ",", &gs)) {
        int bit = cg_group_bit(gn);
        if(bit < 0) {
          rc = cg_error_set(err, CG_EINVAL, "%s:%d: unknown group '%s'", path,
                            lineno, gn);
          goto done;
        }
        g.mask |= 1u << bit;
      }
    }
    for(tok = strtok_r(NULL, " \t", &tsave); tok;
        tok = strtok_r(NULL, " \t", &tsave)) {
      char *d = strtok_r(NULL, " \t", &tsave);
      int32_t *slot = strcmp(tok, "from") == 0    ? &g.from
                      : strcmp(tok, "until") == 0 ? &g.until
                                                  : NULL;
      if(!slot || !d || cg_date_parse(d, slot, NULL) != CG_OK) {
        rc = cg_error_set(err, CG_EINVAL,
                          "%s:%d: expected 'from DATE' or 'until DATE'", path,
                          lineno);
        goto done;
      }
    }
    v = realloc(t->v, (t->n + 1) * sizeof(*v));
    if(!v) {
      rc = cg_error_set(err, CG_ENOMEM, "out of memory");
      goto done;
    }
    t->v = v;
    t->v[t->n++] = g;
  }
done:
  free(text);
  if(rc != CG_OK) {
    free(t->v);
    t->v = NULL;
    t->n = 0;
  }
  return rc;
}

static unsigned groups_of(const grp_table *t, const char *code, int32_t date,
                          int date_known)
{
  unsigned m = 0;
  size_t i;

  for(i = 0; i < t->n; i++) {
    const grp *g = &t->v[i];
    if(strcmp(g->code, code) != 0)
      continue;
    if(date_known ? (date < g->from || date >= g->until)
                  : (g->from != INT32_MIN || g->until != INT32_MAX))
      continue;
    m |= g->mask;
  }
  return m;
}

/* ---- running one case -------------------------------------------------- */

static int set_fact(runner *r, cg_facts *f, int id, char *raw, int line,
                    int32_t date, int date_known)
{
  cg_kind k = cg_fact_kind(id);
  char *end;

  if(strcmp(raw, "unknown") == 0) {
    cg_facts_set_unknown(f, id);
    return 0;
  }
  switch(k) {
  case CG_V_NUM: {
    double d = strtod(raw, &end);
    if(end == raw || *end) {
      fail_at(r, line, "%s: expected a number, got '%s'", cg_fact_name(id),
              raw);
      return -1;
    }
    cg_facts_set_num(f, id, d);
    return 0;
  }
  case CG_V_BOOL:
    if(strcmp(raw, "true") != 0 && strcmp(raw, "false") != 0) {
      fail_at(r, line, "%s: expected true or false, got '%s'",
              cg_fact_name(id), raw);
      return -1;
    }
    cg_facts_set_bool(f, id, raw[0] == 't');
    return 0;
  case CG_V_DATE: {
    int32_t d;
    if(cg_date_parse(raw, &d, NULL) != CG_OK) {
      fail_at(r, line, "%s: expected YYYY-MM-DD, got '%s'", cg_fact_name(id),
              raw);
      return -1;
    }
    cg_facts_set_date(f, id, d);
    return 0;
  }
  case CG_V_STR: {
    size_t n = strlen(raw);
    if(raw[0] == '"') {
      if(n < 2 || raw[n - 1] != '"') {
        fail_at(r, line, "%s: unterminated string", cg_fact_name(id));
        return -1;
      }
      raw[n - 1] = '\0'; /* the buffer is ours; see run_case */
      raw++;
    }
    cg_facts_set_str(f, id, raw);
    return 0;
  }
  case CG_V_COUNTRY:
    if(strlen(raw) != 2 || raw[0] < 'A' || raw[0] > 'Z' || raw[1] < 'A' ||
       raw[1] > 'Z') {
      fail_at(r, line, "%s: expected an ISO-2 country code, got '%s'",
              cg_fact_name(id), raw);
      return -1;
    }
    cg_facts_set_country(f, id, raw,
                         groups_of(r->groups, raw, date, date_known));
    return 0;
  case CG_V_UNKNOWN:
    break;
  }
  return -1;
}

static int in_list(const char *list, const char *id)
{
  char buf[2048], *tok, *save = NULL;

  snprintf(buf, sizeof(buf), "%s", list);
  for(tok = strtok_r(buf, ", \t", &save); tok;
      tok = strtok_r(NULL, ", \t", &save))
    if(strcmp(tok, id) == 0)
      return 1;
  return 0;
}

/* Fills f from the case's facts over the defaults. The date goes first:
 * country groups depend on it. Strings are copied into copies[] (which
 * must outlive the evaluation) because set_fact unquotes them in place.
 * -1 (each bad value reported) or 0. */
static int case_facts(runner *r, const tcase *defs, const tcase *c,
                      cg_facts *f, char (*copies)[256])
{
  int32_t date = 0;
  int date_known = 0, bad = 0, id;

  cg_facts_init(f);
  for(id = 0; id < CG_F_COUNT; id++) {
    const char *raw = c->raw[id] ? c->raw[id] : defs->raw[id];
    int line = c->raw[id] ? c->raw_line[id] : defs->raw_line[id];
    if(!raw)
      continue;
    snprintf(copies[id], sizeof(copies[id]), "%s", raw);
    if(set_fact(r, f, id, copies[id], line, 0, 0) < 0)
      bad = 1;
  }
  if(f->v[CG_F_ORDER_DATE].kind == CG_V_DATE) {
    date = f->v[CG_F_ORDER_DATE].u.date;
    date_known = 1;
  }
  for(id = 0; id < CG_F_COUNT; id++) {
    const char *raw = c->raw[id] ? c->raw[id] : defs->raw[id];
    int line = c->raw[id] ? c->raw_line[id] : defs->raw_line[id];
    if(!raw || cg_fact_kind(id) != CG_V_COUNTRY)
      continue;
    snprintf(copies[id], sizeof(copies[id]), "%s", raw);
    if(set_fact(r, f, id, copies[id], line, date, date_known) < 0)
      bad = 1;
  }
  return bad ? -1 : 0;
}

/* `fired`: the exact set of decisive rules. Appends "; X did not fire"
 * and "; X fired unexpectedly (outcome)" to msg at off; returns the new
 * off (snprintf arithmetic: it may pass the end, callers check). */
static size_t check_fired(const tcase *c, const cg_rules_result *res,
                          char *msg, size_t size, size_t off)
{
  char buf[1024];
  char *tok, *save = NULL;
  size_t i;

  snprintf(buf, sizeof(buf), "%s", c->fired);
  for(tok = strtok_r(buf, ", \t", &save); tok && off < size;
      tok = strtok_r(NULL, ", \t", &save)) {
    int found = 0;
    for(i = 0; i < res->nfired; i++)
      if(res->fired[i].decisive == 1 && strcmp(res->fired[i].id, tok) == 0)
        found = 1;
    if(!found)
      off += (size_t)snprintf(msg + off, size - off, "; %s did not fire", tok);
  }
  for(i = 0; i < res->nfired && off < size; i++)
    if(res->fired[i].decisive == 1 && !in_list(c->fired, res->fired[i].id))
      off += (size_t)snprintf(msg + off, size - off,
                              "; %s fired unexpectedly (%s)", res->fired[i].id,
                              cg_outcome_name(res->fired[i].outcome));
  return off;
}

/* `missing`: facts a hold must name. Same contract as check_fired. */
static size_t check_missing(const tcase *c, const cg_rules_result *res,
                            char *msg, size_t size, size_t off)
{
  char buf[1024];
  char *tok, *save = NULL;

  snprintf(buf, sizeof(buf), "%s", c->missing);
  for(tok = strtok_r(buf, ", \t", &save); tok && off < size;
      tok = strtok_r(NULL, ", \t", &save)) {
    int fid = cg_fact_id(tok);
    if(fid < 0)
      off += (size_t)snprintf(msg + off, size - off,
                              "; unknown fact '%s' in missing", tok);
    else if(!(res->missing & ((uint64_t)1 << fid)))
      off += (size_t)snprintf(msg + off, size - off,
                              "; %s not named as missing", tok);
  }
  return off;
}

/* `otherwise`: the exact set of outcomes that some completion of the
 * unknown facts gives besides the decision. Same contract as
 * check_fired. */
static size_t check_otherwise(const tcase *c, const cg_rules_result *res,
                              char *msg, size_t size, size_t off)
{
  char buf[1024];
  char *tok, *save = NULL;
  unsigned want = 0, got = 0;
  size_t i;
  int o;

  snprintf(buf, sizeof(buf), "%s", c->otherwise);
  for(tok = strtok_r(buf, ", \t", &save); tok;
      tok = strtok_r(NULL, ", \t", &save)) {
    o = cg_outcome_parse(tok);
    if(o < 0 || o == CG_OUT_NONE)
      return off + (size_t)snprintf(msg + off, size - off,
                                    "; unknown outcome '%s' in otherwise",
                                    tok);
    want |= 1u << o;
  }
  for(i = 0; i < res->nalts; i++)
    got |= 1u << res->alts[i].outcome;
  for(o = 0; o < CG_OUT_NONE && off < size; o++)
    if((want ^ got) & (1u << o))
      off += (size_t)snprintf(msg + off, size - off,
                              (want & (1u << o))
                                  ? "; no completion gives %s"
                                  : "; a completion gives %s unexpectedly",
                              cg_outcome_name((cg_outcome)o));
  return off;
}

/* Compares the result with the case's expectations: every mismatch is
 * appended to msg ("; ..."). Returns 0 when all hold. */
static size_t check_case(const tcase *c, const cg_rules_result *res, char *msg,
                         size_t size)
{
  size_t off = 0;

  msg[0] = '\0';
  if(c->expect >= 0 && (int)res->outcome != c->expect)
    off += (size_t)snprintf(msg + off, size - off, "; expected %s, got %s",
                            cg_outcome_name((cg_outcome)c->expect),
                            cg_outcome_name(res->outcome));
  if(c->fired)
    off = check_fired(c, res, msg, size, off);
  if(c->eccn && off < size) {
    int want_unknown = strcmp(c->eccn, "unknown") == 0;
    int is_unknown = res->eccn.kind != CG_V_STR;
    if(want_unknown != is_unknown ||
       (!is_unknown && strcmp(res->eccn.u.str, c->eccn) != 0))
      off +=
          (size_t)snprintf(msg + off, size - off, "; expected eccn %s, got %s",
                           c->eccn, is_unknown ? "unknown" : res->eccn.u.str);
  }
  if(c->missing && off < size)
    off = check_missing(c, res, msg, size, off);
  if(c->otherwise && off < size)
    off = check_otherwise(c, res, msg, size, off);
  return off;
}

/* Appends what did happen, to help the rule author:
 * " [decision D: rule=outcome ...]". */
static void explain(const cg_rules_result *res, char *msg, size_t size)
{
  size_t off = strlen(msg), i;

  off += (size_t)snprintf(msg + off, size - off,
                          " [decision %s:", cg_outcome_name(res->outcome));
  for(i = 0; i < res->nfired && off < size; i++) {
    const cg_rules_fired *x = &res->fired[i];
    if(x->decisive != 1)
      continue;
    off += (size_t)snprintf(msg + off, size - off, " %s=%s%s", x->id,
                            x->action == CG_ACT_CLASSIFY
                                ? res->eccn.kind == CG_V_STR ? res->eccn.u.str
                                                             : "?"
                                : cg_outcome_name(x->outcome),
                            x->relieved ? "(relieved)" : "");
  }
  for(i = 0; i < res->nalts && off < size; i++) {
    const cg_rules_alt *a = &res->alts[i];
    unsigned j;
    off +=
        (size_t)snprintf(msg + off, size - off, "%s %s if",
                         i ? ";" : "; otherwise", cg_outcome_name(a->outcome));
    for(j = 0; j < a->nfacts && off < size; j++) {
      char d[200];
      cg_rules_alt_describe(res, a, j, d, sizeof(d));
      off += (size_t)snprintf(msg + off, size - off, "%s %s", j ? "," : "", d);
    }
  }
  if(off < size)
    snprintf(msg + off, size - off, "]");
}

/* The countries an unknown country fact of a case can be: every code of
 * the groups table with its groups as of the case's date, the US, and a
 * country in no group. n is at most cap. */
static size_t case_world(const runner *r, const cg_facts *f,
                         cg_rules_country *out, size_t cap)
{
  const cg_value *d = &f->v[CG_F_ORDER_DATE];
  int known = d->kind == CG_V_DATE;
  size_t i, j, n = 0;
  static const char *const extra[] = { "US", "ZZ" };

  for(i = 0; i < r->groups->n + 2 && n < cap; i++) {
    const char *code =
        i < r->groups->n ? r->groups->v[i].code : extra[i - r->groups->n];
    for(j = 0; j < n; j++)
      if(strcmp(out[j].code, code) == 0)
        break;
    if(j < n)
      continue;
    memcpy(out[n].code, code, 3);
    out[n].groups = groups_of(r->groups, code, known ? d->u.date : 0, known);
    n++;
  }
  return n;
}

/* " (left unknown: a, b)": the facts the case did not give that a rule
 * read, so an author sees why a case held or went another way. */
static void left_unknown(const cg_rules_result *res, const cg_facts *f,
                         char *msg, size_t size)
{
  uint64_t m = 0;
  size_t off = strlen(msg);
  unsigned i;
  char names[600];

  for(i = 0; i < res->nfired; i++)
    m |= res->fired[i].missing;
  m |= res->missing;
  for(i = 0; i < CG_F_COUNT; i++)
    if(i == CG_F_ECCN || f->v[i].kind != CG_V_UNKNOWN)
      m &= ~((uint64_t)1 << i);
  if(!m || off >= size)
    return;
  cg_rules_mask_names(m, names, sizeof(names));
  snprintf(msg + off, size - off, " (left unknown: %s)", names);
}

typedef struct case_countries {
  cg_rules_country v[256];
  size_t n;
} case_countries;

static int world_countries(void *ud, const cg_rules_country **out, size_t *n,
                           cg_error *err)
{
  const case_countries *cc = ud;

  (void)err;
  *out = cc->v;
  *n = cc->n;
  return CG_OK;
}

static void run_case(runner *r, const tcase *defs, const tcase *c)
{
  cg_rules_result *res = r->res;
  case_countries countries;
  cg_rules_world w;
  cg_facts f;
  char copies[CG_F_COUNT][256];
  char msg[2048];
  cg_error err;

  if(c->expect < 0 && !c->fired && !c->eccn && !c->missing && !c->otherwise) {
    fail_at(r, c->line,
            "case \"%s\" checks nothing: expected expect, fired, eccn "
            "or missing",
            c->name);
    r->failed++;
    return;
  }
  if(case_facts(r, defs, c, &f, copies) < 0) {
    r->failed++;
    return;
  }
  memset(&w, 0, sizeof(w));
  countries.n = case_world(r, &f, countries.v, 256);
  w.countries = world_countries;
  w.ud = &countries;
  if(cg_rules_decide(r->pack, &f, &w, res, &err) != CG_OK) {
    fail_at(r, c->line, "case \"%s\": evaluation failed: %s", c->name,
            err.msg);
    r->failed++;
    return;
  }
  if(check_case(c, res, msg, sizeof(msg)) == 0) {
    r->passed++;
    return;
  }
  explain(res, msg, sizeof(msg));
  left_unknown(res, &f, msg, sizeof(msg));
  r->failed++;
  fail_at(r, c->line, "case \"%s\"%s", c->name, msg);
}

/* ---- parsing a .test file ------------------------------------------------
 */

static void case_reset(tcase *c)
{
  memset(c, 0, sizeof(*c));
  c->expect = -1;
}

static int run_file(runner *r, char *text)
{
  tcase defs, c;
  char *line, *next_line;
  int lineno = 0;

  case_reset(&defs);
  case_reset(&c);
  for(line = text; line; line = next_line) {
    char *s, *eq, *word, *rest;
    next_line = strchr(line, '\n');
    if(next_line)
      *next_line++ = '\0';
    lineno++;
    strip_comment(line);
    s = trim(line);
    if(!*s)
      continue;
    word = s;
    rest = s + strcspn(s, " \t=");
    if(strncmp(word, "case", 4) == 0 && (word[4] == ' ' || word[4] == '\t')) {
      char *q = trim(word + 4);
      size_t n = strlen(q);
      if(c.active == 1)
        run_case(r, &defs, &c);
      case_reset(&c);
      c.active = 1;
      c.line = lineno;
      if(n >= 2 && q[0] == '"' && q[n - 1] == '"') {
        q[n - 1] = '\0';
        q++;
      }
      snprintf(c.name, sizeof(c.name), "%s", q);
      continue;
    }
    eq = rest + strspn(rest, " \t");
    if(*eq == '=') {
      char *name, *val;
      int id;
      *eq = '\0';
      name = trim(s);
      val = trim(eq + 1);
      id = cg_fact_id(name);
      if(id < 0) {
        fail_at(r, lineno, "unknown fact '%s'", name);
        r->failed++;
        if(c.active)
          c.active = 2; /* poisoned: counted already */
        continue;
      }
      if(c.active) {
        c.raw[id] = val;
        c.raw_line[id] = lineno;
      }
      else {
        defs.raw[id] = val;
        defs.raw_line[id] = lineno;
      }
      continue;
    }
    if(*rest)
      *rest++ = '\0';
    rest = trim(rest);
    if(!c.active) {
      fail_at(r, lineno,
              "'%s' outside a case: expected 'case \"name\"' "
              "or FACT = VALUE",
              word);
      r->failed++;
      continue;
    }
    if(strcmp(word, "expect") == 0) {
      c.expect = cg_outcome_parse(rest);
      if(c.expect < 0 || c.expect == CG_OUT_NONE) {
        fail_at(r, lineno, "unknown outcome '%s'", rest);
        r->failed++;
        c.active = 2;
      }
    }
    else if(strcmp(word, "fired") == 0)
      c.fired = rest;
    else if(strcmp(word, "eccn") == 0)
      c.eccn = rest;
    else if(strcmp(word, "missing") == 0)
      c.missing = rest;
    else if(strcmp(word, "otherwise") == 0)
      c.otherwise = rest;
    else {
      fail_at(r, lineno,
              "unknown test keyword '%s': expected expect, "
              "fired, eccn, missing, otherwise or FACT = VALUE",
              word);
      r->failed++;
      c.active = 2;
    }
  }
  if(c.active == 1)
    run_case(r, &defs, &c);
  return 0;
}

int cg_rules_test_dir(const cg_rules *pack, const char *dir,
                      cg_rules_test_report report, void *ud, int *passed,
                      int *failed, cg_error *err)
{
  char **paths = NULL;
  size_t n = 0, i;
  grp_table groups = { 0 };
  runner r;
  int rc;

  memset(&r, 0, sizeof(r));
  *passed = *failed = 0;
  rc = cg_rules_list_files(dir, ".test", &paths, &n, err);
  if(rc != CG_OK)
    return rc;
  if(n == 0) {
    rc = cg_error_set(err, CG_ENOTFOUND, "%s: no *.test files", dir);
    goto done;
  }
  rc = load_groups(dir, &groups, err);
  if(rc != CG_OK)
    goto done;
  r.pack = pack;
  r.groups = &groups;
  r.report = report;
  r.ud = ud;
  r.res = malloc(sizeof(*r.res));
  if(!r.res) {
    rc = cg_error_set(err, CG_ENOMEM, "out of memory");
    goto done;
  }
  for(i = 0; i < n; i++) {
    char full[8192];
    char *text = NULL;
    size_t len;
    snprintf(full, sizeof(full), "%s/%s", dir, paths[i]);
    rc = cg_rules_read_file(full, &text, &len, err);
    if(rc != CG_OK)
      goto done;
    r.file = paths[i];
    run_file(&r, text);
    free(text);
  }
  *passed = r.passed;
  *failed = r.failed;
done:
  for(i = 0; i < n; i++)
    free(paths[i]);
  free(paths);
  free(groups.v);
  free(r.res);
  return rc;
}
