/* license.c -- see license.h. */
#include "model/license.h"

#include "core/importer.h"
#include "core/json.h"
#include "core/pattern.h"
#include "model/customer.h"
#include "model/rowseen.h"
#include "model/seed.h"
#include "rules/facts.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATTERN_CACHE 64 /* licence patterns compiled per matcher */

struct cg_license_matcher {
  cg_store *db; /* borrowed */
  struct {
    char *src;      /* a licence's eccn or chip pattern */
    cg_pattern *re; /* compiled once per matcher */
  } pats[PATTERN_CACHE];
  size_t n_pats;
};

int cg_license_matcher_open(cg_license_matcher **out, cg_store *db,
                            cg_error *err)
{
  *out = calloc(1, sizeof(**out));
  if(!*out)
    return cg_error_set(err, CG_ENOMEM, "license: out of memory");
  (*out)->db = db;
  return CG_OK;
}

void cg_license_matcher_close(cg_license_matcher *m)
{
  if(!m)
    return;
  while(m->n_pats--) {
    free(m->pats[m->n_pats].src);
    cg_pattern_free(m->pats[m->n_pats].re);
  }
  free(m);
}

/* ==== import ============================================================ */

enum {
  LI_NUMBER,
  LI_CUSTOMER,
  LI_KIND,
  LI_ECCN,
  LI_CHIP,
  LI_DEST,
  LI_MAX,
  LI_FROM,
  LI_TO,
  LI_AUTHORITY,
  LI_NOTES,
  LI_UNIT
};

static int valid_kind(const char *k)
{
  static const char *const kinds[] = {
    "license",       "approved_ic_designer", "authorized_ic_designer",
    "approved_osat", "policy_permission",    NULL
  };
  int i;

  for(i = 0; kinds[i]; i++)
    if(strcmp(kinds[i], k) == 0)
      return 1;
  return 0;
}

static int group_name_known(const char *g)
{
  static const char *const groups[] = { "A:1", "A:5", "A:6", "D:1",
                                        "D:2", "D:3", "D:4", "D:5",
                                        "E:1", "E:2", NULL };
  int i;

  for(i = 0; groups[i]; i++)
    if(strcmp(groups[i], g) == 0)
      return 1;
  return 0;
}

/* Each ';'-separated item is an ISO code or a country-group name. */
static int check_destinations(cg_import *im, cg_store *db, const char *list,
                              cg_error *err)
{
  char buf[1024], *save = NULL, *tok;

  snprintf(buf, sizeof(buf), "%s", list);
  for(tok = strtok_r(buf, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
    while(*tok == ' ')
      tok++;
    {
      size_t n = strlen(tok);
      while(n && tok[n - 1] == ' ')
        tok[--n] = '\0';
    }
    if(!*tok)
      continue;
    if(group_name_known(tok))
      continue;
    if(strlen(tok) == 2) {
      /* Only "not in the table" is bad data; a failed read is I/O. */
      int rc = cg_country_check(db, tok, err);
      if(rc == CG_OK)
        continue;
      if(rc != CG_ENOTFOUND)
        return rc;
    }
    return cg_import_fail(im, err,
                          "destinations: \"%s\" is neither a "
                          "country code nor a country group (e.g. D:5)",
                          tok);
  }
  return CG_OK;
}

static int check_pattern(cg_import *im, int k, const char *re, cg_error *err)
{
  cg_pattern *p = NULL;
  int rc;

  if(!*re)
    return CG_OK;
  rc = cg_pattern_compile(&p, re, CG_PATTERN_CASELESS | CG_PATTERN_ANCHORED,
                          err);
  cg_pattern_free(p);
  if(rc != CG_OK)
    return cg_import_fail(im, err, "%s: bad pattern \"%s\": %s",
                          im->columns[k], re, err ? err->msg : "");
  return CG_OK;
}

/* One licence row as read and checked. */
typedef struct license_row {
  char number[128], customer[512], kind[32], eccn[256], chip[256];
  char dest[1024], authority[256], notes[1024], from[11], to[11];
  char unit[16];   /* what max_qty counts: item (default) or ic */
  int64_t max_qty; /* -1 = unlimited (approvals) */
} license_row;

/* Reads and checks the current row into *r (everything but the customer,
 * which needs the database). */
static int read_license(cg_import *im, cg_store *db, license_row *r,
                        cg_error *err)
{
  int rc;

  r->max_qty = -1;
  rc = cg_import_required(im, LI_NUMBER, r->number, sizeof(r->number), err);
  if(rc == CG_OK)
    rc = cg_import_required(im, LI_CUSTOMER, r->customer, sizeof(r->customer),
                            err);
  if(rc == CG_OK)
    rc = cg_import_required(im, LI_KIND, r->kind, sizeof(r->kind), err);
  if(rc == CG_OK && !valid_kind(r->kind))
    rc = cg_import_fail(im, err,
                        "kind: \"%s\" is not license, "
                        "approved_ic_designer, authorized_ic_designer, "
                        "approved_osat or policy_permission",
                        r->kind);
  if(rc == CG_OK)
    rc = cg_import_text(im, LI_ECCN, r->eccn, sizeof(r->eccn), err);
  if(rc == CG_OK)
    rc = check_pattern(im, LI_ECCN, r->eccn, err);
  if(rc == CG_OK)
    rc = cg_import_text(im, LI_CHIP, r->chip, sizeof(r->chip), err);
  if(rc == CG_OK)
    rc = check_pattern(im, LI_CHIP, r->chip, err);
  if(rc == CG_OK)
    rc = cg_import_text(im, LI_DEST, r->dest, sizeof(r->dest), err);
  cg_country_upper(r->dest);
  if(rc == CG_OK)
    rc = check_destinations(im, db, r->dest, err);
  /* A licence names where it may go and how much: an empty field must
   * not silently mean "everywhere" or "unlimited". Approvals (designer,
   * OSAT) are not licences and need neither. */
  if(rc == CG_OK && !r->dest[0] &&
     (!strcmp(r->kind, "license") || !strcmp(r->kind, "policy_permission")))
    rc = cg_import_fail(im, err,
                        "destinations is empty: a %s must name "
                        "its countries or country groups",
                        r->kind);
  if(rc == CG_OK)
    rc = cg_import_positive(im, LI_MAX, !strcmp(r->kind, "license"),
                            &r->max_qty, err);
  if(rc == CG_OK)
    rc = cg_import_date(im, LI_FROM, 1, r->from, err);
  if(rc == CG_OK)
    rc = cg_import_date(im, LI_TO, 1, r->to, err);
  if(rc == CG_OK && strcmp(r->to, r->from) < 0)
    rc = cg_import_fail(im, err, "valid_to %s is before valid_from %s", r->to,
                        r->from);
  if(rc == CG_OK)
    rc = cg_import_text(im, LI_AUTHORITY, r->authority, sizeof(r->authority),
                        err);
  if(rc == CG_OK)
    rc = cg_import_text(im, LI_NOTES, r->notes, sizeof(r->notes), err);
  if(rc == CG_OK)
    rc = cg_import_text(im, LI_UNIT, r->unit, sizeof(r->unit), err);
  if(rc == CG_OK && !r->unit[0])
    snprintf(r->unit, sizeof(r->unit), "item");
  if(rc == CG_OK && strcmp(r->unit, "item") != 0 && strcmp(r->unit, "ic") != 0)
    rc = cg_import_fail(im, err,
                        "unit: \"%s\" is not item (units ordered: ICs, "
                        "boards or systems) or ic (the ICs they hold)",
                        r->unit);
  return rc;
}

/* Inserts r, or updates the licence of that number. */
static int store_license(cg_store *db, const license_row *r,
                         int64_t customer_id, cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_cached(db, &st,
                           "INSERT INTO licenses(number, customer_id, kind, "
                           "eccn, chip, destinations, max_qty, valid_from, "
                           "valid_to, authority, notes, unit) VALUES(?1, ?2, "
                           "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) "
                           "ON CONFLICT(number) DO UPDATE SET "
                           "customer_id = excluded.customer_id, "
                           "kind = excluded.kind, eccn = excluded.eccn, "
                           "chip = excluded.chip, "
                           "destinations = excluded.destinations, "
                           "max_qty = excluded.max_qty, "
                           "valid_from = excluded.valid_from, "
                           "valid_to = excluded.valid_to, "
                           "authority = excluded.authority, "
                           "notes = excluded.notes, unit = excluded.unit "
                           /* the same licence again changes nothing */
                           "WHERE customer_id IS NOT excluded.customer_id "
                           "OR kind IS NOT excluded.kind "
                           "OR eccn IS NOT excluded.eccn "
                           "OR chip IS NOT excluded.chip "
                           "OR destinations IS NOT excluded.destinations "
                           "OR max_qty IS NOT excluded.max_qty "
                           "OR valid_from IS NOT excluded.valid_from "
                           "OR valid_to IS NOT excluded.valid_to "
                           "OR authority IS NOT excluded.authority "
                           "OR notes IS NOT excluded.notes "
                           "OR unit IS NOT excluded.unit",
                           err);

  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 1, r->number, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 2, customer_id, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 3, r->kind, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 4, r->eccn[0] ? r->eccn : NULL, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 5, r->chip[0] ? r->chip : NULL, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 6, r->dest[0] ? r->dest : NULL, err);
  if(rc == CG_OK)
    rc = r->max_qty > 0 ? cg_stmt_bind_int(st, 7, r->max_qty, err)
                        : cg_stmt_bind_null(st, 7, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 8, r->from, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 9, r->to, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 10, r->authority, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 11, r->notes, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 12, r->unit, err);
  if(rc == CG_OK)
    rc = cg_stmt_run(st, err);
  return rc;
}

typedef struct license_ctx {
  cg_store *db;
  cg_rowseen *seen; /* licence numbers in this file */
} license_ctx;

/* A licence number differing from one on file only in case ("d9"
 * beside "D9") would be a second licence with its own
 * quantity: refused, since a person reading the two sees one licence. */
static int case_twin(cg_import *im, cg_store *db, const license_row *r,
                     cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_cached(db, &st,
                           "SELECT number FROM licenses WHERE number = ?1 "
                           "COLLATE NOCASE AND number <> ?1 LIMIT 1",
                           err);

  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 1, r->number, err);
  if(rc == CG_OK)
    rc = cg_stmt_step(st, err);
  if(rc == 1)
    rc = cg_import_fail(im, err,
                        "number: \"%s\" differs only in case from licence "
                        "\"%s\" on file",
                        r->number, cg_stmt_text(st, 0));
  cg_stmt_reset(st);
  return rc;
}

static int license_row_fn(void *arg, cg_import *im, cg_error *err)
{
  license_ctx *lx = arg;
  cg_store *db = lx->db;
  license_row r;
  cg_customer cu;
  int64_t customer_id;
  char where[600];
  int rc = read_license(im, db, &r, err);

  if(rc != CG_OK)
    return rc;
  snprintf(where, sizeof(where), "%s:%ld", im->path, im->row->line);
  rc = case_twin(im, db, &r, err);
  if(rc != CG_OK)
    return rc;
  rc = cg_rowseen_add(lx->seen, r.number, im->row, where, "licence", err);
  if(rc <= 0)
    return rc; /* an identical repeat, or a conflict */
  rc = cg_customer_get(db, r.customer, &cu, err);
  if(rc == CG_ENOTFOUND)
    return cg_import_fail(im, err,
                          "customer: unknown customer \"%s\" "
                          "(import customers first)",
                          r.customer);
  if(rc != CG_OK)
    return rc;
  customer_id = cu.id;
  cg_customer_clear(&cu);
  rc = store_license(db, &r, customer_id, err);
  return rc == CG_OK ? cg_store_changes(db) > 0 : rc;
}

int cg_license_import(cg_store *db, const char *path, size_t *count_out,
                      cg_error *err)
{
  static const char *const cols[] = {
    "number",       "customer", "kind",       "eccn",     "chip",
    "destinations", "max_qty",  "valid_from", "valid_to", "authority",
    "notes",        "unit",     NULL
  };
  static const char *const req[] = { "number",     "customer", "kind",
                                     "valid_from", "valid_to", NULL };
  static const cg_import_spec spec = { cols, req, NULL, license_row_fn };
  /* In one file too, "d9" and "D9" are one licence said twice. */
  license_ctx lx = { db, cg_rowseen_new(1) };
  int rc;

  *count_out = 0;
  if(!lx.seen)
    return cg_error_set(err, CG_ENOMEM, "%s: out of memory", path);
  rc = cg_import_run(db, path, &spec, &lx, count_out, err);
  cg_rowseen_free(lx.seen);
  return rc;
}

/* ==== approvals and matching ========================================= */

int cg_license_approvals(cg_store *db, int64_t customer_id, const char *date,
                         const char **designer, int *osat, cg_error *err)
{
  cg_stmt *st = NULL;
  int rc;

  *designer = "none";
  *osat = 0;
  if(!customer_id)
    return CG_OK;
  rc = cg_store_cached(db, &st,
                       "SELECT kind FROM licenses WHERE customer_id = ?1 AND "
                       "valid_from <= ?2 AND ?2 <= valid_to AND kind IN "
                       "('approved_ic_designer', 'authorized_ic_designer', "
                       "'approved_osat')",
                       err);
  if(rc != CG_OK)
    return rc;
  rc = cg_stmt_bind_int(st, 1, customer_id, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 2, date, err);
  while(rc == CG_OK && (rc = cg_stmt_step(st, err)) == 1) {
    const char *k = cg_stmt_text(st, 0);
    if(!strcmp(k, "approved_ic_designer"))
      *designer = "approved";
    else if(!strcmp(k, "authorized_ic_designer") &&
            strcmp(*designer, "approved") != 0)
      *designer = "authorized";
    else if(!strcmp(k, "approved_osat"))
      *osat = 1;
    rc = CG_OK;
  }
  cg_stmt_reset(st);
  return rc < 0 ? rc : CG_OK;
}

/* Does a licence's pattern (empty = any) match the whole subject? Patterns
 * are compiled once per decider, not once per order; import already
 * refused the ones that do not compile. */
static int pattern_ok(cg_license_matcher *d, const char *re,
                      const char *subject)
{
  cg_pattern *p = NULL;
  size_t i;
  int m;

  if(!re || !*re)
    return 1;
  if(!subject)
    return 0;
  for(i = 0; i < d->n_pats; i++)
    if(strcmp(d->pats[i].src, re) == 0) {
      p = d->pats[i].re;
      break;
    }
  if(!p) {
    if(cg_pattern_compile(&p, re, CG_PATTERN_CASELESS | CG_PATTERN_ANCHORED,
                          NULL) != CG_OK)
      return 0;
    if(d->n_pats == PATTERN_CACHE) {
      /* Full: match once without keeping it. */
      m = cg_pattern_match(p, subject, strlen(subject), NULL);
      cg_pattern_free(p);
      return m == 1;
    }
    d->pats[d->n_pats].src = strdup(re);
    if(!d->pats[d->n_pats].src) {
      cg_pattern_free(p);
      return 0;
    }
    d->pats[d->n_pats++].re = p;
  }
  return cg_pattern_match(p, subject, strlen(subject), NULL) == 1;
}

/* Does a ';'-list of codes and group names cover dest (groups as of the
 * order date, already in dest_mask)? An empty list covers everything. */
static int destinations_ok(const char *list, const char *dest,
                           unsigned dest_mask)
{
  char buf[1024], *save = NULL, *tok;

  if(!list || !*list)
    return 1;
  snprintf(buf, sizeof(buf), "%s", list);
  for(tok = strtok_r(buf, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
    size_t n;
    int bit;

    /* Trimmed as import checked it: "D:5 ;NL" names group D:5. */
    while(*tok == ' ')
      tok++;
    n = strlen(tok);
    while(n && tok[n - 1] == ' ')
      tok[--n] = '\0';
    if(!strcmp(tok, dest))
      return 1;
    bit = cg_group_bit(tok);
    if(bit >= 0 && (dest_mask & (1u << bit)))
      return 1;
  }
  return 0;
}

int cg_license_find(cg_license_matcher *d, const cg_license_need *o,
                    cg_license_hit *hit, cg_error *err)
{
  cg_stmt *st = NULL;
  int rc;

  memset(hit, 0, sizeof(*hit));
  if(!o->customer_id)
    return CG_OK;
  rc = cg_store_cached(d->db, &st,
                       "SELECT l.id, l.number, l.kind, l.eccn, l.chip, "
                       "l.destinations, coalesce(l.max_qty, -1), "
                       "(SELECT coalesce(sum(u.quantity), 0) FROM "
                       "license_usage u WHERE u.license_id = l.id), l.unit "
                       "FROM licenses l WHERE l.customer_id = ?1 AND "
                       "l.kind IN ('license', 'policy_permission') AND "
                       "l.valid_from <= ?2 AND ?2 <= l.valid_to "
                       "ORDER BY l.number",
                       err);
  if(rc != CG_OK)
    return rc;
  rc = cg_stmt_bind_int(st, 1, o->customer_id, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 2, o->date, err);
  while(rc == CG_OK && (rc = cg_stmt_step(st, err)) == 1) {
    int64_t max = cg_stmt_int(st, 6), used = cg_stmt_int(st, 7);
    /* A licence in ICs counts, and names, the ICs a board or system holds. */
    int in_ics = !strcmp(cg_stmt_text(st, 8), "ic") && o->ic_chip;
    int64_t want = in_ics ? o->quantity * o->ics : o->quantity;
    rc = CG_OK;
    if(max >= 0 && max - used < want)
      continue; /* a partly covering licence does not cover */
    if(!pattern_ok(d, cg_stmt_text(st, 3), in_ics ? o->ic_eccn : o->eccn) ||
       !pattern_ok(d, cg_stmt_text(st, 4), in_ics ? o->ic_chip : o->chip) ||
       !destinations_ok(cg_stmt_text(st, 5), o->dest, o->dest_groups))
      continue;
    hit->id = cg_stmt_int(st, 0);
    snprintf(hit->number, sizeof(hit->number), "%s", cg_stmt_text(st, 1));
    snprintf(hit->kind, sizeof(hit->kind), "%s", cg_stmt_text(st, 2));
    hit->max_qty = max;
    hit->used = used;
    hit->quantity = want;
    snprintf(hit->unit, sizeof(hit->unit), "%s", in_ics ? "ic" : "item");
    break;
  }
  cg_stmt_reset(st);
  return rc < 0 ? rc : CG_OK;
}

/* ==== explanations ====================================================== */

/* Appends a reason to c (code static, text formatted). */
static void add_reason(cg_license_check *c, const char *code, const char *fmt,
                       ...) __attribute__((format(printf, 3, 4)));

static void add_reason(cg_license_check *c, const char *code, const char *fmt,
                       ...)
{
  cg_license_reason *r;
  va_list ap;

  if(c->nreasons == CG_LICENSE_MAX_REASONS)
    return;
  r = &c->reasons[c->nreasons++];
  r->code = code;
  va_start(ap, fmt);
  vsnprintf(r->text, sizeof(r->text), fmt, ap);
  va_end(ap);
}

/* The tests of cg_license_find, each failure a reason. Columns: number,
 * kind, eccn, chip, destinations, max_qty (-1), used, valid_from,
 * valid_to. */
static void judge(cg_license_matcher *m, cg_stmt *st, const cg_license_need *o,
                  cg_license_check *c)
{
  const char *kind = cg_stmt_text(st, 2), *eccn = cg_stmt_text(st, 3);
  const char *chip = cg_stmt_text(st, 4), *dest = cg_stmt_text(st, 5);
  const char *from = cg_stmt_text(st, 8), *to = cg_stmt_text(st, 9);
  int64_t max = cg_stmt_int(st, 6), used = cg_stmt_int(st, 7);
  /* A licence written in ICs counts, and names, the ICs a board or
   * system holds (as cg_license_find does). */
  int in_ics = !strcmp(cg_stmt_text(st, 10), "ic") && o->ic_chip;
  int64_t want = in_ics ? o->quantity * o->ics : o->quantity;
  const char *want_eccn = in_ics ? o->ic_eccn : o->eccn;
  const char *want_chip = in_ics ? o->ic_chip : o->chip;

  if(strcmp(kind, "license") && strcmp(kind, "policy_permission"))
    add_reason(c, "kind",
               "kind: %s is an approval, not a licence or policy "
               "permission",
               kind);
  if(strcmp(o->date, from) < 0)
    add_reason(c, "not_yet_valid",
               "not yet valid: valid from %s, order date %s", from, o->date);
  if(strcmp(o->date, to) > 0)
    add_reason(c, "expired", "expired: valid to %s, order date %s", to,
               o->date);
  if(max >= 0 && max - used < want)
    add_reason(c, "quantity", "quantity: %lld left of %lld, %lld ordered%s",
               (long long)(max - used), (long long)max, (long long)want,
               in_ics ? " (ICs)" : "");
  if(!destinations_ok(dest, o->dest, o->dest_groups))
    add_reason(c, "destination", "destination: %s is not in %s", o->dest,
               dest ? dest : "");
  if(!pattern_ok(m, eccn, want_eccn))
    add_reason(c, "eccn", "ECCN: %s does not match %s",
               want_eccn ? want_eccn : "unknown", eccn);
  if(!pattern_ok(m, chip, want_chip))
    add_reason(c, "chip", "chip: %s does not match %s",
               want_chip ? want_chip : "unknown", chip);
  c->covers = c->nreasons == 0;
}

int cg_license_explain(cg_license_matcher *m, const cg_license_need *o,
                       cg_license_checks *out, cg_error *err)
{
  cg_stmt *st = NULL;
  size_t cap = 0;
  int rc;

  out->n = 0;
  out->items = NULL;
  if(!o->customer_id)
    return CG_OK;
  rc = cg_store_cached(m->db, &st,
                       "SELECT l.id, l.number, l.kind, l.eccn, l.chip, "
                       "l.destinations, coalesce(l.max_qty, -1), "
                       "(SELECT coalesce(sum(u.quantity), 0) FROM "
                       "license_usage u WHERE u.license_id = l.id), "
                       "l.valid_from, l.valid_to, l.unit "
                       "FROM licenses l WHERE l.customer_id = ?1 "
                       "ORDER BY l.number",
                       err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 1, o->customer_id, err);
  while(rc == CG_OK && (rc = cg_stmt_step(st, err)) == 1) {
    cg_license_check *c;
    rc = CG_OK;
    if(out->n == cap) {
      size_t ncap = cap ? cap * 2 : 8;
      cg_license_check *p = realloc(out->items, ncap * sizeof(*p));
      if(!p) {
        rc = cg_error_set(err, CG_ENOMEM, "license: out of memory");
        break;
      }
      out->items = p;
      cap = ncap;
    }
    c = &out->items[out->n++];
    memset(c, 0, sizeof(*c));
    c->id = cg_stmt_int(st, 0);
    snprintf(c->number, sizeof(c->number), "%s", cg_stmt_text(st, 1));
    snprintf(c->kind, sizeof(c->kind), "%s", cg_stmt_text(st, 2));
    judge(m, st, o, c);
  }
  if(st)
    cg_stmt_reset(st);
  return rc < 0 ? rc : CG_OK;
}

void cg_license_checks_free(cg_license_checks *c)
{
  if(!c)
    return;
  free(c->items);
  c->items = NULL;
  c->n = 0;
}

int cg_license_consume(cg_store *db, int64_t license_id, int64_t order_rowid,
                       int64_t quantity, cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_cached(db, &st,
                           "INSERT INTO license_usage(license_id, order_id, "
                           "quantity) VALUES(?1, ?2, ?3)",
                           err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 1, license_id, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 2, order_rowid, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 3, quantity, err);
  if(rc == CG_OK)
    rc = cg_stmt_run(st, err);
  return rc;
}

int cg_license_return(cg_store *db, int64_t order_rowid, int64_t *returned,
                      cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_cached(db, &st,
                           "INSERT INTO license_usage(license_id, order_id, "
                           "quantity) SELECT license_id, order_id, "
                           "-sum(quantity) FROM license_usage WHERE "
                           "order_id = ?1 GROUP BY license_id HAVING "
                           "sum(quantity) > 0",
                           err);

  if(returned)
    *returned = 0;
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 1, order_rowid, err);
  if(rc == CG_OK)
    rc = cg_stmt_run(st, err);
  if(rc == CG_OK && returned)
    *returned = cg_store_changes(db);
  return rc;
}
