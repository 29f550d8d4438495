/* facts.h -- the facts of one order, as the rule evaluator reads them.
 *
 * This is the contract between `decide` (which fills a cg_facts) and the
 * rule evaluator (which reads it by index, never by name); the second
 * public header of rules/ (see rules.h for why it is separate). Every fact is
 * a cg_value slot that starts UNKNOWN; decide sets what it knows with the
 * cg_facts_set_* functions. Strings are borrowed: they must outlive every
 * evaluation that reads them. Nothing here allocates or frees.
 *
 * Dates are int32 days since 1970-01-01 (proleptic Gregorian, UTC), so date
 * comparisons are integer comparisons. A COUNTRY value is an ISO 3166-1
 * alpha-2 code plus the bitmask (CG_GROUP_*) of the country groups the
 * country belongs to AS OF the order date; decide fills the mask. */
#ifndef CG_RULES_FACTS_H
#define CG_RULES_FACTS_H

#include <stdint.h>

#include "core/error.h"

/* Kinds of value, and the declared types of facts. */
typedef enum cg_kind {
  CG_V_UNKNOWN = 0, /* not known (the default of every slot) */
  CG_V_NUM,         /* double */
  CG_V_STR,         /* const char *, borrowed, UTF-8 */
  CG_V_BOOL,        /* 0 or 1 */
  CG_V_DATE,        /* days since 1970-01-01 */
  CG_V_COUNTRY      /* ISO-2 code + group bitmask */
} cg_kind;

typedef struct cg_value {
  uint8_t kind; /* cg_kind */
  union {
    double num;      /* CG_V_NUM */
    const char *str; /* CG_V_STR (borrowed) */
    int b;           /* CG_V_BOOL */
    int32_t date;    /* CG_V_DATE */
    struct {
      char code[3];    /* "CN", NUL-terminated */
      uint16_t groups; /* CG_GROUP_* bits as of the order date */
    } country;         /* CG_V_COUNTRY */
  } u;
} cg_value;

/* Fact ids. The order is part of the ABI of a compiled pack only; names
 * (cg_fact_name) are the stable interface for people. */
enum {
  /* chip */
  CG_F_CHIP_NAME,            /* STR */
  CG_F_CHIP_VENDOR,          /* STR */
  CG_F_CHIP_TPP,             /* NUM total processing performance (dense) */
  CG_F_CHIP_PD,              /* NUM performance density, TPP / mm2 */
  CG_F_CHIP_NODE,            /* STR process node label, e.g. "N4P" */
  CG_F_CHIP_NODE_NM,         /* NUM nm class of the node */
  CG_F_CHIP_NONPLANAR,       /* BOOL FinFET/GAA */
  CG_F_CHIP_LOGIC_IC,        /* BOOL a logic IC (not memory) */
  CG_F_CHIP_DATACENTER,      /* BOOL designed or marketed for datacenters */
  CG_F_CHIP_HBM,             /* BOOL the package contains HBM */
  CG_F_CHIP_HBM_STACK,       /* BOOL the item IS an HBM stack (3A090.c) */
  CG_F_CHIP_TRANSISTORS,     /* NUM aggregated transistor count, billions */
  CG_F_CHIP_DIE_AREA,        /* NUM applicable die area, mm2 */
  CG_F_CHIP_DRAM_BW,         /* NUM total DRAM bandwidth, GB/s */
  CG_F_CHIP_TOPS,            /* NUM max dense TOP/s over precisions */
  CG_F_CHIP_HBM_DENSITY,     /* NUM memory bandwidth density, GB/s/mm2 */
  CG_F_CHIP_INTERCONNECT_BW, /* NUM bidirectional chip-to-chip I/O, GB/s
                                (the 2022 3A090 test) */
  /* item: what is shipped -- the IC itself or a board/system holding it */
  CG_F_ITEM_KIND, /* STR ic|board|system */
  CG_F_ITEM_ICS,  /* NUM ICs per unit (1 for an IC) */
  /* customer */
  CG_F_CUSTOMER_NAME,              /* STR */
  CG_F_CUSTOMER_COUNTRY,           /* COUNTRY where located */
  CG_F_CUSTOMER_HQ,                /* COUNTRY headquarters */
  CG_F_CUSTOMER_PARENT_HQ,         /* COUNTRY ultimate parent's HQ (= hq
                                      when there is no parent) */
  CG_F_CUSTOMER_ROLE,              /* STR designer|osat|distributor|end_user */
  CG_F_CUSTOMER_LISTED,            /* BOOL sure Entity List hit */
  CG_F_CUSTOMER_LIST_POLICY,       /* STR review policy of the entry */
  CG_F_CUSTOMER_LIST_FOOTNOTE,     /* STR "", "fn1", "fn4", "fn5" */
  CG_F_CUSTOMER_LIST_ENTRY,        /* STR name of the matched entry */
  CG_F_CUSTOMER_LIST_CITE,         /* STR FR notice of the entry */
  CG_F_CUSTOMER_SCREEN_HOLD,       /* BOOL possible hit needing review */
  CG_F_CUSTOMER_DENIED,            /* BOOL sure Denied Persons List hit */
  CG_F_CUSTOMER_BLOCKED,           /* BOOL sure SDN / OFAC blocking hit */
  CG_F_CUSTOMER_UNVERIFIED,        /* BOOL sure Unverified List hit */
  CG_F_CUSTOMER_MEU,               /* BOOL sure Military End-User List hit */
  CG_F_CUSTOMER_DESIGNER,          /* STR approved|authorized|none */
  CG_F_CUSTOMER_APPROVED_OSAT,     /* BOOL */
  CG_F_CUSTOMER_MAJORITY_OWNED_D5, /* BOOL majority-owned by D:5/MO HQ */
  /* order */
  CG_F_ORDER_QTY,             /* NUM */
  CG_F_ORDER_DATE,            /* DATE as-of date (alias: `date`) */
  CG_F_ORDER_END_USE,         /* STR free text; "" when none stated */
  CG_F_ORDER_ROLE,            /* STR fab|osat|distributor */
  CG_F_ORDER_PACKAGER,        /* STR fab_outside_d5mo|approved_osat|other */
  CG_F_ORDER_EXPORT_FROM_US,  /* BOOL */
  CG_F_ORDER_NAC_DAYS,        /* NUM days since NAC notification */
  CG_F_ORDER_NAC_OBJECTED,    /* BOOL BIS objected to the notification */
  CG_F_ORDER_ATTESTED,        /* BOOL designer TPP/PD attestation on file */
  CG_F_ORDER_END_USE_COUNTRY, /* COUNTRY where the items will be used
                                 (defaults to dest) */
  CG_F_ORDER_END_USER_HQ,     /* COUNTRY end user's (ultimate) HQ (defaults
                                 to customer.parent_hq) */
  CG_F_ORDER_ADDRESS,         /* STR ship-to / end-use address text; ""
                                 when none */
  /* destination and classification */
  CG_F_DEST, /* COUNTRY */
  CG_F_ECCN, /* STR set by classify rules (decide may preset it) */
  CG_F_COUNT
};

/* Country groups (15 CFR 740 Supp. 1), one bit each. */
enum {
  CG_GROUP_D1 = 1 << 0,
  CG_GROUP_D2 = 1 << 1,
  CG_GROUP_D3 = 1 << 2,
  CG_GROUP_D4 = 1 << 3,
  CG_GROUP_D5 = 1 << 4,
  CG_GROUP_A1 = 1 << 5,
  CG_GROUP_A5 = 1 << 6,
  CG_GROUP_A6 = 1 << 7,
  CG_GROUP_E1 = 1 << 8,
  CG_GROUP_E2 = 1 << 9,
  CG_GROUP_COUNT = 10
};

typedef struct cg_facts {
  cg_value v[CG_F_COUNT]; /* indexed by CG_F_* */
} cg_facts;

/* ---- Fact table ------------------------------------------------------ */

/* Id of a fact name ("chip.tpp", alias "date"), or -1. */
int cg_fact_id(const char *name);

/* Canonical name of a fact id, or NULL when out of range. */
const char *cg_fact_name(int id);

/* Declared kind (CG_V_*) of a fact id, or CG_V_UNKNOWN if out of range. */
cg_kind cg_fact_kind(int id);

/* Name of a kind: "number", "string", "bool", "date", "country". */
const char *cg_kind_name(cg_kind k);

/* ---- Country groups -------------------------------------------------- */

/* Bit of a group name ("D:5") or -1 for an unknown name. */
int cg_group_bit(const char *name);

/* Name of bit index i (0 <= i < CG_GROUP_COUNT), else NULL. */
const char *cg_group_name(int i);

/* ---- Dates ----------------------------------------------------------- */

/* Parses "YYYY-MM-DD" (exactly) into days since 1970-01-01. CG_EINVAL on
 * a malformed or impossible date (2025-02-30). */
int cg_date_parse(const char *s, int32_t *out, cg_error *err);

/* Writes YYYY-MM-DD (11 bytes with NUL) into buf. */
void cg_date_format(int32_t days, char buf[11]);

/* Calendar year of a day number. */
int cg_date_year(int32_t days);

/* ---- Setting facts --------------------------------------------------- */

/* Sets every fact UNKNOWN. Cannot fail. */
void cg_facts_init(cg_facts *f);

/* Typed setters: CG_EINVAL (and nothing set) when id is out of range or
 * its declared kind differs. Strings are borrowed; NULL sets UNKNOWN. */
int cg_facts_set_num(cg_facts *f, int id, double v);
int cg_facts_set_str(cg_facts *f, int id, const char *s);
int cg_facts_set_bool(cg_facts *f, int id, int b);
int cg_facts_set_date(cg_facts *f, int id, int32_t days);
/* code must be two ASCII letters (upper-cased on copy). */
int cg_facts_set_country(cg_facts *f, int id, const char *code,
                         unsigned groups);
int cg_facts_set_unknown(cg_facts *f, int id);

/* Formats a value for traces: numbers %g, strings quoted, dates ISO,
 * countries as the code, "unknown". Always NUL-terminates. */
void cg_value_format(const cg_value *v, char *buf, unsigned size);

#endif
