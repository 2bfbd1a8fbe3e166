/* fuzz/fuzz_import_enrolments.c — libFuzzer target for `cairn import enrolments` (see fuzz_import.h). */
#define FUZZ_KIND IMPORT_ENROLMENTS
#include "fuzz_import.h"
