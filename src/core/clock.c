/* clock.c -- see clock.h. */
#include "core/clock.h"

#include <stdlib.h>
#include <string.h>

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

int cg_date_valid(const char *s)
{
  static const int mdays[] = {
    31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
  };
  int y, m, d, i;

  if(strlen(s) != 10 || s[4] != '-' || s[7] != '-')
    return 0;
  for(i = 0; i < 10; i++)
    if(i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
      return 0;
  y = atoi(s);
  m = atoi(s + 5);
  d = atoi(s + 8);
  if(y < 1900 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
    return 0;
  if(m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
    return 0;
  return 1;
}
