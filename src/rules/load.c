/* load.c -- find and read the pack's files, run lexer -> parser ->
 * checker over all of them, and own the compiled pack. */
#include "rules/internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_FILE_BYTES (64u << 20) /* refuse absurd rule files */
#define MAX_DEPTH_DIRS 16

/* ======================================================================
 * Names
 * ====================================================================== */

static const char *const outcome_names[] = {
  [CG_OUT_NLR] = "nlr",
  [CG_OUT_EXCEPTION] = "exception",
  [CG_OUT_LICENSED] = "licensed",
  [CG_OUT_NOTIFY] = "notify",
  [CG_OUT_HOLD] = "hold",
  [CG_OUT_LICENSE_REQUIRED] = "license_required",
  [CG_OUT_DENY] = "deny",
  [CG_OUT_NONE] = "none",
};

const char *cg_outcome_name(cg_outcome o)
{
  if((int)o < 0 || o > CG_OUT_NONE)
    return NULL;
  return outcome_names[o];
}

int cg_outcome_parse(const char *name)
{
  int i;

  for(i = 0; i <= CG_OUT_NONE; i++)
    if(strcmp(outcome_names[i], name) == 0)
      return i;
  return -1;
}

/* ======================================================================
 * Directory walk
 * ====================================================================== */

typedef struct path_list {
  char **v;
  size_t n, cap;
} path_list;

static int path_push(path_list *l, const char *s)
{
  if(l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 16;
    char **v = realloc(l->v, cap * sizeof(*v));
    if(!v)
      return CG_ENOMEM;
    l->v = v;
    l->cap = cap;
  }
  l->v[l->n] = strdup(s);
  if(!l->v[l->n])
    return CG_ENOMEM;
  l->n++;
  return CG_OK;
}

static void path_free(path_list *l)
{
  size_t i;

  for(i = 0; i < l->n; i++)
    free(l->v[i]);
  free(l->v);
}

static int has_suffix(const char *s, const char *suf)
{
  size_t n = strlen(s), k = strlen(suf);

  return n > k && strcmp(s + n - k, suf) == 0;
}

/* Appends relative paths (from root) of files ending in suffix. */
static int walk(const char *root, const char *rel, const char *suffix,
                path_list *out, int depth, cg_error *err)
{
  char dir[4096];
  DIR *d;
  struct dirent *e;
  int rc = CG_OK;

  if(depth > MAX_DEPTH_DIRS)
    return CG_OK;
  if(rel[0])
    snprintf(dir, sizeof(dir), "%s/%s", root, rel);
  else
    snprintf(dir, sizeof(dir), "%s", root);
  d = opendir(dir);
  if(!d) {
    rc = cg_error_set(err, CG_EIO, "%s: %s", dir, strerror(errno));
    if(err)
      err->sys_errno = errno;
    return rc;
  }
  while(rc == CG_OK) {
    char sub[4096], full[8192];
    struct stat st;
    errno = 0;
    e = readdir(d);
    if(!e)
      break;
    if(e->d_name[0] == '.')
      continue; /* ., .., hidden files and editor droppings */
    if(rel[0])
      snprintf(sub, sizeof(sub), "%s/%s", rel, e->d_name);
    else
      snprintf(sub, sizeof(sub), "%s", e->d_name);
    snprintf(full, sizeof(full), "%s/%s", root, sub);
    if(stat(full, &st) != 0)
      continue;
    if(S_ISDIR(st.st_mode))
      rc = walk(root, sub, suffix, out, depth + 1, err);
    else if(S_ISREG(st.st_mode) && has_suffix(e->d_name, suffix)) {
      rc = path_push(out, sub);
      if(rc != CG_OK)
        cg_error_set(err, rc, "out of memory");
    }
  }
  closedir(d);
  return rc;
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int cg_rules_list_files(const char *dir, const char *suffix, char ***out,
                        size_t *n, cg_error *err)
{
  struct stat st;
  path_list l = { 0 };
  int rc;

  *out = NULL;
  *n = 0;
  if(stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
    return cg_error_set(err, CG_ENOTFOUND, "%s: no such rules directory", dir);
  rc = walk(dir, "", suffix, &l, 0, err);
  if(rc != CG_OK) {
    path_free(&l);
    return rc;
  }
  if(l.n)
    qsort(l.v, l.n, sizeof(*l.v), cmp_str);
  *out = l.v;
  *n = l.n;
  return CG_OK;
}

int cg_rules_read_file(const char *path, char **out, size_t *len,
                       cg_error *err)
{
  FILE *f = NULL;
  char *buf = NULL;
  size_t cap = 0, n = 0;
  int rc = CG_OK;

  *out = NULL;
  *len = 0;
  f = fopen(path, "rb");
  if(!f) {
    rc = cg_error_set(err, CG_EIO, "%s: %s", path, strerror(errno));
    goto done;
  }
  for(;;) {
    size_t got;
    if(n + 1 >= cap) {
      size_t nc = cap ? cap * 2 : 65536;
      char *v;
      if(nc > MAX_FILE_BYTES + 1) {
        rc = cg_error_set(err, CG_EINVAL, "%s: file larger than %u bytes",
                          path, MAX_FILE_BYTES);
        goto done;
      }
      v = realloc(buf, nc);
      if(!v) {
        rc = cg_error_set(err, CG_ENOMEM, "%s: out of memory", path);
        goto done;
      }
      buf = v;
      cap = nc;
    }
    got = fread(buf + n, 1, cap - n - 1, f);
    n += got;
    if(got == 0)
      break;
  }
  if(ferror(f)) {
    rc = cg_error_set(err, CG_EIO, "%s: read error", path);
    goto done;
  }
  buf[n] = '\0';
  *out = buf;
  *len = n;
  buf = NULL;
done:
  if(f)
    fclose(f);
  free(buf);
  return rc;
}

/* ======================================================================
 * Loading
 * ====================================================================== */

void cg_pack_free_parts(cg_rules *pk)
{
  size_t i, j;

  for(i = 0; i < pk->nnodes; i++) {
    cg_node *n = &pk->nodes[i];
    free(n->str);
    free(n->items);
    free(n->kids);
    free(n->literal);
    for(j = 0; n->group_names && j < n->nitems; j++)
      free(n->group_names[j]);
    free(n->group_names);
    cg_pattern_free(n->re);
  }
  free(pk->nodes);
  for(i = 0; i < pk->nrules; i++) {
    cg_rule *r = &pk->rules[i];
    free(r->id);
    free(r->title);
    free(r->cite);
    free(r->reason);
    free(r->source);
    for(j = 0; j < r->nrelieves; j++)
      free(r->relieves[j]);
    free(r->relieves);
    free(r->relieves_line);
    free(r->relieves_col);
    free(r->relieve_idx);
    for(j = 0; j < r->nsets; j++)
      free(r->sets[j].name);
    free(r->sets);
  }
  free(pk->rules);
  for(i = 0; i < pk->ndefs; i++)
    free(pk->defs[i].name);
  free(pk->defs);
  for(i = 0; i < pk->nfiles; i++) {
    free(pk->files[i].path);
    free(pk->files[i].text);
  }
  free(pk->files);
  free(pk->classify);
  free(pk->decide);
  cg_domain_free(pk);
}

void cg_rules_free(cg_rules *pack)
{
  if(!pack)
    return;
  cg_pack_free_parts(pack);
  free(pack);
}

static int cmp_diag(const void *a, const void *b)
{
  const cg_rules_diag *x = a, *y = b;
  int c = strcmp(x->file, y->file);

  if(c)
    return c;
  if(x->line != y->line)
    return x->line < y->line ? -1 : 1;
  if(x->col != y->col)
    return x->col < y->col ? -1 : 1;
  return 0;
}

/* Takes ownership of files[0..n) (path, text). */
static int load_files(cg_rules **out, cg_file *files, size_t n,
                      cg_rules_diags *diags, cg_error *err)
{
  cg_rules *pk = NULL;
  cg_rules_diags local = { 0 };
  cg_rules_diags *d = diags ? diags : &local;
  size_t first = d->n;
  size_t i;
  int errors = 0, rc = CG_OK;

  *out = NULL;
  pk = calloc(1, sizeof(*pk));
  if(!pk) {
    for(i = 0; i < n; i++) {
      free(files[i].path);
      free(files[i].text);
    }
    free(files);
    rc = cg_error_set(err, CG_ENOMEM, "rules: out of memory");
    goto done;
  }
  pk->files = files;
  pk->nfiles = n;
  if(n == 0) {
    rc = cg_error_set(err, CG_EINVAL, "rules: no *.rules files");
    goto done;
  }
  for(i = 0; i < n; i++) {
    cg_tokens toks;
    int e = cg_lex(files[i].path, files[i].text, files[i].len, &toks, d);
    if(e == 0)
      e = cg_parse(pk, files[i].path, files[i].text, &toks, d);
    cg_tokens_free(&toks);
    if(e < 0) {
      rc = cg_error_set(err, CG_ENOMEM, "rules: out of memory");
      goto done;
    }
    errors += e;
  }
  {
    int e = cg_check(pk, d);
    if(e < 0) {
      rc = cg_error_set(err, CG_ENOMEM, "rules: out of memory");
      goto done;
    }
    errors += e;
  }
  if(errors == 0 && d->n == first && cg_compile(pk) != CG_OK) {
    rc = cg_error_set(err, CG_ENOMEM, "rules: out of memory");
    goto done;
  }
  if(pk->nrules == 0 && errors == 0) {
    rc = cg_error_set(err, CG_EINVAL, "rules: the pack has no rules");
    goto done;
  }
  if(errors > 0 || d->n > first) {
    char buf[400];
    /* report in file and position order (stages report in turn) */
    qsort(d->items + first, d->n - first, sizeof(*d->items), cmp_diag);
    cg_rules_diag_format(&d->items[first], buf, sizeof(buf));
    rc = cg_error_set(err, CG_EINVAL, "%s (%zu error%s in the pack)", buf,
                      d->n - first, d->n - first == 1 ? "" : "s");
    goto done;
  }
  *out = pk;
  pk = NULL;
done:
  cg_rules_free(pk);
  cg_rules_diags_clear(&local);
  return rc;
}

int cg_rules_load_sources(cg_rules **out, const cg_rules_source *src, size_t n,
                          cg_rules_diags *diags, cg_error *err)
{
  cg_file *files;
  size_t i;

  *out = NULL;
  files = calloc(n + 1, sizeof(*files));
  if(!files)
    return cg_error_set(err, CG_ENOMEM, "rules: out of memory");
  for(i = 0; i < n; i++) {
    files[i].path = strdup(src[i].name);
    files[i].text = malloc(src[i].len + 1);
    files[i].len = src[i].len;
    if(!files[i].path || !files[i].text) {
      size_t j;
      for(j = 0; j <= i; j++) {
        free(files[j].path);
        free(files[j].text);
      }
      free(files);
      return cg_error_set(err, CG_ENOMEM, "rules: out of memory");
    }
    memcpy(files[i].text, src[i].text, src[i].len);
    files[i].text[src[i].len] = '\0';
  }
  return load_files(out, files, n, diags, err);
}

int cg_rules_load_dir(cg_rules **out, const char *dir, cg_rules_diags *diags,
                      cg_error *err)
{
  char **paths = NULL;
  size_t n = 0, i;
  cg_file *files = NULL;
  int rc;

  *out = NULL;
  rc = cg_rules_list_files(dir, ".rules", &paths, &n, err);
  if(rc != CG_OK)
    return rc;
  if(n == 0) {
    rc = cg_error_set(err, CG_EINVAL, "%s: no *.rules files in the pack", dir);
    goto done;
  }
  files = calloc(n, sizeof(*files));
  if(!files) {
    rc = cg_error_set(err, CG_ENOMEM, "rules: out of memory");
    goto done;
  }
  for(i = 0; i < n; i++) {
    char full[8192];
    snprintf(full, sizeof(full), "%s/%s", dir, paths[i]);
    rc = cg_rules_read_file(full, &files[i].text, &files[i].len, err);
    if(rc != CG_OK)
      goto done;
    files[i].path = paths[i]; /* diagnostics use the relative path */
    paths[i] = NULL;
  }
  rc = load_files(out, files, n, diags, err);
  files = NULL; /* owned by load_files now */
done:
  if(files) {
    for(i = 0; i < n; i++) {
      free(files[i].path);
      free(files[i].text);
    }
    free(files);
  }
  for(i = 0; i < n; i++)
    free(paths[i]);
  free(paths);
  return rc;
}

/* ======================================================================
 * Introspection
 * ====================================================================== */

size_t cg_rules_count(const cg_rules *pack)
{
  return pack->nrules;
}

int cg_rules_info(const cg_rules *pack, size_t i, cg_rule_info *out)
{
  const cg_rule *r;

  if(i >= pack->nrules)
    return CG_ENOTFOUND;
  r = &pack->rules[i];
  out->id = r->id;
  out->title = r->title ? r->title : "";
  out->cite = r->cite;
  out->reason = r->reason ? r->reason : "";
  out->file = r->file;
  out->line = r->line;
  out->action = r->action;
  out->licensable = r->licensable;
  out->effective = r->effective;
  out->expires = r->expires;
  out->source = r->source;
  out->nrelieves = r->nrelieves;
  return CG_OK;
}

int cg_rules_find(const cg_rules *pack, const char *id)
{
  size_t i;

  for(i = 0; i < pack->nrules; i++)
    if(strcmp(pack->rules[i].id, id) == 0)
      return (int)i;
  return -1;
}

const char *cg_rules_relieves(const cg_rules *pack, size_t i, size_t j)
{
  if(i >= pack->nrules || j >= pack->rules[i].nrelieves)
    return NULL;
  return pack->rules[i].relieves[j];
}

size_t cg_rules_file_count(const cg_rules *pack)
{
  return pack->nfiles;
}

const char *cg_rules_file_path(const cg_rules *pack, size_t i)
{
  return i < pack->nfiles ? pack->files[i].path : NULL;
}

int cg_rules_digest_input(const cg_rules *pack, char **out, size_t *len,
                          cg_error *err)
{
  size_t total = 0, i, off = 0;
  char *buf;

  *out = NULL;
  *len = 0;
  for(i = 0; i < pack->nfiles; i++)
    total += strlen(pack->files[i].path) + 1 + 24 + pack->files[i].len;
  buf = malloc(total + 1);
  if(!buf)
    return cg_error_set(err, CG_ENOMEM, "rules digest: out of memory");
  for(i = 0; i < pack->nfiles; i++) {
    int k = snprintf(buf + off, total + 1 - off, "%s\n%zu\n",
                     pack->files[i].path, pack->files[i].len);
    off += (size_t)k;
    memcpy(buf + off, pack->files[i].text, pack->files[i].len);
    off += pack->files[i].len;
  }
  *out = buf;
  *len = off;
  return CG_OK;
}
