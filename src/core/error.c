/* error.c -- see error.h. */
#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int cg_error_set(cg_error *err, int code, const char *fmt, ...)
{
  va_list ap;

  if(!err)
    return code;
  err->code = code;
  err->lib_code = 0;
  err->sys_errno = 0;
  va_start(ap, fmt);
  vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
  va_end(ap);
  return code;
}

int cg_error_prefix(cg_error *err, const char *fmt, ...)
{
  char head[256];
  char old[sizeof(err->msg)];
  va_list ap;

  if(!err)
    return CG_EINTERNAL;
  va_start(ap, fmt);
  vsnprintf(head, sizeof(head), fmt, ap);
  va_end(ap);
  memcpy(old, err->msg, sizeof(old));
  snprintf(err->msg, sizeof(err->msg), "%s: %s", head, old);
  return err->code;
}

const char *cg_error_str(int code)
{
  switch(code) {
  case CG_OK:
    return "ok";
  case CG_ENOMEM:
    return "out of memory";
  case CG_EIO:
    return "I/O error";
  case CG_EDB:
    return "database error";
  case CG_EBUSY:
    return "database busy";
  case CG_EPATTERN:
    return "pattern error";
  case CG_ENET:
    return "network error";
  case CG_EINVAL:
    return "invalid input";
  case CG_ENOTFOUND:
    return "not found";
  case CG_EUSAGE:
    return "usage error";
  case CG_ESCHEMA:
    return "schema error";
  default:
    return "internal error";
  }
}
