/* import.c -- cg_screen_import*: one list import as one transaction
 * (version row, old entries out, new entries in, content hashes, index
 * rebuild), the format readers being import_csl.c and import_ofac.c; and
 * the `import parties` door with its shrink guard. */
#include "screen/screen.h"
#include "screen/internal.h"

#include "core/crypto.h"
#include "core/csvfile.h"
#include "core/importer.h"
#include "net/sync.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ==== Transaction ===================================================== */

/* Hashes every party of the source (fields and sorted names). */

static int list_sum(cg_store *db, const char *sql, const char *source,
                    int64_t *n_out, cg_error *err)
{
  cg_stmt *st = NULL;
  int rc = cg_store_cached(db, &st, sql, err);

  *n_out = 0;
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 1, source, err);
  if(rc == CG_OK)
    rc = cg_stmt_step(st, err);
  if(rc == 1)
    *n_out = cg_stmt_int(st, 0);
  if(st)
    cg_stmt_reset(st);
  return rc < 0 ? rc : CG_OK;
}

int cg_screen_list_count(cg_store *db, const char *source, int64_t *n_out,
                         cg_error *err)
{
  return list_sum(db,
                  "SELECT coalesce(sum(entries), 0) FROM list_versions "
                  "WHERE source = ?1 AND current = 1",
                  source, n_out, err);
}

int cg_screen_list_names(cg_store *db, const char *source, int64_t *n_out,
                         cg_error *err)
{
  return list_sum(db,
                  "SELECT coalesce(sum(names), 0) FROM list_versions "
                  "WHERE source = ?1 AND current = 1",
                  source, n_out, err);
}

static int content_hashes(cg_si_importer *im, cg_error *err)
{
  cg_stmt *st = NULL, *up = NULL;
  int64_t *ids = NULL;
  char(*hx)[CG_SHA256_HEX] = NULL;
  size_t n = 0, cap = 0, i;
  int rc, c;

  rc = cg_store_prepare(
      im->db, &st,
      "SELECT p.id, p.list, p.entry_id, p.name, p.type, p.programs, "
      "p.countries, p.addresses, p.federal_register_notice, p.start_date, "
      "p.end_date, p.license_requirement, p.license_policy, p.remarks, "
      "(SELECT group_concat(name, '|') FROM (SELECT name FROM party_names "
      "WHERE party_id = p.id ORDER BY name)) FROM parties p "
      "WHERE p.source = ?1",
      err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 1, im->source, err);
  while(rc >= 0 && (rc = cg_stmt_step(st, err)) == 1) {
    cg_si_buf b = { 0 };

    if(n == cap) {
      size_t nc = cap ? cap * 2 : 1024;
      int64_t *ni = realloc(ids, nc * sizeof(*ids));
      char(*nh)[CG_SHA256_HEX];

      if(ni)
        ids = ni;
      nh = ni ? realloc(hx, nc * sizeof(*hx)) : NULL;
      if(!nh) {
        rc = cg_error_set(err, CG_ENOMEM, "screen import: out of memory");
        break;
      }
      hx = nh;
      cap = nc;
    }
    ids[n] = cg_stmt_int(st, 0);
    for(c = 1; c < 15; c++)
      if(cg_si_buf_str(&b, cg_si_nz(cg_stmt_text(st, c))) ||
         cg_si_buf_add(&b, "\x1f", 1))
        break;
    if(c < 15) {
      free(b.s);
      rc = cg_error_set(err, CG_ENOMEM, "screen import: out of memory");
      break;
    }
    rc = cg_sha256_hex(b.s, b.n, hx[n], err);
    free(b.s);
    if(rc != CG_OK)
      break;
    rc = 1;
    n++;
  }
  cg_stmt_finalize(st);
  if(rc < 0)
    goto done;
  rc = cg_store_prepare(
      im->db, &up, "UPDATE parties SET content_hash = ?2 WHERE id = ?1", err);
  for(i = 0; rc == CG_OK && i < n; i++) {
    rc = cg_stmt_bind_int(up, 1, ids[i], err);
    if(rc == CG_OK)
      rc = cg_stmt_bind_text(up, 2, hx[i], err);
    if(rc == CG_OK)
      rc = cg_stmt_run(up, err);
  }
done:
  cg_stmt_finalize(up);
  free(ids);
  free(hx);
  return rc < 0 ? rc : CG_OK;
}

static const char *format_name(int format)
{
  return format == CG_SCREEN_CSL_JSON ? "csl-json"
         : format == CG_SCREEN_OFAC   ? "ofac"
                                      : "csl-csv";
}

int cg_screen_format(const char *name)
{
  if(!name)
    return 0;
  if(strcmp(name, "csl-csv") == 0)
    return CG_SCREEN_CSL_CSV;
  if(strcmp(name, "csl-json") == 0)
    return CG_SCREEN_CSL_JSON;
  if(strcmp(name, "ofac") == 0)
    return CG_SCREEN_OFAC;
  return 0;
}

/* Opens the transaction, records the version and clears the source. */
static int begin_import(cg_si_importer *im, int format, const char *sha,
                        cg_error *err)
{
  cg_stmt *st = NULL;
  static const char *const sql[] = {
    "UPDATE list_versions SET current = 0 WHERE source = ?1",
    ("DELETE FROM party_names WHERE party_id IN (SELECT id FROM parties "
     "WHERE source = ?1)"),
    "DELETE FROM parties WHERE source = ?1",
  };
  size_t i;
  int rc;

  /* Inside a caller's transaction (sync swaps the list and re-screens in
   * one), join it; otherwise the import is its own transaction. */
  im->own_tx = !cg_store_in_transaction(im->db);
  rc = im->own_tx ? cg_store_begin(im->db, err) : CG_OK;
  if(rc != CG_OK)
    return rc;
  for(i = 0; i < sizeof(sql) / sizeof(sql[0]) && rc == CG_OK; i++) {
    rc = cg_store_prepare(im->db, &st, sql[i], err);
    if(rc == CG_OK)
      rc = cg_stmt_bind_text(st, 1, im->source, err);
    if(rc == CG_OK)
      rc = cg_stmt_run(st, err);
    cg_stmt_finalize(st);
    st = NULL;
  }
  if(rc == CG_OK)
    rc = cg_store_prepare(im->db, &st,
                          "INSERT INTO list_versions(source, format, file, "
                          "sha256, entries, names) VALUES(?1, ?2, ?3, ?4, "
                          "0, 0)",
                          err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 1, im->source, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 2, format_name(format), err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 3, im->file, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 4, sha, err);
  if(rc == CG_OK)
    rc = cg_stmt_run(st, err);
  cg_stmt_finalize(st);
  im->version = cg_store_last_rowid(im->db);
  if(rc == CG_OK)
    rc = cg_si_prepare(im, err);
  return rc;
}

/* Counts, hashes, index; then COMMIT. */
static int finish_import(cg_si_importer *im, cg_error *err)
{
  cg_stmt *st = NULL;
  cg_sx *idx = NULL;
  cg_sx_norm *nm = NULL;
  char lists[65];
  int rc;

  rc = content_hashes(im, err);
  if(rc == CG_OK)
    rc = cg_store_prepare(im->db, &st,
                          "UPDATE list_versions SET entries = ?2, names = ?3 "
                          "WHERE id = ?1",
                          err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 1, im->version, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 2, (int64_t)im->counts->entries, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_int(st, 3, (int64_t)im->counts->names, err);
  if(rc == CG_OK)
    rc = cg_stmt_run(st, err);
  cg_stmt_finalize(st);
  if(rc == CG_OK)
    rc = cg_screen_lists_version(im->db, lists, err);
  if(rc == CG_OK)
    rc = cg_sx_norm_new(&nm, err);
  if(rc == CG_OK)
    rc = cg_sx_build(im->db, nm, &idx, err);
  if(rc == CG_OK)
    rc = cg_sx_store(im->db, idx, lists, err);
  cg_sx_free(idx);
  cg_sx_norm_free(nm);
  cg_si_unprepare(im);
  im->ins_party = im->ins_name = im->exists = NULL;
  if(rc == CG_OK && im->own_tx)
    rc = cg_store_commit(im->db, err);
  return rc;
}

/* The whole file at path into *data_out (malloc'ed), *len_out bytes. */
static int read_file(const char *path, char **data_out, size_t *len_out,
                     cg_error *err)
{
  FILE *f = fopen(path, "rb");
  char *data = NULL;
  long n = -1;

  *data_out = NULL;
  if(f && fseek(f, 0, SEEK_END) == 0)
    n = ftell(f);
  if(n >= 0 && fseek(f, 0, SEEK_SET) == 0)
    data = malloc((size_t)n + 1);
  if(!f || n < 0 || !data || fread(data, 1, (size_t)n, f) != (size_t)n) {
    int rc = cg_error_set(err, CG_EIO, "%s: cannot read: %s", path,
                          strerror(errno ? errno : EIO));

    free(data);
    if(f)
      fclose(f);
    return rc;
  }
  fclose(f);
  *data_out = data;
  *len_out = (size_t)n;
  return CG_OK;
}

/* Reads the entries of the file (path), or of buf, in format. */
static int read_entries(cg_si_importer *im, const char *path, const char *buf,
                        size_t len, int format, cg_si_ofac_set *set,
                        cg_error *err)
{
  cg_import_watch *w = cg_import_watch_get();
  cg_csv *r = NULL;
  char *data = NULL;
  int rc;

  switch(format) {
  case CG_SCREEN_CSL_CSV:
    if(w && w->progress) /* the lines of the file, for the progress line */
      w->total = path ? cg_import_count_lines(path)
                      : cg_import_count_lines_mem(buf, len);
    rc = path ? cg_csv_open(&r, path, 0, err)
              : cg_csv_open_mem(&r, im->file, buf, len, 0, err);
    if(rc == CG_OK)
      rc = cg_si_csl_csv(im, r, err);
    cg_csv_close(r);
    return rc;
  case CG_SCREEN_CSL_JSON:
    if(!path)
      return cg_si_csl_json(im, buf, len, err);
    rc = read_file(path, &data, &len, err);
    if(rc == CG_OK)
      rc = cg_si_csl_json(im, data, len, err);
    free(data);
    return rc;
  default:
    return cg_si_ofac_set_read(im, set, err);
  }
}

/* One import: of the file at path, of buf[0..len) (named file), or of
 * the OFAC set in memory mem. */
static int import_common(cg_store *db, const char *file, const char *path,
                         const char *buf, size_t len,
                         const cg_si_ofac_mem *mem, int format,
                         const char *source, cg_screen_counts *counts,
                         cg_error *err)
{
  cg_si_importer im;
  cg_si_ofac_set set;
  cg_screen_counts local;
  int rc;

  memset(&im, 0, sizeof(im));
  memset(&set, 0, sizeof(set));
  memset(&local, 0, sizeof(local));
  if(!counts)
    counts = &local;
  memset(counts, 0, sizeof(*counts));
  im.db = db;
  im.file = file;
  im.counts = counts;
  im.source = source && *source          ? source
              : format == CG_SCREEN_OFAC ? "ofac"
                                         : "csl";
  if(format != CG_SCREEN_CSL_CSV && format != CG_SCREEN_CSL_JSON &&
     format != CG_SCREEN_OFAC)
    return cg_error_set(err, CG_EUSAGE,
                        "import parties: format must be csl-csv, csl-json "
                        "or ofac");
  if(format == CG_SCREEN_OFAC && !path && !mem)
    return cg_error_set(err, CG_EUSAGE,
                        "import parties: OFAC needs the four files on disk");
  /* The input's digest first: every OFAC part must be there before
   * anything changes. */
  if(format == CG_SCREEN_OFAC && mem)
    rc = cg_si_ofac_set_open_mem(&set, mem, counts->sha256, err);
  else if(format == CG_SCREEN_OFAC)
    rc = cg_si_ofac_set_open(&set, path, counts->sha256, err);
  else if(path)
    rc = cg_sha256_file_hex(path, counts->sha256, err);
  else
    rc = cg_sha256_hex(buf, len, counts->sha256, err);
  if(rc == CG_OK)
    rc = begin_import(&im, format, counts->sha256, err);
  if(rc == CG_OK)
    rc = read_entries(&im, path, buf, len, format, &set, err);
  if(rc == CG_OK && counts->entries == 0)
    rc = cg_error_set(err, CG_EINVAL, "%s: no entries", file);
  if(rc == CG_OK)
    rc = finish_import(&im, err);
  cg_si_unprepare(&im);
  if(rc != CG_OK && im.own_tx && cg_store_in_transaction(db))
    cg_store_rollback(db);
  cg_si_ofac_set_close(&set);
  return rc;
}

int cg_screen_import(cg_store *db, const char *path, int format,
                     const char *source, cg_screen_counts *counts,
                     cg_error *err)
{
  return import_common(db, path, path, NULL, 0, NULL, format, source, counts,
                       err);
}

int cg_screen_import_mem(cg_store *db, const char *name, const char *buf,
                         size_t len, int format, const char *source,
                         cg_screen_counts *counts, cg_error *err)
{
  if(format == CG_SCREEN_OFAC)
    return cg_error_set(err, CG_EUSAGE,
                        "import parties: OFAC needs the four files on disk");
  return import_common(db, name, NULL, buf, len, NULL, format, source, counts,
                       err);
}

int cg_si_ofac_import_mem(cg_store *db, const cg_si_ofac_mem *m,
                          const char *source, cg_screen_counts *counts,
                          cg_error *err)
{
  return import_common(db, m->name[0], NULL, NULL, 0, m, CG_SCREEN_OFAC,
                       source, counts, err);
}

int cg_screen_import_guarded(cg_store *db, const char *path, int format,
                             const char *source, int force,
                             cg_screen_counts *counts, cg_error *err)
{
  cg_screen_counts local;
  int64_t before = 0, names = 0;
  int rc;

  if(!counts)
    counts = &local;
  if(!source || !*source)
    source = format == CG_SCREEN_OFAC ? "ofac" : "csl";
  /* One transaction: import, then the same shrink guard as sync, so a
   * truncated file cannot quietly replace a list. */
  rc = cg_store_begin(db, err);
  if(rc == CG_OK)
    rc = cg_screen_list_count(db, source, &before, err);
  if(rc == CG_OK)
    rc = cg_screen_list_names(db, source, &names, err);
  if(rc == CG_OK)
    rc = cg_screen_import(db, path, format, source, counts, err);
  if(rc == CG_OK)
    rc = cg_sync_shrink_check(path, before, (int64_t)counts->entries, 0, force,
                              err);
  /* Names too for OFAC: it keeps aliases in a file of their own
   * (alt.csv), so an empty one would drop every alias under the same
   * number of entries. */
  if(rc == CG_OK && format == CG_SCREEN_OFAC)
    rc = cg_sync_shrink_check_of(path, "names and aliases", names,
                                 (int64_t)counts->names, 0, force, err);
  if(rc == CG_OK)
    rc = cg_store_commit(db, err);
  if(rc != CG_OK)
    cg_store_rollback(db);
  return rc;
}

int cg_screen_set_http_meta(cg_store *db, const char *source, const char *etag,
                            const char *last_modified, cg_error *err)
{
  cg_stmt *st = NULL;
  int rc;

  rc = cg_store_prepare(db, &st,
                        "UPDATE list_versions SET etag = ?2, last_modified = "
                        "?3 WHERE source = ?1 AND current = 1",
                        err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 1, source, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 2, etag, err);
  if(rc == CG_OK)
    rc = cg_stmt_bind_text(st, 3, last_modified, err);
  if(rc == CG_OK)
    rc = cg_stmt_run(st, err);
  cg_stmt_finalize(st);
  if(rc == CG_OK && cg_store_changes(db) == 0)
    rc = cg_error_set(err, CG_ENOTFOUND, "screen: no current list \"%s\"",
                      source);
  return rc;
}
