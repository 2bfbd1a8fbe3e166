/* fuzz/fuzz_import_sites.c — libFuzzer target for `cairn import sites` (see fuzz_import.h). */
#define FUZZ_KIND IMPORT_SITES
#include "fuzz_import.h"
