/* http.c -- see http.h. */
#include <curl/curl.h>

#include "core/http.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct cg_http {
  CURL *curl;        /* reused: keeps connections alive */
  cg_http_opts opts; /* copy of the caller's options */
};

/* What a transfer accumulates; reset for each request. */
typedef struct sink {
  char *buf;              /* body bytes, NUL-terminated */
  size_t len;             /* bytes in buf */
  size_t cap;             /* allocated size of buf */
  size_t max;             /* the cap */
  int over;               /* set when the body went over the cap */
  int oom;                /* set when realloc failed */
  cg_http_response *resp; /* where headers go */
} sink;

int cg_http_global_init(void)
{
  return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? CG_OK : CG_ENET;
}

void cg_http_global_cleanup(void)
{
  curl_global_cleanup();
}

/* ===================== URL policy ===================== */

static int is_loopback(const char *host)
{
  const char *p;

  if(strcasecmp(host, "localhost") == 0 || strcmp(host, "[::1]") == 0 ||
     strcmp(host, "::1") == 0)
    return 1;
  if(strncmp(host, "127.", 4) != 0)
    return 0;
  for(p = host + 4; *p; p++)
    if(!isdigit((unsigned char)*p) && *p != '.')
      return 0;
  return 1;
}

/* Splits url into scheme and host (malloc'ed by curl). */
static int url_parts(const char *url, char **scheme, char **host,
                     cg_error *err)
{
  CURLU *u = curl_url();
  CURLUcode uc;

  *scheme = NULL;
  *host = NULL;
  if(!u)
    return cg_error_set(err, CG_ENOMEM, "out of memory");
  uc = curl_url_set(u, CURLUPART_URL, url, 0);
  if(uc == CURLUE_OK)
    uc = curl_url_get(u, CURLUPART_SCHEME, scheme, 0);
  if(uc == CURLUE_OK)
    uc = curl_url_get(u, CURLUPART_HOST, host, 0);
  curl_url_cleanup(u);
  if(uc != CURLUE_OK) {
    curl_free(*scheme);
    *scheme = NULL;
    return cg_error_set(err, CG_EUSAGE, "bad URL \"%s\": %s", url,
                        curl_url_strerror(uc));
  }
  return CG_OK;
}

int cg_http_check_url(const char *url, int allow_http, cg_error *err)
{
  char *scheme = NULL, *host = NULL;
  int rc = url_parts(url, &scheme, &host, err);

  if(rc != CG_OK)
    return rc;
  if(strcasecmp(scheme, "https") == 0)
    rc = CG_OK;
  else if(strcasecmp(scheme, "http") != 0)
    rc = cg_error_set(err, CG_EUSAGE,
                      "URL \"%s\": only http and https are supported", url);
  else if(!allow_http && !is_loopback(host))
    rc = cg_error_set(err, CG_EUSAGE,
                      "URL \"%s\": plain http is allowed only to loopback "
                      "hosts (use https, or --allow-http)",
                      url);
  curl_free(scheme);
  curl_free(host);
  return rc;
}

/* ===================== Callbacks ===================== */

static size_t write_cb(char *data, size_t size, size_t nmemb, void *userp)
{
  sink *s = userp;
  size_t n = size * nmemb;

  if(n > s->max - s->len) {
    s->over = 1;
    return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
  }
  if(s->len + n + 1 > s->cap) {
    size_t cap = s->cap ? s->cap : 16384;
    char *nb;

    while(cap < s->len + n + 1)
      cap *= 2;
    nb = realloc(s->buf, cap);
    if(!nb) {
      s->oom = 1;
      return 0;
    }
    s->buf = nb;
    s->cap = cap;
  }
  memcpy(s->buf + s->len, data, n);
  s->len += n;
  s->buf[s->len] = '\0';
  return n;
}

/* Copies the value of a header line "Name: value\r\n" if it is name. */
static int header_value(const char *line, size_t n, const char *name,
                        char **out)
{
  size_t k = strlen(name);
  const char *v, *end;
  char *copy;

  if(n <= k || strncasecmp(line, name, k) != 0 || line[k] != ':')
    return 0;
  v = line + k + 1;
  end = line + n;
  while(v < end && (*v == ' ' || *v == '\t'))
    v++;
  while(end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' ||
                    end[-1] == '\t'))
    end--;
  copy = malloc((size_t)(end - v) + 1);
  if(!copy)
    return -1;
  memcpy(copy, v, (size_t)(end - v));
  copy[end - v] = '\0';
  free(*out);
  *out = copy;
  return 1;
}

static void clear_headers(cg_http_response *r)
{
  free(r->etag);
  free(r->last_modified);
  free(r->content_type);
  r->etag = r->last_modified = r->content_type = NULL;
}

static size_t header_cb(char *data, size_t size, size_t nmemb, void *userp)
{
  sink *s = userp;
  size_t n = size * nmemb;

  /* A new status line (redirect, 100 Continue): forget earlier headers. */
  if(n >= 5 && strncmp(data, "HTTP/", 5) == 0) {
    clear_headers(s->resp);
    return n;
  }
  if(header_value(data, n, "ETag", &s->resp->etag) < 0 ||
     header_value(data, n, "Last-Modified", &s->resp->last_modified) < 0 ||
     header_value(data, n, "Content-Type", &s->resp->content_type) < 0) {
    s->oom = 1;
    return 0;
  }
  return n;
}

/* ===================== Client ===================== */

int cg_http_open(cg_http **out, const cg_http_opts *opts, cg_error *err)
{
  static const cg_http_opts defaults = CG_HTTP_OPTS_INIT;
  cg_http *h;

  *out = NULL;
  h = calloc(1, sizeof(*h));
  if(!h)
    return cg_error_set(err, CG_ENOMEM, "out of memory");
  h->opts = opts ? *opts : defaults;
  if(h->opts.max_bytes == 0)
    h->opts.max_bytes = CG_HTTP_MAX_BYTES_DEFAULT;
  h->curl = curl_easy_init();
  if(!h->curl) {
    free(h);
    return cg_error_set(err, CG_ENOMEM, "cannot create a curl handle");
  }
  *out = h;
  return CG_OK;
}

void cg_http_close(cg_http *h)
{
  if(!h)
    return;
  curl_easy_cleanup(h->curl);
  free(h);
}

long cg_http_set_timeout(cg_http *h, long timeout_ms)
{
  long old = h->opts.timeout_ms;

  h->opts.timeout_ms = timeout_ms > 0 ? timeout_ms : 1;
  return old;
}

void cg_http_response_free(cg_http_response *resp)
{
  if(!resp)
    return;
  free(resp->body);
  clear_headers(resp);
  resp->body = NULL;
  resp->len = 0;
}

/* Sets the options shared by GET and POST. */
static CURLcode setup(cg_http *h, const char *url, int follow, sink *s,
                      char *errbuf)
{
  const cg_http_opts *o = &h->opts;
  CURL *c = h->curl;
  char *scheme = NULL, *host = NULL;
  const char *redir = o->allow_http ? "http,https" : "https";
  CURLcode cc = CURLE_OK;

  /* An http://127.0.0.1 source may redirect to loopback http; anything
   * else is re-checked against the policy after the transfer. */
  if(url_parts(url, &scheme, &host, NULL) == CG_OK && is_loopback(host))
    redir = "http,https";
  curl_free(scheme);
  curl_free(host);

  curl_easy_reset(c);
#define SET(opt, val)                                                         \
  do {                                                                        \
    if(cc == CURLE_OK)                                                        \
      cc = curl_easy_setopt(c, opt, val);                                     \
  } while(0)
  SET(CURLOPT_URL, url);
  SET(CURLOPT_ERRORBUFFER, errbuf);
  SET(CURLOPT_PROTOCOLS_STR, "http,https");
  SET(CURLOPT_REDIR_PROTOCOLS_STR, redir);
  SET(CURLOPT_FOLLOWLOCATION, follow ? 1L : 0L);
  SET(CURLOPT_MAXREDIRS, 5L);
  SET(CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms);
  SET(CURLOPT_TIMEOUT_MS, o->timeout_ms);
  SET(CURLOPT_NOSIGNAL, 1L);
  SET(CURLOPT_SSL_VERIFYPEER, 1L);
  SET(CURLOPT_SSL_VERIFYHOST, 2L);
  if(o->cacert)
    SET(CURLOPT_CAINFO, o->cacert);
  SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_bytes);
  SET(CURLOPT_WRITEFUNCTION, write_cb);
  SET(CURLOPT_WRITEDATA, s);
  SET(CURLOPT_HEADERFUNCTION, header_cb);
  SET(CURLOPT_HEADERDATA, s);
  SET(CURLOPT_USERAGENT, "chipgate/" CG_VERSION);
#undef SET
  return cc;
}

/* Runs the transfer set up in h and fills resp; see the contract in
 * http.h. method is "GET" or "POST" (messages only). */
static int perform(cg_http *h, const char *method, const char *url,
                   struct curl_slist *hdrs, const void *body, size_t len,
                   cg_http_response *resp, cg_error *err)
{
  char errbuf[CURL_ERROR_SIZE];
  sink s = { 0 };
  CURLcode cc;
  curl_off_t cl = -1, ra = -1, t_us = 0;
  char *eff = NULL;
  int rc;

  memset(resp, 0, sizeof(*resp));
  resp->retry_after_s = -1;
  errbuf[0] = '\0';
  s.max = h->opts.max_bytes;
  s.resp = resp;
  cc = setup(h, url, strcmp(method, "GET") == 0 && h->opts.follow_redirects,
             &s, errbuf);
  if(cc == CURLE_OK && hdrs)
    cc = curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, hdrs);
  if(cc == CURLE_OK && body)
    cc = curl_easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE_LARGE,
                          (curl_off_t)len);
  if(cc == CURLE_OK && body)
    cc = curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, body);
  if(cc != CURLE_OK) {
    rc = cg_error_set(err, CG_EINTERNAL, "%s %s: curl setup: %s", method, url,
                      curl_easy_strerror(cc));
    goto fail;
  }
  cc = curl_easy_perform(h->curl);
  curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &resp->status);
  curl_easy_getinfo(h->curl, CURLINFO_TOTAL_TIME_T, &t_us);
  resp->elapsed_ms = (long)(t_us / 1000);
  if(s.oom) {
    rc = cg_error_set(err, CG_ENOMEM, "%s %s: out of memory", method, url);
    goto fail;
  }
  if(s.over || cc == CURLE_FILESIZE_EXCEEDED) {
    rc = cg_error_set(err, CG_ENET,
                      "%s %s: response larger than the %zu-byte cap", method,
                      url, h->opts.max_bytes);
    if(err)
      err->lib_code = CURLE_FILESIZE_EXCEEDED;
    goto fail;
  }
  if(cc != CURLE_OK) {
    rc = cg_error_set(err, CG_ENET, "%s %s: %s", method, url,
                      errbuf[0] ? errbuf : curl_easy_strerror(cc));
    if(err)
      err->lib_code = (int)cc;
    goto fail;
  }
  /* curl reports a short Content-Length body as CURLE_PARTIAL_FILE; check
   * again so a truncated body can never pass as a whole one. */
  curl_easy_getinfo(h->curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl);
  if(cl >= 0 && resp->status != 304 && (size_t)cl != s.len) {
    rc =
        cg_error_set(err, CG_ENET, "%s %s: truncated body (%zu of %lld bytes)",
                     method, url, s.len, (long long)cl);
    if(err)
      err->lib_code = CURLE_PARTIAL_FILE;
    goto fail;
  }
  /* A redirect must end where the policy allows. */
  curl_easy_getinfo(h->curl, CURLINFO_EFFECTIVE_URL, &eff);
  if(eff && strcmp(eff, url) != 0 &&
     cg_http_check_url(eff, h->opts.allow_http, err) != CG_OK) {
    rc = cg_error_prefix(err, "%s %s: redirected", method, url);
    goto fail;
  }
  if(curl_easy_getinfo(h->curl, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK &&
     ra > 0)
    resp->retry_after_s = (long)ra;
  if(!s.buf) {
    s.buf = calloc(1, 1);
    if(!s.buf) {
      rc = cg_error_set(err, CG_ENOMEM, "out of memory");
      goto fail;
    }
  }
  resp->body = s.buf;
  resp->len = s.len;
  return CG_OK;
fail:
  free(s.buf);
  clear_headers(resp);
  return rc;
}

/* Appends "Name: value" to *list (value NULL = skip). */
static int add_header(struct curl_slist **list, const char *name,
                      const char *value)
{
  char line[1024];
  struct curl_slist *n;

  if(!value)
    return CG_OK;
  if(snprintf(line, sizeof(line), "%s: %s", name, value) >=
         (int)sizeof(line) ||
     strpbrk(value, "\r\n"))
    return CG_EINVAL;
  n = curl_slist_append(*list, line);
  if(!n)
    return CG_ENOMEM;
  *list = n;
  return CG_OK;
}

int cg_http_get(cg_http *h, const char *url, const cg_http_cond *cond,
                cg_http_response *resp, cg_error *err)
{
  struct curl_slist *hdrs = NULL;
  int rc;

  memset(resp, 0, sizeof(*resp));
  resp->retry_after_s = -1;
  rc = cg_http_check_url(url, h->opts.allow_http, err);
  if(rc != CG_OK)
    return rc;
  if(cond &&
     (add_header(&hdrs, "If-None-Match", cond->if_none_match) != CG_OK ||
      add_header(&hdrs, "If-Modified-Since", cond->if_modified_since) !=
          CG_OK)) {
    curl_slist_free_all(hdrs);
    return cg_error_set(err, CG_EINVAL, "GET %s: bad condition header", url);
  }
  rc = perform(h, "GET", url, hdrs, NULL, 0, resp, err);
  curl_slist_free_all(hdrs);
  return rc;
}

int cg_http_post(cg_http *h, const char *url, const char *const *headers,
                 const void *body, size_t len, cg_http_response *resp,
                 cg_error *err)
{
  struct curl_slist *hdrs = NULL, *n;
  int rc;

  memset(resp, 0, sizeof(*resp));
  resp->retry_after_s = -1;
  rc = cg_http_check_url(url, h->opts.allow_http, err);
  if(rc != CG_OK)
    return rc;
  /* No "Expect: 100-continue" round trip. */
  n = curl_slist_append(hdrs, "Expect:");
  if(!n)
    return cg_error_set(err, CG_ENOMEM, "out of memory");
  hdrs = n;
  for(size_t i = 0; headers && headers[i]; i++) {
    n = curl_slist_append(hdrs, headers[i]);
    if(!n) {
      curl_slist_free_all(hdrs);
      return cg_error_set(err, CG_ENOMEM, "out of memory");
    }
    hdrs = n;
  }
  rc = perform(h, "POST", url, hdrs, body ? body : "", len, resp, err);
  curl_slist_free_all(hdrs);
  return rc;
}
