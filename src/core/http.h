/* http.h -- HTTP GET/POST over libcurl; the only door to curl/curl.h.
 *
 * A cg_http is a reusable client (one curl easy handle, so connections are
 * kept alive between requests). Every transfer is bounded: a connect
 * timeout, a total timeout and a response size cap. TLS verification is
 * always on (a private CA may be given as a PEM file); there is no way to
 * turn it off. Plain http:// is refused unless the host is a loopback
 * address (localhost, 127.0.0.0/8, ::1) or allow_http is set; redirects
 * are followed only to http/https under the same rule.
 *
 * A request returns CG_OK whenever an HTTP response was received in full,
 * whatever its status: the caller decides what 304, 410 or 500 mean. A
 * transport failure (refused, reset, timeout, TLS, truncated body, body
 * over the cap) is CG_ENET with the CURLcode in err->lib_code and curl's
 * own message in err->msg; a URL the policy refuses is CG_EUSAGE.
 *
 * Ownership: cg_http_open returns a client the caller closes with
 * cg_http_close. A cg_http_response holds malloc'ed strings released by
 * cg_http_response_free (safe on a zeroed or already-freed response). */
#ifndef CG_HTTP_H
#define CG_HTTP_H

#include <stddef.h>

#include "core/error.h"

/* curl_global_init / cleanup: once per process, from main(). */
int cg_http_global_init(void);
void cg_http_global_cleanup(void);

typedef struct cg_http cg_http;

typedef struct cg_http_opts {
  long connect_timeout_ms; /* connection phase (TCP + TLS) */
  long timeout_ms;         /* the whole transfer */
  size_t max_bytes;        /* response body cap */
  const char *cacert;      /* PEM CA bundle instead of the system one */
  int allow_http;          /* plain http:// to non-loopback hosts */
  int follow_redirects;    /* follow up to 5 redirects (GET only) */
} cg_http_opts;

#define CG_HTTP_MAX_BYTES_DEFAULT ((size_t)256 * 1024 * 1024)
#define CG_HTTP_OPTS_INIT                                                     \
  {                                                                           \
    10000, 300000, CG_HTTP_MAX_BYTES_DEFAULT, NULL, 0, 1                      \
  }

typedef struct cg_http_response {
  long status;         /* HTTP status of the final response */
  char *body;          /* NUL-terminated (may hold NULs itself) */
  size_t len;          /* body length in bytes */
  char *etag;          /* ETag header or NULL */
  char *last_modified; /* Last-Modified header or NULL */
  char *content_type;  /* Content-Type header or NULL */
  long retry_after_s;  /* Retry-After in seconds (either form), -1 if none */
  long elapsed_ms;     /* total time of the transfer */
} cg_http_response;

/* Conditions of a GET (either may be NULL). */
typedef struct cg_http_cond {
  const char *if_none_match;     /* sends If-None-Match */
  const char *if_modified_since; /* sends If-Modified-Since (verbatim) */
} cg_http_cond;

/* Creates a client with a copy of *opts (NULL = CG_HTTP_OPTS_INIT; the
 * cacert string must outlive the client). */
int cg_http_open(cg_http **out, const cg_http_opts *opts, cg_error *err);
void cg_http_close(cg_http *h);

/* Changes the total timeout of the following requests; returns the
 * previous one. */
long cg_http_set_timeout(cg_http *h, long timeout_ms);

/* Checks url against the policy (http or https only; plain http only to
 * loopback unless allow_http). CG_OK or CG_EUSAGE with the reason. */
int cg_http_check_url(const char *url, int allow_http, cg_error *err);

/* GET url into *resp (zeroed first). cond may be NULL. */
int cg_http_get(cg_http *h, const char *url, const cg_http_cond *cond,
                cg_http_response *resp, cg_error *err);

/* POST body (len bytes) to url with extra headers ("Name: value",
 * NULL-terminated array, may be NULL). Redirects are never followed for a
 * POST: a 3xx comes back as the status. */
int cg_http_post(cg_http *h, const char *url, const char *const *headers,
                 const void *body, size_t len, cg_http_response *resp,
                 cg_error *err);

void cg_http_response_free(cg_http_response *resp);

#endif
