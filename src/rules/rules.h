/* rules.h -- the chipgate rule language: load (lex, parse, check, compile)
 * a rule pack, evaluate it against the facts of one order, and run the
 * pack's own tests. The language is described in docs/rule-language.md.
 *
 * Life cycle:
 *   cg_rules_load_dir()   -> a compiled, read-only cg_rules pack, or the
 *                            full list of file:line:col diagnostics
 *   cg_rules_eval()       -> fills a caller-owned cg_rules_result (no heap
 *                            allocation); safe to call from many threads
 *                            on one shared pack, one result per thread
 *   cg_rules_result_mark_licensed() + cg_rules_result_recompute()
 *                         -> decide applies held licences
 *   cg_rules_free()
 *
 * A pack with any load error is never returned: all-or-nothing.
 *
 * A cg_rules_result is about 36 KB: allocate it once (heap or per
 * thread) and reuse it. It borrows from the pack (ids, titles, cites,
 * eccn values) and from the facts' strings: keep both alive while the
 * result is used.
 *
 * rules/ has two public headers: this one (the engine) and rules/facts.h
 * (the fact vocabulary: fact ids, values, country groups, dates), which
 * this one includes. The vocabulary stays apart because code that fills
 * or names facts without running rules (decide, model/license, a
 * decision's input snapshot) needs it and not the engine; it depends on
 * nothing but core/error.h. Everything else under rules/ is private
 * (internal.h). */
#ifndef CG_RULES_H
#define CG_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "rules/facts.h"

typedef struct cg_rules cg_rules; /* a compiled pack, opaque */

/* ---- Outcomes and actions -------------------------------------------- */

/* Outcomes from least to most severe (docs/architecture.md, "Exit codes"). */
typedef enum cg_outcome {
  CG_OUT_NLR = 0,
  CG_OUT_EXCEPTION,
  CG_OUT_LICENSED,
  CG_OUT_NOTIFY,
  CG_OUT_HOLD,
  CG_OUT_LICENSE_REQUIRED,
  CG_OUT_DENY,
  CG_OUT_NONE /* classify / flag entries: no outcome */
} cg_outcome;

typedef enum cg_action {
  CG_ACT_CLASSIFY = 0, /* sets eccn (classification phase) */
  CG_ACT_NLR,
  CG_ACT_EXCEPTION,
  CG_ACT_NOTIFY,
  CG_ACT_HOLD,
  CG_ACT_REQUIRE_LICENSE,
  CG_ACT_DENY,
  CG_ACT_FLAG /* informational only */
} cg_action;

/* "nlr", "exception", ... "deny", "none"; NULL when out of range. */
const char *cg_outcome_name(cg_outcome o);
/* Outcome from its name, -1 if unknown. */
int cg_outcome_parse(const char *name);
const char *cg_action_name(cg_action a);

/* ---- Loading ---------------------------------------------------------- */

typedef struct cg_rules_diag {
  char *file; /* path as given/found */
  int line;   /* 1-based */
  int col;    /* 1-based, in characters */
  char *msg;  /* "expected ..., got ..." */
} cg_rules_diag;

typedef struct cg_rules_diags {
  size_t n;             /* number of diagnostics */
  size_t cap;           /* allocated */
  cg_rules_diag *items; /* in file, then position order */
} cg_rules_diags;

/* Frees the diagnostics' contents (not the struct itself); NULL-safe. */
void cg_rules_diags_clear(cg_rules_diags *d);

/* Formats diagnostic i as "file:line:col: msg". */
void cg_rules_diag_format(const cg_rules_diag *d, char *buf, size_t size);

/* Loads every *.rules file under dir (recursively, sorted by relative
 * path, '/'-separated), checks and compiles it.
 * Returns CG_OK and *out, or:
 *   CG_ENOTFOUND  dir missing or not a directory
 *   CG_EINVAL     no *.rules file, or any lex/parse/check error: every
 *                 error is appended to diags (may be NULL) and err->msg
 *                 holds the first one plus the count
 *   CG_EIO, CG_ENOMEM
 * *out is NULL on failure. */
int cg_rules_load_dir(cg_rules **out, const char *dir, cg_rules_diags *diags,
                      cg_error *err);

/* One in-memory source for cg_rules_load_sources (tests, embedding). */
typedef struct cg_rules_source {
  const char *name; /* file name used in diagnostics */
  const char *text; /* contents (need not be NUL-terminated) */
  size_t len;       /* bytes */
} cg_rules_source;

/* Like cg_rules_load_dir over the given sources, in the given order. */
int cg_rules_load_sources(cg_rules **out, const cg_rules_source *src, size_t n,
                          cg_rules_diags *diags, cg_error *err);

void cg_rules_free(cg_rules *pack);

/* ---- Introspection ---------------------------------------------------- */

typedef struct cg_rule_info {
  const char *id;     /* "EAR.3A090.a" */
  const char *title;  /* "" if none */
  const char *cite;   /* required */
  const char *reason; /* reason template of the action */
  const char *file;   /* relative path */
  int line;           /* line of `rule` */
  cg_action action;   /* the action */
  int licensable;     /* 1 for require_license and deny */
  int32_t effective;  /* day number, INT32_MIN if none */
  int32_t expires;    /* day number (inclusive), INT32_MAX if none */
  const char *source; /* the rule's source text */
  size_t nrelieves;   /* number of rules it relieves */
} cg_rule_info;

size_t cg_rules_count(const cg_rules *pack);
/* Fills *out for rule i (0 <= i < count); CG_ENOTFOUND otherwise. */
int cg_rules_info(const cg_rules *pack, size_t i, cg_rule_info *out);
/* Index of a rule id, or -1. */
int cg_rules_find(const cg_rules *pack, const char *id);
/* Id of the j-th rule that rule i relieves. */
const char *cg_rules_relieves(const cg_rules *pack, size_t i, size_t j);

/* Files of the pack in load order. The "ruleset hash" is SHA-256 over
 * cg_rules_digest_input(): for each file in load order,
 * "<relative path>\n<byte length>\n<bytes>". *out is malloc()ed. */
size_t cg_rules_file_count(const cg_rules *pack);
const char *cg_rules_file_path(const cg_rules *pack, size_t i);
int cg_rules_digest_input(const cg_rules *pack, char **out, size_t *len,
                          cg_error *err);

/* ---- Evaluation ------------------------------------------------------- */

#define CG_RULES_MAX_FIRED 128  /* entries per result */
#define CG_RULES_MAX_TRACE 1024 /* trace items per result */

typedef struct cg_trace_item {
  int fact;       /* CG_F_* id */
  cg_value value; /* value when the rule was evaluated */
} cg_trace_item;

/* Status of an entry's condition. */
enum { CG_COND_TRUE = 1, CG_COND_UNKNOWN = 2 };

typedef struct cg_rules_fired {
  int rule;           /* index in the pack (cg_rules_info) */
  const char *id;     /* borrowed from the pack */
  const char *title;  /* borrowed */
  const char *cite;   /* borrowed */
  cg_action action;   /* the rule's action */
  cg_outcome outcome; /* its outcome: the action's, HOLD when the
                         condition was unknown, NONE for classify/flag */
  int cond;           /* CG_COND_TRUE or CG_COND_UNKNOWN */
  int decisive;       /* counts for the decision (0: a classify rule
                         whose condition was unknown, kept to explain
                         an unknown eccn) */
  int relieved;       /* 1 if a relieving rule lifted it */
  int relieved_by;    /* entry index of that rule, else -1 */
  int maybe_relieved; /* an undecided relieving rule may lift it: it
                         counts as at most `hold` */
  int licensable;     /* require_license / deny from a requirement */
  int licensed;       /* set by decide: a held licence covers it */
  uint64_t missing;   /* bit per CG_F_* fact that was unknown */
  unsigned trace_off; /* first item in result->trace */
  unsigned trace_len; /* number of items */
} cg_rules_fired;

/* One other outcome some completion of the unknown facts gives, with
 * the completion that gives it (the facts it had to fix). */
#define CG_RULES_MAX_ALTS  8
#define CG_RULES_ALT_FACTS 8
typedef struct cg_rules_alt {
  cg_outcome outcome;
  unsigned nfacts;
  int fact[CG_RULES_ALT_FACTS];       /* CG_F_* ids */
  cg_value value[CG_RULES_ALT_FACTS]; /* strings borrow from the pack */
} cg_rules_alt;

typedef struct cg_rules_result {
  const cg_rules *pack;  /* the pack evaluated */
  cg_outcome outcome;    /* the decision */
  cg_value eccn;         /* final classification (UNKNOWN if undecided) */
  uint64_t eccn_missing; /* facts that left eccn unknown */
  int eccn_entry;        /* entry that set eccn, or -1 */
  uint64_t missing;      /* union of missing over decisive holds */
  size_t nfired;         /* entries used */
  int truncated;         /* 1 if entries or trace items were dropped */
  unsigned completions;  /* completions of the unknown facts evaluated by
                            cg_rules_decide (0: none needed) */
  int uncertain;         /* 1: some unknown fact could not be completed
                            (no stand-ins, or the budget ran out): the
                            outcome is `hold` naming it */
  size_t nalts;          /* other outcomes of some completion */
  cg_rules_alt alts[CG_RULES_MAX_ALTS];
  cg_facts facts; /* working copy, after `set` effects */
  cg_rules_fired fired[CG_RULES_MAX_FIRED];
  unsigned ntrace;
  cg_trace_item trace[CG_RULES_MAX_TRACE];
} cg_rules_result;

/* Evaluates the pack for one order. Rules outside their effective/expires
 * window for `order.date` are skipped. Phase 1 runs the classify rules
 * (first definitive wins, Kleene-aware), phase 2 every other rule in load
 * order; then reliefs are applied and the outcome computed. The pack is
 * only read. Returns CG_OK, or CG_EPATTERN on a regex match error (e.g.
 * invalid UTF-8 in a fact string). */
int cg_rules_eval(const cg_rules *pack, const cg_facts *facts,
                  cg_rules_result *res, cg_error *err);

/* Like cg_rules_eval, except that known(f) asks whether f is known in
 * `given` (the order's data as given) while every other read sees
 * `facts` (a completion of it). This is how one completion is judged. */
int cg_rules_eval_given(const cg_rules *pack, const cg_facts *given,
                        const cg_facts *facts, cg_rules_result *res,
                        cg_error *err);

/* ---- Sound decisions under unknown facts (docs/rule-language.md) ------ */

/* A country that exists, with its groups as of the order date: the
 * values an unknown country fact can take. */
typedef struct cg_rules_country {
  char code[3];
  unsigned groups; /* CG_GROUP_* */
} cg_rules_country;

/* What the pack alone does not know. */
typedef struct cg_rules_world {
  /* The countries that exist, with their groups as of the order date:
   * a borrowed array that must outlive the call. Asked only when an
   * unknown country fact must be completed. NULL hook: such a fact is
   * not completed (the outcome holds). CG_OK or an error (err set). */
  int (*countries)(void *ud, const cg_rules_country **out, size_t *n,
                   cg_error *err);
  /* 1 when a licence held for the order covers it classified as `eccn`
   * (NULL: unclassified), 0 when none does, <0 on error (err set).
   * NULL hook: no licence is held. */
  int (*covers)(void *ud, const char *eccn, cg_error *err);
  void *ud;
  unsigned budget; /* completions to try at most; 0 = 32768 */
} cg_rules_world;

/* The decision for one order, sound under unknown facts: evaluates the
 * facts (into *res, which explains it); when a condition is unknown,
 * completes the unknown facts it read with every value the pack can tell
 * apart and judges each completion, licences applied. The outcome is
 * the one every completion agrees on; if they disagree and any would
 * ship (nlr, exception, licensed, notify), `hold` naming the facts in
 * res->missing; otherwise the most severe, the others in res->alts.
 * Entries a held licence covers are marked licensed when the decision
 * is `licensed`. Allocates one scratch result while completing.
 * Returns CG_OK, CG_ENOMEM, CG_EPATTERN, or the hook's error. */
int cg_rules_decide(const cg_rules *pack, const cg_facts *facts,
                    const cg_rules_world *world, cg_rules_result *res,
                    cg_error *err);

/* The stand-ins cg_rules_decide completes an unknown `fact` with: one
 * value per class of values the pack can tell apart (countries: one per
 * class of the given countries). Writes at most cap; returns how many,
 * 0 when the fact cannot be completed. Strings borrow from the pack. */
size_t cg_rules_fact_values(const cg_rules *pack, int fact,
                            const cg_rules_country *countries,
                            size_t ncountries, cg_value *out, size_t cap);

/* "order.export_from_us = true", "1600 < chip.tpp < 2400": the j-th fact
 * of an alternative, for people. */
void cg_rules_alt_describe(const cg_rules_result *res, const cg_rules_alt *a,
                           unsigned j, char *buf, size_t size);

/* Marks entry i licensed (only if licensable); CG_EINVAL otherwise. */
int cg_rules_result_mark_licensed(cg_rules_result *res, size_t i);

/* Recomputes res->outcome from the entries: the most severe outcome of
 * decisive, unrelieved entries; a licensed entry counts as LICENSED; no
 * such entry gives NLR. Returns the outcome. */
cg_outcome cg_rules_result_recompute(cg_rules_result *res);

/* Expands entry i's reason template: "{fact.name}" becomes the fact's
 * value (strings unquoted, unknown as "unknown"). Always NUL-terminates.
 * Holds from an unknown condition read "cannot decide: unknown <facts>". */
void cg_rules_result_reason(const cg_rules_result *res, size_t i, char *buf,
                            size_t size);

/* Writes the names of the facts in mask, comma-separated, into buf. */
void cg_rules_mask_names(uint64_t mask, char *buf, size_t size);

/* ---- Pack tests (rules/ ** / *.test) ---------------------------------- */

/* Called once per failed case or malformed line of a .test file. */
typedef void (*cg_rules_test_report)(void *ud, const char *file, int line,
                                     const char *msg);

/* Runs every *.test under dir against pack. Country group membership for
 * tests comes from dir/groups.test-data (see docs/rule-language.md, "Tests").
 * Counts go to *passed and *failed. Returns CG_OK when the tests ran (even if
 * some failed), CG_ENOTFOUND when there are no .test files, CG_EIO/CG_EINVAL
 * on unreadable files or a bad groups table. */
int cg_rules_test_dir(const cg_rules *pack, const char *dir,
                      cg_rules_test_report report, void *ud, int *passed,
                      int *failed, cg_error *err);

#endif
