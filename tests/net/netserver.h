/* netserver.h -- starts and stops tests/net/server.py (a loopback HTTP(S)
 * server) from a Check test. Header-only (static inline) so each test
 * executable gets its own copy without touching the shared cgtest
 * library. */
#ifndef CG_TEST_NETSERVER_H
#define CG_TEST_NETSERVER_H

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../helpers.h"

typedef struct t_server {
  pid_t pid;     /* python3 process */
  int port;      /* ephemeral port it bound on 127.0.0.1 */
  int tls;       /* serving https */
  char base[64]; /* "http(s)://127.0.0.1:PORT" */
} t_server;

/* Starts the server with extra args (NULL-terminated, may be NULL) and
 * waits for it to print its port. */
static inline void t_server_start(t_server *s, const char *const *extra)
{
  const char *args[32];
  int fds[2], n = 0, i;
  char line[32];
  ssize_t k;
  size_t got = 0;

  memset(s, 0, sizeof(*s));
  args[n++] = "python3";
  args[n++] = t_src("tests/net/server.py");
  args[n++] = "--root";
  args[n++] = t_tmpdir();
  for(i = 0; extra && extra[i] && n < 30; i++) {
    if(strcmp(extra[i], "--cert") == 0)
      s->tls = 1;
    args[n++] = extra[i];
  }
  args[n] = NULL;
  ck_assert_int_eq(pipe(fds), 0);
  fflush(NULL);
  s->pid = fork();
  ck_assert_int_ge(s->pid, 0);
  if(s->pid == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    close(fds[1]);
    execvp("python3", (char *const *)args);
    _exit(127);
  }
  close(fds[1]);
  while(got < sizeof(line) - 1) {
    k = read(fds[0], line + got, 1);
    if(k <= 0 || line[got] == '\n')
      break;
    got++;
  }
  line[got] = '\0';
  close(fds[0]);
  s->port = atoi(line);
  ck_assert_msg(s->port > 0, "test server did not start (python3?)");
  snprintf(s->base, sizeof(s->base), "%s://127.0.0.1:%d",
           s->tls ? "https" : "http", s->port);
}

static inline void t_server_stop(t_server *s)
{
  int st;

  if(s->pid > 0) {
    kill(s->pid, SIGTERM);
    waitpid(s->pid, &st, 0);
  }
  s->pid = 0;
}

/* "<base><path>" in a static buffer rotated over 8 slots. */
static inline const char *t_url(const t_server *s, const char *path)
{
  static char bufs[8][512];
  static int k;
  char *b = bufs[k++ & 7];

  snprintf(b, sizeof(bufs[0]), "%s%s", s->base, path);
  return b;
}

/* A port nobody listens on (bound, then closed). */
static inline int t_dead_port(void)
{
  struct sockaddr_in a;
  socklen_t len = sizeof(a);
  int fd = socket(AF_INET, SOCK_STREAM, 0);

  ck_assert_int_ge(fd, 0);
  memset(&a, 0, sizeof(a));
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
  ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
  close(fd);
  return ntohs(a.sin_port);
}

/* Self-signed certificate for 127.0.0.1 in the temp dir (openssl CLI). */
static inline void t_make_cert(const char **cert, const char **key)
{
  char cmd[2048];

  *cert = t_tmp("cert.pem");
  *key = t_tmp("key.pem");
  snprintf(cmd, sizeof(cmd),
           "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "
           "/CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout '%s' "
           "-out '%s' 2>/dev/null",
           *key, *cert);
  ck_assert_msg(system(cmd) == 0, "openssl req failed");
}

#endif
