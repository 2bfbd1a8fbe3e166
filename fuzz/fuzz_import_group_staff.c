/* fuzz/fuzz_import_group_staff.c — libFuzzer target for `cairn import group_staff` (see fuzz_import.h). */
#define FUZZ_KIND IMPORT_GROUP_STAFF
#include "fuzz_import.h"
