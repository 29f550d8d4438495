/* http.c -- see http.h. Calls go through pointers loaded with dlopen (lc
 * below), which the type-checking macros of curl.h would rewrite. */
#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>

#include "core/http.h"

#include <ctype.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

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
  int chunked;            /* Transfer-Encoding: chunked */
  int excess;             /* bytes came after the Content-Length body */
  char *te;               /* Transfer-Encoding value (scratch) */
  cg_http_response *resp; /* where headers go */
} sink;

/* libcurl is opened on first use (dlopen), not linked: its 27 shared
 * libraries cost every command about 6 ms of start-up, and only syncs and
 * webhook deliveries make HTTP requests. The only file that knows it. */
#define CURL_FUNCS(X)                                                         \
  X(curl_easy_cleanup)                                                        \
  X(curl_easy_getinfo)                                                        \
  X(curl_easy_init)                                                           \
  X(curl_easy_perform)                                                        \
  X(curl_easy_reset)                                                          \
  X(curl_easy_setopt)                                                         \
  X(curl_easy_strerror)                                                       \
  X(curl_free)                                                                \
  X(curl_global_cleanup)                                                      \
  X(curl_global_init)                                                         \
  X(curl_slist_append)                                                        \
  X(curl_slist_free_all)                                                      \
  X(curl_url)                                                                 \
  X(curl_url_cleanup)                                                         \
  X(curl_url_get)                                                             \
  X(curl_url_set)                                                             \
  X(curl_url_strerror)

static struct {
#define CURL_DECL(f) __typeof__(f) *f;
  CURL_FUNCS(CURL_DECL)
#undef CURL_DECL
  void *lib;      /* the dlopen handle, NULL if it failed */
  char fail[256]; /* why, if it failed */
} lc;
static pthread_once_t lc_once = PTHREAD_ONCE_INIT;

static void lc_load(void)
{
  lc.lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
  if(!lc.lib) {
    snprintf(lc.fail, sizeof(lc.fail), "%s", dlerror());
    return;
  }
#define CURL_SYM(f)                                                           \
  if(lc.lib && !(*(void **)&lc.f = dlsym(lc.lib, #f))) {                      \
    snprintf(lc.fail, sizeof(lc.fail), "libcurl.so.4 has no %s", #f);         \
    dlclose(lc.lib);                                                          \
    lc.lib = NULL;                                                            \
  }
  CURL_FUNCS(CURL_SYM)
#undef CURL_SYM
  if(lc.lib && lc.curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    snprintf(lc.fail, sizeof(lc.fail), "curl_global_init failed");
    dlclose(lc.lib);
    lc.lib = NULL;
  }
}

/* CG_OK once libcurl is loaded and initialised; else CG_ENET, saying why. */
static int lc_ready(cg_error *err)
{
  pthread_once(&lc_once, lc_load);
  if(lc.lib)
    return CG_OK;
  return cg_error_set(err, CG_ENET,
                      "HTTP needs libcurl (Debian package libcurl4): %s",
                      lc.fail);
}

int cg_http_global_init(void)
{
  return CG_OK; /* libcurl is initialised when it is loaded (lc_load) */
}

void cg_http_global_cleanup(void)
{
  if(lc.lib)
    lc.curl_global_cleanup();
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

/* 1 when a query parameter's name says its value is a secret
 * (?api_key=, ?token=, ?sig=, ...). */
static int secret_name(const char *name, size_t n)
{
  static const char *const words[] = { "key", "token", "secret", "pass",
                                       "sig", "auth",  "cred",   "session" };
  char low[64];
  size_t i;

  if(n >= sizeof(low))
    return 1; /* a name that long is not worth the risk */
  for(i = 0; i < n; i++)
    low[i] = (char)tolower((unsigned char)name[i]);
  low[n] = '\0';
  for(i = 0; i < sizeof(words) / sizeof(words[0]); i++)
    if(strstr(low, words[i]))
      return 1;
  return 0;
}

/* Masks in place the values of secret-named query parameters of buf
 * ("?token=abc&x=1" -> "?token=***&x=1"); the fragment is left alone. */
static void redact_query(char *buf)
{
  char *q = strchr(buf, '?');

  while(q && *q && *q != '#') {
    char *name = q + 1, *eq, *end;

    end = name + strcspn(name, "&#");
    eq = memchr(name, '=', (size_t)(end - name));
    if(eq && secret_name(name, (size_t)(eq - name))) {
      /* In place: never longer than the value, so buf cannot overflow. */
      size_t n = (size_t)(end - eq - 1), k = n < 3 ? n : 3;
      memset(eq + 1, '*', k);
      memmove(eq + 1 + k, end, strlen(end) + 1);
      end = eq + 1 + k;
    }
    q = *end == '&' ? end : NULL;
  }
}

const char *cg_http_redact(const char *url, char *buf, size_t size)
{
  const char *rest = strstr(url, "://"), *at, *end;

  if(!size)
    return buf;
  rest = rest ? rest + 3 : url;
  /* The authority ends at the first '/', '?' or '#'; an '@' inside it
   * ends the userinfo (the last one: a password may hold '@'). */
  end = rest + strcspn(rest, "/?#");
  at = NULL;
  for(const char *p = rest; p < end; p++)
    if(*p == '@')
      at = p;
  if(!at)
    snprintf(buf, size, "%s", url);
  else
    snprintf(buf, size, "%.*s***%s", (int)(rest - url), url, at);
  redact_query(buf);
  return buf;
}

/* Splits url into scheme and host (malloc'ed by curl). */
static int url_parts(const char *url, char **scheme, char **host,
                     cg_error *err)
{
  CURLU *u;
  CURLUcode uc;

  *scheme = NULL;
  *host = NULL;
  if(lc_ready(err) != CG_OK)
    return CG_ENET;
  u = lc.curl_url();
  if(!u)
    return cg_error_set(err, CG_ENOMEM, "out of memory");
  uc = lc.curl_url_set(u, CURLUPART_URL, url, 0);
  if(uc == CURLUE_OK)
    uc = lc.curl_url_get(u, CURLUPART_SCHEME, scheme, 0);
  if(uc == CURLUE_OK)
    uc = lc.curl_url_get(u, CURLUPART_HOST, host, 0);
  lc.curl_url_cleanup(u);
  if(uc != CURLUE_OK) {
    lc.curl_free(*scheme);
    *scheme = NULL;
    char shown[1024];

    return cg_error_set(err, CG_EUSAGE, "bad URL \"%s\": %s",
                        cg_http_redact(url, shown, sizeof(shown)),
                        lc.curl_url_strerror(uc));
  }
  return CG_OK;
}

int cg_http_check_url(const char *url, int allow_http, cg_error *err)
{
  char *scheme = NULL, *host = NULL, shown[1024];
  int rc = url_parts(url, &scheme, &host, err);

  if(rc != CG_OK)
    return rc;
  url = cg_http_redact(url, shown, sizeof(shown));
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
  lc.curl_free(scheme);
  lc.curl_free(host);
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
    s->chunked = 0;
    return n;
  }
  if(header_value(data, n, "Transfer-Encoding", &s->te) > 0 &&
     strstr(s->te, "chunked"))
    s->chunked = 1;
  if(header_value(data, n, "ETag", &s->resp->etag) < 0 ||
     header_value(data, n, "Last-Modified", &s->resp->last_modified) < 0 ||
     header_value(data, n, "Content-Type", &s->resp->content_type) < 0) {
    s->oom = 1;
    return 0;
  }
  return n;
}

/* curl says "Excess found" (only in its verbose text) when a server sends
 * more than its Content-Length: the body it announced was not the one it
 * had, so the response is not trusted. */
static int debug_cb(CURL *c, curl_infotype type, char *data, size_t n,
                    void *userp)
{
  sink *s = userp;

  (void)c;
  if(type == CURLINFO_TEXT && n >= 12 &&
     strncmp(data, "Excess found", 12) == 0)
    s->excess = 1;
  return 0;
}

/* ===================== Client ===================== */

/* A positive number from the environment variable name, else def. */
static long env_long(const char *name, long def)
{
  const char *v = getenv(name);
  char *end;
  long n;

  if(!v || !*v)
    return def;
  n = strtol(v, &end, 10);
  return (*end || n <= 0) ? def : n;
}

int cg_http_open(cg_http **out, const cg_http_opts *opts, cg_error *err)
{
  static const cg_http_opts defaults = CG_HTTP_OPTS_INIT;
  cg_http *h;

  *out = NULL;
  if(lc_ready(err) != CG_OK)
    return CG_ENET;
  h = calloc(1, sizeof(*h));
  if(!h)
    return cg_error_set(err, CG_ENOMEM, "out of memory");
  h->opts = opts ? *opts : defaults;
  if(h->opts.max_bytes == 0)
    h->opts.max_bytes = CG_HTTP_MAX_BYTES_DEFAULT;
  h->opts.low_speed_limit =
      env_long("CHIPGATE_HTTP_LOW_SPEED_LIMIT",
               h->opts.low_speed_limit > 0 ? h->opts.low_speed_limit
                                           : CG_HTTP_LOW_SPEED_LIMIT_DEFAULT);
  h->opts.low_speed_time_s =
      env_long("CHIPGATE_HTTP_LOW_SPEED_TIME",
               h->opts.low_speed_time_s > 0 ? h->opts.low_speed_time_s
                                            : CG_HTTP_LOW_SPEED_TIME_DEFAULT);
  h->curl = lc.curl_easy_init();
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
  lc.curl_easy_cleanup(h->curl);
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

/* The bytes received so far, for the caller's progress line. */
static int xfer_cb(void *arg, curl_off_t dltotal, curl_off_t dlnow,
                   curl_off_t ultotal, curl_off_t ulnow)
{
  const cg_http_opts *o = arg;

  (void)ultotal;
  (void)ulnow;
  if(dlnow > 0)
    o->progress(o->progress_arg, (int64_t)dlnow, (int64_t)dltotal);
  return 0;
}

/* Sets the options of one request (redirects are followed by hand, in
 * perform). */
static CURLcode setup(cg_http *h, const char *url, sink *s, char *errbuf)
{
  const cg_http_opts *o = &h->opts;
  CURL *c = h->curl;
  CURLcode cc = CURLE_OK;

  lc.curl_easy_reset(c);
#define SET(opt, val)                                                         \
  do {                                                                        \
    if(cc == CURLE_OK)                                                        \
      cc = lc.curl_easy_setopt(c, opt, val);                                  \
  } while(0)
  SET(CURLOPT_URL, url);
  SET(CURLOPT_ERRORBUFFER, errbuf);
  SET(CURLOPT_PROTOCOLS_STR, "http,https");
  SET(CURLOPT_FOLLOWLOCATION, 0L);
  SET(CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms);
  SET(CURLOPT_TIMEOUT_MS, o->timeout_ms);
  SET(CURLOPT_LOW_SPEED_LIMIT, o->low_speed_limit);
  SET(CURLOPT_LOW_SPEED_TIME, o->low_speed_time_s);
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
  /* Verbose only so that debug_cb sees curl's "Excess found" note; it
   * prints nothing. */
  SET(CURLOPT_DEBUGFUNCTION, debug_cb);
  SET(CURLOPT_DEBUGDATA, s);
  SET(CURLOPT_VERBOSE, 1L);
  SET(CURLOPT_USERAGENT, "chipgate/" CG_VERSION);
  if(o->progress) {
    SET(CURLOPT_XFERINFOFUNCTION, xfer_cb);
    SET(CURLOPT_XFERINFODATA, (void *)o);
    SET(CURLOPT_NOPROGRESS, 0L);
  }
#undef SET
  return cc;
}

/* 1 if bytes wait on a plain-http connection after a Content-Length body:
 * the server sent more than it announced (curl notes it only when they
 * came in the same read). Under TLS the bytes could be a close_notify, so
 * only "Excess found" counts there. */
static int bytes_after(cg_http *h)
{
  curl_socket_t sock = CURL_SOCKET_BAD;
  char *scheme = NULL, c;

  if(lc.curl_easy_getinfo(h->curl, CURLINFO_SCHEME, &scheme) != CURLE_OK ||
     !scheme || strcasecmp(scheme, "http") != 0 ||
     lc.curl_easy_getinfo(h->curl, CURLINFO_ACTIVESOCKET, &sock) != CURLE_OK ||
     sock == CURL_SOCKET_BAD)
    return 0;
  return recv(sock, &c, 1, MSG_PEEK | MSG_DONTWAIT) > 0;
}

/* One request to url (no redirect followed). CG_OK when a response came
 * whole by its framing; s->buf then holds the body. shown is url with
 * credentials masked, for messages. */
static int transfer(cg_http *h, const char *method, const char *url,
                    const char *shown, struct curl_slist *hdrs,
                    const void *body, size_t len, sink *s,
                    cg_http_response *resp, cg_error *err)
{
  char errbuf[CURL_ERROR_SIZE];
  curl_off_t cl = -1, t_us = 0;
  long version = 0;
  CURLcode cc;

  errbuf[0] = '\0';
  cc = setup(h, url, s, errbuf);
  if(cc == CURLE_OK && hdrs)
    cc = lc.curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, hdrs);
  if(cc == CURLE_OK && body)
    cc = lc.curl_easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE_LARGE,
                             (curl_off_t)len);
  if(cc == CURLE_OK && body)
    cc = lc.curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, body);
  if(cc != CURLE_OK)
    return cg_error_set(err, CG_EINTERNAL, "%s %s: curl setup: %s", method,
                        shown, lc.curl_easy_strerror(cc));
  cc = lc.curl_easy_perform(h->curl);
  lc.curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &resp->status);
  lc.curl_easy_getinfo(h->curl, CURLINFO_TOTAL_TIME_T, &t_us);
  lc.curl_easy_getinfo(h->curl, CURLINFO_HTTP_VERSION, &version);
  resp->elapsed_ms += (long)(t_us / 1000);
  if(s->oom)
    return cg_error_set(err, CG_ENOMEM, "%s %s: out of memory", method, shown);
  if(s->over || cc == CURLE_FILESIZE_EXCEEDED) {
    cg_error_set(err, CG_EINVAL,
                 "%s %s: response larger than the %zu-byte cap", method, shown,
                 h->opts.max_bytes);
    if(err)
      err->lib_code = CURLE_FILESIZE_EXCEEDED;
    return CG_EINVAL;
  }
  if(cc != CURLE_OK) {
    /* curl 7.x gives "Out of memory" and no text for a header line over
     * its 100 KB limit: say what it most likely was. */
    cg_error_set(err, CG_ENET, "%s %s: %s", method, shown,
                 errbuf[0]                   ? errbuf
                 : cc == CURLE_OUT_OF_MEMORY ? "a response header over 100 KB "
                                               "(or out of memory)"
                                             : lc.curl_easy_strerror(cc));
    if(err)
      err->lib_code = (int)cc;
    return CG_ENET;
  }
  if(resp->status < 100 || resp->status > 599) /* "HTTP/2 -20": none */
    return cg_error_set(err, CG_EINVAL, "%s %s: no valid HTTP status (%ld)",
                        method, shown, resp->status);
  /* curl reports a short Content-Length body as CURLE_PARTIAL_FILE: check
   * again so a truncated body can never pass as a whole one. */
  lc.curl_easy_getinfo(h->curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl);
  if(cl >= 0 && resp->status != 304 && (size_t)cl != s->len) {
    cg_error_set(err, CG_ENET, "%s %s: truncated body (%zu of %lld bytes)",
                 method, shown, s->len, (long long)cl);
    if(err)
      err->lib_code = CURLE_PARTIAL_FILE;
    return CG_ENET;
  }
  if(cl >= 0 && !body && resp->status == 200 && !s->excess)
    s->excess = bytes_after(h);
  if(s->excess)
    return cg_error_set(err, CG_EINVAL,
                        "%s %s: the server sent more than its "
                        "Content-Length (%lld bytes): body not trusted",
                        method, shown, (long long)cl);
  /* Over HTTP/1 a body without Content-Length or chunking ends when the
   * connection closes: a cut one looks complete. A body we use (a 200 to
   * a GET) must carry its own end. */
  if(!body && resp->status == 200 && cl < 0 && !s->chunked &&
     version < CURL_HTTP_VERSION_2_0)
    return cg_error_set(err, CG_EINVAL,
                        "%s %s: the response has neither Content-Length "
                        "nor chunked encoding: a cut body could not be "
                        "told from a whole one",
                        method, shown);
  return CG_OK;
}

/* May a redirect from url go to target? Checked before it is requested. */
static int check_redirect(const cg_http *h, const char *url,
                          const char *target, const char *shown, cg_error *err)
{
  char *scheme = NULL, *host = NULL, *s2 = NULL, *h2 = NULL, tshown[1024];
  int rc = CG_OK;

  cg_http_redact(target, tshown, sizeof(tshown));
  if(url_parts(target, &scheme, &host, NULL) != CG_OK)
    rc = cg_error_set(err, CG_EINVAL, "GET %s: redirect to a bad URL \"%s\"",
                      shown, tshown);
  else if(strcasecmp(scheme, "https") == 0)
    rc = CG_OK;
  else if(strcasecmp(scheme, "http") != 0)
    rc = cg_error_set(err, CG_EINVAL,
                      "GET %s: redirect to \"%s\" refused: only http and "
                      "https are followed",
                      shown, tshown);
  else if(!h->opts.allow_http &&
          (!is_loopback(host) || url_parts(url, &s2, &h2, NULL) != CG_OK ||
           !is_loopback(h2)))
    rc = cg_error_set(err, CG_EINVAL,
                      "GET %s: redirect to \"%s\" refused: plain http is "
                      "followed only from loopback to loopback (use https, "
                      "or --allow-http)",
                      shown, tshown);
  lc.curl_free(scheme);
  lc.curl_free(host);
  lc.curl_free(s2);
  lc.curl_free(h2);
  return rc;
}

#define MAX_REDIRECTS 5

static int is_redirect(long status)
{
  return status == 301 || status == 302 || status == 303 || status == 307 ||
         status == 308;
}

/* Runs the request, following redirects for a GET, and fills resp; see
 * the contract in http.h. method is "GET" or "POST" (messages only). */
static int perform(cg_http *h, const char *method, const char *url,
                   struct curl_slist *hdrs, const void *body, size_t len,
                   cg_http_response *resp, cg_error *err)
{
  int follow = strcmp(method, "GET") == 0 && h->opts.follow_redirects;
  char shown[1024], *cur = NULL, *next = NULL;
  curl_off_t ra = -1;
  sink s = { 0 };
  int rc, hops;

  memset(resp, 0, sizeof(*resp));
  resp->retry_after_s = -1;
  cg_http_redact(url, shown, sizeof(shown));
  for(hops = 0;; hops++) {
    free(s.buf);
    free(s.te);
    memset(&s, 0, sizeof(s));
    s.max = h->opts.max_bytes;
    s.resp = resp;
    clear_headers(resp);
    rc = transfer(h, method, cur ? cur : url, shown, hdrs, body, len, &s, resp,
                  err);
    if(rc != CG_OK || !follow || !is_redirect(resp->status))
      break;
    next = NULL;
    if(lc.curl_easy_getinfo(h->curl, CURLINFO_REDIRECT_URL, &next) !=
           CURLE_OK ||
       !next)
      break; /* a 3xx without Location: the caller sees the status */
    if(hops == MAX_REDIRECTS) {
      rc = cg_error_set(err, CG_EINVAL, "GET %s: more than %d redirects",
                        shown, MAX_REDIRECTS);
      break;
    }
    rc = check_redirect(h, cur ? cur : url, next, shown, err);
    if(rc != CG_OK)
      break;
    next = strdup(next);
    free(cur);
    cur = next;
    if(!cur) {
      rc = cg_error_set(err, CG_ENOMEM, "out of memory");
      break;
    }
  }
  free(cur);
  free(s.te);
  if(rc == CG_OK &&
     lc.curl_easy_getinfo(h->curl, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK &&
     ra > 0)
    resp->retry_after_s = (long)ra;
  if(rc == CG_OK && !s.buf) {
    s.buf = calloc(1, 1);
    if(!s.buf)
      rc = cg_error_set(err, CG_ENOMEM, "out of memory");
  }
  if(rc != CG_OK) {
    free(s.buf);
    clear_headers(resp);
    return rc;
  }
  resp->body = s.buf;
  resp->len = s.len;
  return CG_OK;
}

int cg_http_status_error(const char *method, const char *url, long status,
                         long retry_after_s, cg_error *err)
{
  char shown[1024];
  int rc;

  cg_http_redact(url, shown, sizeof(shown));
  if(status == 404 || status == 410)
    rc = cg_error_set(err, CG_ENOTFOUND,
                      "%s %s: HTTP %ld (%s): the server says it is not "
                      "there; check the URL",
                      method, shown, status,
                      status == 404 ? "Not Found" : "Gone");
  else if(status == 408 || status == 425 || status == 429 ||
          (status >= 500 && status <= 599)) {
    if(retry_after_s > 0)
      rc = cg_error_set(err, CG_ENET, "%s %s: HTTP %ld (retry after %ld s)",
                        method, shown, status, retry_after_s);
    else
      rc = cg_error_set(err, CG_ENET, "%s %s: HTTP %ld (try again later)",
                        method, shown, status);
  }
  else
    rc = cg_error_set(err, CG_EINVAL,
                      "%s %s: HTTP %ld: the server refused the request or "
                      "sent an unusable answer",
                      method, shown, status);
  if(err)
    err->lib_code = (int)status;
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
  n = lc.curl_slist_append(*list, line);
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
    lc.curl_slist_free_all(hdrs);
    char shown[1024];

    return cg_error_set(err, CG_EINVAL, "GET %s: bad condition header",
                        cg_http_redact(url, shown, sizeof(shown)));
  }
  rc = perform(h, "GET", url, hdrs, NULL, 0, resp, err);
  lc.curl_slist_free_all(hdrs);
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
  n = lc.curl_slist_append(hdrs, "Expect:");
  if(!n)
    return cg_error_set(err, CG_ENOMEM, "out of memory");
  hdrs = n;
  for(size_t i = 0; headers && headers[i]; i++) {
    n = lc.curl_slist_append(hdrs, headers[i]);
    if(!n) {
      lc.curl_slist_free_all(hdrs);
      return cg_error_set(err, CG_ENOMEM, "out of memory");
    }
    hdrs = n;
  }
  rc = perform(h, "POST", url, hdrs, body ? body : "", len, resp, err);
  lc.curl_slist_free_all(hdrs);
  return rc;
}
