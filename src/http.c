/* http.c -- see http.h. */
#include <curl/curl.h>

#include "http.h"

int cg_http_global_init(void)
{
  return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? CG_OK : CG_ENET;
}

void cg_http_global_cleanup(void)
{
  curl_global_cleanup();
}
