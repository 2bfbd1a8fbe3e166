/* fuzz/fuzz_import_terms.c — libFuzzer target for `cairn import terms` (see fuzz_import.h). */
#define FUZZ_KIND IMPORT_TERMS
#include "fuzz_import.h"
