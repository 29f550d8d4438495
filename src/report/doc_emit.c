/* doc_emit.c -- the tiny emitter shared by the Markdown and HTML reports:
 * headings, paragraphs, tables and lists, every data string escaped for
 * the target format (see report_int.h). */
#include "report/report_int.h"

#include <string.h>

/* ===== emitter ============================================================
 */

void cg_rp_esc(const cg_rp_out *o, const char *s)
{
  if(o->html)
    cg_rp_html(o->f, s);
  else
    cg_rp_md(o->f, s);
}

void cg_rp_heading(const cg_rp_out *o, int level, const char *text,
                   const char *id)
{
  if(o->html) {
    fprintf(o->f, "<h%d", level);
    if(id) {
      fputs(" id=\"", o->f);
      cg_rp_html(o->f, id);
      fputc('"', o->f);
    }
    fputc('>', o->f);
    cg_rp_html(o->f, text);
    fprintf(o->f, "</h%d>\n", level);
    return;
  }
  fprintf(o->f, "%.*s ", level, "######");
  cg_rp_md(o->f, text);
  fputs("\n\n", o->f);
}

void cg_rp_para(const cg_rp_out *o, const char *cls, const char *text)
{
  if(o->html) {
    fprintf(o->f, "<p class=\"%s\">", cls ? cls : "");
    cg_rp_html(o->f, text);
    fputs("</p>\n", o->f);
  }
  else {
    if(cls && strcmp(cls, "note") == 0)
      fputc('_', o->f);
    cg_rp_md(o->f, text);
    if(cls && strcmp(cls, "note") == 0)
      fputc('_', o->f);
    fputs("\n\n", o->f);
  }
}

/* heads: column titles; numeric columns start with '#'. */
void cg_rp_tbl_begin(const cg_rp_out *o, const char *cls, int n,
                     const char *const *heads)
{
  int i;

  if(o->html) {
    fprintf(o->f, "<table class=\"%s\"><thead><tr>", cls ? cls : "");
    for(i = 0; i < n; i++) {
      fputs(heads[i][0] == '#' ? "<th class=\"num\">" : "<th>", o->f);
      cg_rp_html(o->f, heads[i][0] == '#' ? heads[i] + 1 : heads[i]);
      fputs("</th>", o->f);
    }
    fputs("</tr></thead>\n<tbody>\n", o->f);
    return;
  }
  for(i = 0; i < n; i++) {
    fputs("| ", o->f);
    cg_rp_md(o->f, heads[i][0] == '#' ? heads[i] + 1 : heads[i]);
    fputc(' ', o->f);
  }
  fputs("|\n", o->f);
  for(i = 0; i < n; i++)
    fputs(heads[i][0] == '#' ? "|---:" : "|---", o->f);
  fputs("|\n", o->f);
}

void cg_rp_tr(const cg_rp_out *o)
{
  if(o->html)
    fputs("<tr>", o->f);
}

void cg_rp_tr_end(const cg_rp_out *o)
{
  fputs(o->html ? "</tr>\n" : "|\n", o->f);
}

void cg_rp_td(const cg_rp_out *o, const char *s)
{
  fputs(o->html ? "<td>" : "| ", o->f);
  cg_rp_esc(o, s);
  fputs(o->html ? "</td>" : " ", o->f);
}

void cg_rp_td_num(const cg_rp_out *o, const char *s)
{
  fputs(o->html ? "<td class=\"num\">" : "| ", o->f);
  cg_rp_esc(o, s);
  fputs(o->html ? "</td>" : " ", o->f);
}

void cg_rp_td_th(const cg_rp_out *o, const char *s)
{
  fputs(o->html ? "<th>" : "| ", o->f);
  cg_rp_esc(o, s);
  fputs(o->html ? "</th>" : " ", o->f);
}

void cg_rp_td_count(const cg_rp_out *o, size_t v)
{
  char b[32];
  snprintf(b, sizeof(b), "%zu", v);
  cg_rp_td_num(o, b);
}

void cg_rp_td_fmt(const cg_rp_out *o, double v)
{
  char b[64];
  cg_rp_td_num(o, cg_rp_fmt(b, sizeof(b), v));
}

void cg_rp_tbl_end(const cg_rp_out *o)
{
  fputs(o->html ? "</tbody></table>\n" : "\n", o->f);
}

/* A two-column field/value row. */
void cg_rp_kv(const cg_rp_out *o, const char *k, const char *v)
{
  cg_rp_tr(o);
  cg_rp_td_th(o, k);
  cg_rp_td(o, v && *v ? v : "unknown");
  cg_rp_tr_end(o);
}

void cg_rp_ul_begin(const cg_rp_out *o, const char *cls)
{
  if(o->html)
    fprintf(o->f, "<ul class=\"%s\">\n", cls ? cls : "");
}

void cg_rp_li(const cg_rp_out *o, const char *s)
{
  fputs(o->html ? "<li>" : "- ", o->f);
  cg_rp_esc(o, s);
  fputs(o->html ? "</li>\n" : "\n", o->f);
}

void cg_rp_ul_end(const cg_rp_out *o)
{
  fputs(o->html ? "</ul>\n" : "\n", o->f);
}

void cg_rp_badge(const cg_rp_out *o, int idx)
{
  const char *name = cg_rp_decision_name(idx);

  if(o->html) {
    fprintf(o->f, "<span class=\"badge d-%s\">", name);
    cg_rp_html(o->f, name);
    fputs("</span>", o->f);
  }
  else {
    fputs("**", o->f);
    cg_rp_md(o->f, name);
    fputs("**", o->f);
  }
}
