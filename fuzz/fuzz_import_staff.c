/* fuzz/fuzz_import_staff.c — libFuzzer target for `cairn import staff` (see fuzz_import.h). */
#define FUZZ_KIND IMPORT_STAFF
#include "fuzz_import.h"
