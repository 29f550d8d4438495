/* cmd_serve.c -- `chipgate serve`: the HTTP API and review page
 * (server/server.h, docs/server.md). */
#include "cli/cmd.h"
#include "cli/opts.h"
#include "core/json.h"
#include "rules/rules.h"
#include "server/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char serve_help[] =
    "usage: chipgate [--db PATH] serve [--listen ADDR:PORT] [--threads N]\n"
    "         [--cert FILE --key FILE] [--max-body BYTES] [--timeout S]\n"
    "         [--rate N]\n"
    "         [--format text|json]\n\n"
    "Serves the HTTP API (/v1, docs/server.md) on ADDR\n"
    "(default 127.0.0.1:8080; port 0 takes a free one), with N worker "
    "threads\n(default 2), each with its own database connection. With "
    "--cert and --key\n(PEM files) it speaks HTTPS only. Once listening it "
    "prints the address\n(--format json: {\"url\", \"host\", \"port\"}). "
    "SIGTERM or Ctrl-C stops it: no\nnew connections, the requests in hand "
    "finish, nothing is half-written.\nRequest bodies over --max-body "
    "(default 1048576) are refused (413);\nconnections idle for --timeout "
    "seconds (default 30) are closed. Each token may make --rate N requests "
    "a\n"
    "second (default 10000, bursts of twice that; 0: no limit); over it, 429\n"
    "with Retry-After.\n\n"
    "Exit status: 0 stopped by a signal, 64 usage, 65 a certificate or key "
    "that is\nnot PEM, 66 a missing database, rule pack or certificate file, "
    "74 the\naddress cannot be bound.\n";

typedef struct serve_args {
  cg_server_opts so;
  char host[64];
  const char *cert, *key;
  int json;
} serve_args;

/* "ADDR:PORT", "[V6]:PORT" or ":PORT" into a. */
static int parse_listen(serve_args *a, const char *v)
{
  const char *colon = strrchr(v, ':');
  const char *h = v;
  struct in6_addr in6;
  size_t n;
  char *end;
  long port;

  if(!colon || (v[0] == '[' && colon < strchr(v, ']')))
    return cli_usage("serve", "--listen must be ADDR:PORT, not \"%s\"", v);
  errno = 0;
  port = strtol(colon + 1, &end, 10);
  if(*end || end == colon + 1 || port < 0 || port > 65535 || errno)
    return cli_usage("serve",
                     "--listen: the port of \"%s\" must be 0 to "
                     "65535",
                     v);
  n = (size_t)(colon - v);
  if(n >= 2 && v[0] == '[' && v[n - 1] == ']') {
    h = v + 1;
    n -= 2;
  }
  if(n == 0 || n >= sizeof(a->host))
    return cli_usage("serve", "--listen: no address in \"%s\"", v);
  memcpy(a->host, h, n);
  a->host[n] = '\0';
  /* numeric only: a name would need a resolver, and a guess at which of
   * its addresses to bind */
  if(inet_pton(AF_INET, a->host, &in6) != 1 &&
     inet_pton(AF_INET6, a->host, &in6) != 1)
    return cli_usage("serve",
                     "--listen: \"%s\" is not a numeric IPv4 or IPv6 address "
                     "(e.g. 127.0.0.1:8080 or [::1]:8080)",
                     a->host);
  a->so.host = a->host;
  a->so.port = (int)port;
  return CLI_OK;
}

/* A whole number in [lo, hi] for opt. */
static int parse_num(const char *opt, const char *v, long lo, long hi,
                     long *out)
{
  char *end;
  long n = 0;

  errno = 0;
  n = strtol(v, &end, 10);
  if(*end || end == v || errno || n < lo || n > hi)
    return cli_usage("serve",
                     "%s must be a whole number from %ld to %ld, "
                     "not \"%s\"",
                     opt, lo, hi, v);
  *out = n;
  return CLI_OK;
}

static int parse(serve_args *a, int argc, char **argv)
{
  static const struct option opts[] = {
    { "listen", required_argument, NULL, 'l' },
    { "threads", required_argument, NULL, 't' },
    { "cert", required_argument, NULL, 'c' },
    { "key", required_argument, NULL, 'k' },
    { "max-body", required_argument, NULL, 'm' },
    { "timeout", required_argument, NULL, 'T' },
    { "rate", required_argument, NULL, 'r' },
    { "format", required_argument, NULL, 'f' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  long n = 0;
  int c, rc = CLI_OK;

  while(rc == CLI_OK && (c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch(c) {
    case 'l':
      rc = parse_listen(a, optarg);
      break;
    case 't':
      if((rc = parse_num("--threads", optarg, 1, 256, &n)) == CLI_OK)
        a->so.threads = (int)n;
      break;
    case 'c':
      a->cert = optarg;
      break;
    case 'k':
      a->key = optarg;
      break;
    case 'm':
      if((rc = parse_num("--max-body", optarg, 1024, 1L << 30, &n)) == CLI_OK)
        a->so.max_body = (size_t)n;
      break;
    case 'T':
      if((rc = parse_num("--timeout", optarg, 1, 3600, &n)) == CLI_OK)
        a->so.timeout_s = (unsigned)n;
      break;
    case 'r':
      if((rc = parse_num("--rate", optarg, 0, 1000000, &n)) == CLI_OK)
        a->so.rate = (double)n;
      break;
    case 'f':
      rc = cli_opt_format("serve", optarg, &a->json);
      break;
    case 'h':
      fputs(serve_help, stdout);
      return 0;
    default:
      return cli_bad_option("serve", opts, argv);
    }
  }
  if(rc != CLI_OK)
    return rc;
  if(optind < argc)
    return cli_usage("serve", "unexpected argument \"%s\"", argv[optind]);
  if(!a->cert != !a->key)
    return cli_usage("serve", "--cert and --key go together");
  return -1;
}

/* The whole of a PEM file (at most 1 MiB) into *out: CLI_OK, or after
 * saying why 66 (cannot be read) or 65 (not PEM). */
static int read_pem(const char *opt, const char *path, char **out)
{
  FILE *f = fopen(path, "rb");
  char *buf = malloc((1u << 20) + 1);
  const char *why = NULL;
  size_t n = 0;
  int rc = CLI_NOINPUT;

  *out = NULL;
  if(!buf)
    why = "out of memory";
  else if(!f)
    why = strerror(errno);
  else {
    n = fread(buf, 1, 1u << 20, f);
    if(ferror(f))
      why = strerror(errno); /* a folder: "Is a directory" */
    else if(!feof(f))
      why = "over 1 MiB: not a PEM certificate or key";
    else {
      buf[n] = '\0';
      if(!strstr(buf, "-----BEGIN ")) {
        why = "not PEM (no \"-----BEGIN\" line)";
        rc = CLI_DATAERR;
      }
    }
  }
  if(f)
    fclose(f);
  if(!why) {
    *out = buf;
    return CLI_OK;
  }
  fprintf(stderr, "chipgate: serve: %s %s: %s\n", opt, path, why);
  free(buf);
  return rc;
}

static void ready(void *arg, const char *host, int port)
{
  const serve_args *a = arg;
  const char *scheme = a->cert ? "https" : "http";
  int v6 = strchr(host, ':') != NULL;

  if(a->json) {
    cg_json *o = cg_json_object();
    char url[128];
    snprintf(url, sizeof(url), "%s://%s%s%s:%d", scheme, v6 ? "[" : "", host,
             v6 ? "]" : "", port);
    if(o &&
       (cg_json_set_str(o, "url", url) || cg_json_set_str(o, "host", host) ||
        cg_json_set_int(o, "port", port))) {
      cg_json_free(o);
      o = NULL;
    }
    cli_print_json(o);
  }
  else
    printf("chipgate: serving on %s://%s%s%s:%d (SIGTERM or Ctrl-C stops)\n",
           scheme, v6 ? "[" : "", host, v6 ? "]" : "", port);
  fflush(stdout);
}

int cmd_serve(cg_cli *cli, int argc, char **argv)
{
  serve_args a = { CG_SERVER_OPTS_INIT, "", NULL, NULL, 0 };
  cg_error err = { 0 };
  cg_store *db = NULL;
  char *cert = NULL, *key = NULL;
  cg_rules *pack = NULL;
  int rc = parse(&a, argc, argv);

  if(rc >= 0)
    return rc;
  /* everything a worker needs is checked before listening */
  rc = cli_open_db(cli, &db, 0, &err);
  cg_store_close(db);
  if(rc != CG_OK)
    return cli_fail(&err);
  /* one pack for every worker, checked before listening */
  if(cli_load_rules(cli, &pack, NULL, &err) != CG_OK)
    return cli_fail(&err);
  if(a.cert && ((rc = read_pem("--cert", a.cert, &cert)) != CLI_OK ||
                (rc = read_pem("--key", a.key, &key)) != CLI_OK)) {
    free(cert);
    cg_rules_free(pack);
    return rc;
  }
  a.so.db_path = cli->db_path;
  a.so.pack = pack;
  a.so.cert_pem = cert;
  a.so.key_pem = key;
  a.so.on_ready = ready;
  a.so.ready_arg = &a;
  rc = cg_server_run(&a.so, &err);
  free(cert);
  free(key);
  cg_rules_free(pack);
  return rc == CG_OK ? CLI_OK : cli_fail(&err);
}
