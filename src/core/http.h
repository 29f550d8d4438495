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
 * Redirects (GET only) are followed by hand: each target is checked
 * against the policy BEFORE it is requested (plain http only from a
 * loopback URL to a loopback URL, or with allow_http; never file:// or any
 * other scheme), at most 5 hops.
 *
 * A request returns CG_OK whenever an HTTP response was received in full,
 * whatever its status: the caller decides what 304, 410 or 500 mean
 * (cg_http_status_error gives the common reading). "In full" means by its
 * framing: a Content-Length body of exactly that length with nothing after
 * it, or a chunked body with its last chunk; a 200 to a GET whose end is
 * only the connection closing is refused, since a cut one looks the same.
 * A transport failure (refused, reset, timeout, too slow, TLS, truncated
 * or unframed body, oversized headers) is CG_ENET with the CURLcode in
 * err->lib_code and curl's own message in err->msg. A response that
 * retrying will not fix (body over the cap, a redirect the policy refuses,
 * more than 5 redirects) is CG_EINVAL; a URL the policy refuses is
 * CG_EUSAGE. Every message names the method and the URL with any
 * credentials masked (cg_http_redact).
 *
 * Speed: besides the total timeout, a transfer slower than
 * low_speed_limit bytes/s for low_speed_time_s seconds is abandoned
 * (defaults 1024 B/s for 30 s; the environment variables
 * CHIPGATE_HTTP_LOW_SPEED_LIMIT and CHIPGATE_HTTP_LOW_SPEED_TIME override
 * them, e.g. for tests).
 *
 * Ownership: cg_http_open returns a client the caller closes with
 * cg_http_close. A cg_http_response holds malloc'ed strings released by
 * cg_http_response_free (safe on a zeroed or already-freed response). */
#ifndef CG_HTTP_H
#define CG_HTTP_H

#include <stddef.h>
#include <stdint.h>

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
  long low_speed_limit;    /* bytes/s below which ... */
  long low_speed_time_s;   /* ... for this long aborts the transfer */
  /* Called as a body arrives with the bytes received and the bytes
   * announced (0: unknown), from libcurl's progress callback; may be
   * NULL (the INIT leaves it so). */
  void (*progress)(void *arg, int64_t done, int64_t total);
  void *progress_arg;
} cg_http_opts;

#define CG_HTTP_MAX_BYTES_DEFAULT       ((size_t)256 * 1024 * 1024)
#define CG_HTTP_LOW_SPEED_LIMIT_DEFAULT 1024L
#define CG_HTTP_LOW_SPEED_TIME_DEFAULT  30L
#define CG_HTTP_OPTS_INIT                                                     \
  {                                                                           \
    10000, 300000, CG_HTTP_MAX_BYTES_DEFAULT, NULL, 0, 1,                     \
        CG_HTTP_LOW_SPEED_LIMIT_DEFAULT, CG_HTTP_LOW_SPEED_TIME_DEFAULT,      \
        NULL, NULL                                                            \
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

/* url with any "user:password@" replaced by "***@" and the values of
 * secret-named query parameters (key, token, secret, pass, sig, auth,
 * cred, session in the name) by "***", into buf (always NUL-terminated;
 * cut to size). Returns buf. Every message that shows a URL goes through
 * it: credentials are secrets. */
const char *cg_http_redact(const char *url, char *buf, size_t size);

/* The error for a response status other than 200/304, for method on url:
 * 404 and 410 are CG_ENOTFOUND (permanent: exit 66); 408, 425, 429 and
 * 5xx are CG_ENET (try again later: exit 75; retry_after_s > 0 is named);
 * any other status is CG_EINVAL (the server refused or answered
 * something unusable: exit 65). err->lib_code = status. */
int cg_http_status_error(const char *method, const char *url, long status,
                         long retry_after_s, cg_error *err);

#endif
