/* server.h -- `chipgate serve`: the HTTP API and review page over the
 * library (docs/server.md). The server has no logic of its own: every
 * route calls the same functions as the command line.
 *
 * Threads: libmicrohttpd's pool of `threads` workers; each opens its own
 * SQLite connection, rule pack and decider on its first request
 * (worker.c) and keeps them until the server stops. */
#ifndef CG_SERVER_H
#define CG_SERVER_H

#include <stddef.h>

#include "core/error.h"

struct cg_rules;

typedef struct cg_server_opts {
  const char *db_path;         /* an existing chipgate database */
  const struct cg_rules *pack; /* the rule pack, loaded once: every worker
                                  decides with the same one */
  const char *host;            /* numeric address to listen on, "127.0.0.1" */
  int port;                    /* 0: any free port (printed by on_ready) */
  int threads;                 /* worker threads, >= 1 */
  const char *cert_pem;        /* TLS certificate chain (PEM text), or NULL */
  const char *key_pem;         /* its private key (PEM text), or NULL */
  size_t max_body;             /* bytes a request body may have */
  unsigned timeout_s;          /* idle connection timeout */
  double rate;                 /* requests a second per token, 0: no limit */
  /* Called once the socket is bound (port: the real one). */
  void (*on_ready)(void *arg, const char *host, int port);
  void *ready_arg;
} cg_server_opts;

/* Defaults: loopback, port 8080, 2 threads, 1 MiB bodies, 30 s, 10,000
 * requests a second per token (bursts of twice that). */
#define CG_SERVER_OPTS_INIT                                                   \
  {                                                                           \
    NULL, NULL, "127.0.0.1", 8080, 2, NULL, NULL, 1u << 20, 30, 10000, NULL,  \
        NULL                                                                  \
  }

/* Serves until SIGTERM or SIGINT, then stops accepting, lets the requests
 * being handled finish (each writes in one transaction, so nothing is
 * half-written) and returns CG_OK. CG_EUSAGE for bad options, CG_EIO if
 * the address cannot be bound, CG_ENOTFOUND without libmicrohttpd. */
int cg_server_run(const cg_server_opts *o, cg_error *err);

#endif
