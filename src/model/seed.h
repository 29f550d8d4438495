/* seed.h -- loads the reference data in db/seed/ (countries, dated country
 * groups, process nodes, reference workloads) into a database, and owns
 * the countries and country_groups tables: lookups go through here.
 *
 * All four files are read and validated in one transaction: a bad row
 * rejects the whole load with "file:line: what" and leaves the database as
 * it was. Loading twice gives the same content. */
#ifndef CG_SEED_H
#define CG_SEED_H

#include "core/error.h"
#include "core/store.h"
#include "rules/rules.h"

int cg_seed_load(cg_store *db, const char *seed_dir, cg_error *err);

/* 1 if country is a member of grp (e.g. "D:5") on date (YYYY-MM-DD),
 * 0 if not, negative on error. */
int cg_country_in_group(cg_store *db, const char *country, const char *grp,
                        const char *date, cg_error *err);

/* The country groups country belongs to on date (YYYY-MM-DD), as
 * CG_GROUP_* bits (rules/facts.h) in *mask_out; 0 for a country in none
 * or not known. */
int cg_country_groups(cg_store *db, const char *country, const char *date,
                      unsigned *mask_out, cg_error *err);

/* Every country with its group bits as of date (YYYY-MM-DD), in code
 * order: what an unknown country fact may be (rules/rules.h
 * cg_rules_world). *out is malloc()ed; the caller frees it. */
int cg_country_world(cg_store *db, const char *date, cg_rules_country **out,
                     size_t *n, cg_error *err);

/* The ISO-2 code of the country called name (case-insensitive) in code;
 * "" if no country has that name (not an error). */
int cg_country_by_name(cg_store *db, const char *name, char code[3],
                       cg_error *err);

/* CG_OK if code is a known ISO 3166-1 alpha-2 code, else CG_ENOTFOUND. */
int cg_country_check(cg_store *db, const char *code, cg_error *err);

/* Upper-cases the ASCII letters of s in place: country codes and country
 * group names are accepted in any case ("cn", "d:5") and stored the way
 * the countries table and the rule pack spell them. */
void cg_country_upper(char *s);
/* The same for a field that should hold one code: upper-cased only when
 * it is two characters, so an error quotes anything else as given. */
void cg_country_code_upper(char *code);

/* The demo database. cg_seed_is_demo is 1 if path is a chipgate database
 * that cg_seed_mark_demo marked (so `chipgate demo` may replace it), 0
 * for anything else, including a file that cannot be opened or read; it
 * never fails and writes nothing. cg_seed_mark_demo fails like
 * cg_store_exec (CG_EDB if the mark is already there). */
int cg_seed_is_demo(const char *path);

/* CG_OK if db (opened from path) is new -- no tables, schema version 0 --
 * or has chipgate's schema (a version and the meta and countries
 * tables). Anything else is another program's database, CG_EINVAL naming
 * what it holds, so that init never adds chipgate's tables to it.
 * Writes nothing. */
int cg_seed_check_ours(cg_store *db, const char *path, cg_error *err);
int cg_seed_mark_demo(cg_store *db, cg_error *err);

#endif
