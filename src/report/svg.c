/* svg.c -- inline SVG charts for the HTML report: decisions by outcome
 * (horizontal bars) and TPP vs performance density (log-log scatter) with
 * the ECCN 3A090.a and 3A090.b regions of 15 CFR 774 Supp. 1 drawn. */
#include "report/report_int.h"

#include "core/text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ===== decisions by outcome ===============================================
 */

void cg_rp_svg_decisions(FILE *f, const cg_report *r)
{
  const int w = 520, row = 30, label = 130, barw = 320, top = 12;
  size_t max = 1;
  int i, k = 0, rows = CG_RP_NDEC - (r->dec[CG_RP_NDEC - 1] ? 0 : 1);
  int h = top * 2 + rows * row + 18;

  for(i = 0; i < CG_RP_NDEC; i++)
    if(r->dec[i] > max)
      max = r->dec[i];
  fputs("<figure id=\"fig-decisions\"><figcaption>Decisions by "
        "outcome</figcaption>\n",
        f);
  fprintf(f,
          "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"chart-decisions\" "
          "class=\"chart\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
          "role=\"img\" aria-labelledby=\"chart-decisions-title\">\n"
          "<title id=\"chart-decisions-title\">Orders by decision "
          "outcome</title>\n"
          "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" "
          "fill=\"#ffffff\"/>\n",
          w, h, w, h, w, h);
  fprintf(f,
          "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#8a949e\"/>"
          "\n",
          label, top - 4, label, top + rows * row);
  for(i = 0; i < CG_RP_NDEC; i++) {
    int y, bw;
    if(i == CG_RP_NDEC - 1 && !r->dec[i])
      continue;
    y = top + k * row;
    bw = (int)lround((double)barw * (double)r->dec[i] / (double)max);
    fprintf(f,
            "<g class=\"bar\" data-decision=\"%s\">"
            "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"13\" "
            "fill=\"#1b1f24\">%s</text>"
            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
            "fill=\"%s\"><title>%s: %zu</title></rect>"
            "<text x=\"%d\" y=\"%d\" font-size=\"13\" "
            "fill=\"#1b1f24\">%zu</text></g>\n",
            cg_rp_decision_name(i), label - 8, y + 19, cg_rp_decision_name(i),
            label, y + 4, bw, row - 8, cg_rp_decision_color(i),
            cg_rp_decision_name(i), r->dec[i], label + bw + 6, y + 19,
            r->dec[i]);
    k++;
  }
  fprintf(f,
          "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#5b6470\">"
          "orders (total %zu)</text>\n",
          label, top + rows * row + 16, r->n);
  fputs("</svg></figure>\n", f);
}

/* ===== TPP vs PD scatter ==================================================
 */

typedef struct axes {
  double x0, x1; /* log10 range of TPP */
  double y0, y1; /* log10 range of PD */
  double left, top, pw, ph;
} axes;

static double px(const axes *a, double v)
{
  return a->left + (log10(v) - a->x0) / (a->x1 - a->x0) * a->pw;
}

static double py(const axes *a, double v)
{
  return a->top + a->ph - (log10(v) - a->y0) / (a->y1 - a->y0) * a->ph;
}

static int plottable(const cg_rp_entry *e)
{
  return !isnan(e->x) && !isnan(e->y) && e->x > 0 && e->y > 0;
}

/* Most severe decision among a chip's orders (for the point colour). */
static int worst(const cg_rp_entry *e)
{
  int i;

  for(i = CG_RP_NDEC - 2; i >= 0; i--)
    if(e->dec[i])
      return i;
  return CG_RP_NDEC - 1;
}

static void poly(FILE *f, const axes *a, const double *pts, int n,
                 const char *cls, const char *fill, const char *stroke)
{
  int i;

  fprintf(f,
          "<polygon class=\"%s\" fill=\"%s\" fill-opacity=\"0.16\" "
          "stroke=\"%s\" stroke-width=\"1.5\" points=\"",
          cls, fill, stroke);
  for(i = 0; i < n; i++)
    fprintf(f, "%s%.1f,%.1f", i ? " " : "", px(a, pts[2 * i]),
            py(a, pts[2 * i + 1]));
  fputs("\"/>\n", f);
}

static void grid(FILE *f, const axes *a)
{
  static const double xt[] = { 1600, 2400, 4800 };
  static const double yt[] = { 1.6, 3.2, 5.92 };
  double d, x, y;
  int i;

  for(d = a->x0; d <= a->x1 + 1e-9; d += 1) {
    x = px(a, pow(10, d));
    fprintf(f,
            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
            "stroke=\"#e3e7ec\"/><text x=\"%.1f\" y=\"%.1f\" "
            "font-size=\"11\" text-anchor=\"middle\" fill=\"#5b6470\">"
            "%.0f</text>\n",
            x, a->top, x, a->top + a->ph, x, a->top + a->ph + 15, pow(10, d));
  }
  for(d = a->y0; d <= a->y1 + 1e-9; d += 1) {
    y = py(a, pow(10, d));
    fprintf(f,
            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
            "stroke=\"#e3e7ec\"/><text x=\"%.1f\" y=\"%.1f\" "
            "font-size=\"11\" text-anchor=\"end\" fill=\"#5b6470\">"
            "%g</text>\n",
            a->left, y, a->left + a->pw, y, a->left - 6, y + 4, pow(10, d));
  }
  for(i = 0; i < 3; i++) {
    x = px(a, xt[i]);
    fprintf(f,
            "<line class=\"threshold\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
            "y2=\"%.1f\" stroke=\"#8a949e\" stroke-dasharray=\"3,3\"/>"
            "<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\" "
            "text-anchor=\"middle\" fill=\"#5b6470\">%.0f</text>\n",
            x, a->top, x, a->top + a->ph, x, a->top + a->ph + 27, xt[i]);
    y = py(a, yt[i]);
    fprintf(f,
            "<line class=\"threshold\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
            "y2=\"%.1f\" stroke=\"#8a949e\" stroke-dasharray=\"3,3\"/>"
            "<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\" "
            "fill=\"#5b6470\">PD %g</text>\n",
            a->left, y, a->left + a->pw, y, a->left + 4, y - 3, yt[i]);
  }
  fprintf(f,
          "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
          "fill=\"none\" stroke=\"#8a949e\"/>\n",
          a->left, a->top, a->pw, a->ph);
  fprintf(f,
          "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" "
          "text-anchor=\"middle\" fill=\"#1b1f24\">TPP (total processing "
          "performance), log scale</text>\n",
          a->left + a->pw / 2, a->top + a->ph + 44);
  fprintf(f,
          "<text transform=\"translate(16 %.1f) rotate(-90)\" "
          "font-size=\"12\" text-anchor=\"middle\" fill=\"#1b1f24\">"
          "Performance density (TPP / mm&#178;), log scale</text>\n",
          a->top + a->ph / 2);
}

static void regions(FILE *f, const axes *a)
{
  const double xmax = pow(10, a->x1), ymin = pow(10, a->y0);
  const double ymax = pow(10, a->y1);
  /* 3A090.a: TPP >= 4800, or TPP >= 1600 and PD >= 5.92. */
  const double ra[] = { 1600, 5.92, 4800, 5.92, 4800, ymin,
                        xmax, ymin, xmax, ymax, 1600, ymax };
  /* 3A090.b (outside .a): 2400 <= TPP < 4800 and 1.6 <= PD < 5.92, or
   * 1600 <= TPP < 4800 and 3.2 <= PD < 5.92. */
  const double rb[] = { 1600, 3.2, 2400, 3.2,  2400, 1.6,
                        4800, 1.6, 4800, 5.92, 1600, 5.92 };

  poly(f, a, ra, 6, "region region-a", "#c62828", "#c62828");
  poly(f, a, rb, 6, "region region-b", "#ef6c00", "#ef6c00");
  fprintf(f,
          "<text class=\"region-label\" x=\"%.1f\" y=\"%.1f\" "
          "font-size=\"14\" font-weight=\"700\" text-anchor=\"end\" "
          "fill=\"#8e1b1b\">3A090.a</text>\n"
          "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\" "
          "fill=\"#8e1b1b\">TPP &#8805; 4800, or TPP &#8805; 1600 and "
          "PD &#8805; 5.92</text>\n",
          a->left + a->pw - 8, a->top + 18, a->left + a->pw - 8, a->top + 31);
  fprintf(f,
          "<text class=\"region-label\" x=\"%.1f\" y=\"%.1f\" "
          "font-size=\"12\" font-weight=\"700\" text-anchor=\"middle\" "
          "fill=\"#a04000\">3A090.b</text>\n",
          px(a, sqrt(2400.0 * 4800.0)), py(a, 2.0));
  fprintf(f,
          "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" fill=\"#5b6470\">"
          "not 3A090 (below both regions)</text>\n",
          a->left + 8, a->top + a->ph - 8);
}

/* ---- label placement ---------------------------------------------------- */

typedef struct box {
  double x0, y0, x1, y1; /* SVG pixels, y down */
} box;

static int hits(const box *b, const box *o, size_t n)
{
  size_t i;

  for(i = 0; i < n; i++)
    if(b->x0 < o[i].x1 && o[i].x0 < b->x1 && b->y0 < o[i].y1 &&
       o[i].y0 < b->y1)
      return 1;
  return 0;
}

/* Boxes of the texts drawn by grid() and regions(); returns how many. */
static size_t fixed_boxes(const axes *a, box *b)
{
  static const double yt[] = { 1.6, 3.2, 5.92 };
  double cx = px(a, sqrt(2400.0 * 4800.0)), cy = py(a, 2.0);
  size_t n = 0;
  int i;

  b[n++] =
      (box){ a->left + a->pw - 230, a->top + 4, a->left + a->pw, a->top + 35 };
  b[n++] = (box){ cx - 25, cy - 12, cx + 25, cy + 3 };
  b[n++] = (box){ a->left + 4, a->top + a->ph - 19, a->left + 175,
                  a->top + a->ph - 4 };
  for(i = 0; i < 3; i++)
    b[n++] = (box){ a->left + 2, py(a, yt[i]) - 12, a->left + 40,
                    py(a, yt[i]) - 1 };
  return n;
}

/* Picks a spot for a label of len characters next to (cx, cy) inside the
 * plot that overlaps nothing placed so far (else the first spot that
 * fits), and records its box. */
static void place(const axes *a, box *boxes, size_t *nb, double cx, double cy,
                  size_t len, double *x_out, double *y_out, int *end_out)
{
  static const double dy[] = { -6, 13, -18, 25, -30, 37 };
  double w = 5.6 * (double)len + 2;
  box b, first = { 0, 0, 0, 0 };
  int i, side, have_first = 0;

  for(i = 0; i < 6; i++) {
    for(side = 0; side < 2; side++) {
      double x = side ? cx - 7 : cx + 7, y = cy + dy[i];
      b.x0 = side ? x - w : x;
      b.x1 = side ? x : x + w;
      b.y0 = y - 9;
      b.y1 = y + 2;
      if(b.x0 < a->left || b.x1 > a->left + a->pw || b.y0 < a->top ||
         b.y1 > a->top + a->ph)
        continue;
      if(!have_first) {
        first = b;
        have_first = 1;
        *x_out = x;
        *y_out = y;
        *end_out = side;
      }
      if(!hits(&b, boxes, *nb)) {
        *x_out = x;
        *y_out = y;
        *end_out = side;
        boxes[(*nb)++] = b;
        return;
      }
    }
  }
  if(!have_first) {
    *x_out = cx + 7;
    *y_out = cy - 6;
    *end_out = 0;
    return;
  }
  boxes[(*nb)++] = first;
}

/* Log axes wide enough for every plottable chip (at least TPP 100-1e5,
 * PD 0.1-100) in a w x h chart. */
static void set_axes(axes *a, cg_rp_entry *const *v, size_t n, int w, int h)
{
  double lo_x = 100, hi_x = 1e5, lo_y = 0.1, hi_y = 100;
  size_t i;

  for(i = 0; i < n; i++) {
    if(!plottable(v[i]))
      continue;
    lo_x = fmin(lo_x, v[i]->x);
    hi_x = fmax(hi_x, v[i]->x * 1.05);
    lo_y = fmin(lo_y, v[i]->y);
    hi_y = fmax(hi_y, v[i]->y * 1.05);
  }
  a->x0 = floor(log10(lo_x));
  a->x1 = ceil(log10(hi_x));
  a->y0 = floor(log10(lo_y));
  a->y1 = ceil(log10(hi_y));
  a->left = 72;
  a->top = 12;
  a->pw = w - a->left - 30;
  a->ph = h - a->top - 58;
}

/* Groups the chips at chip i's point (within 0.5%) into one label of at
 * most three names; marks them in grouped. */
static void group_label(cg_rp_entry *const *v, size_t n, size_t i,
                        char *grouped, cg_rp_buf *label)
{
  size_t j, more = 0, shown = 0;

  for(j = i; j < n; j++) {
    if(!plottable(v[j]) || grouped[j])
      continue;
    if(fabs(v[j]->x / v[i]->x - 1) > 0.005 ||
       fabs(v[j]->y / v[i]->y - 1) > 0.005)
      continue;
    grouped[j] = 1;
    if(shown < 3) {
      if(shown)
        cg_rp_buf_add(label, ", ");
      cg_rp_buf_add(label, v[j]->key);
      shown++;
    }
    else
      more++;
  }
  if(more)
    cg_rp_buf_addf(label, " +%zu more", more);
}

/* One point and its label, placed clear of the boxes taken so far. */
static void point(FILE *f, const axes *a, box *boxes, size_t *nb,
                  const cg_rp_entry *e, const char *label)
{
  double cx = px(a, e->x), cy = py(a, e->y), lx, ly;
  char tpp[64], pd[64];
  int end_anchor;

  place(a, boxes, nb, cx, cy, strlen(label), &lx, &ly, &end_anchor);
  fprintf(f,
          "<g class=\"chip\"><circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" "
          "fill=\"%s\" stroke=\"#ffffff\" stroke-width=\"1.5\">"
          "<title>",
          cx, cy, cg_rp_decision_color(worst(e)));
  cg_rp_html(f, e->key);
  fprintf(f, " (TPP %s, PD %s)</title></circle>",
          cg_text_num(tpp, sizeof(tpp), e->x, 0),
          cg_text_num_sig(pd, sizeof(pd), e->y, 3));
  fprintf(f,
          "<text class=\"chip-label\" x=\"%.1f\" y=\"%.1f\" "
          "font-size=\"10\" fill=\"#1b1f24\"%s>",
          lx, ly, end_anchor ? " text-anchor=\"end\"" : "");
  cg_rp_html(f, label);
  fputs("</text></g>\n", f);
}

/* The points: chips at the same point share one label; labels are placed
 * where they hit no point, region label or other label. Nothing is drawn
 * if memory runs out. */
static void points(FILE *f, const axes *a, cg_rp_entry *const *v, size_t n)
{
  size_t i, k, nl = 0, nb = 0, *lead = calloc(n ? n : 1, sizeof(*lead));
  cg_rp_buf *labels = calloc(n ? n : 1, sizeof(*labels));
  box *boxes = calloc(2 * n + 8, sizeof(*boxes));
  char *grouped = calloc(n ? n : 1, 1);

  if(lead && labels && boxes && grouped) {
    nb = fixed_boxes(a, boxes);
    for(i = 0; i < n; i++) {
      if(!plottable(v[i]) || grouped[i])
        continue;
      group_label(v, n, i, grouped, &labels[nl]);
      lead[nl++] = i;
      boxes[nb].x0 = px(a, v[i]->x) - 6;
      boxes[nb].y0 = py(a, v[i]->y) - 6;
      boxes[nb].x1 = px(a, v[i]->x) + 6;
      boxes[nb].y1 = py(a, v[i]->y) + 6;
      nb++;
    }
    for(k = 0; k < nl; k++)
      point(f, a, boxes, &nb, v[lead[k]], cg_rp_buf_str(&labels[k]));
  }
  for(k = 0; labels && k < n; k++)
    cg_rp_buf_free(&labels[k]);
  free(labels);
  free(lead);
  free(boxes);
  free(grouped);
}

/* The aside listing chips with unknown TPP or PD, and the chart's note. */
static void unplotted(FILE *f, cg_rp_entry *const *v, size_t n)
{
  size_t i, count = 0;

  fputs("<aside class=\"unplotted\"><h4>Not plotted (TPP or PD "
        "unknown)</h4>\n<ul>\n",
        f);
  for(i = 0; i < n; i++) {
    if(plottable(v[i]))
      continue;
    fputs("<li class=\"unplotted-chip\">", f);
    cg_rp_html(f, v[i]->key);
    if(isnan(v[i]->x) || v[i]->x <= 0)
      fputs(" &mdash; TPP unknown", f);
    else
      fprintf(f, " &mdash; TPP %.0f, PD unknown", v[i]->x);
    fputs("</li>\n", f);
    count++;
  }
  if(!count)
    fputs("<li>none</li>\n", f);
  fputs("</ul>\n<p class=\"chart-note\">Points are coloured by the most "
        "severe decision among the chip's orders. Regions per 15 CFR 774 "
        "Supp. 1, ECCN 3A090 (88 FR 73458). A chip's class also depends on "
        "the datacenter test (Note 2), which the chart does not show."
        "</p>\n</aside>\n",
        f);
}

void cg_rp_svg_tpp_pd(FILE *f, const cg_report *r)
{
  const int w = 680, h = 470;
  cg_rp_entry **v;
  axes a;
  size_t n = 0;

  v = cg_rp_tally_sorted(&r->chips, &n);
  if(!v)
    return;
  set_axes(&a, v, n, w, h);
  fputs("<figure id=\"fig-tpp-pd\"><figcaption>TPP vs performance density: "
        "ECCN 3A090 regions and this batch's chips</figcaption>\n"
        "<div class=\"charts\">\n",
        f);
  fprintf(f,
          "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"chart-tpp-pd\" "
          "class=\"chart\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
          "role=\"img\" aria-labelledby=\"chart-tpp-pd-title\">\n"
          "<title id=\"chart-tpp-pd-title\">TPP vs performance density with "
          "the 3A090.a and 3A090.b regions</title>\n"
          "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" "
          "fill=\"#ffffff\"/>\n",
          w, h, w, h, w, h);
  grid(f, &a);
  regions(f, &a);
  points(f, &a, v, n);
  fputs("</svg>\n", f);
  unplotted(f, v, n);
  fputs("</div></figure>\n", f);
  free(v);
}
