/* cmd_list.c -- `chipgate list orders|licenses|customers|chips|clearances`
 * and the text tables `list` and `show` print: aligned columns that fit
 * 80 columns, a long cell cut with an ellipsis, never wrapped. */
#include "cli/cmd.h"
#include "cli/opts.h"
#include "core/json.h"
#include "core/text.h"
#include "decide/history.h"
#include "model/chip.h"
#include "model/customer.h"
#include "model/license.h"
#include "model/order.h"
#include "screen/screen.h"

#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TABLE_WIDTH 80
#define MAX_COLS    12

/* Display width of UTF-8 text: one column per code point (the names in
 * these tables are letters, not wide CJK or combining marks). */
static size_t text_width(const char *s)
{
  size_t n = 0;

  for(; *s; s++)
    n += ((unsigned char)*s & 0xC0) != 0x80;
  return n;
}

/* s with each control character (a CR or LF in a quoted CSV name) shown
 * as U+FFFD: a name must not start a line of its own and pass for a row
 * of the table. Same width (one code point for one). malloc'ed. */
static char *visible(const char *s)
{
  char *out = malloc(strlen(s) * 3 + 1), *p = out;

  if(!out)
    return NULL;
  for(; *s; s++) {
    if((unsigned char)*s < 0x20 || *s == 0x7f)
      p += sprintf(p, "\uFFFD");
    else
      *p++ = *s;
  }
  *p = '\0';
  return out;
}

/* Prints s in exactly w columns: padded, or cut to w - 1 code points and
 * an ellipsis. right aligns numbers. */
static void cell(FILE *f, const char *raw, size_t w, int right)
{
  char *s = visible(raw);
  size_t n, i = 0, cps = 0;

  if(!s) {
    fprintf(f, "%*s", (int)w, "?"); /* out of memory: keep the layout */
    return;
  }
  n = text_width(s);

  if(n > w) {
    while(s[i] && cps < w - 1) {
      i++;
      while(((unsigned char)s[i] & 0xC0) == 0x80)
        i++;
      cps++;
    }
    fprintf(f, "%.*s\u2026", (int)i, s);
  }
  else if(right)
    fprintf(f, "%*s%s", (int)(w - n), "", s);
  else
    fprintf(f, "%s%*s", s, (int)(w - n), "");
  free(s);
}

void cli_table(FILE *f, const cli_col *cols, size_t ncols, const cg_json *rows)
{
  size_t w[MAX_COLS], total, i, r;

  if(ncols > MAX_COLS)
    ncols = MAX_COLS;
  for(i = 0; i < ncols; i++)
    w[i] = text_width(cols[i].head);
  for(r = 0; r < cg_json_size(rows); r++) {
    const cg_json *row = cg_json_at(rows, r);
    for(i = 0; i < ncols; i++) {
      const char *s = cg_json_string_value(cg_json_at(row, i));
      if(s && text_width(s) > w[i])
        w[i] = text_width(s);
    }
  }
  /* Too wide: narrow the widest text column that may shrink, one at a
   * time, down to its minimum; the two-space gaps stay. */
  for(;;) {
    size_t best = ncols;

    total = 2 * (ncols - 1);
    for(i = 0; i < ncols; i++)
      total += w[i];
    if(total <= TABLE_WIDTH)
      break;
    for(i = 0; i < ncols; i++) {
      /* numbers are never cut: "10…" would read as ten */
      if(!cols[i].right && w[i] > cols[i].min &&
         (best == ncols || w[i] > w[best]))
        best = i;
    }
    if(best == ncols)
      break;
    w[best]--;
  }
  for(r = 0; r <= cg_json_size(rows); r++) {
    const cg_json *row = r ? cg_json_at(rows, r - 1) : NULL;
    size_t last = ncols - 1;

    for(i = 0; i < ncols; i++) {
      const char *s =
          row ? cg_json_string_value(cg_json_at(row, i)) : cols[i].head;
      /* An outcome cell in its colour (on a terminal only); the SGR
       * bytes go around the padded cell so the widths stay right. */
      const char *sgr = row ? cli_sgr_outcome(f, s) : "";
      if(!s)
        s = "";
      fputs(sgr, f);
      /* No trailing blanks after a left-aligned last cell. */
      if(i == last && !cols[i].right && text_width(s) <= w[i])
        fputs(s, f);
      else
        cell(f, s, w[i], cols[i].right);
      if(*sgr)
        fputs(cli_sgr_reset(f), f);
      fputs(i == last ? "\n" : "  ", f);
    }
  }
}

const char *cli_cell_text(const cg_json *v, char *buf, size_t size)
{
  double d;

  switch(v ? cg_json_type(v) : CG_JSON_NULL) {
  case CG_JSON_STRING:
    return *cg_json_string_value(v) ? cg_json_string_value(v) : "-";
  case CG_JSON_BOOL:
    return cg_json_is_true(v) ? "yes" : "no";
  case CG_JSON_INT:
    snprintf(buf, size, "%.0f", cg_json_number_value(v));
    return buf;
  case CG_JSON_REAL:
    d = cg_json_number_value(v);
    return cg_text_num(buf, size, d, fabs(d) >= 100 ? 0 : 2);
  case CG_JSON_NULL:
    return "-";
  default:
    return "...";
  }
}

/* Rows of cells (strings) from an array of objects, one column per key. */
static cg_json *rows_of(const cg_json *arr, const char *const *keys,
                        size_t nkeys)
{
  cg_json *rows = cg_json_array();
  size_t r, i;
  char buf[64];

  for(r = 0; rows && r < cg_json_size(arr); r++) {
    cg_json *row = cg_json_array();
    for(i = 0; row && i < nkeys; i++)
      cg_json_append(row, cg_json_str(cli_cell_text(
                              cg_json_get(cg_json_at(arr, r), keys[i]), buf,
                              sizeof(buf))));
    cg_json_append(rows, row);
  }
  return rows;
}

/* One view: the keys its table shows, with the column heads. */
typedef struct view {
  const char *name;
  const char *keys[MAX_COLS];
  cli_col cols[MAX_COLS];
  size_t ncols;
} view;

static const view views[] = {
  { "orders",
    { "order_id", "customer", "chip", "destination", "quantity", "ship_date",
      "state", "outcome" },
    { { "ORDER", 8, 0 },
      { "CUSTOMER", 8, 0 },
      { "CHIP", 8, 0 },
      { "DEST", 4, 0 },
      { "QTY", 3, 1 },
      { "SHIP DATE", 10, 0 },
      { "STATE", 10, 0 },
      { "OUTCOME", 16, 0 } },
    8 },
  { "licenses",
    { "number", "customer", "kind", "valid_to", "max_qty", "used",
      "remaining" },
    { { "NUMBER", 8, 0 },
      { "CUSTOMER", 8, 0 },
      { "KIND", 12, 0 },
      { "VALID TO", 10, 0 },
      { "MAX", 3, 1 },
      { "USED", 4, 1 },
      { "LEFT", 4, 1 } },
    7 },
  { "customers",
    { "name", "country", "hq_country", "parent", "parent_hq_country", "role" },
    { { "NAME", 10, 0 },
      { "CTRY", 4, 0 },
      { "HQ", 2, 0 },
      { "PARENT", 8, 0 },
      { "PARENT HQ", 9, 0 },
      { "ROLE", 8, 0 } },
    6 },
  { "chips",
    { "name", "kind", "vendor", "node", "tpp", "pd" },
    { { "NAME", 10, 0 },
      { "KIND", 6, 0 },
      { "VENDOR", 6, 0 },
      { "NODE", 6, 0 },
      { "TPP", 6, 1 },
      { "PD", 5, 1 } },
    6 },
  { "clearances",
    { "id", "customer", "entry_id", "reviewer", "cleared_at", "status",
      "reason" },
    { { "ID", 2, 1 },
      { "CUSTOMER", 8, 0 },
      { "ENTRY", 6, 0 },
      { "REVIEWER", 8, 0 },
      { "CLEARED AT", 10, 0 },
      { "STATUS", 8, 0 },
      { "REASON", 6, 0 } },
    7 },
};

static int chip_one(const cg_chip *c, void *arg)
{
  cg_json *o = cg_chip_json(c);

  if(!o)
    return 1;
  cg_json_append(arg, o);
  return 0;
}

/* The clearance history as [{id, customer, entry_id, content_hash,
 * reviewer, reason, cleared_at, status, revoked_by, revoke_reason,
 * revoked_at}]. */
static int clearances_json(cg_store *db, const char *customer, cg_json **out,
                           cg_error *err)
{
  cg_screen_clearances h = { 0 };
  size_t i;
  int rc = cg_screen_clearance_history(db, customer, NULL, &h, err);

  *out = NULL;
  if(rc != CG_OK)
    return rc;
  *out = cg_json_array();
  for(i = 0; *out && i < h.n; i++) {
    const cg_screen_clearance *c = &h.items[i];
    cg_json *o = cg_json_object();

    cg_json_set_int(o, "id", c->id);
    cg_json_set_str(o, "customer", c->customer);
    cg_json_set_str(o, "entry_id", c->entry_id);
    cg_json_set_str(o, "content_hash", c->content_hash);
    cg_json_set_str(o, "reviewer", c->reviewer);
    cg_json_set_str(o, "reason", c->reason);
    cg_json_set_str(o, "cleared_at", c->cleared_at);
    cg_json_set_str(o, "status", c->revoked_at ? "revoked" : "in_force");
    cg_json_set_str(o, "revoked_by", c->revoked_by);
    cg_json_set_str(o, "revoke_reason", c->revoke_reason);
    cg_json_set_str(o, "revoked_at", c->revoked_at);
    cg_json_append(*out, o);
  }
  cg_screen_clearances_free(&h);
  return *out ? CG_OK : cg_error_set(err, CG_ENOMEM, "out of memory");
}

/* The options of `list`, checked before the database is opened. */
typedef struct list_opts {
  int json;
  const char *state, *outcome, *customer;
  char since[11];
  int has_since;
} list_opts;

static int fetch(cg_store *db, size_t v, const list_opts *o, cg_json **out,
                 cg_error *err)
{
  cg_history_filter f = { -1, -1, 0, NULL, 0, 0 };
  int rc = CG_OK;

  switch(v) {
  case 0:
    f.state = o->state ? cg_order_state_parse(o->state) : -1;
    f.outcome = o->outcome ? cg_outcome_parse(o->outcome) : -1;
    f.since = o->has_since ? o->since : NULL;
    if(o->customer) {
      rc = cg_customer_find_ref(db, o->customer, &f.customer_id, err);
      if(rc == CG_OK && f.customer_id == 0)
        return cg_error_set(err, CG_ENOTFOUND,
                            "list: --customer: unknown "
                            "customer \"%s\"",
                            o->customer);
    }
    return rc == CG_OK ? cg_history_orders(db, &f, out, err) : rc;
  case 1:
    return cg_license_list(db, out, err);
  case 2:
    return cg_customer_list(db, out, err);
  case 3:
    if(!(*out = cg_json_array()))
      return cg_error_set(err, CG_ENOMEM, "out of memory");
    rc = cg_chip_each(db, chip_one, *out, err);
    if(rc == 1)
      rc = cg_error_set(err, CG_ENOMEM, "out of memory");
    return rc;
  default:
    return clearances_json(db, o->customer, out, err);
  }
}

static const char *const state_choices[] = { "pending",    "open",
                                             "releasable", "shipped",
                                             "cancelled",  NULL };
static const char *const outcome_choices[] = { "nlr",      "exception",
                                               "licensed", "notify",
                                               "hold",     "license_required",
                                               "deny",     NULL };

static int list_help(void)
{
  printf("usage: chipgate list orders [--state S] [--outcome O] "
         "[--customer C]\n"
         "                            [--since YYYY-MM-DD] [--format "
         "text|json]\n"
         "       chipgate list licenses|customers|chips [--format text|json]\n"
         "       chipgate list clearances [--customer C] [--format "
         "text|json]\n\n"
         "--state: pending, open, releasable, shipped or cancelled; "
         "--outcome: the\ncurrent decision's outcome; --customer: a name or "
         "id; --since: orders stored\nor last decided on or after the date "
         "(UTC). Nothing is written.\n\n"
         "Exit status: 0 listed (also when nothing matches), 64 usage, 66 "
         "unknown customer.\n\n"
         "Examples:\n"
         "  $ chipgate list orders --state open --outcome hold\n"
         "  $ chipgate list customers --format json\n");
  return CLI_OK;
}

/* One of choices, else a usage error naming the option, the value and
 * what it may be. */
static int choice(const char *opt, const char *arg, const char *const *choices,
                  const char **out)
{
  char list[160] = "";
  size_t i, len = 0;

  for(i = 0; choices[i]; i++) {
    if(strcmp(arg, choices[i]) == 0) {
      *out = choices[i];
      return CLI_OK;
    }
    len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
                            i ? ", " : "", choices[i]);
  }
  return cli_usage("list", "%s: unknown value \"%s\" (one of %s)", opt, arg,
                   list);
}

/* Parses the options into *o; returns CLI_OK or the exit status. */
static int parse(int argc, char **argv, list_opts *o)
{
  static const struct option opts[] = {
    { "format", required_argument, NULL, 'f' },
    { "state", required_argument, NULL, 's' },
    { "outcome", required_argument, NULL, 'o' },
    { "customer", required_argument, NULL, 'c' },
    { "since", required_argument, NULL, 'S' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  int c, rc = CLI_OK;

  while(rc == CLI_OK && (c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch(c) {
    case 'f':
      rc = cli_opt_format("list", optarg, &o->json);
      break;
    case 's':
      rc = choice("--state", optarg, state_choices, &o->state);
      break;
    case 'o':
      rc = choice("--outcome", optarg, outcome_choices, &o->outcome);
      break;
    case 'c':
      o->customer = optarg;
      break;
    case 'S':
      rc = cli_opt_date("list", "--since", optarg, o->since);
      o->has_since = 1;
      break;
    case 'h':
      list_help();
      return -1; /* done: --help */
    default:
      rc = cli_bad_option("list", opts, argv);
    }
  }
  return rc;
}

int cmd_list(cg_cli *cli, int argc, char **argv)
{
  list_opts o = { 0 };
  cg_error err = { 0 };
  cg_store *db = NULL;
  cg_json *arr = NULL;
  size_t v, nv = sizeof(views) / sizeof(views[0]);
  int rc = parse(argc, argv, &o);

  if(rc == -1)
    return CLI_OK;
  if(rc != CLI_OK)
    return rc;
  if(argc - optind != 1)
    return cli_usage("list", "expected one of orders, licenses, customers, "
                             "chips, clearances");
  for(v = 0; v < nv && strcmp(argv[optind], views[v].name); v++)
    ;
  if(v == nv)
    return cli_usage("list",
                     "unknown view \"%s\" (orders, licenses, "
                     "customers, chips, clearances)",
                     argv[optind]);
  if(v != 0 && (o.state || o.outcome || o.has_since))
    return cli_usage("list", "--state, --outcome and --since apply only to "
                             "list orders");
  if(o.customer && v != 0 && v != 4)
    return cli_usage("list", "--customer applies only to list orders and "
                             "list clearances");
  rc = cli_open_db(cli, &db, 0, &err);
  if(rc == CG_OK)
    rc = fetch(db, v, &o, &arr, &err);
  cg_store_close(db);
  if(rc != CG_OK)
    return cli_fail(&err);
  if(o.json) {
    rc = cg_json_dumpf(stdout, arr, CG_JSON_PRETTY, &err);
    fputc('\n', stdout);
  }
  else {
    cg_json *rows = rows_of(arr, views[v].keys, views[v].ncols);
    cli_table(stdout, views[v].cols, views[v].ncols, rows);
    printf("(%zu %s)\n", cg_json_size(arr), views[v].name);
    cg_json_free(rows);
  }
  cg_json_free(arr);
  return rc == CG_OK ? CLI_OK : cli_fail(&err);
}
