/* fuzz_names.c -- name normalisation: cg_screen_normalise (screening
 * keys: the name table, transliteration, syllable joining),
 * cg_translit_latin (core/translit.h), cg_text_fold and cg_text_name_key
 * (core/text.h), and the UTF-8 helpers around them. The input up to its first
 * NUL is one name, what follows another (for cg_text_same_name). */
#include "fuzz_common.h"

#include "core/text.h"
#include "core/translit.h"
#include "screen/screen.h"

#include <stdlib.h>
#include <string.h>

/* A key must be valid UTF-8 and, for name keys, have no space at either
 * end nor two in a row; a key of a key is the key itself. */
static void check_key(const char *key)
{
  size_t n = strlen(key);
  char *again = NULL;
  cg_error err = { 0 };

  if(cg_text_invalid_at(key, n) != -1)
    abort();
  if(n && (key[0] == ' ' || key[n - 1] == ' ' || strstr(key, "  ")))
    abort();
  if(cg_text_name_key(&again, key, &err) == CG_OK) {
    if(strcmp(again, key) != 0)
      abort();
    free(again);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *a = malloc(size + 1), *b, *out = NULL, *cut;
  cg_error err = { 0 };
  size_t alen;
  int cp;

  if(!a)
    abort();
  if(size)
    memcpy(a, data, size);
  a[size] = '\0';
  alen = strlen(a);
  b = alen < size ? a + alen + 1 : a + size;
  (void)cg_text_invalid_at((const char *)data, size);
  (void)cg_text_next((const char *)data, size, &cp);
  if(cg_screen_normalise(&out, a, &err) == CG_OK) {
    if(cg_text_invalid_at(out, strlen(out)) != -1)
      abort();
    free(out);
  }
  if(cg_text_fold(&out, a, &err) == CG_OK)
    free(out);
  /* Latin for valid text is valid text. */
  if(cg_text_invalid_at(a, alen) == -1) {
    cg_translit *t = NULL;

    if(cg_translit_new(&t, &err) == CG_OK &&
       cg_translit_latin(t, a, &out, &err) == CG_OK) {
      if(cg_text_invalid_at(out, strlen(out)) != -1)
        abort();
      free(out);
    }
    cg_translit_free(t);
  }
  if(cg_text_name_key(&out, a, &err) == CG_OK) {
    check_key(out);
    free(out);
  }
  (void)cg_text_same_name(a, b);
  cut = strdup(a);
  if(cut) {
    size_t n = cg_text_cut(cut);

    if(n != strlen(cut))
      abort();
    free(cut);
  }
  free(a);
  return 0;
}
