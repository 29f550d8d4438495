/* customer.h -- customers: records, lookup and CSV import (licences and
 * approvals are model/license.h) (docs/data-formats.md).
 *
 * A cg_customer owns its strings; free with cg_customer_clear. */
#ifndef CG_CUSTOMER_H
#define CG_CUSTOMER_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/store.h"

typedef struct cg_customer {
  int64_t id;                /* 0 for an ad-hoc customer not in the DB */
  char *name;                /* unique, case-insensitive */
  char country[3];           /* where located, ISO-2 */
  char hq_country[3];        /* "" if unknown */
  char *parent;              /* ultimate parent's name, NULL if none */
  char parent_hq_country[3]; /* "" if unknown or no parent */
  char *address;             /* NULL if none */
  char role[16];             /* designer|osat|distributor|end_user */
} cg_customer;

void cg_customer_init(cg_customer *c);
void cg_customer_clear(cg_customer *c);

/* CG_ENOTFOUND if there is no customer of that name. */
int cg_customer_get(cg_store *db, const char *name, cg_customer *out,
                    cg_error *err);
int cg_customer_get_id(cg_store *db, int64_t id, cg_customer *out,
                       cg_error *err);
/* The id of the customer called name (case-insensitive) in *id_out, 0 if
 * there is none (not an error). */
int cg_customer_find_id(cg_store *db, const char *name, int64_t *id_out,
                        cg_error *err);
/* The customer ref names, for commands that take "name or id": the
 * customer called ref (case-insensitive) if there is one, else the one
 * whose id written in decimal is exactly ref ("7", not "07"). *id_out is
 * 0 if neither exists (not an error). */
int cg_customer_find_ref(cg_store *db, const char *ref, int64_t *id_out,
                         cg_error *err);

/* Calls fn(arg, id, name) for every customer in id order (name borrowed
 * for the call); a non-zero return from fn stops and is returned. fn may
 * read and write other tables (it runs on a statement of its own). */
int cg_customer_each(cg_store *db,
                     int (*fn)(void *arg, int64_t id, const char *name),
                     void *arg, cg_error *err);

/* Every customer in name order as a JSON array (the caller frees it) of
 * {id, name, country, hq_country, parent, parent_hq_country, role}; an
 * unknown HQ or no parent is null. Read-only. */
struct cg_json;
int cg_customer_list(cg_store *db, struct cg_json **out, cg_error *err);

/* Imports customers in one transaction (all or nothing); a customer whose
 * name exists is updated. Unknown country codes and roles are errors
 * naming the line. */
int cg_customer_import(cg_store *db, const char *path, size_t *count_out,
                       cg_error *err);

#endif
