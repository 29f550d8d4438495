/* httpd.c -- the HTTP server of `chipgate serve` (server.h), and the only
 * file that knows libmicrohttpd.
 *
 * Like libcurl (core/http.c), libmicrohttpd is opened on first use
 * (dlopen), not linked: it brings GnuTLS and a dozen more shared
 * libraries that every other command would pay for at start-up. */
#include "server/server.h"

#include "server/api.h"

#include "decide/decide.h"

#include <arpa/inet.h>
#include <dlfcn.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MHD_FUNCS(X)                                                          \
  X(MHD_add_response_header)                                                  \
  X(MHD_create_response_from_buffer)                                          \
  X(MHD_destroy_response)                                                     \
  X(MHD_get_connection_info)                                                  \
  X(MHD_get_connection_values)                                                \
  X(MHD_get_daemon_info)                                                      \
  X(MHD_http_unescape)                                                        \
  X(MHD_is_feature_supported)                                                 \
  X(MHD_lookup_connection_value)                                              \
  X(MHD_queue_response)                                                       \
  X(MHD_quiesce_daemon)                                                       \
  X(MHD_start_daemon)                                                         \
  X(MHD_stop_daemon)

static struct {
#define MHD_DECL(f) __typeof__(f) *f;
  MHD_FUNCS(MHD_DECL)
#undef MHD_DECL
  void *lib;      /* the dlopen handle, NULL if it failed */
  char fail[256]; /* why, if it failed */
} mh;

static pthread_once_t mh_once = PTHREAD_ONCE_INIT;

static void mh_load(void)
{
  mh.lib = dlopen("libmicrohttpd.so.12", RTLD_NOW | RTLD_LOCAL);
  if(!mh.lib) {
    snprintf(mh.fail, sizeof(mh.fail), "%s", dlerror());
    return;
  }
#define MHD_SYM(f)                                                            \
  if(mh.lib && !(*(void **)&mh.f = dlsym(mh.lib, #f))) {                      \
    snprintf(mh.fail, sizeof(mh.fail), "libmicrohttpd.so.12 has no %s", #f);  \
    dlclose(mh.lib);                                                          \
    mh.lib = NULL;                                                            \
  }
  MHD_FUNCS(MHD_SYM)
#undef MHD_SYM
}

static int mh_ready(cg_error *err)
{
  pthread_once(&mh_once, mh_load);
  if(mh.lib)
    return CG_OK;
  return cg_error_set(err, CG_ENOTFOUND,
                      "serve needs libmicrohttpd (Debian package "
                      "libmicrohttpd12): %s",
                      mh.fail);
}

/* Connections open at once: more are refused, so that clients holding
 * half-sent requests cannot take every socket and thread. */
#define CONNECTION_LIMIT 1024
/* ... and one address may hold at most a quarter of them (a client that
 * trickles its headers is cut off by the watchdog below). */
#define PER_IP_LIMIT 256

/* A connection waiting for a request's headers, since when: the
 * watchdog shuts its socket once that is over timeout_s, since
 * libmicrohttpd's own timeout counts idle time only, which a client
 * sending a byte a second never reaches. */
typedef struct watch {
  struct watch *prev, *next;
  int fd;                /* the connection's socket */
  int busy;              /* headers in, a request in hand: not watched */
  int cut;               /* shut already */
  struct timespec since; /* waiting for headers since */
} watch;

/* The server while it runs. */
typedef struct srv {
  pthread_mutex_t lock; /* guards watches */
  watch *watches;       /* every open connection */
  atomic_int stopping;  /* the watchdog ends */
  pthread_t watchdog;
  cg_srv_shared shared;
  size_t max_body;
  unsigned timeout_s;   /* a whole request, not only idle time */
  atomic_int in_flight; /* requests begun and not yet answered */
  int max_in_flight;    /* over it: 503 with Retry-After at once */
  int tls;              /* serving HTTPS */
} srv;

/* One request's body as it arrives (libmicrohttpd's con_cls). */
typedef struct upload {
  char *body;
  size_t len, cap;
  int too_big;           /* over max_body: the rest is read and dropped */
  srv *s;                /* counted in s->in_flight until completed */
  struct timespec start; /* when its headers were in */
} upload;

/* Seconds since t. */
static double since(const struct timespec *t)
{
  struct timespec now;

  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)(now.tv_sec - t->tv_sec) +
         (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

static const char *query_arg(const cg_srv_req *r, const char *name)
{
  return mh.MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

static const char *header_of(const cg_srv_req *r, const char *name)
{
  return mh.MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

/* query_unknown's search: the first argument not in known, or without
 * a value ("?anchor", which arg() cannot tell from no argument). */
typedef struct unknown_arg {
  const char *const *known;
  const char *found;
} unknown_arg;

static enum MHD_Result not_known(void *cls, enum MHD_ValueKind kind,
                                 const char *key, const char *value)
{
  unknown_arg *u = cls;
  size_t i;

  (void)kind;
  for(i = 0; value && u->known[i]; i++)
    if(!strcmp(key, u->known[i]))
      return MHD_YES;
  u->found = key;
  return MHD_NO;
}

static const char *query_unknown(const cg_srv_req *r, const char *const *known)
{
  unknown_arg u = { known, NULL };

  mh.MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, not_known, &u);
  return u.found;
}

/* A form value, percent-decoded in place ('+' is a blank there). */
static size_t form_unescape(char *s)
{
  char *p;

  for(p = s; *p; p++)
    if(*p == '+')
      *p = ' ';
  return mh.MHD_http_unescape(s);
}

/* libmicrohttpd decodes the path and query; a %00 would cut them short
 * in C ("/v1/orders/O-1%00/cancel" read as "/v1/orders/O-1"), so a part
 * holding one is left undecoded: no order, customer or route has that
 * name, and the answer is a 404 or 400 for what was sent. */
static size_t unescape_path(void *cls, struct MHD_Connection *c, char *s)
{
  const char *p;

  (void)cls;
  (void)c;
  for(p = strchr(s, '%'); p; p = strchr(p + 1, '%'))
    if(p[1] == '0' && p[2] == '0')
      return strlen(s);
  return mh.MHD_http_unescape(s);
}

/* The value of cookie name, or NULL. */
static const char *cookie_of(struct MHD_Connection *c, const char *name)
{
  return mh.MHD_lookup_connection_value(c, MHD_COOKIE_KIND, name);
}

/* Adds resp->headers ("Name: value" lines) to r; 0 if one is malformed. */
static int add_headers(struct MHD_Response *r, char *lines)
{
  char *line, *save = NULL, *colon;

  for(line = strtok_r(lines, "\n", &save); line;
      line = strtok_r(NULL, "\n", &save)) {
    if(!(colon = strchr(line, ':')) || colon[1] != ' ')
      return 0;
    *colon = '\0';
    if(mh.MHD_add_response_header(r, line, colon + 2) != MHD_YES)
      return 0;
  }
  return 1;
}

/* Sends resp (its body is handed to libmicrohttpd, which frees it). */
static enum MHD_Result send_resp(struct MHD_Connection *c, cg_srv_resp *resp)
{
  struct MHD_Response *r = mh.MHD_create_response_from_buffer(
      resp->len, resp->body, MHD_RESPMEM_MUST_FREE);
  enum MHD_Result ret;
  char ra[16];

  if(!r) {
    free(resp->body);
    free(resp->headers);
    return MHD_NO;
  }
  mh.MHD_add_response_header(r, "Content-Type",
                             resp->type ? resp->type : "application/json");
  mh.MHD_add_response_header(r, "Cache-Control", "no-store");
  mh.MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
  if(resp->type && !strncmp(resp->type, "text/html", 9)) {
    /* the review page runs no script and loads nothing from elsewhere */
    mh.MHD_add_response_header(
        r, "Content-Security-Policy",
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    mh.MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    mh.MHD_add_response_header(r, "X-Frame-Options", "DENY");
  }
  if(resp->headers && !add_headers(r, resp->headers)) {
    free(resp->headers);
    mh.MHD_destroy_response(r);
    return MHD_NO;
  }
  free(resp->headers);
  if(resp->status == 401) /* RFC 6750: how to authenticate */
    mh.MHD_add_response_header(r, "WWW-Authenticate",
                               "Bearer realm=\"chipgate\"");
  if(resp->retry_after > 0) {
    snprintf(ra, sizeof(ra), "%d", resp->retry_after);
    mh.MHD_add_response_header(r, "Retry-After", ra);
  }
  ret = mh.MHD_queue_response(c, (unsigned)resp->status, r);
  mh.MHD_destroy_response(r);
  return ret;
}

/* Appends n bytes to u, or marks it too big (the bytes are dropped). */
static int take(upload *u, const char *data, size_t n, size_t max)
{
  if(u->too_big)
    return 1;
  if(u->len + n > max) {
    u->too_big = 1;
    free(u->body);
    u->body = NULL;
    u->len = u->cap = 0;
    return 1;
  }
  if(u->len + n + 1 > u->cap) {
    size_t cap = (u->len + n + 1) * 2;
    char *b = realloc(u->body, cap > max + 1 ? max + 1 : cap);
    if(!b)
      return 0;
    u->body = b;
    u->cap = cap > max + 1 ? max + 1 : cap;
  }
  memcpy(u->body + u->len, data, n);
  u->len += n;
  u->body[u->len] = '\0';
  return 1;
}

/* Marks c's watch busy (a request in hand) or waiting for headers. */
static void watch_busy(srv *s, struct MHD_Connection *c, int busy)
{
  const union MHD_ConnectionInfo *ci =
      mh.MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  watch *w = ci ? ci->socket_context : NULL;

  if(!w)
    return;
  pthread_mutex_lock(&s->lock);
  w->busy = busy;
  clock_gettime(CLOCK_MONOTONIC, &w->since);
  pthread_mutex_unlock(&s->lock);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
                                  const char *url, const char *method,
                                  const char *version, const char *data,
                                  size_t *size, void **con_cls)
{
  srv *s = cls;
  upload *u = *con_cls;
  cg_srv_resp resp;
  cg_srv_req req;

  (void)version;
  if(!u) {
    const char *cl =
        mh.MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    if(!(u = calloc(1, sizeof(*u))))
      return MHD_NO;
    *con_cls = u;
    u->s = s;
    clock_gettime(CLOCK_MONOTONIC, &u->start);
    watch_busy(s, c, 1);
    /* Overloaded: say so at once, rather than let every client wait
     * past its timeout. */
    if(atomic_fetch_add(&s->in_flight, 1) >= s->max_in_flight) {
      memset(&resp, 0, sizeof(resp));
      cg_api_error(&resp, 503, "busy", NULL,
                   "the server has too many requests in hand: try again");
      resp.retry_after = 1;
      return send_resp(c, &resp);
    }
    /* refused before a byte of it is read */
    if(cl && strtoull(cl, NULL, 10) > s->max_body) {
      memset(&resp, 0, sizeof(resp));
      cg_api_error(&resp, 413, "too_large", NULL,
                   "the request body is larger than the server takes");
      return send_resp(c, &resp);
    }
    /* a body is read only for a token that may send it */
    if(cl || mh.MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                            "Transfer-Encoding")) {
      memset(&req, 0, sizeof(req));
      memset(&resp, 0, sizeof(resp));
      req.method = method;
      req.path = url;
      req.auth =
          mh.MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
      req.cookie = cookie_of(c, CG_SRV_COOKIE);
      if(!cg_api_admit(&s->shared, &req, &resp))
        return send_resp(c, &resp);
    }
    return MHD_YES;
  }
  /* A client that sends so slowly that it is never idle is cut off
   * all the same: a request has timeout_s seconds in all. */
  if(since(&u->start) > s->timeout_s)
    return MHD_NO;
  if(*size) {
    int ok = take(u, data, *size, s->max_body);
    *size = 0;
    return ok ? MHD_YES : MHD_NO;
  }
  memset(&resp, 0, sizeof(resp));
  if(u->too_big) {
    cg_api_error(&resp, 413, "too_large", NULL,
                 "the request body is larger than the server takes");
    return send_resp(c, &resp);
  }
  memset(&req, 0, sizeof(req));
  req.method = method;
  req.path = url;
  req.auth =
      mh.MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
  req.cookie = cookie_of(c, CG_SRV_COOKIE);
  req.tls = s->tls;
  req.body = u->body;
  req.body_len = u->len;
  req.arg = query_arg;
  req.arg_unknown = query_unknown;
  req.header = header_of;
  req.unescape = form_unescape;
  req.conn = c;
  cg_api_handle(&s->shared, &req, &resp);
  return send_resp(c, &resp);
}

static void on_connection(void *cls, struct MHD_Connection *c,
                          void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
  srv *s = cls;
  watch *w = *socket_context;
  const union MHD_ConnectionInfo *ci;

  if(toe == MHD_CONNECTION_NOTIFY_STARTED) {
    ci = mh.MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    if(!ci || !(w = calloc(1, sizeof(*w))))
      return; /* unwatched: the idle timeout still holds */
    w->fd = ci->connect_fd;
    clock_gettime(CLOCK_MONOTONIC, &w->since);
    pthread_mutex_lock(&s->lock);
    w->next = s->watches;
    if(s->watches)
      s->watches->prev = w;
    s->watches = w;
    pthread_mutex_unlock(&s->lock);
    *socket_context = w;
    return;
  }
  /* closed: libmicrohttpd closes the socket after this returns, so the
   * watchdog never shuts a number another connection has taken */
  if(!w)
    return;
  pthread_mutex_lock(&s->lock);
  if(w->prev)
    w->prev->next = w->next;
  else
    s->watches = w->next;
  if(w->next)
    w->next->prev = w->prev;
  pthread_mutex_unlock(&s->lock);
  free(w);
  *socket_context = NULL;
}

/* Shuts the socket of every connection that has waited over timeout_s
 * for its headers; libmicrohttpd then reads its end and closes it. */
static void *watchdog(void *arg)
{
  srv *s = arg;
  struct timespec tick = { 0, 250 * 1000 * 1000 };
  watch *w;

  while(!atomic_load(&s->stopping)) {
    nanosleep(&tick, NULL);
    pthread_mutex_lock(&s->lock);
    for(w = s->watches; w; w = w->next)
      if(!w->busy && !w->cut && since(&w->since) > s->timeout_s) {
        shutdown(w->fd, SHUT_RDWR);
        w->cut = 1;
      }
    pthread_mutex_unlock(&s->lock);
  }
  return NULL;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode why)
{
  upload *u = *con_cls;

  (void)why;
  watch_busy(cls, c, 0);
  if(u) {
    atomic_fetch_sub(&u->s->in_flight, 1);
    free(u->body);
    free(u);
    *con_cls = NULL;
  }
}

/* The numeric address to bind, IPv4 or IPv6. */
static int sock_addr(const cg_server_opts *o, struct sockaddr_storage *ss,
                     cg_error *err)
{
  struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
  struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

  memset(ss, 0, sizeof(*ss));
  if(inet_pton(AF_INET, o->host, &in4->sin_addr) == 1) {
    in4->sin_family = AF_INET;
    in4->sin_port = htons((uint16_t)o->port);
    return CG_OK;
  }
  if(inet_pton(AF_INET6, o->host, &in6->sin6_addr) == 1) {
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons((uint16_t)o->port);
    return CG_OK;
  }
  return cg_error_set(err, CG_EUSAGE,
                      "--listen: \"%s\" is not a numeric IPv4 or IPv6 "
                      "address (e.g. 127.0.0.1:8080 or [::1]:8080)",
                      o->host);
}

static struct MHD_Daemon *start(srv *s, const cg_server_opts *o,
                                struct sockaddr_storage *ss, cg_error *err)
{
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
                   MHD_USE_ITC |
                   (ss->ss_family == AF_INET6 ? MHD_USE_IPv6 : 0);
  /* TLS adds its two options in front of the END */
  struct MHD_OptionItem tls[] = {
    { o->cert_pem ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0,
      (void *)o->cert_pem },
    { MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)o->key_pem },
    { MHD_OPTION_END, 0, NULL }
  };
  struct MHD_Daemon *d;

  if(o->cert_pem) {
    if(mh.MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
      cg_error_set(err, CG_EUSAGE,
                   "--cert: this libmicrohttpd was built without TLS");
      return NULL;
    }
    flags |= MHD_USE_TLS;
  }
  d = mh.MHD_start_daemon(
      flags, 0, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, ss,
      MHD_OPTION_THREAD_POOL_SIZE, (unsigned)o->threads,
      MHD_OPTION_CONNECTION_TIMEOUT, o->timeout_s,
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)65536,
      MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONNECTION_LIMIT,
      MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)PER_IP_LIMIT,
      MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
      MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
      MHD_OPTION_UNESCAPE_CALLBACK, unescape_path, NULL, MHD_OPTION_ARRAY, tls,
      MHD_OPTION_END);
  if(!d)
    cg_error_set(err, CG_EIO,
                 "serve: cannot listen on %s:%d (in use, not an address "
                 "of this machine, or a certificate and key that do not "
                 "load)",
                 o->host, o->port);
  return d;
}

/* After quiescing: waits until every request in hand has been answered
 * (stopping the daemon first would close their connections unanswered,
 * though their writes are committed: a client would retry a shipment),
 * at most timeout_s seconds, so a slow client cannot hold the stop. */
static void drain(srv *s, unsigned timeout_s)
{
  struct timespec tick = { 0, 10 * 1000 * 1000 };
  unsigned long waited = 0;

  while(atomic_load(&s->in_flight) > 0 && waited < timeout_s * 100UL) {
    nanosleep(&tick, NULL);
    waited++;
  }
}

int cg_server_run(const cg_server_opts *o, cg_error *err)
{
  struct sockaddr_storage ss;
  struct MHD_Daemon *d;
  const union MHD_DaemonInfo *info;
  sigset_t stop, old;
  srv s;
  int rc, sig = 0;

  if((rc = mh_ready(err)) != CG_OK || (rc = sock_addr(o, &ss, err)) != CG_OK)
    return rc;
  if(o->threads < 1 || (!o->cert_pem != !o->key_pem))
    return cg_error_set(err, CG_EUSAGE,
                        "serve: --threads must be at least 1, and --cert "
                        "and --key go together");
  s.shared.db_path = o->db_path;
  s.shared.pack = o->pack;
  if((rc = cg_decide_ruleset_hash(o->pack, s.shared.ruleset, err)) != CG_OK)
    return rc;
  s.shared.rate = o->rate;
  s.shared.burst = 2 * o->rate;
  s.max_body = o->max_body;
  s.timeout_s = o->timeout_s;
  atomic_init(&s.in_flight, 0);
  s.max_in_flight = 64 * o->threads;
  s.tls = o->cert_pem != NULL;
  s.watches = NULL;
  atomic_init(&s.stopping, 0);
  pthread_mutex_init(&s.lock, NULL);
  if((rc = cg_srv_workers_init(err)) != CG_OK)
    return rc;
  /* The pool's threads inherit this mask: SIGTERM and SIGINT are taken
   * by sigwait below, never in the middle of a request. */
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, &old);
  signal(SIGPIPE, SIG_IGN);
  d = start(&s, o, &ss, err);
  if(!d) {
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    cg_srv_workers_done();
    return err->code ? err->code : CG_EIO;
  }
  if(pthread_create(&s.watchdog, NULL, watchdog, &s) != 0) {
    mh.MHD_stop_daemon(d);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    cg_srv_workers_done();
    return cg_error_set(err, CG_EIO, "serve: cannot start a thread");
  }
  info = mh.MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
  if(o->on_ready)
    o->on_ready(o->ready_arg, o->host, info ? (int)info->port : o->port);
  sigwait(&stop, &sig);
  /* Stop accepting, then let the requests in hand finish: each route
   * writes in one transaction, so none is left half-written. */
  mh.MHD_quiesce_daemon(d);
  drain(&s, o->timeout_s);
  mh.MHD_stop_daemon(d);
  atomic_store(&s.stopping, 1);
  pthread_join(s.watchdog, NULL);
  pthread_mutex_destroy(&s.lock);
  cg_srv_workers_done();
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  return CG_OK;
}
