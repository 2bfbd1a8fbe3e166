/* fuzz/fuzz_import_attendance.c — libFuzzer target for `cairn import attendance` (see fuzz_import.h). */
#define FUZZ_KIND IMPORT_ATTENDANCE
#include "fuzz_import.h"
