/* json.c -- see json.h. A cg_json * is a json_t * in disguise. */
#include <jansson.h>

#include "core/json.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define J(v)  ((json_t *)(v))
#define CJ(v) ((const json_t *)(v))
#define W(v)  ((cg_json *)(v))

cg_json *cg_json_object(void)
{
  return W(json_object());
}

cg_json *cg_json_array(void)
{
  return W(json_array());
}

cg_json *cg_json_str(const char *s)
{
  if(!s)
    return W(json_null());
  return W(json_string(s));
}

cg_json *cg_json_num(double v)
{
  if(isnan(v) || isinf(v))
    return W(json_null());
  return W(json_real(v));
}

cg_json *cg_json_int(int64_t v)
{
  return W(json_integer((json_int_t)v));
}

cg_json *cg_json_bool(int v)
{
  return W(json_boolean(v));
}

cg_json *cg_json_tristate(int v)
{
  return v < 0 ? W(json_null()) : W(json_boolean(v));
}

cg_json *cg_json_null(void)
{
  return W(json_null());
}

int cg_json_set(cg_json *obj, const char *key, cg_json *val)
{
  if(!val)
    return CG_ENOMEM;
  return json_object_set_new(J(obj), key, J(val)) == 0 ? CG_OK : CG_ENOMEM;
}

int cg_json_append(cg_json *arr, cg_json *val)
{
  if(!val)
    return CG_ENOMEM;
  return json_array_append_new(J(arr), J(val)) == 0 ? CG_OK : CG_ENOMEM;
}

int cg_json_set_str(cg_json *obj, const char *key, const char *s)
{
  return cg_json_set(obj, key, cg_json_str(s));
}

int cg_json_set_num(cg_json *obj, const char *key, double v)
{
  return cg_json_set(obj, key, cg_json_num(v));
}

int cg_json_set_int(cg_json *obj, const char *key, int64_t v)
{
  return cg_json_set(obj, key, cg_json_int(v));
}

int cg_json_set_bool(cg_json *obj, const char *key, int v)
{
  return cg_json_set(obj, key, cg_json_bool(v));
}

cg_json *cg_json_ref(cg_json *v)
{
  return W(json_incref(J(v)));
}

void cg_json_free(cg_json *v)
{
  json_decref(J(v));
}

int cg_json_type(const cg_json *v)
{
  switch(json_typeof(CJ(v))) {
  case JSON_OBJECT:
    return CG_JSON_OBJECT;
  case JSON_ARRAY:
    return CG_JSON_ARRAY;
  case JSON_STRING:
    return CG_JSON_STRING;
  case JSON_INTEGER:
    return CG_JSON_INT;
  case JSON_REAL:
    return CG_JSON_REAL;
  case JSON_TRUE:
  case JSON_FALSE:
    return CG_JSON_BOOL;
  default:
    return CG_JSON_NULL;
  }
}

cg_json *cg_json_get(const cg_json *obj, const char *key)
{
  if(!json_is_object(CJ(obj)))
    return NULL;
  return W(json_object_get(CJ(obj), key));
}

size_t cg_json_size(const cg_json *v)
{
  if(json_is_array(CJ(v)))
    return json_array_size(CJ(v));
  if(json_is_object(CJ(v)))
    return json_object_size(CJ(v));
  return 0;
}

cg_json *cg_json_at(const cg_json *arr, size_t i)
{
  return W(json_array_get(CJ(arr), i));
}

const char *cg_json_string_value(const cg_json *v)
{
  return json_string_value(CJ(v));
}

double cg_json_number_value(const cg_json *v)
{
  if(!json_is_number(CJ(v)))
    return NAN;
  return json_number_value(CJ(v));
}

int cg_json_is_true(const cg_json *v)
{
  return json_is_true(CJ(v));
}

void *cg_json_iter(const cg_json *obj, void *it)
{
  if(!it)
    return json_object_iter((json_t *)CJ(obj));
  return json_object_iter_next((json_t *)CJ(obj), it);
}

const char *cg_json_iter_key(void *it)
{
  return json_object_iter_key(it);
}

cg_json *cg_json_iter_value(void *it)
{
  return W(json_object_iter_value(it));
}

int cg_json_parse(cg_json **out, const char *buf, size_t len, const char *name,
                  cg_error *err)
{
  json_error_t je;
  json_t *v;

  *out = NULL;
  v = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
  if(!v)
    return cg_error_set(err, CG_EINVAL, "%s:%d:%d: %s", name, je.line,
                        je.column, je.text);
  *out = W(v);
  return CG_OK;
}

static size_t dump_flags(int flags)
{
  size_t f = JSON_REAL_PRECISION(15);

  if(flags & CG_JSON_CANONICAL)
    f |= JSON_COMPACT | JSON_SORT_KEYS;
  else if(flags & CG_JSON_PRETTY)
    f |= JSON_INDENT(2);
  else
    f |= JSON_COMPACT;
  return f;
}

int cg_json_dump(char **out, const cg_json *v, int flags, cg_error *err)
{
  *out = json_dumps(CJ(v), dump_flags(flags) | JSON_ENCODE_ANY);
  if(!*out)
    return cg_error_set(err, CG_ENOMEM, "json: cannot serialise");
  return CG_OK;
}

int cg_json_dumpf(FILE *f, const cg_json *v, int flags, cg_error *err)
{
  if(json_dumpf(CJ(v), f, dump_flags(flags) | JSON_ENCODE_ANY) != 0)
    return cg_error_set(err, CG_EIO, "json: write failed");
  return CG_OK;
}
