/* progress.h -- the progress line of long work (import, batch, sync,
 * report, audit verify): count, rate and ETA on one stderr line redrawn
 * at most 10 times a second, only when stderr is a terminal and the
 * command was not given --quiet. The first update draws at once, so even
 * short work on a terminal shows it (and a test sees it). The final
 * summary line is the command's own, printed either way. */
#ifndef CG_CLI_PROGRESS_H
#define CG_CLI_PROGRESS_H

#include <stdint.h>
#include <time.h>

typedef struct cli_progress {
  const char *what;      /* unit counted: "orders", "lines", "entries" */
  int on;                /* drawing allowed (terminal, not quiet) */
  int shown;             /* a line is on screen, to be cleared */
  int bytes;             /* the count is bytes: shown in MB */
  int lazy;              /* the clock starts at the first update */
  struct timespec start; /* when the work began */
  struct timespec last;  /* the last redraw */
} cli_progress;

/* Starts the clock; draws later only if stderr is a terminal and not
 * quiet. what is a static string. */
void cli_progress_init(cli_progress *p, const char *what, int quiet);

/* The same for a count of bytes (e.g. a download). */
void cli_progress_init_bytes(cli_progress *p, const char *what, int quiet);

/* The library's progress callback: done of total (total <= 0: unknown, no
 * ETA). arg is a cli_progress. */
void cli_progress_update(void *arg, int64_t done, int64_t total);

/* The clock of p starts at its first update, not now: for work that
 * begins after another (the import after a download). */
void cli_progress_lazy(cli_progress *p);

/* Clears the line if one is shown (the summary takes its place). */
void cli_progress_end(cli_progress *p);

/* Seconds since cli_progress_init. */
double cli_progress_seconds(const cli_progress *p);

/* The callback to pass the library: cli_progress_update when drawing is
 * on, else NULL (nothing to call). */
typedef void (*cli_progress_fn)(void *, int64_t, int64_t);
cli_progress_fn cli_progress_fn_of(const cli_progress *p);

#endif
