/* han_table.c -- the Han reading table of translit.h: the generated data
 * (han_readings.inc, made by tests/tools/gen_han_table.c from ICU) and
 * its bounds. */
#include "core/translit.h"

#include "core/han_readings.inc"

const int cg_han_first = CG_HAN_FIRST;
const int cg_han_count = CG_HAN_COUNT;
const int cg_han_n_syllables = CG_HAN_N_SYLLABLES;
