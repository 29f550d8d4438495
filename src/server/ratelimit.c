/* ratelimit.c -- requests per token (api.h): a token bucket per token id,
 * so that one client (a runaway ERP job, a stolen token) cannot take the
 * whole server. Shared by the worker threads under one mutex: the one
 * piece of static state the limiter needs, holding no answer. */
#include "server/api.h"

#include <math.h>
#include <pthread.h>
#include <time.h>

#define SLOTS 1024 /* tokens tracked at once */

static struct {
  pthread_mutex_t lock;
  struct {
    int64_t id;    /* token id, 0: free */
    double tokens; /* requests it may still make now */
    double at;     /* when tokens was computed (monotonic seconds) */
  } b[SLOTS];
} rl = { PTHREAD_MUTEX_INITIALIZER, { { 0, 0, 0 } } };

static double now_s(void)
{
  struct timespec t;

  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int cg_srv_rate_take(int64_t token_id, double rate, double burst,
                     int *retry_after)
{
  size_t h =
      (size_t)((uint64_t)token_id * 0x9e3779b97f4a7c15ULL >> 54) % SLOTS;
  size_t i = h, k;
  double t = now_s();
  int ok;

  *retry_after = 0;
  if(rate <= 0)
    return 1; /* no limit */
  pthread_mutex_lock(&rl.lock);
  /* open addressing: a token keeps its own bucket while there is room;
   * only with every slot taken is the home slot shared (and reset) */
  for(k = 0; k < SLOTS; k++) {
    i = (h + k) % SLOTS;
    if(rl.b[i].id == token_id || rl.b[i].id == 0)
      break;
  }
  if(k == SLOTS)
    i = h;
  if(rl.b[i].id != token_id) {
    rl.b[i].id = token_id;
    rl.b[i].tokens = burst;
    rl.b[i].at = t;
  }
  rl.b[i].tokens = fmin(burst, rl.b[i].tokens + (t - rl.b[i].at) * rate);
  rl.b[i].at = t;
  ok = rl.b[i].tokens >= 1;
  if(ok)
    rl.b[i].tokens -= 1;
  else
    *retry_after = (int)ceil((1 - rl.b[i].tokens) / rate);
  pthread_mutex_unlock(&rl.lock);
  if(!ok && *retry_after < 1)
    *retry_after = 1;
  return ok;
}
