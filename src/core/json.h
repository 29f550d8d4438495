/* json.h -- JSON values, parsing and writing; the only door to jansson.
 *
 * cg_json is an opaque, reference-counted value. Functions named *_set,
 * *_append and cg_json_obj_* STEAL the value passed in (like jansson's
 * json_object_set_new): the caller must not free it, even on failure.
 * Getters return borrowed pointers that live as long as the parent.
 * Numbers that are NaN (unknown) are written as null. */
#ifndef CG_JSON_H
#define CG_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/error.h"

typedef struct cg_json cg_json;

enum {
  CG_JSON_NULL,
  CG_JSON_BOOL,
  CG_JSON_INT,
  CG_JSON_REAL,
  CG_JSON_STRING,
  CG_JSON_ARRAY,
  CG_JSON_OBJECT
};

enum {
  CG_JSON_PRETTY = 1,   /* indented, keys in insertion order */
  CG_JSON_CANONICAL = 2 /* compact, keys sorted: stable bytes for hashing */
};

/* Constructors: NULL on out-of-memory. */
cg_json *cg_json_object(void);
cg_json *cg_json_array(void);
cg_json *cg_json_str(const char *s); /* NULL s gives JSON null */
cg_json *cg_json_num(double v);      /* NaN gives null */
cg_json *cg_json_int(int64_t v);
cg_json *cg_json_bool(int v);
cg_json *cg_json_tristate(int v); /* -1 null, 0 false, 1 true */
cg_json *cg_json_null(void);

/* Object and array building (steal val; CG_ENOMEM if val is NULL). */
int cg_json_set(cg_json *obj, const char *key, cg_json *val);
int cg_json_append(cg_json *arr, cg_json *val);
/* Shorthands. */
int cg_json_set_str(cg_json *obj, const char *key, const char *s);
int cg_json_set_num(cg_json *obj, const char *key, double v);
int cg_json_set_int(cg_json *obj, const char *key, int64_t v);
int cg_json_set_bool(cg_json *obj, const char *key, int v);

cg_json *cg_json_ref(cg_json *v); /* adds a reference; returns v */
void cg_json_free(cg_json *v);    /* drops a reference; NULL-safe */

/* Reading. */
int cg_json_type(const cg_json *v);
cg_json *cg_json_get(const cg_json *obj, const char *key); /* or NULL */
size_t cg_json_size(const cg_json *v); /* array length / object keys */
cg_json *cg_json_at(const cg_json *arr, size_t i);
const char *cg_json_string_value(const cg_json *v); /* NULL if not string */
double cg_json_number_value(const cg_json *v);      /* NaN if not a number */
int cg_json_is_true(const cg_json *v);

/* Object iteration: pass NULL to start; returns NULL after the last. */
void *cg_json_iter(const cg_json *obj, void *it);
const char *cg_json_iter_key(void *it);
cg_json *cg_json_iter_value(void *it);

/* Parses a whole document; errors read "name:line:col: what". */
int cg_json_parse(cg_json **out, const char *buf, size_t len, const char *name,
                  cg_error *err);

/* Serialises v (flags CG_JSON_*); *out is malloc'ed, NUL-terminated. */
int cg_json_dump(char **out, const cg_json *v, int flags, cg_error *err);
int cg_json_dumpf(FILE *f, const cg_json *v, int flags, cg_error *err);

#endif
