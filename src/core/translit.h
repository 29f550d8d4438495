/* translit.h -- Latin for names written in other scripts; the only door
 * to ICU (translit.c) and its generated Han reading table (han_table.c).
 *
 * Han is read through a per-code-point table made from ICU's Han-Latin
 * at development time (tests/tools/gen_han_table.c; the han_table test
 * checks it against the ICU on the machine): opening Han-Latin costs
 * 0.3-0.8 s and 0.5-1.2 ms per name, the table 0.1 us. Cyrillic goes
 * through ICU's BGN/PCGN transforms and every other script through
 * Any-Latin; each is opened on first need, so a process that only sees
 * Latin names never loads ICU's transform registry (35-45 ms).
 *
 * A cg_translit caches open transliterators and must not be used from
 * two threads at once (ICU transliterators are not thread-safe); make
 * one per thread. */
#ifndef CG_TRANSLIT_H
#define CG_TRANSLIT_H

#include <stddef.h>

#include "core/error.h"

typedef struct cg_translit cg_translit;

/* A new transliterator cache (no ICU work until first needed). */
int cg_translit_new(cg_translit **out, cg_error *err);
void cg_translit_free(cg_translit *t); /* NULL is fine */

/* The script class of code point cp: 0 Latin, common or inherited, 1 Han,
 * 2 Cyrillic, 3 a letter only Ukrainian uses, 4 any other script. The
 * Han and Cyrillic blocks are told without ICU; _icu asks ICU only (for
 * the test that holds the two together). */
int cg_translit_script_class(int cp);
int cg_translit_script_class_icu(int cp);

/* 1 if valid UTF-8 s holds a letter of a script other than Latin (Han,
 * Cyrillic, Greek, Arabic, ...), else 0. */
int cg_translit_needed(const char *s);

/* Latin for valid UTF-8 s into *out (malloc'ed): every Han character
 * becomes its toneless pinyin syllable with a space on either side;
 * Cyrillic is romanised by BGN/PCGN (Ukrainian when the text holds
 * Ukrainian letters, else Russian) and its marks (U+02B9, U+02BA,
 * U+00B7) dropped; other scripts go through ICU's Any-Latin. Latin
 * letters, digits and punctuation pass unchanged. */
int cg_translit_latin(cg_translit *t, const char *s, char **out,
                      cg_error *err);

/* The ICU version transliterating ("72.1"): a new one may romanise
 * otherwise, so it is part of the screening lists version. */
const char *cg_translit_version(void);

/* The toneless pinyin of Han code point cp, or NULL if it has none. */
const char *cg_translit_han(int cp);

/* 1 if s[0..n) is a pinyin syllable (one of the table's readings). */
int cg_translit_is_syllable(const char *s, size_t n);

/* s through the ICU transform id ("Han-Latin; Latin-ASCII"); for the
 * table generator and the tests. */
int cg_translit_icu(const char *id, const char *s, char **out, cg_error *err);

/* The generated table (han_table.c): readings of code points
 * [cg_han_first, cg_han_first + cg_han_count) as 1-based indices into
 * cg_han_syllables (sorted), 0 for none. */
extern const int cg_han_first;
extern const int cg_han_count;
extern const unsigned short cg_han_reading[];
extern const char *const cg_han_syllables[];
extern const int cg_han_n_syllables;

#endif
