/* longwork.h -- helpers shared by the long-work commands (import, batch,
 * sync, report, audit) beyond cli.h. */
#ifndef CG_CLI_LONGWORK_H
#define CG_CLI_LONGWORK_H

struct cg_json;
struct cg_report_paths;

/* The files of paths as a JSON array of strings, in cli_print_paths'
 * order (Markdown, JSON, CSV, HTML); NULL when out of memory. */
struct cg_json *cli_paths_json(const struct cg_report_paths *paths);

#endif
