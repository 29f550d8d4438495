/* api_metrics.c -- GET /metrics in the Prometheus text format (api.h):
 * requests and their latency by route, decisions made by this server by
 * outcome, the age of each party list, the outbox backlog and the audit
 * head. The counters are this process's (they start at 0 with it), so
 * they are the one piece of static state of the server: atomics, shared
 * by the worker threads. */
#include "server/api.h"

#include "decide/audit.h"
#include "net/webhook.h"
#include "rules/facts.h"
#include "rules/rules.h"
#include "screen/screen.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NOUTCOMES 8
/* Upper bounds of the latency buckets, in seconds. */
static const double bounds[] = { 0.001, 0.0025, 0.005, 0.01, 0.025,
                                 0.05,  0.1,    0.25,  0.5,  1.0 };
#define NBUCKETS (sizeof(bounds) / sizeof(bounds[0]))

static struct {
  atomic_llong count[CG_API_ROUTES_MAX];
  atomic_llong errors[CG_API_ROUTES_MAX]; /* status >= 400 */
  atomic_llong sum_us[CG_API_ROUTES_MAX];
  atomic_llong bucket[CG_API_ROUTES_MAX][NBUCKETS];
  atomic_llong decisions[NOUTCOMES];
} m;

void cg_api_metrics_request(int route, int status, double seconds)
{
  size_t b;

  if(route < 0 || route >= CG_API_ROUTES_MAX)
    return;
  atomic_fetch_add(&m.count[route], 1);
  if(status >= 400)
    atomic_fetch_add(&m.errors[route], 1);
  atomic_fetch_add(&m.sum_us[route], (long long)(seconds * 1e6));
  for(b = 0; b < NBUCKETS; b++)
    if(seconds <= bounds[b])
      atomic_fetch_add(&m.bucket[route][b], 1);
}

void cg_api_metrics_decision(int outcome)
{
  if(outcome >= 0 && outcome < NOUTCOMES)
    atomic_fetch_add(&m.decisions[outcome], 1);
}

/* Seconds since 1970 of "YYYY-MM-DDTHH:MM:SSZ" (UTC), -1 if it is not. */
static long long epoch_of(const char *iso)
{
  cg_error err = { 0 };
  char date[11];
  int32_t days;
  int h, mi, sec;

  if(strlen(iso) != 20 || iso[10] != 'T' ||
     sscanf(iso + 11, "%2d:%2d:%2dZ", &h, &mi, &sec) != 3)
    return -1;
  memcpy(date, iso, 10);
  date[10] = '\0';
  if(cg_date_parse(date, &days, &err) != CG_OK)
    return -1;
  return (long long)days * 86400 + h * 3600 + mi * 60 + sec;
}

typedef struct buf {
  char *p;
  size_t len, cap;
  int oom;
} buf;

static void add(buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void add(buf *b, const char *fmt, ...)
{
  va_list ap;
  int n;

  for(;;) {
    va_start(ap, fmt);
    n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt,
                  ap);
    va_end(ap);
    if(n < 0) {
      b->oom = 1;
      return;
    }
    if(b->p && b->len + (size_t)n < b->cap) {
      b->len += (size_t)n;
      return;
    }
    {
      size_t cap = (b->cap + (size_t)n + 1) * 2;
      char *q = realloc(b->p, cap);
      if(!q) {
        b->oom = 1;
        return;
      }
      b->p = q;
      b->cap = cap;
    }
  }
}

static int sum_pending(void *arg, const cg_webhook_info *info)
{
  *(int64_t *)arg += info->pending;
  return 0;
}

/* The gauges read from the database. */
static void gauges(cg_srv_worker *w, buf *b)
{
  cg_list_version *v = NULL;
  cg_audit_head h;
  cg_error err = { 0 };
  int64_t pending = 0;
  size_t n = 0, i;
  long long now = (long long)time(NULL);

  add(b, "# HELP chipgate_list_age_seconds Seconds since the party list "
         "in use was imported.\n# TYPE chipgate_list_age_seconds gauge\n");
  if(cg_screen_lists_current(w->db, &v, &n, &err) == CG_OK)
    for(i = 0; i < n; i++)
      if(epoch_of(v[i].imported_at) >= 0)
        add(b, "chipgate_list_age_seconds{source=\"%s\"} %lld\n", v[i].source,
            now - epoch_of(v[i].imported_at));
  free(v);
  if(cg_webhook_list(w->db, sum_pending, &pending, &err) == CG_OK)
    add(b,
        "# HELP chipgate_outbox_pending Webhook deliveries waiting.\n"
        "# TYPE chipgate_outbox_pending gauge\n"
        "chipgate_outbox_pending %lld\n",
        (long long)pending);
  if(cg_audit_head_get(w->db, &h, &err) == CG_OK)
    add(b,
        "# HELP chipgate_audit_head_seq The newest entry of the audit "
        "log.\n# TYPE chipgate_audit_head_seq gauge\n"
        "chipgate_audit_head_seq %lld\n",
        (long long)h.seq);
}

void cg_api_metrics(cg_srv_worker *w, const cg_srv_req *req, cg_srv_resp *resp)
{
  buf b = { NULL, 0, 0, 0 };
  size_t r, k;

  (void)req;
  add(&b, "# HELP chipgate_decisions_total Decisions made by this server "
          "(checks and orders), by outcome.\n"
          "# TYPE chipgate_decisions_total counter\n");
  for(k = 0; k < NOUTCOMES; k++)
    if(cg_outcome_name((cg_outcome)k) &&
       strcmp(cg_outcome_name((cg_outcome)k), "none"))
      add(&b, "chipgate_decisions_total{outcome=\"%s\"} %lld\n",
          cg_outcome_name((cg_outcome)k), atomic_load(&m.decisions[k]));
  add(&b, "# HELP chipgate_http_request_duration_seconds Time to answer, "
          "by route.\n"
          "# TYPE chipgate_http_request_duration_seconds histogram\n");
  for(r = 0; r < CG_API_ROUTES_MAX; r++) {
    const char *name = cg_api_route_name((int)r);
    long long count = atomic_load(&m.count[r]);
    if(!name || !count)
      continue;
    for(k = 0; k < NBUCKETS; k++)
      add(&b,
          "chipgate_http_request_duration_seconds_bucket{method=\"%s\","
          "route=\"%s\",le=\"%g\"} %lld\n",
          cg_api_route_method((int)r), name, bounds[k],
          atomic_load(&m.bucket[r][k]));
    add(&b,
        "chipgate_http_request_duration_seconds_bucket{method=\"%s\","
        "route=\"%s\",le=\"+Inf\"} %lld\n"
        "chipgate_http_request_duration_seconds_sum{method=\"%s\","
        "route=\"%s\"} %.6f\n"
        "chipgate_http_request_duration_seconds_count{method=\"%s\","
        "route=\"%s\"} %lld\n",
        cg_api_route_method((int)r), name, count, cg_api_route_method((int)r),
        name, (double)atomic_load(&m.sum_us[r]) / 1e6,
        cg_api_route_method((int)r), name, count);
  }
  /* one family at a time: the format wants its samples together */
  add(&b, "# HELP chipgate_http_request_errors_total Answers with a 4xx or "
          "5xx status, by route.\n"
          "# TYPE chipgate_http_request_errors_total counter\n");
  for(r = 0; r < CG_API_ROUTES_MAX; r++)
    if(cg_api_route_name((int)r) && atomic_load(&m.count[r]))
      add(&b,
          "chipgate_http_request_errors_total{method=\"%s\",route=\"%s\"} "
          "%lld\n",
          cg_api_route_method((int)r), cg_api_route_name((int)r),
          atomic_load(&m.errors[r]));
  gauges(w, &b);
  if(b.oom) {
    free(b.p);
    cg_api_error(resp, 500, "internal", NULL, "out of memory");
    return;
  }
  resp->status = 200;
  resp->type = "text/plain; version=0.0.4; charset=utf-8";
  resp->body = b.p;
  resp->len = b.len;
}
