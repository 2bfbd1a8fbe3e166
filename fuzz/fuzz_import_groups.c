/* fuzz/fuzz_import_groups.c — libFuzzer target for `cairn import groups` (see fuzz_import.h). */
#define FUZZ_KIND IMPORT_GROUPS
#include "fuzz_import.h"
