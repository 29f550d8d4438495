/* worker.c -- one SQLite connection and decider per worker
 * thread (api.h): SQLite connections must not be shared between threads
 * without a lock, and a decider keeps per-connection caches. Opened on
 * the thread's first request; closed by the thread key's destructor when
 * libmicrohttpd ends its threads. */
#include "server/api.h"

#include "decide/decide.h"
#include "rules/rules.h"
#include "screen/screen.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static pthread_key_t key;

static void worker_free(void *p)
{
  cg_srv_worker *w = p;

  if(!w)
    return;
  cg_screener_close(w->screener);
  cg_decider_close(w->dec);
  cg_store_close(w->db);
  free(w);
}

int cg_srv_workers_init(cg_error *err)
{
  if(pthread_key_create(&key, worker_free) != 0)
    return cg_error_set(err, CG_ENOMEM, "serve: cannot create a thread key");
  return CG_OK;
}

void cg_srv_workers_done(void)
{
  /* the pool's threads have ended and freed their workers; the calling
   * thread's (if any) is freed here */
  worker_free(pthread_getspecific(key));
  pthread_setspecific(key, NULL);
  pthread_key_delete(key);
}

cg_srv_worker *cg_srv_worker_get(const cg_srv_shared *s, cg_error *err)
{
  cg_srv_worker *w = pthread_getspecific(key);
  int rc;

  if(w)
    return w;
  w = calloc(1, sizeof(*w));
  if(!w) {
    cg_error_set(err, CG_ENOMEM, "serve: out of memory");
    return NULL;
  }
  rc = cg_store_open(&w->db, s->db_path, 0, err);
  w->pack = s->pack;
  memcpy(w->ruleset, s->ruleset, sizeof(w->ruleset));
  if(rc == CG_OK)
    rc = cg_decider_open(&w->dec, w->db, w->pack, NULL, err);
  if(rc == CG_OK && pthread_setspecific(key, w) != 0)
    rc = cg_error_set(err, CG_ENOMEM, "serve: cannot keep the worker");
  if(rc != CG_OK) {
    worker_free(w);
    return NULL;
  }
  return w;
}
