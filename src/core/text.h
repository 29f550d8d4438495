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

/* Numbers for people, never rounded across a threshold. v is taken in its
 * shortest decimal form (the digits the data gave); shown with `decimals`
 * decimals when that is exact (zeros padded: "5.90"), and otherwise with
 * the digits it has, cut (never rounded) two places on and at least to
 * its first non-zero one ("4799.98", "4800.0000001", "19.4496"). The text
 * compares with any threshold of at most `decimals` decimals (TPP 4800,
 * PD 5.92, node 7 nm) as v does, for <, <=, > and >=. NaN is "?". A
 * buffer of 64 bytes holds any finite value below 1e40; larger ones are
 * cut by snprintf, so size for them. */
const char *cg_text_num(char *buf, size_t size, double v, int decimals);

/* The same with `sig` significant digits in the style of %g (no padded
 * zeros; exponent form from 1e6 and below 1e-4): "15832", "5.9199",
 * "3.2e+25". cg_text_num_sig(v, 17) is v's shortest exact form. */
const char *cg_text_num_sig(char *buf, size_t size, double v, int sig);

#endif
