/* progress.c -- the one progress line of long work (progress.h). */
#include "cli/progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A redraw at most this often: more only costs the terminal. */
#define REDRAW_NS 100000000LL

static int64_t ns_between(const struct timespec *a, const struct timespec *b)
{
  return (int64_t)(b->tv_sec - a->tv_sec) * 1000000000LL +
         (int64_t)(b->tv_nsec - a->tv_nsec);
}

void cli_progress_init(cli_progress *p, const char *what, int quiet)
{
  const char *term = getenv("TERM");

  p->what = what;
  /* a dumb terminal has no "erase line": the redraws would pile up */
  p->on = !quiet && isatty(STDERR_FILENO) && !(term && !strcmp(term, "dumb"));
  p->shown = 0;
  p->bytes = 0;
  p->lazy = 0;
  clock_gettime(CLOCK_MONOTONIC, &p->start);
  p->last = p->start;
}

void cli_progress_init_bytes(cli_progress *p, const char *what, int quiet)
{
  cli_progress_init(p, what, quiet);
  p->bytes = 1;
}

double cli_progress_seconds(const cli_progress *p)
{
  struct timespec t;

  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)ns_between(&p->start, &t) / 1e9;
}

/* "12345" or, for bytes, "12.3 MB". */
static void amount(const cli_progress *p, double v, char *buf, size_t size)
{
  if(p->bytes)
    snprintf(buf, size, "%.1f MB", v / 1e6);
  else
    snprintf(buf, size, "%.0f", v);
}

void cli_progress_lazy(cli_progress *p)
{
  p->lazy = 1;
}

void cli_progress_update(void *arg, int64_t done, int64_t total)
{
  cli_progress *p = arg;
  struct timespec now;
  char d[32], t[32], r[64], eta[32] = "";
  double secs, rate;

  if(!p->on)
    return;
  clock_gettime(CLOCK_MONOTONIC, &now);
  if(p->lazy) {
    p->lazy = 0;
    p->start = now;
  }
  if(p->shown && ns_between(&p->last, &now) < REDRAW_NS)
    return;
  p->last = now;
  secs = (double)ns_between(&p->start, &now) / 1e9;
  rate = secs > 0 ? (double)done / secs : 0;
  amount(p, (double)done, d, sizeof(d));
  amount(p, rate, r, sizeof(r));
  if(!p->bytes) /* "800 orders/s", but "0.8 MB/s" */
    snprintf(r + strlen(r), sizeof(r) - strlen(r), " %s", p->what);
  if(total > 0) {
    amount(p, (double)total, t, sizeof(t));
    if(rate > 0 && total >= done)
      snprintf(eta, sizeof(eta), "  ETA %.0fs", (double)(total - done) / rate);
    fprintf(stderr, "\r\033[K%s/%s %s (%.0f%%)  %s/s%s", d, t, p->what,
            100.0 * (double)done / (double)total, r, eta);
  }
  else
    fprintf(stderr, "\r\033[K%s %s  %s/s", d, p->what, r);
  fflush(stderr);
  p->shown = 1;
}

void cli_progress_end(cli_progress *p)
{
  if(p->shown)
    fputs("\r\033[K", stderr);
  fflush(stderr);
  p->shown = 0;
}

cli_progress_fn cli_progress_fn_of(const cli_progress *p)
{
  return p->on ? cli_progress_update : NULL;
}
