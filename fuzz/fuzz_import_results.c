/* fuzz/fuzz_import_results.c — libFuzzer target for `cairn import results` (see fuzz_import.h). */
#define FUZZ_KIND IMPORT_RESULTS
#include "fuzz_import.h"
