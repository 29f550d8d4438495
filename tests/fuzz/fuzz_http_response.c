/* fuzz_http_response.c -- HTTP response handling in core/http.c (status
 * line, headers, the validators ETag and Last-Modified, Retry-After in
 * both forms, Content-Length and chunked framing, the size cap): each
 * input is the whole raw response a loopback server sends to one
 * conditional cg_http_get, then the server closes. */
#include "fuzz_common.h"

#include "core/http.h"

#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static char url[64];
  /* Short timeouts: the server always closes after its bytes, so only a
   * bug waits; a small cap so that the cap is reached; no redirects (a
   * Location could name a host off this machine). */
  static const cg_http_opts opts = { .connect_timeout_ms = 2000,
                                     .timeout_ms = 5000,
                                     .max_bytes = 64 * 1024 };
  const cg_http_cond cond = { "\"v1\"", "Sat, 01 Nov 2026 00:00:00 GMT" };
  cg_http_response resp = { 0 };
  cg_error err = { 0 };
  cg_http *h = NULL;
  int rc;

  if(!url[0]) {
    if(cg_http_global_init() != CG_OK)
      abort();
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/list.csv",
             fz_serve_start());
  }
  fz_serve_set(data, size);
  if(cg_http_open(&h, &opts, &err) != CG_OK)
    abort();
  rc = cg_http_get(h, url, &cond, &resp, &err);
  fz_note("http", rc, err.msg);
  if(rc == CG_OK) {
    /* A response in full: a body the caller may read as a string, within
     * the cap, and a Retry-After that is a count of seconds or none. */
    if(!resp.body || resp.body[resp.len] != '\0' ||
       resp.len > opts.max_bytes || resp.retry_after_s < -1 || resp.status < 0)
      abort();
  }
  else if((rc != CG_ENET && rc != CG_EINVAL) || !err.msg[0])
    abort(); /* a transport failure (CG_ENET) or an answer that cannot be
              * taken (CG_EINVAL: unframed, over-long), with a message */
  cg_http_response_free(&resp);
  cg_http_close(h);
  return 0;
}
