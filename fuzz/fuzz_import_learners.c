/* fuzz/fuzz_import_learners.c — libFuzzer target for `cairn import learners` (see fuzz_import.h). */
#define FUZZ_KIND IMPORT_LEARNERS
#include "fuzz_import.h"
