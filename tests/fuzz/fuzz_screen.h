/* fuzz_screen.h -- the shared body of the party-list targets. */
#ifndef CG_FUZZ_SCREEN_H
#define CG_FUZZ_SCREEN_H

#include "core/store.h"

/* A list that imported is searched once (index load and scoring). */
void fz_screen_some(cg_store *db);

/* Checks a failed import left the counts as they were and said why;
 * frees before. */
void fz_screen_check(cg_store *db, int rc, const char *msg, char *before);

#endif
