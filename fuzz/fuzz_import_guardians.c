/* fuzz/fuzz_import_guardians.c — libFuzzer target for `cairn import guardians` (see fuzz_import.h). */
#define FUZZ_KIND IMPORT_GUARDIANS
#include "fuzz_import.h"
