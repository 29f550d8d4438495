/* facts.c -- see facts.h. */
#include "rules/facts.h"

#include "core/text.h"

#include <stdio.h>
#include <string.h>

typedef struct fact_def {
  const char *name; /* canonical name */
  cg_kind kind;     /* declared kind */
} fact_def;

static const fact_def fact_table[CG_F_COUNT] = {
  [CG_F_CHIP_NAME] = { "chip.name", CG_V_STR },
  [CG_F_CHIP_VENDOR] = { "chip.vendor", CG_V_STR },
  [CG_F_CHIP_TPP] = { "chip.tpp", CG_V_NUM },
  [CG_F_CHIP_PD] = { "chip.pd", CG_V_NUM },
  [CG_F_CHIP_NODE] = { "chip.node", CG_V_STR },
  [CG_F_CHIP_NODE_NM] = { "chip.node_nm", CG_V_NUM },
  [CG_F_CHIP_NONPLANAR] = { "chip.nonplanar", CG_V_BOOL },
  [CG_F_CHIP_LOGIC_IC] = { "chip.logic_ic", CG_V_BOOL },
  [CG_F_CHIP_DATACENTER] = { "chip.datacenter", CG_V_BOOL },
  [CG_F_CHIP_HBM] = { "chip.hbm", CG_V_BOOL },
  [CG_F_CHIP_HBM_STACK] = { "chip.hbm_stack", CG_V_BOOL },
  [CG_F_CHIP_TRANSISTORS] = { "chip.transistors", CG_V_NUM },
  [CG_F_CHIP_DIE_AREA] = { "chip.die_area", CG_V_NUM },
  [CG_F_CHIP_DRAM_BW] = { "chip.dram_bw", CG_V_NUM },
  [CG_F_CHIP_TOPS] = { "chip.tops", CG_V_NUM },
  [CG_F_CHIP_HBM_DENSITY] = { "chip.hbm_density", CG_V_NUM },
  [CG_F_CHIP_INTERCONNECT_BW] = { "chip.interconnect_bw", CG_V_NUM },
  [CG_F_ITEM_KIND] = { "item.kind", CG_V_STR },
  [CG_F_ITEM_ICS] = { "item.ics", CG_V_NUM },
  [CG_F_CUSTOMER_NAME] = { "customer.name", CG_V_STR },
  [CG_F_CUSTOMER_COUNTRY] = { "customer.country", CG_V_COUNTRY },
  [CG_F_CUSTOMER_HQ] = { "customer.hq", CG_V_COUNTRY },
  [CG_F_CUSTOMER_PARENT_HQ] = { "customer.parent_hq", CG_V_COUNTRY },
  [CG_F_CUSTOMER_ROLE] = { "customer.role", CG_V_STR },
  [CG_F_CUSTOMER_LISTED] = { "customer.listed", CG_V_BOOL },
  [CG_F_CUSTOMER_LIST_POLICY] = { "customer.list_policy", CG_V_STR },
  [CG_F_CUSTOMER_LIST_FOOTNOTE] = { "customer.list_footnote", CG_V_STR },
  [CG_F_CUSTOMER_LIST_ENTRY] = { "customer.list_entry", CG_V_STR },
  [CG_F_CUSTOMER_LIST_CITE] = { "customer.list_cite", CG_V_STR },
  [CG_F_CUSTOMER_SCREEN_HOLD] = { "customer.screen_hold", CG_V_BOOL },
  [CG_F_CUSTOMER_DENIED] = { "customer.denied", CG_V_BOOL },
  [CG_F_CUSTOMER_BLOCKED] = { "customer.blocked", CG_V_BOOL },
  [CG_F_CUSTOMER_UNVERIFIED] = { "customer.unverified", CG_V_BOOL },
  [CG_F_CUSTOMER_MEU] = { "customer.meu", CG_V_BOOL },
  [CG_F_CUSTOMER_DESIGNER] = { "customer.designer", CG_V_STR },
  [CG_F_CUSTOMER_APPROVED_OSAT] = { "customer.approved_osat", CG_V_BOOL },
  [CG_F_CUSTOMER_MAJORITY_OWNED_D5] = { "customer.majority_owned_d5",
                                        CG_V_BOOL },
  [CG_F_ORDER_QTY] = { "order.qty", CG_V_NUM },
  [CG_F_ORDER_DATE] = { "order.date", CG_V_DATE },
  [CG_F_ORDER_END_USE] = { "order.end_use", CG_V_STR },
  [CG_F_ORDER_ROLE] = { "order.role", CG_V_STR },
  [CG_F_ORDER_PACKAGER] = { "order.packager", CG_V_STR },
  [CG_F_ORDER_EXPORT_FROM_US] = { "order.export_from_us", CG_V_BOOL },
  [CG_F_ORDER_NAC_DAYS] = { "order.nac_days", CG_V_NUM },
  [CG_F_ORDER_NAC_OBJECTED] = { "order.nac_objected", CG_V_BOOL },
  [CG_F_ORDER_ATTESTED] = { "order.attested", CG_V_BOOL },
  [CG_F_ORDER_END_USE_COUNTRY] = { "order.end_use_country", CG_V_COUNTRY },
  [CG_F_ORDER_END_USER_HQ] = { "order.end_user_hq", CG_V_COUNTRY },
  [CG_F_ORDER_ADDRESS] = { "order.address", CG_V_STR },
  [CG_F_DEST] = { "dest", CG_V_COUNTRY },
  [CG_F_ECCN] = { "eccn", CG_V_STR },
};

_Static_assert(CG_F_COUNT <= 64, "fact masks are uint64_t");

int cg_fact_id(const char *name)
{
  int i;

  if(!name)
    return -1;
  if(strcmp(name, "date") == 0)
    return CG_F_ORDER_DATE;
  for(i = 0; i < CG_F_COUNT; i++)
    if(strcmp(fact_table[i].name, name) == 0)
      return i;
  return -1;
}

const char *cg_fact_name(int id)
{
  if(id < 0 || id >= CG_F_COUNT)
    return NULL;
  return fact_table[id].name;
}

cg_kind cg_fact_kind(int id)
{
  if(id < 0 || id >= CG_F_COUNT)
    return CG_V_UNKNOWN;
  return fact_table[id].kind;
}

const char *cg_kind_name(cg_kind k)
{
  switch(k) {
  case CG_V_NUM:
    return "number";
  case CG_V_STR:
    return "string";
  case CG_V_BOOL:
    return "bool";
  case CG_V_DATE:
    return "date";
  case CG_V_COUNTRY:
    return "country";
  case CG_V_UNKNOWN:
    break;
  }
  return "unknown";
}

static const char *const group_names[CG_GROUP_COUNT] = {
  "D:1", "D:2", "D:3", "D:4", "D:5", "A:1", "A:5", "A:6", "E:1", "E:2"
};

int cg_group_bit(const char *name)
{
  int i;

  if(!name)
    return -1;
  for(i = 0; i < CG_GROUP_COUNT; i++)
    if(strcmp(group_names[i], name) == 0)
      return i;
  return -1;
}

const char *cg_group_name(int i)
{
  if(i < 0 || i >= CG_GROUP_COUNT)
    return NULL;
  return group_names[i];
}

/* Howard Hinnant's days_from_civil / civil_from_days. */
static int32_t days_from_civil(int y, unsigned m, unsigned d)
{
  int era;
  unsigned yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = (unsigned)(y - era * 400);
  doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return (int32_t)(era * 146097 + (int)doe - 719468);
}

static void civil_from_days(int32_t z, int *y_out, unsigned *m_out,
                            unsigned *d_out)
{
  int era;
  unsigned doe, yoe, doy, mp, d, m;
  int y;

  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = (unsigned)(z - era * 146097);
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = (int)yoe + era * 400;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  *y_out = y + (m <= 2);
  *m_out = m;
  *d_out = d;
}

static int is_leap(int y)
{
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int cg_date_parse(const char *s, int32_t *out, cg_error *err)
{
  static const unsigned mdays[12] = { 31, 28, 31, 30, 31, 30,
                                      31, 31, 30, 31, 30, 31 };
  int i, y;
  unsigned m, d, max;

  for(i = 0; i < 10; i++) {
    int want_dash = (i == 4 || i == 7);
    if(!s || !s[i] || (want_dash ? s[i] != '-' : (s[i] < '0' || s[i] > '9')))
      return cg_error_set(err, CG_EINVAL, "bad date '%s': want YYYY-MM-DD",
                          s ? s : "");
  }
  if(s[10] != '\0')
    return cg_error_set(err, CG_EINVAL, "bad date '%s': want YYYY-MM-DD", s);
  y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
      (s[3] - '0');
  m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
  d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
  if(m < 1 || m > 12)
    return cg_error_set(err, CG_EINVAL, "bad date '%s': month %u", s, m);
  max = mdays[m - 1] + (m == 2 && is_leap(y));
  if(d < 1 || d > max)
    return cg_error_set(err, CG_EINVAL, "bad date '%s': day %u", s, d);
  *out = days_from_civil(y, m, d);
  return CG_OK;
}

void cg_date_format(int32_t days, char buf[11])
{
  int y;
  unsigned m, d;

  civil_from_days(days, &y, &m, &d);
  if(y < 0 || y > 9999) {
    snprintf(buf, 11, "0000-00-00");
    return;
  }
  snprintf(buf, 11, "%04d-%02u-%02u", y, m, d);
}

int cg_date_year(int32_t days)
{
  int y;
  unsigned m, d;

  civil_from_days(days, &y, &m, &d);
  return y;
}

void cg_facts_init(cg_facts *f)
{
  memset(f, 0, sizeof(*f));
}

static int check_slot(int id, cg_kind want)
{
  if(id < 0 || id >= CG_F_COUNT || fact_table[id].kind != want)
    return CG_EINVAL;
  return CG_OK;
}

int cg_facts_set_num(cg_facts *f, int id, double v)
{
  if(check_slot(id, CG_V_NUM) != CG_OK)
    return CG_EINVAL;
  f->v[id].kind = CG_V_NUM;
  f->v[id].u.num = v;
  return CG_OK;
}

int cg_facts_set_str(cg_facts *f, int id, const char *s)
{
  if(check_slot(id, CG_V_STR) != CG_OK)
    return CG_EINVAL;
  f->v[id].kind = s ? CG_V_STR : CG_V_UNKNOWN;
  f->v[id].u.str = s;
  return CG_OK;
}

int cg_facts_set_bool(cg_facts *f, int id, int b)
{
  if(check_slot(id, CG_V_BOOL) != CG_OK)
    return CG_EINVAL;
  f->v[id].kind = CG_V_BOOL;
  f->v[id].u.b = b ? 1 : 0;
  return CG_OK;
}

int cg_facts_set_date(cg_facts *f, int id, int32_t days)
{
  if(check_slot(id, CG_V_DATE) != CG_OK)
    return CG_EINVAL;
  f->v[id].kind = CG_V_DATE;
  f->v[id].u.date = days;
  return CG_OK;
}

static int ascii_alpha(char c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

int cg_facts_set_country(cg_facts *f, int id, const char *code,
                         unsigned groups)
{
  cg_value *v;

  if(check_slot(id, CG_V_COUNTRY) != CG_OK || !code || !ascii_alpha(code[0]) ||
     !ascii_alpha(code[1]) || code[2] != '\0')
    return CG_EINVAL;
  v = &f->v[id];
  v->kind = CG_V_COUNTRY;
  v->u.country.code[0] = (char)(code[0] & ~0x20);
  v->u.country.code[1] = (char)(code[1] & ~0x20);
  v->u.country.code[2] = '\0';
  v->u.country.groups = (uint16_t)groups;
  return CG_OK;
}

int cg_facts_set_unknown(cg_facts *f, int id)
{
  if(id < 0 || id >= CG_F_COUNT)
    return CG_EINVAL;
  memset(&f->v[id], 0, sizeof(f->v[id]));
  return CG_OK;
}

void cg_value_format(const cg_value *v, char *buf, unsigned size)
{
  char d[11];

  if(!size)
    return;
  switch((cg_kind)v->kind) {
  case CG_V_NUM:
    cg_text_num_sig(buf, size, v->u.num, 17); /* exact, never rounded */
    break;
  case CG_V_STR:
    snprintf(buf, size, "\"%s\"", v->u.str);
    break;
  case CG_V_BOOL:
    snprintf(buf, size, "%s", v->u.b ? "true" : "false");
    break;
  case CG_V_DATE:
    cg_date_format(v->u.date, d);
    snprintf(buf, size, "%s", d);
    break;
  case CG_V_COUNTRY:
    snprintf(buf, size, "%s", v->u.country.code);
    break;
  case CG_V_UNKNOWN:
  default:
    snprintf(buf, size, "unknown");
    break;
  }
}
