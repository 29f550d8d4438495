/* screen.c -- the screener (the loaded index, re-read when the lists
 * change), the lists version, hits, footnotes and ad-hoc name screening;
 * customers.c screens stored customers. */
#include "screen/screen.h"
#include "screen/internal.h"

#include "core/crypto.h"
#include "core/json.h"
#include "core/translit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Country as evidence: a listed country equal to the subject's closes
 * part of the gap to 1; another country lowers nothing (an entity buys
 * through fronts and subsidiaries abroad: a hit must not vanish because
 * the customer says it is in Germany). */
#define COUNTRY_BOOST 0.25

/* Bumped when the normalisation changes in code (the table's own hash
 * is taken separately): part of the lists version. */
#define NAMES_VERSION "names-3"

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

/* The screener's normaliser, made on first use. */
static int sc_norm(cg_screener *s, cg_error *err)
{
  return s->norm ? CG_OK : cg_sx_norm_new(&s->norm, err);
}

void cg_screener_close(cg_screener *s)
{
  if(!s)
    return;
  cg_sx_free(s->idx);
  cg_sx_norm_free(s->norm);
  free(s);
}

/* ==== Lists version =================================================== */

int cg_screen_lists_current(cg_store *db, cg_list_version **out, size_t *n,
                            cg_error *err)
{
  cg_stmt *st = NULL;
  cg_list_version *v = NULL;
  size_t cap = 0;
  int rc;

  *out = NULL;
  *n = 0;
  rc = cg_store_cached(db, &st,
                       "SELECT source, format, file, sha256, imported_at, "
                       "entries FROM list_versions WHERE current = 1 "
                       "ORDER BY source, id",
                       err);
  if(rc != CG_OK)
    return rc;
  while((rc = cg_stmt_step(st, err)) == 1) {
    if(*n == cap) {
      cg_list_version *nv;
      cap = cap ? cap * 2 : 4;
      nv = realloc(v, cap * sizeof(*v));
      if(!nv) {
        rc = cg_error_set(err, CG_ENOMEM, "screen: out of memory");
        break;
      }
      v = nv;
    }
    snprintf(v[*n].source, sizeof(v[*n].source), "%s", cg_stmt_text(st, 0));
    snprintf(v[*n].format, sizeof(v[*n].format), "%s", cg_stmt_text(st, 1));
    snprintf(v[*n].file, sizeof(v[*n].file), "%s", cg_stmt_text(st, 2));
    snprintf(v[*n].sha256, sizeof(v[*n].sha256), "%s", cg_stmt_text(st, 3));
    snprintf(v[*n].imported_at, sizeof(v[*n].imported_at), "%s",
             cg_stmt_text(st, 4));
    v[*n].entries = cg_stmt_int(st, 5);
    (*n)++;
  }
  cg_stmt_reset(st);
  if(rc < 0) {
    free(v);
    *n = 0;
    return rc;
  }
  *out = v;
  return CG_OK;
}

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
  if(rc == 0 && n) {
    /* Same lists through another normalisation are another version. */
    char line[160];
    int k =
        snprintf(line, sizeof(line), "names\t%s\t%s\ticu %s\n",
                 cg_sx_equiv_sha256(), NAMES_VERSION, cg_translit_version());
    char *nb = realloc(buf, n + (size_t)k + 1);

    if(!nb)
      rc = cg_error_set(err, CG_ENOMEM, "screen: out of memory");
    else {
      buf = nb;
      memcpy(buf + n, line, (size_t)k);
      n += (size_t)k;
    }
  }
  if(rc == 0 && n)
    rc = cg_sha256_hex(buf, n, out, err);
  free(buf);
  return rc < 0 ? rc : CG_OK;
}

/* Keeps an index rebuilt by this process (the lists were imported by a
 * binary that normalised names otherwise) for the next one, when the
 * database can be written now: a read-only or busy database, or a
 * caller's transaction, just means the next process builds it again. */
static void store_rebuilt(cg_store *db, const cg_sx *idx, const char *lists)
{
  cg_error e = { 0 };
  char now[65];

  /* Never wait for it (a plain screen must not stall on a writer), and
   * never over a newer index an import stored meanwhile. */
  if(cg_store_in_transaction(db) || cg_store_try_begin(db, &e) != CG_OK)
    return;
  if(cg_screen_lists_version(db, now, &e) != CG_OK ||
     strcmp(now, lists) != 0 || cg_sx_store(db, idx, lists, &e) != CG_OK ||
     cg_store_commit(db, &e) != CG_OK)
    cg_store_rollback(db);
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
  rc = sc_norm(s, err);
  if(rc == CG_OK)
    rc = cg_sx_load(s->db, &idx, stored, err);
  if(rc == CG_OK && strcmp(stored, lists) != 0) {
    cg_sx_free(idx);
    idx = NULL;
    rc = CG_ENOTFOUND;
  }
  if(rc == CG_ENOTFOUND || rc == CG_EINVAL) {
    rc = cg_sx_build(s->db, s->norm, &idx, err);
    if(rc == CG_OK)
      store_rebuilt(s->db, idx, lists);
  }
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

/* 1 if listed name ni is the query token for token (an exact match of
 * normalised names: sure, whatever the score). */
static int same_tokens(const cg_sx *idx, const cg_sx_tokens *q, uint32_t ni)
{
  const cg_sx_name *nm = &idx->names[ni];
  size_t i;

  if(!q->n || nm->ntok != q->n)
    return 0;
  for(i = 0; i < q->n; i++)
    if(strcmp(cg_sx_tok_text(idx, idx->name_toks[nm->tok + i]), q->tok[i]))
      return 0;
  return 1;
}

/* Country as evidence (see COUNTRY_BOOST): the score s adjusted for the
 * subject's country cc, with a note appended to *ex. */
static double country_evidence(double s, const char *entry_countries,
                               const char *cc, char **ex)
{
  double t = s;
  char note[96];
  size_t len;
  char *e2;

  if(!cc || !*cc || !entry_countries[0])
    return s;
  if(has_country(entry_countries, cc)) {
    t = s + (1.0 - s) * COUNTRY_BOOST;
    snprintf(note, sizeof(note), "; country %s in entry's (%+.3f)", cc, t - s);
  }
  else
    snprintf(note, sizeof(note), "; country %s not in entry's (no change)",
             cc);
  len = (*ex ? strlen(*ex) : 0) + strlen(note) + 1;
  e2 = malloc(len);
  if(e2)
    snprintf(e2, len, "%s%s", *ex ? *ex : "", note);
  free(*ex);
  *ex = e2;
  return t;
}

/* Fills hit h of match m (loaded, scored, explained); 1 if kept, 0 if
 * under the threshold once the country is weighed, <0 on error. */
static int make_hit(cg_store *db, cg_sx *idx, const cg_sx_tokens *q,
                    const cg_sx_match *m, const char *name,
                    const char *country, double threshold, int on_parent,
                    cg_screen_hit *h, cg_error *err)
{
  double s = m->score;
  char *ex = NULL;
  int rc;

  memset(h, 0, sizeof(*h));
  rc = load_hit(db, idx->names[m->name].name_id, h, err);
  if(rc != CG_OK)
    return rc;
  (void)cg_sx_score(idx, q, m->name, &ex);
  s = country_evidence(s, h->country, country, &ex);
  if(s < threshold) {
    free(ex);
    hit_free(h);
    return 0;
  }
  h->explain = ex;
  h->query = cg_sc_sdup(name);
  h->score = floor(s * 10000.0 + 0.5) / 10000.0;
  h->sure = s >= CG_SCREEN_SURE || same_tokens(idx, q, m->name);
  h->on_parent = on_parent;
  if(!h->explain || !h->query) {
    hit_free(h);
    return cg_error_set(err, CG_ENOMEM, "screen: out of memory");
  }
  return 1;
}

/* Adds the best matches of q (up to want) to m[0..*n), keeping the
 * better of two for one party; v[] records which query each is from.
 * m and v have room for every reading's want. */
static int search_into(cg_sx *idx, const cg_sx_tokens *q, int qv, double min,
                       cg_sx_match *m, int *v, size_t *n, size_t want,
                       cg_error *err)
{
  cg_sx_match *tmp = calloc(want, sizeof(*tmp));
  size_t k = 0, i, j;
  int rc;

  if(!tmp)
    return cg_error_set(err, CG_ENOMEM, "screen: out of memory");
  rc = cg_sx_search(idx, q, min, 0, tmp, want, &k, err);
  for(i = 0; rc == CG_OK && i < k; i++) {
    uint32_t party = idx->names[tmp[i].name].party_id;

    for(j = 0; j < *n; j++)
      if(idx->names[m[j].name].party_id == party)
        break;
    if(j == *n)
      m[(*n)++] = tmp[i], v[j] = qv;
    else if(tmp[i].score > m[j].score)
      m[j] = tmp[i], v[j] = qv;
  }
  free(tmp);
  return rc;
}

/* The readings of name to search (see cg_sx_tokenise) into q: as
 * written; joined into words of the list ("hong kong" -> "hongkong",
 * "sa de" -> "sade"; from Chinese script, the syllables between glued
 * too); and with every word of look-alike letters read as Latin
 * ("СО., LTD."), each only if it differs from the one before. Returns
 * the count, <0 on error. */
static int readings(cg_screener *s, cg_sx *idx, const char *name,
                    cg_sx_tokens q[3], cg_error *err)
{
  static const int flags[3] = { 0, CG_SX_GLUE, CG_SX_GLUE | CG_SX_LOOKALIKE };
  /* Look-alikes need letters of another script: a Latin name (most of
   * them, on batch's path) is tokenised twice, not three times. */
  int kmax = cg_translit_needed(name) ? 3 : 2;
  int nq = 0, k, rc = sc_norm(s, err);

  for(k = 0; rc == CG_OK && k < kmax; k++) {
    rc = cg_sx_tokenise(s->norm, k ? idx : NULL, flags[k], &q[nq], name, err);
    if(rc == CG_OK && (!nq || !cg_sx_tokens_same(&q[nq], &q[nq - 1])))
      nq++;
    else
      cg_sx_tokens_free(&q[nq]);
  }
  if(rc != CG_OK)
    return rc;
  /* Read syllable by syllable from Chinese script, a listed name
   * contained in the query must stand in a row: single syllables are
   * everywhere ("bai du wang xun ke ji" is not XUN WANG). */
  q[0].syllables = q[0].han && nq > 1;
  return nq;
}

/* Screens name (hits marked on_parent if so, exact normalised-name
 * matches sure) and appends its hits to out. A name is searched in each
 * way it reads (readings), and each entry keeps its best score: joining
 * alone would lose "Jin Ping Li" against the listed "JIN Ping Li", and
 * look-alikes alone Росатом (read "pocatom"). */
int cg_sc_subject(cg_screener *s, cg_sx *idx, const char *name,
                  const char *country, double threshold, size_t limit,
                  int on_parent, cg_screen_hits *out, cg_error *err)
{
  cg_sx_tokens q[3];
  cg_sx_match *m = NULL;
  int *v = NULL, nq, k;
  size_t n = 0, i, want = limit * 2 + 8;
  cg_screen_hit *items;
  /* Low enough for a candidate the country lifts over the threshold. */
  double min = country && *country
                   ? (threshold - COUNTRY_BOOST) / (1.0 - COUNTRY_BOOST)
                   : threshold;
  int rc = CG_OK;

  memset(q, 0, sizeof(q));
  nq = readings(s, idx, name, q, err);
  if(nq < 0) {
    rc = nq;
    nq = 0;
    goto done;
  }
  m = calloc(want * (size_t)nq, sizeof(*m));
  v = calloc(want * (size_t)nq, sizeof(*v));
  if(!m || !v) {
    rc = cg_error_set(err, CG_ENOMEM, "screen: out of memory");
    goto done;
  }
  for(k = nq - 1; rc == CG_OK && k >= 0; k--)
    rc = search_into(idx, &q[k], k, min, m, v, &n, want, err);
  if(rc != CG_OK)
    goto done;
  items = realloc(out->items, (out->n + n) * sizeof(*items) + 1);
  if(!items) {
    rc = cg_error_set(err, CG_ENOMEM, "screen: out of memory");
    goto done;
  }
  out->items = items;
  for(i = 0; i < n; i++) {
    rc = make_hit(s->db, idx, &q[v[i]], &m[i], name, country, threshold,
                  on_parent, &out->items[out->n], err);
    if(rc < 0)
      goto done;
    out->n += (size_t)rc;
  }
  rc = CG_OK;
done:
  free(m);
  free(v);
  for(k = 0; k < nq; k++)
    cg_sx_tokens_free(&q[k]);
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

cg_json *cg_screen_hit_json(const cg_screen_hit *h)
{
  cg_json *o = cg_json_object();

  if(o && (cg_json_set_str(o, "name", h->name) ||
           cg_json_set_str(o, "matched_name", h->matched_name) ||
           cg_json_set_bool(o, "via_alias", h->via_alias) ||
           cg_json_set_str(o, "list", h->list) ||
           cg_json_set_str(o, "source", h->source) ||
           cg_json_set_str(o, "entry_id", h->entry_id) ||
           cg_json_set_num(o, "score", h->score) ||
           cg_json_set_bool(o, "sure", h->sure) ||
           cg_json_set_str(o, "country", h->country) ||
           cg_json_set_str(o, "license_requirement", h->license_requirement) ||
           cg_json_set_str(o, "license_policy", h->license_policy) ||
           cg_json_set_str(o, "federal_register_notice",
                           h->federal_register_notice) ||
           cg_json_set_str(o, "explain", h->explain))) {
    cg_json_free(o);
    o = NULL;
  }
  return o;
}
