/* screen.h -- restricted-party screening: import of the US Consolidated
 * Screening List (CSV both layouts, JSON) and OFAC's legacy SDN files,
 * name normalisation, a token index and Jaro-Winkler scoring. This is the
 * subsystem's one public header; screen/internal.h is private to
 * src/screen/ (and the benchmark).
 *
 * Tables owned (the only module with SQL on them): list_versions,
 * parties, party_names, screen_index, screen_tokens, screenings,
 * clearances and clearance_revocations. A list re-screening during `sync
 * lists` also holds orders (cg_order_hold_pending, model/order.h) through
 * cg_screen_sync_ops.
 *
 * Import: each import replaces one source's list (e.g. "csl", "ofac") in
 * one transaction, records a list version and rebuilds the search index;
 * any error rolls back and leaves the previous lists as they were.
 *
 * Screening goes through a cg_screener: a context the caller opens on a
 * store and owns. It borrows the store and keeps the search index it
 * loaded (a blob written at import, ~6 MB for the full CSL, ~10 ms to
 * load), so a batch pays the load once; it notices a new import (by any
 * process) at the next call and reloads. Nothing is kept in statics: two
 * screeners on two stores (e.g. two deciders in two threads, each with
 * its own connection) work at the same time. One screener (like one
 * store) is used by one thread at a time.
 *
 * Scores are in [0, 1]: token-level Jaro-Winkler best pairs between the
 * query and a listed name, each token weighted by its rarity in the lists
 * (legal forms such as "Co", "Ltd", "GmbH" and words such as "of" weigh
 * little but still count), order-free. A hit is *sure* at or above
 * CG_SCREEN_SURE (or when the normalised names are equal) and *possible*
 * between the threshold and that.
 *
 * Which list a hit is on: cg_screen_hit.kind (cg_screen_list_kind) from
 * the list name, the CSL's `source` column: Entity List, Denied Persons
 * List, SDN (the CSL's "Specially Designated Nationals (SDN) - Treasury
 * Department" and every OFAC import), Unverified List, Military End User
 * List, or another list. cg_screen_hit.entity_list is set when the list
 * name contains "Entity List" (CSL: "Entity List (EL) - Bureau of
 * Industry and Security"). Footnotes are read from the
 * license_requirement text by cg_screen_footnotes(): "734.9(e)(1)" /
 * "734.9(e)1" is footnote 1 (Huawei FDP rule, §734.9(e)(1)); "734.9(e)(2)"
 * or a requirement that cites "734.9(e)" and ends in footnote mark 4 is
 * footnote 4 (§734.9(e)(2)); "734.9(e)(3)" is footnote 5; "734.9(g)" is
 * footnote 3 (Russia/Belarus military end users).
 *
 * Errors: functions return CG_OK or a negative CG_E* code with the
 * message in *err (which may be NULL); CG_EINVAL is bad input, with
 * "file:line: what" for list files; CG_ENOTFOUND an unknown customer,
 * entry or file; CG_EDB / CG_EIO / CG_ENOMEM the obvious. On error
 * nothing is left half-done: imports roll back, hits come back empty.
 *
 * Ownership: cg_screen_hits is filled by the screening functions and freed
 * with cg_screen_hits_free; every string in it is owned by the hits. A
 * cg_screener is freed with cg_screener_close, before its store. */
#ifndef CG_SCREEN_H
#define CG_SCREEN_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/store.h"

/* Default threshold of a possible hit, chosen on tests/data/
 * screen_labelled.csv (see tests/data/screen_labelled.md). */
#define CG_SCREEN_THRESHOLD 0.90
/* At or above: a sure hit (also any exact normalised-name match). */
#define CG_SCREEN_SURE 0.95

/* Import formats. */
enum {
  CG_SCREEN_CSL_CSV = 1,  /* CSL CSV, 28 (no _id) or 29 columns */
  CG_SCREEN_CSL_JSON = 2, /* {"results": [...]} as served by trade.gov */
  CG_SCREEN_OFAC = 3      /* sdn.csv + add.csv + alt.csv + sdn_comments.csv */
};

/* Footnote bits of cg_screen_footnotes(). */
enum {
  CG_SCREEN_FN1 = 1 << 0, /* §734.9(e)(1) */
  CG_SCREEN_FN3 = 1 << 2, /* §734.9(g) */
  CG_SCREEN_FN4 = 1 << 3, /* §734.9(e)(2) */
  CG_SCREEN_FN5 = 1 << 4  /* §734.9(e)(3) */
};

typedef struct cg_screen_counts {
  size_t entries;     /* parties imported */
  size_t names;       /* names incl. aliases */
  size_t aliases;     /* of which aliases */
  size_t entity_list; /* parties whose list contains "Entity List" */
  char sha256[65];    /* of the input (OFAC: of the four files' digests) */
} cg_screen_counts;

/* ==== Import ========================================================== */

/* Parses a format name: "csl-csv", "csl-json", "ofac"; 0 if unknown. */
int cg_screen_format(const char *name);

/* Imports path (OFAC: the sdn.csv path; add.csv, alt.csv and
 * sdn_comments.csv must be beside it). source NULL = "csl" for the CSL
 * formats, "ofac" for OFAC. counts may be NULL. Errors: CG_EINVAL with
 * "file:line: what" for bad data, CG_ENOTFOUND for a missing file (or a
 * missing OFAC part, named), CG_EIO, CG_EDB. The database is unchanged on
 * error. */
int cg_screen_import(cg_store *db, const char *path, int format,
                     const char *source, cg_screen_counts *counts,
                     cg_error *err);

/* The same from memory (for the HTTP sync); name is used in messages and
 * recorded as the file. OFAC needs four files: CG_EUSAGE here. */
int cg_screen_import_mem(cg_store *db, const char *name, const char *buf,
                         size_t len, int format, const char *source,
                         cg_screen_counts *counts, cg_error *err);

/* `import parties`: cg_screen_import of path in ONE transaction with the
 * shrink guard every list replacement passes (cg_sync_shrink_check, 10%):
 * a list that shrank by more than 10% against the one in use is refused
 * with CG_EINVAL unless force, and the lists stay as they were. source
 * NULL or "" as for cg_screen_import. counts may be NULL. */
int cg_screen_import_guarded(cg_store *db, const char *path, int format,
                             const char *source, int force,
                             cg_screen_counts *counts, cg_error *err);

/* Records the HTTP validators of the current list version of source (for
 * conditional GETs by the sync); NULL stores NULL. CG_ENOTFOUND if the
 * source has no current list. */
int cg_screen_set_http_meta(cg_store *db, const char *source, const char *etag,
                            const char *last_modified, cg_error *err);

/* The version of the current lists as a whole: sha256 hex over every
 * current (source, sha256) pair; "" when no list is loaded. Screening
 * results are cached against it. */
int cg_screen_lists_version(cg_store *db, char out[65], cg_error *err);

/* One source's list in use, as `chipgate --version` and `list` show it. */
typedef struct cg_list_version {
  char source[64];
  char format[16];
  char file[256];  /* the file or URL it came from, cut to fit */
  char sha256[65]; /* of the file's bytes */
  char imported_at[24];
  int64_t entries;
} cg_list_version;

/* The list in use of every source, by source; *out is malloc'ed (NULL
 * and *n 0 when none is loaded). */
int cg_screen_lists_current(cg_store *db, cg_list_version **out, size_t *n,
                            cg_error *err);

/* ==== Screening ======================================================= */

/* What list a hit is on (cg_screen_list_kind): each means something
 * different to a decision (docs/regulations.md R6). */
enum {
  CG_LIST_OTHER = 0,  /* SSI, ISN, DTC, FSE, CMIC, ...: review */
  CG_LIST_ENTITY,     /* Entity List, 15 CFR 744.11, Supp. 4 to part 744 */
  CG_LIST_DENIED,     /* Denied Persons List, 15 CFR 764.3(a)(2) */
  CG_LIST_SDN,        /* OFAC SDN: blocked (31 CFR chapter V) */
  CG_LIST_UNVERIFIED, /* Unverified List, 15 CFR 744.15 */
  CG_LIST_MEU         /* Military End-User List, 15 CFR 744.21 */
};

/* One clearance: a reviewer found a hit of a customer on a list entry a
 * false positive. Strings are owned by the struct (freed with the hits
 * or the clearance list holding it); the revoke fields are NULL while
 * the clearance is in force. */
typedef struct cg_screen_clearance {
  int64_t id;          /* clearances.id, what `screen revoke` names */
  int64_t customer_id; /* the customer cleared */
  char *customer;      /* its name (history only, else NULL) */
  char *list;          /* the entry's list while it is listed (history
                        * only, else NULL) */
  char *entry_id;      /* the list entry */
  char *content_hash;  /* the entry's content when cleared */
  char *reviewer;      /* who cleared it */
  char *reason;        /* why (never empty) */
  char *cleared_at;    /* "YYYY-MM-DDTHH:MM:SSZ" */
  char *revoked_by;    /* NULL if in force */
  char *revoke_reason; /* NULL if in force */
  char *revoked_at;    /* NULL if in force */
} cg_screen_clearance;

typedef struct cg_screen_clearances {
  size_t n;                   /* clearances, oldest first */
  cg_screen_clearance *items; /* n of them */
} cg_screen_clearances;

typedef struct cg_screen_hit {
  char *list;                    /* e.g. "Entity List (EL) - Bureau ..." */
  char *source;                  /* import source, e.g. "csl" */
  char *entry_id;                /* _id / entity_number / OFAC ent_num */
  char *name;                    /* the entry's primary name */
  char *matched_name;            /* the name or alias that matched */
  char *query;                   /* the screened name */
  char *country;                 /* entry's countries, "CN; HK" or "" */
  char *license_requirement;     /* "" if none */
  char *license_policy;          /* "" if none */
  char *federal_register_notice; /* "" if none */
  char *content_hash;            /* changes when the entry changes */
  char *explain;                 /* which tokens matched how */
  char *clear_reason;            /* latest reason when cleared, else NULL */
  size_t nclear;                 /* clearances in force on this hit */
  cg_screen_clearance *clear;    /* nclear, oldest first (NULL if none) */
  double score;                  /* [0, 1] */
  int via_alias;                 /* matched an alias, not the main name */
  int sure;                      /* score >= CG_SCREEN_SURE or exact */
  int entity_list;               /* list contains "Entity List" */
  int kind;                      /* CG_LIST_* of list */
  int footnotes;                 /* CG_SCREEN_FN* bits */
  int on_parent;                 /* customer screening: hit the parent */
  int cleared; /* cleared: possible hit by 1 reviewer, sure by 2 */
} cg_screen_hit;

typedef struct cg_screen_hits {
  size_t n;             /* hits, best first */
  cg_screen_hit *items; /* n hits */
} cg_screen_hits;

/* The screening context: a borrowed store and the index loaded from it. */
typedef struct cg_screener cg_screener;

/* Opens a screener on db (borrowed: it must outlive the screener). The
 * index is loaded at the first screening call, not here, so opening is
 * cheap and works without lists. Only CG_ENOMEM. *out is NULL on error. */
int cg_screener_open(cg_screener **out, cg_store *db, cg_error *err);

/* Frees the screener and its index; NULL is fine; can't fail. */
void cg_screener_close(cg_screener *s);

/* Screens an ad-hoc name. country (ISO alpha-2, may be NULL) lowers the
 * score of entries that list other countries a little (x0.97). threshold
 * < 0 uses CG_SCREEN_THRESHOLD; limit 0 = 10. One hit per list entry, the
 * best of its names. *out is reset first; free with cg_screen_hits_free.
 * No lists loaded gives 0 hits. CG_EINVAL for an empty name or one over
 * 4096 bytes. */
int cg_screen_name(cg_screener *s, const char *name, const char *country,
                   double threshold, size_t limit, cg_screen_hits *out,
                   cg_error *err);

/* Screens customer_id's name (with its country) and, if set, its parent
 * (with parent_hq_country) against the current lists; results are cached
 * per (customer, lists version, threshold) in `screenings` and re-used
 * until a list changes (so the store must be writable). Each hit carries
 * the clearances in force for its (customer, entry, content hash); it is
 * cleared (cleared = 1, clear_reason = the latest reason) when a possible
 * hit has one, or a sure hit has two by different reviewers (the
 * two-person rule): a cleared hit must not hold. CG_ENOTFOUND for an
 * unknown customer. */
int cg_screen_customer(cg_screener *s, int64_t customer_id, double threshold,
                       cg_screen_hits *out, cg_error *err);

/* Screens ahead the n customers ids (whose screening against the current
 * lists is not cached yet) and keeps their screenings, so the decisions
 * that follow find them cached: the searches run on two threads, the
 * second on its own read-only connection to the same file (one thread
 * when it cannot open one), and each 2048 are kept in one transaction
 * (call it outside any). For a batch, whose first-seen customers
 * otherwise cost a search each on the deciding thread. */
int cg_screen_customers_ahead(cg_screener *s, const int64_t *ids, size_t n,
                              double threshold, cg_error *err);

/* Longest reviewer name and reason accepted, in bytes. */
#define CG_SCREEN_REVIEWER_MAX 128
#define CG_SCREEN_REASON_MAX   2000

/* Records (appends) that reviewer cleared customer (name, or id as
 * cg_customer_find_ref takes it) for entry_id with reason; it lasts until
 * the entry's content changes or it is revoked. *id_out (may be NULL)
 * gets the clearance's id, *reviewers_out (may be NULL) how many distinct
 * reviewers now clear the pair (a sure hit needs 2). Errors, with nothing
 * written: CG_EINVAL for a reviewer or reason that is empty, blank, over
 * the limits above, not UTF-8 or with control characters, for a reviewer
 * who already has a clearance in force on the pair, or for an entry id
 * held by two different list entries; CG_ENOTFOUND for an unknown
 * customer or entry. */
int cg_screen_clear(cg_store *db, const char *customer, const char *entry_id,
                    const char *reviewer, const char *reason, int64_t *id_out,
                    int *reviewers_out, cg_error *err);

/* Revokes clearance id (appends a revocation by reviewer with reason);
 * the hit holds again unless enough clearances remain. Errors, with
 * nothing written: CG_EINVAL for a bad reviewer or reason (as above) or a
 * clearance already revoked; CG_ENOTFOUND for an id that does not
 * exist. */
int cg_screen_revoke(cg_store *db, int64_t id, const char *reviewer,
                     const char *reason, cg_error *err);

/* Every clearance ever recorded (revoked ones included), oldest first;
 * customer (name or id, NULL = all) and entry_id (NULL = all) filter.
 * *out is reset first; free with cg_screen_clearances_free. CG_ENOTFOUND
 * for a customer that does not exist. */
int cg_screen_clearance_history(cg_store *db, const char *customer,
                                const char *entry_id,
                                cg_screen_clearances *out, cg_error *err);

/* The one clearance id as the history has it (out->n is 1).
 * CG_ENOTFOUND for an id that does not exist. */
int cg_screen_clearance_get(cg_store *db, int64_t id,
                            cg_screen_clearances *out, cg_error *err);

void cg_screen_clearances_free(cg_screen_clearances *c);

void cg_screen_hits_free(cg_screen_hits *hits);

/* CG_SCREEN_FN* bits found in a license_requirement text. */
int cg_screen_footnotes(const char *license_requirement);

/* 1 if a list name is the Entity List. */
int cg_screen_is_entity_list(const char *list);

/* The CG_LIST_* kind of a list name (NULL: CG_LIST_OTHER). */
int cg_screen_list_kind(const char *list);

/* "entity", "denied", "sdn", "unverified", "meu" or "other". */
const char *cg_screen_list_kind_name(int kind);

/* ==== Normalisation =================================================== */

/* The normalised key of a name as list names are indexed
 * (docs/screening-names.md): NFKC, case fold, other scripts in Latin,
 * no accents, punctuation as spaces, abbreviations and legal forms in
 * the name table's spelling ("Technologies" -> "technology", "Co., Ltd."
 * -> "ltd"), kept in place: "11420 CORP." -> "11420 corp". Loads the
 * table on each call: for tests and tools, not a loop. *out is
 * malloc'ed. */
int cg_screen_normalise(char **out, const char *name, cg_error *err);

/* One hit as a JSON object: the element of `matches` in `chipgate screen
 * --format json` and POST /v1/screen (docs/cli-json.md); NULL when out of
 * memory. */
struct cg_json;
struct cg_json *cg_screen_hit_json(const cg_screen_hit *h);

/* One clearance as a JSON object: the keys of `list clearances`, of
 * `screen clear --format json` and of POST /v1/clearances, with the
 * entry's list (null once the entry is no longer listed); NULL when out
 * of memory. */
struct cg_json *cg_screen_clearance_json(const cg_screen_clearance *c);

/* ==== List sync ======================================================= */

/* Names and aliases of source's list in use (0 if none). */
int cg_screen_list_names(cg_store *db, const char *source, int64_t *n_out,
                         cg_error *err);
/* Entries of source's list in use (0 if none). */
int cg_screen_list_count(cg_store *db, const char *source, int64_t *n_out,
                         cg_error *err);

/* The callbacks `sync lists` uses (sync.h): count the entries of a source,
 * replace its list from a downloaded body, and re-screen every customer;
 * each NEW uncleared hit holds the customer's pending orders (table
 * order_holds) and raises a party.hit event. They run inside the sync's
 * transaction. */
struct cg_sync_list_ops;
const struct cg_sync_list_ops *cg_screen_sync_ops(void);

/* The `sync lists --source ofac` importer (swap.c): the four files'
 * URLs beside the SDN URL and their replacement together. */
struct cg_sync_files_ops;
const struct cg_sync_files_ops *cg_screen_ofac_sync_ops(void);

#endif
