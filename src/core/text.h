/* text.h -- UTF-8 checking and normalisation; the only door to utf8proc.
 *
 * Strings returned through char **out are malloc'ed; the caller frees. */
#ifndef CG_TEXT_H
#define CG_TEXT_H

#include <stddef.h>

#include "core/error.h"

/* Returns -1 if s[0..n) is valid UTF-8, else the byte offset of the first
 * invalid sequence. */
long cg_text_invalid_at(const char *s, size_t n);

/* Returns -1 if valid UTF-8 s[0..n) holds no invisible character, else
 * the byte offset of the first one, with its code point in *cp: a format
 * character (byte-order mark, zero-width space or joiner, bidi override)
 * or a control character other than tab, CR and LF. Such a character
 * makes two ids that look the same differ ("\uFEFFD9" and "D9"). */
long cg_text_hidden_at(const char *s, size_t n, int *cp);

/* Drops an incomplete UTF-8 sequence at the end of the NUL-terminated s,
 * as left by cutting a string at a byte count (snprintf into a fixed
 * buffer), so that what was valid stays valid. Returns the new length. */
size_t cg_text_cut(char *s);

/* NFKC, case fold and strip accents (combining marks). */
int cg_text_fold(char **out, const char *s, cg_error *err);

/* cg_text_fold, then every code point that is not a letter or a digit
 * becomes a separator, and runs of separators collapse to one space with
 * none at either end: "Sophgo Technologies Co., Ltd." gives
 * "sophgo technologies co ltd". Apostrophes and periods inside a word are
 * dropped rather than split ("O'Neil" -> "oneil", "S.A." -> "sa"). */
int cg_text_name_key(char **out, const char *s, cg_error *err);

/* cg_text_name_key without stripping accents and marks: the form in
 * which names in other scripts are transliterated (й is not и). */
int cg_text_name_key_marks(char **out, const char *s, cg_error *err);

/* 1 when a and b name the same person however typed (equal name keys:
 * " ALICE. " is alice); also 1 when a key cannot be made (out of memory),
 * so a two-person rule never counts one person twice. */
int cg_text_same_name(const char *a, const char *b);

/* Decodes the code point at s (n bytes available) into *cp; returns the
 * bytes used, or -1 if invalid. */
int cg_text_next(const char *s, size_t n, int *cp);

/* v for people to read, with `decimals` decimals, but never rounded across
 * a threshold: when rounding up would change the digits kept (4799.98 ->
 * "4800"), v's shortest decimal form is cut instead, two places further,
 * trailing zeros dropped ("4799.98"). The printed number lies between v
 * cut at `decimals` and v, so it compares with any threshold of at most
 * `decimals` decimals (TPP 4800, PD 5.92) as v does. NaN is "?". */
const char *cg_text_num(char *buf, size_t size, double v, int decimals);

#endif
