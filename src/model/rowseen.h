/* rowseen.h -- the rows of one import file by key (chip name, customer
 * name, licence number), private to src/model/. A file must say one thing
 * per key: a second row with the same key and different fields is an
 * error naming both lines (before, the last row silently won); a second
 * row that is identical field for field (each trimmed) is accepted and
 * changes nothing. The table lives for one import; the caller owns it. */
#ifndef CG_MODEL_ROWSEEN_H
#define CG_MODEL_ROWSEEN_H

#include "core/csvfile.h"
#include "core/error.h"

typedef struct cg_rowseen cg_rowseen;

/* nocase: keys compare ASCII case-insensitively (as the NOCASE columns
 * chips.name and customers.name do). NULL on no memory. */
cg_rowseen *cg_rowseen_new(int nocase);
void cg_rowseen_free(cg_rowseen *s);

/* Records row (on its line) under key. Returns 1 if the key is new, 0 if
 * an identical row had it, CG_EINVAL if a different row had it ("WHERE:
 * WHAT \"key\" is also on line N with different values ..."; where is
 * "file:line", what e.g. "customer"), or CG_ENOMEM. */
int cg_rowseen_add(cg_rowseen *s, const char *key, const cg_csv_row *row,
                   const char *where, const char *what, cg_error *err);

#endif
