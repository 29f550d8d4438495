/* screen.c -- the screener (the loaded index, re-read when the lists
 * change), the lists version, hits, footnotes and ad-hoc name screening;
 * customers.c screens stored customers. */
#include "screen/screen.h"
#include "screen/internal.h"

#include "core/crypto.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNTRY_PENALTY 0.97 /* entry lists countries, none is the query's */

int cg_screener_open(cg_screener **out, cg_store *db, cg_error *err)
{
  cg_screener *s = calloc(1, sizeof(*s));

  *out = NULL;
  if(!s)
    return cg_error_set(err, CG_ENOMEM, "screen: out of memory");
  s->db = db;
  *out = s;
  return CG_OK;
}

void cg_screener_close(cg_screener *s)
{
  if(!s)
    return;
  cg_sx_free(s->idx);
  free(s);
}

/* ==== Lists version =================================================== */

int cg_screen_lists_version(cg_store *db, char out[65], cg_error *err)
{
  cg_stmt *st = NULL;
  char *buf = NULL;
  size_t n = 0, cap = 0;
  int rc;

  out[0] = '\0';
  rc = cg_store_cached(db, &st,
                       "SELECT source, sha256, id FROM list_versions "
                       "WHERE current = 1 ORDER BY source, id",
                       err);
  if(rc != CG_OK)
    return rc;
  while((rc = cg_stmt_step(st, err)) == 1) {
    char line[256];
    int k = snprintf(line, sizeof(line), "%s\t%s\t%lld\n", cg_stmt_text(st, 0),
                     cg_stmt_text(st, 1), (long long)cg_stmt_int(st, 2));

    if(k < 0)
      continue;
    if(n + (size_t)k + 1 > cap) {
      char *nb;

      cap = (n + (size_t)k + 1) * 2;
      nb = realloc(buf, cap);
      if(!nb) {
        rc = cg_error_set(err, CG_ENOMEM, "screen: out of memory");
        break;
      }
      buf = nb;
    }
    memcpy(buf + n, line, (size_t)k);
    n += (size_t)k;
  }
  cg_stmt_reset(st);
  if(rc == 0 && n)
    rc = cg_sha256_hex(buf, n, out, err);
  free(buf);
  return rc < 0 ? rc : CG_OK;
}

/* The index of the current lists into *out (NULL if no list is loaded),
 * borrowed from s; lists gets their version. The index is re-read when
 * the lists changed since it was loaded (a new import, by any process). */
int cg_sc_index(cg_screener *s, cg_sx **out, char lists[65], cg_error *err)
{
  cg_sx *idx = NULL;
  char stored[65];
  int rc;

  *out = NULL;
  rc = cg_screen_lists_version(s->db, lists, err);
  if(rc != CG_OK || !lists[0])
    return rc;
  if(s->idx && strcmp(s->lists, lists) == 0) {
    *out = s->idx;
    return CG_OK;
  }
  rc = cg_sx_load(s->db, &idx, stored, err);
  if(rc == CG_OK && strcmp(stored, lists) != 0) {
    cg_sx_free(idx);
    idx = NULL;
    rc = CG_ENOTFOUND;
  }
  if(rc == CG_ENOTFOUND || rc == CG_EINVAL)
    rc = cg_sx_build(s->db, &idx, err);
  if(rc != CG_OK)
    return rc;
  cg_sx_free(s->idx);
  s->idx = idx;
  snprintf(s->lists, sizeof(s->lists), "%s", lists);
  *out = idx;
  return CG_OK;
}

/* ==== Hits ============================================================ */

static void hit_free(cg_screen_hit *h)
{
  free(h->list);
  free(h->source);
  free(h->entry_id);
  free(h->name);
  free(h->matched_name);
  free(h->query);
  free(h->country);
  free(h->license_requirement);
  free(h->license_policy);
  free(h->federal_register_notice);
  free(h->content_hash);
  free(h->explain);
  free(h->clear_reason);
  cg_sc_clearances_free(h->clear, h->nclear);
  memset(h, 0, sizeof(*h));
}

void cg_screen_hits_free(cg_screen_hits *hits)
{
  size_t i;

  if(!hits)
    return;
  for(i = 0; i < hits->n; i++)
    hit_free(&hits->items[i]);
  free(hits->items);
  hits->items = NULL;
  hits->n = 0;
}

char *cg_sc_sdup(const char *s)
{
  return strdup(s ? s : "");
}

int cg_screen_is_entity_list(const char *list)
{
  return list && strstr(list, "Entity List") != NULL;
}

/* By the CSL's list names (its `source` column) and the OFAC import's
 * SDN_LIST. "Non-SDN ..." lists are not the SDN list. */
int cg_screen_list_kind(const char *list)
{
  if(!list)
    return CG_LIST_OTHER;
  if(cg_screen_is_entity_list(list))
    return CG_LIST_ENTITY;
  if(strstr(list, "Denied Persons List"))
    return CG_LIST_DENIED;
  if(strstr(list, "Specially Designated Nationals") &&
     strncmp(list, "Non-SDN", 7) != 0)
    return CG_LIST_SDN;
  if(strstr(list, "Unverified List"))
    return CG_LIST_UNVERIFIED;
  if(strstr(list, "Military End User") || strstr(list, "Military End-User"))
    return CG_LIST_MEU;
  return CG_LIST_OTHER;
}

const char *cg_screen_list_kind_name(int kind)
{
  switch(kind) {
  case CG_LIST_ENTITY:
    return "entity";
  case CG_LIST_DENIED:
    return "denied";
  case CG_LIST_SDN:
    return "sdn";
  case CG_LIST_UNVERIFIED:
    return "unverified";
  case CG_LIST_MEU:
    return "meu";
  default:
    return "other";
  }
}

int cg_screen_footnotes(const char *s)
{
  const char *p, *last = NULL;
  int fn = 0;

  if(!s)
    return 0;
  if(strstr(s, "734.9(e)(1)") || strstr(s, "734.9(e)1") ||
     strstr(s, "734.9(e) 1"))
    fn |= CG_SCREEN_FN1;
  if(strstr(s, "734.9(e)(2)"))
    fn |= CG_SCREEN_FN4;
  if(strstr(s, "734.9(e)(3)"))
    fn |= CG_SCREEN_FN5;
  if(strstr(s, "734.9(g)"))
    fn |= CG_SCREEN_FN3;
  if(!(fn & (CG_SCREEN_FN1 | CG_SCREEN_FN4 | CG_SCREEN_FN5)) &&
     strstr(s, "734.9(e)")) {
    /* "... 744.11 of the EAR)4": the footnote mark follows "EAR". */
    for(p = strstr(s, "EAR"); p; p = strstr(p + 3, "EAR"))
      last = p;
    if(last) {
      p = last + 3;
      while(*p == ')' || *p == ' ' || *p == '.')
        p++;
      if(*p == '4')
        fn |= CG_SCREEN_FN4;
      else if(*p == '1')
        fn |= CG_SCREEN_FN1;
      else if(*p == '5')
        fn |= CG_SCREEN_FN5;
    }
  }
  return fn;
}

/* Fills h from the party_names row name_id. */
static int load_hit(cg_store *db, uint32_t name_id, cg_screen_hit *h,
                    cg_error *err)
{
  cg_stmt *st = NULL;
  int rc;

  rc = cg_store_cached(
      db, &st,
      "SELECT p.list, p.source, p.entry_id, p.name, p.countries, "
      "p.license_requirement, p.license_policy, p.federal_register_notice, "
      "p.content_hash, n.name, n.is_alias FROM party_names n "
      "JOIN parties p ON p.id = n.party_id WHERE n.id = ?1",
      err);
  if(rc != CG_OK)
    return rc;
  rc = cg_stmt_bind_int(st, 1, name_id, err);
  if(rc == CG_OK)
    rc = cg_stmt_step(st, err);
  if(rc == 0)
    rc = cg_error_set(err, CG_EINTERNAL, "screen: index names a missing row");
  if(rc == 1) {
    h->list = cg_sc_sdup(cg_stmt_text(st, 0));
    h->source = cg_sc_sdup(cg_stmt_text(st, 1));
    h->entry_id = cg_sc_sdup(cg_stmt_text(st, 2));
    h->name = cg_sc_sdup(cg_stmt_text(st, 3));
    h->country = cg_sc_sdup(cg_stmt_text(st, 4));
    h->license_requirement = cg_sc_sdup(cg_stmt_text(st, 5));
    h->license_policy = cg_sc_sdup(cg_stmt_text(st, 6));
    h->federal_register_notice = cg_sc_sdup(cg_stmt_text(st, 7));
    h->content_hash = cg_sc_sdup(cg_stmt_text(st, 8));
    h->matched_name = cg_sc_sdup(cg_stmt_text(st, 9));
    h->via_alias = (int)cg_stmt_int(st, 10);
    rc = CG_OK;
    if(!h->list || !h->source || !h->entry_id || !h->name || !h->country ||
       !h->license_requirement || !h->license_policy ||
       !h->federal_register_notice || !h->content_hash || !h->matched_name)
      rc = cg_error_set(err, CG_ENOMEM, "screen: out of memory");
    h->entity_list = cg_screen_is_entity_list(h->list);
    h->kind = cg_screen_list_kind(h->list);
    h->footnotes = cg_screen_footnotes(h->license_requirement);
  }
  cg_stmt_reset(st);
  return rc;
}

/* 1 if country (2 letters) is in the "CN; HK" list. */
static int has_country(const char *list, const char *cc)
{
  const char *p = list;

  while(p && *p) {
    while(*p == ' ' || *p == ';')
      p++;
    if(strncmp(p, cc, 2) == 0 && (p[2] == '\0' || p[2] == ';'))
      return 1;
    p = strchr(p, ';');
  }
  return 0;
}

int cg_sc_hit_cmp(const void *a, const void *b)
{
  const cg_screen_hit *x = a, *y = b;
  int c;

  if(x->score != y->score)
    return x->score < y->score ? 1 : -1;
  c = strcmp(x->entry_id ? x->entry_id : "", y->entry_id ? y->entry_id : "");
  return c;
}

/* Screens one name and appends its hits to out. */
static int screen_one(cg_store *db, cg_sx *idx, const char *name,
                      const char *country, double threshold, size_t limit,
                      int on_parent, cg_screen_hits *out, cg_error *err)
{
  cg_sx_tokens q;
  cg_sx_match *m = NULL;
  size_t n = 0, i, want = limit * 2 + 8;
  cg_screen_hit *items;
  int rc;

  memset(&q, 0, sizeof(q));
  rc = cg_sx_tokenise(&q, name, err);
  if(rc != CG_OK)
    return rc;
  m = calloc(want, sizeof(*m));
  if(!m) {
    rc = cg_error_set(err, CG_ENOMEM, "screen: out of memory");
    goto done;
  }
  rc = cg_sx_search(idx, &q, threshold * COUNTRY_PENALTY, 0, m, want, &n, err);
  if(rc != CG_OK)
    goto done;
  items = realloc(out->items, (out->n + n) * sizeof(*items) + 1);
  if(!items) {
    rc = cg_error_set(err, CG_ENOMEM, "screen: out of memory");
    goto done;
  }
  out->items = items;
  for(i = 0; i < n; i++) {
    cg_screen_hit *h = &out->items[out->n];
    double s = m[i].score;
    char *ex = NULL;

    memset(h, 0, sizeof(*h));
    rc = load_hit(db, idx->names[m[i].name].name_id, h, err);
    if(rc != CG_OK) {
      hit_free(h);
      goto done;
    }
    (void)cg_sx_score(idx, &q, m[i].name, &ex);
    if(country && *country && h->country[0] &&
       !has_country(h->country, country)) {
      char *ex2;
      size_t len = (ex ? strlen(ex) : 0) + 64;

      s *= COUNTRY_PENALTY;
      ex2 = malloc(len);
      if(ex2)
        snprintf(ex2, len, "%s; country %s not in entry's", ex ? ex : "",
                 country);
      free(ex);
      ex = ex2;
    }
    if(s < threshold) {
      free(ex);
      hit_free(h);
      continue;
    }
    h->explain = ex;
    h->query = cg_sc_sdup(name);
    h->score = floor(s * 10000.0 + 0.5) / 10000.0;
    h->sure = s >= CG_SCREEN_SURE;
    h->on_parent = on_parent;
    if(!h->explain || !h->query) {
      hit_free(h);
      rc = cg_error_set(err, CG_ENOMEM, "screen: out of memory");
      goto done;
    }
    out->n++;
  }
  rc = CG_OK;
done:
  free(m);
  cg_sx_tokens_free(&q);
  return rc;
}

/* Marks exact normalised-name matches sure. */
static int mark_exact(cg_store *db, const char *name, cg_screen_hits *hits,
                      size_t from, cg_error *err)
{
  char *key = NULL;
  cg_stmt *st = NULL;
  size_t i;
  int rc;

  rc = cg_screen_normalise(&key, name, err);
  if(rc != CG_OK)
    return rc;
  rc = cg_store_cached(db, &st,
                       "SELECT 1 FROM party_names n JOIN parties p ON "
                       "p.id = n.party_id WHERE n.key = ?1 AND "
                       "p.entry_id = ?2",
                       err);
  for(i = from; rc == CG_OK && i < hits->n; i++) {
    if(hits->items[i].sure)
      continue;
    rc = cg_stmt_bind_text(st, 1, key, err);
    if(rc == CG_OK)
      rc = cg_stmt_bind_text(st, 2, hits->items[i].entry_id, err);
    if(rc != CG_OK)
      break;
    rc = cg_stmt_step(st, err);
    if(rc == 1)
      hits->items[i].sure = 1;
    cg_stmt_reset(st);
    rc = rc < 0 ? rc : CG_OK;
  }
  free(key);
  return rc;
}

/* Screens name (hits marked on_parent if so) and appends its hits to
 * out, exact normalised-name matches marked sure. */
int cg_sc_subject(cg_screener *s, cg_sx *idx, const char *name,
                  const char *country, double threshold, size_t limit,
                  int on_parent, cg_screen_hits *out, cg_error *err)
{
  size_t from = out->n;
  int rc;

  rc = screen_one(s->db, idx, name, country, threshold, limit, on_parent, out,
                  err);
  if(rc == CG_OK)
    rc = mark_exact(s->db, name, out, from, err);
  return rc;
}

int cg_screen_name(cg_screener *s, const char *name, const char *country,
                   double threshold, size_t limit, cg_screen_hits *out,
                   cg_error *err)
{
  char lists[65];
  cg_sx *idx = NULL;
  int rc;

  out->n = 0;
  out->items = NULL;
  if(threshold < 0)
    threshold = CG_SCREEN_THRESHOLD;
  if(!limit)
    limit = 10;
  if(!name || !*name)
    return cg_error_set(err, CG_EINVAL, "screen: empty name");
  if(strlen(name) > 4096)
    return cg_error_set(err, CG_EINVAL,
                        "screen: name of %zu bytes (at most "
                        "4096)",
                        strlen(name));
  rc = cg_sc_index(s, &idx, lists, err);
  if(rc != CG_OK || !idx)
    return rc;
  rc = cg_sc_subject(s, idx, name, country, threshold, limit, 0, out, err);
  if(rc != CG_OK) {
    cg_screen_hits_free(out);
    return rc;
  }
  qsort(out->items, out->n, sizeof(*out->items), cg_sc_hit_cmp);
  while(out->n > limit)
    hit_free(&out->items[--out->n]);
  return CG_OK;
}
