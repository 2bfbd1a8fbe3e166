/* fuzz/fuzz_import_programmes.c — libFuzzer target for `cairn import programmes` (see fuzz_import.h). */
#define FUZZ_KIND IMPORT_PROGRAMMES
#include "fuzz_import.h"
