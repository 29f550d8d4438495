/* error.h -- the cg_error struct and status codes shared by every module.
 *
 * Library functions return an int status (CG_OK or a negative CG_E* code)
 * and, when given a non-NULL cg_error, fill it with a one-line message.
 * The struct is fixed-size: there is nothing to free. */
#ifndef CG_ERROR_H
#define CG_ERROR_H

enum {
  CG_OK = 0,
  CG_ENOMEM = -1,     /* allocation failed */
  CG_EIO = -2,        /* file or stream I/O */
  CG_EDB = -3,        /* SQLite error (lib_code = extended code) */
  CG_EPATTERN = -4,   /* PCRE2 compile or match error */
  CG_ENET = -5,       /* network / HTTP transport (lib_code = CURLcode) */
  CG_EINVAL = -6,     /* bad input data (file:line: what) */
  CG_ENOTFOUND = -7,  /* named thing does not exist */
  CG_EUSAGE = -8,     /* bad option or argument */
  CG_ESCHEMA = -9,    /* database schema newer than this binary */
  CG_EINTERNAL = -10, /* a bug: an invariant did not hold */
  CG_EBUSY = -11      /* database locked by another writer past the wait */
};

typedef struct cg_error {
  int code;      /* CG_E* */
  int lib_code;  /* SQLite extended code, PCRE2 code or CURLcode */
  int sys_errno; /* errno, 0 if n/a */
  char msg[512]; /* "what: why", no trailing newline */
} cg_error;

/* Records the message if err != NULL; returns code. */
int cg_error_set(cg_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefixes err->msg with "prefix: " (e.g. a file name); returns err->code. */
int cg_error_prefix(cg_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Short name of a code, e.g. "invalid input". */
const char *cg_error_str(int code);

#endif
