/* fuzz/fuzz_import_engagement.c — libFuzzer target for `cairn import engagement` (see fuzz_import.h). */
#define FUZZ_KIND IMPORT_ENGAGEMENT
#include "fuzz_import.h"
