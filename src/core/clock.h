/* clock.h -- time stamps and calendar dates as the database and the
 * documents write them: ISO 8601 in UTC. One place, so every table,
 * importer, sync and option parser agrees on what a date is. */
#ifndef CG_CLOCK_H
#define CG_CLOCK_H

#include <time.h>

#define CG_ISO_TIME 21 /* "2026-11-26T10:00:00Z" + NUL */
#define CG_ISO_DATE 11 /* "2026-11-26" + NUL */

/* t (0 = now) as "YYYY-MM-DDTHH:MM:SSZ". */
void cg_clock_iso(time_t t, char out[CG_ISO_TIME]);

/* Today's date in UTC as "YYYY-MM-DD". */
void cg_clock_today(char out[CG_ISO_DATE]);

/* 1 if s is a real calendar date written YYYY-MM-DD (year 1900 or later,
 * leap years honoured): "2026-02-30" and "2026-2-3" are not. */
int cg_date_valid(const char *s);

#endif
