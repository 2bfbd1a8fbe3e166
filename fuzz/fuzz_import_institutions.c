/* fuzz/fuzz_import_institutions.c — libFuzzer target for `cairn import institutions` (see fuzz_import.h). */
#define FUZZ_KIND IMPORT_INSTITUTIONS
#include "fuzz_import.h"
