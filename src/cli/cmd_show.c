/* cmd_show.c -- `chipgate show order ID [--format text|json]`: an order,
 * its state and current decision, every entry of its history in the audit
 * log (decisions and every lifecycle step, whatever its kind) and its
 * licence draws. */
#include "cli/cmd.h"
#include "cli/opts.h"
#include "core/json.h"
#include "decide/history.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

/* Appends a row of n cells (NULL is ""). */
static void row(cg_json *rows, size_t n, const char *a, const char *b,
                const char *c, const char *d)
{
  const char *cells[4] = { a, b, c, d };
  cg_json *r = cg_json_array();
  size_t i;

  for(i = 0; r && i < n; i++)
    cg_json_append(r, cg_json_str(cells[i] ? cells[i] : ""));
  cg_json_append(rows, r);
}

static void print_order(const cg_json *doc)
{
  static const char *const keys[] = { "customer", "chip",      "destination",
                                      "quantity", "ship_date", "end_use",
                                      "role" };
  const cg_json *o = cg_json_get(doc, "order");
  cli_col cols[2] = { { "ORDER", 11, 0 }, { NULL, 10, 0 } };
  cg_json *rows = cg_json_array();
  char buf[64], cur[96];
  size_t i;

  cols[1].head = cg_json_string_value(cg_json_get(o, "order_id"));
  for(i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
    row(rows, 2, keys[i],
        cli_cell_text(cg_json_get(o, keys[i]), buf, sizeof(buf)), NULL, NULL);
  row(rows, 2, "state",
      cli_cell_text(cg_json_get(doc, "state"), buf, sizeof(buf)), NULL, NULL);
  if(cg_json_type(cg_json_get(doc, "current_seq")) == CG_JSON_INT)
    snprintf(cur, sizeof(cur), "%s (log entry %.0f)",
             cg_json_string_value(cg_json_get(doc, "outcome")),
             cg_json_number_value(cg_json_get(doc, "current_seq")));
  else
    snprintf(cur, sizeof(cur), "none (never decided)");
  row(rows, 2, "decision", cur, NULL, NULL);
  cli_table(stdout, cols, 2, rows);
  cg_json_free(rows);
}

/* An entry's rows: the first with seq, time, kind and the outcome (or
 * the first field), then one row per decisive rule or field. */
static void entry_rows(cg_json *rows, const cg_json *e)
{
  const cg_json *rules = cg_json_get(e, "rules");
  const cg_json *fields = cg_json_get(e, "fields");
  char seq[24], buf[64], line[512];
  const char *first = NULL;
  size_t i;
  void *it;

  snprintf(seq, sizeof(seq), "%.0f",
           cg_json_number_value(cg_json_get(e, "seq")));
  if(cg_json_type(rules) == CG_JSON_ARRAY) {
    row(rows, 4, seq, cg_json_string_value(cg_json_get(e, "at")),
        cg_json_string_value(cg_json_get(e, "kind")),
        cg_json_string_value(cg_json_get(e, "outcome")));
    for(i = 0; i < cg_json_size(rules); i++) {
      const cg_json *r = cg_json_at(rules, i);
      snprintf(line, sizeof(line), "  %s (%s)",
               cg_json_string_value(cg_json_get(r, "id")),
               cg_json_string_value(cg_json_get(r, "outcome")));
      row(rows, 4, NULL, NULL, NULL, line);
    }
    return;
  }
  for(it = cg_json_iter(fields, NULL); it; it = cg_json_iter(fields, it)) {
    snprintf(line, sizeof(line), "%s: %s", cg_json_iter_key(it),
             cli_cell_text(cg_json_iter_value(it), buf, sizeof(buf)));
    if(!first) {
      row(rows, 4, seq, cg_json_string_value(cg_json_get(e, "at")),
          cg_json_string_value(cg_json_get(e, "kind")), line);
      first = "";
    }
    else
      row(rows, 4, NULL, NULL, NULL, line);
  }
  if(!first)
    row(rows, 4, seq, cg_json_string_value(cg_json_get(e, "at")),
        cg_json_string_value(cg_json_get(e, "kind")), NULL);
}

static void print_text(const cg_json *doc)
{
  static const cli_col hist[] = { { "SEQ", 3, 1 },
                                  { "RECORDED AT", 20, 0 },
                                  { "KIND", 8, 0 },
                                  { "WHAT", 10, 0 } };
  static const cli_col draw[] = { { "LICENCE", 10, 0 },
                                  { "QTY", 3, 1 },
                                  { "UNIT", 4, 0 },
                                  { "LOG ENTRY", 9, 1 } };
  const cg_json *entries = cg_json_get(doc, "entries");
  const cg_json *draws = cg_json_get(doc, "draws");
  cg_json *rows;
  char b1[64], b2[64];
  size_t i;

  print_order(doc);
  printf("\n");
  rows = cg_json_array();
  for(i = 0; i < cg_json_size(entries); i++)
    entry_rows(rows, cg_json_at(entries, i));
  cli_table(stdout, hist, 4, rows);
  cg_json_free(rows);
  printf("(%zu log entries)\n", cg_json_size(entries));
  if(cg_json_size(draws) == 0)
    return;
  printf("\n");
  rows = cg_json_array();
  for(i = 0; i < cg_json_size(draws); i++) {
    const cg_json *d = cg_json_at(draws, i);
    row(rows, 4, cg_json_string_value(cg_json_get(d, "license")),
        cli_cell_text(cg_json_get(d, "quantity"), b1, sizeof(b1)),
        cg_json_string_value(cg_json_get(d, "unit")),
        cli_cell_text(cg_json_get(d, "seq"), b2, sizeof(b2)));
  }
  cli_table(stdout, draw, 4, rows);
  cg_json_free(rows);
}

int cmd_show(cg_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = { { "format", required_argument, NULL,
                                          'f' },
                                        { "help", no_argument, NULL, 'h' },
                                        { NULL, 0, NULL, 0 } };
  cg_error err = { 0 };
  cg_store *db = NULL;
  cg_json *doc = NULL;
  int c, rc, json = 0;

  while((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch(c) {
    case 'f':
      if((rc = cli_opt_format("show", optarg, &json)) != CLI_OK)
        return rc;
      break;
    case 'h':
      printf("usage: chipgate show order ID [--format text|json]\n\n"
             "Prints order ID (the ERP's id), its state and current "
             "decision, every entry\nof its history in the audit log "
             "(decisions with the rules that decided,\nreviews, NAC "
             "filings and objections, shipments, cancellations) and its\n"
             "licence draws. Nothing is written.\n\n"
             "Exit status: 0 shown, 64 usage, 66 unknown order.\n\n"
             "Example:\n"
             "  $ chipgate show order O-1016\n");
      return CLI_OK;
    default:
      return cli_bad_option("show", opts, argv);
    }
  }
  if(argc - optind != 2 || strcmp(argv[optind], "order") != 0)
    return cli_usage("show", "expected: show order ID");
  rc = cli_open_db(cli, &db, 0, &err);
  if(rc == CG_OK)
    rc = cg_history_show(db, argv[optind + 1], &doc, &err);
  cg_store_close(db);
  if(rc != CG_OK)
    return cli_fail(&err);
  if(json) {
    rc = cg_json_dumpf(stdout, doc, CG_JSON_PRETTY, &err);
    fputc('\n', stdout);
  }
  else
    print_text(doc);
  cg_json_free(doc);
  return rc == CG_OK ? CLI_OK : cli_fail(&err);
}
