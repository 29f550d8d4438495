/* http.h -- HTTP GET/POST over libcurl; the only door to curl/curl.h. */
#ifndef CG_HTTP_H
#define CG_HTTP_H

#include "error.h"

/* curl_global_init / cleanup: once per process, from main(). */
int cg_http_global_init(void);
void cg_http_global_cleanup(void);

#endif
