/* fuzz_screen.h -- the shared body of the party-list targets. */
#ifndef CG_FUZZ_SCREEN_H
#define CG_FUZZ_SCREEN_H

#include "core/store.h"

#include <stddef.h>
#include <stdint.h>

/* A list that imported is searched once (index load and scoring). */
void fz_screen_some(cg_store *db);

/* The body of the CSL targets: data (named name) imported in format
 * ("csl-csv", "csl-json") into a seeded database, all or nothing, and a
 * list that imported searched once. */
int fz_screen_import(const uint8_t *data, size_t size, const char *name,
                     const char *format);

#endif
