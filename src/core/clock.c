/* clock.c -- see clock.h. */
#include "core/clock.h"

void cg_clock_iso(time_t t, char out[CG_ISO_TIME])
{
  struct tm tm;

  if(t == 0)
    t = time(NULL);
  gmtime_r(&t, &tm);
  strftime(out, CG_ISO_TIME, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void cg_clock_today(char out[CG_ISO_DATE])
{
  time_t t = time(NULL);
  struct tm tm;

  gmtime_r(&t, &tm);
  strftime(out, CG_ISO_DATE, "%Y-%m-%d", &tm);
}
