/* fuzz/fuzz_import_behaviour.c — libFuzzer target for `cairn import behaviour` (see fuzz_import.h). */
#define FUZZ_KIND IMPORT_BEHAVIOUR
#include "fuzz_import.h"
