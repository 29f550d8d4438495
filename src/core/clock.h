/* clock.h -- time stamps as the database and the documents write them:
 * ISO 8601 in UTC. One place, so every table and document agrees. */
#ifndef CG_CLOCK_H
#define CG_CLOCK_H

#include <time.h>

#define CG_ISO_TIME 21 /* "2026-11-26T10:00:00Z" + NUL */
#define CG_ISO_DATE 11 /* "2026-11-26" + NUL */

/* t (0 = now) as "YYYY-MM-DDTHH:MM:SSZ". */
void cg_clock_iso(time_t t, char out[CG_ISO_TIME]);

/* Today's date in UTC as "YYYY-MM-DD". */
void cg_clock_today(char out[CG_ISO_DATE]);

#endif
