/* fuzz_import.h -- the shared body of the CSV import targets: the input
 * becomes a file imported into a fresh copy of a template database. */
#ifndef CG_FUZZ_IMPORT_H
#define CG_FUZZ_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/store.h"

typedef int (*fz_importer)(cg_store *db, const char *path, size_t *count,
                           cg_error *err);

/* Writes data to "input.csv", imports it with fn into fz_db(level); a
 * failed import must leave the database as it was (checked by counting
 * the rows of every table before and after). */
int fz_import(const uint8_t *data, size_t size, int level, fz_importer fn);

#endif
