#include "check.h"
const mm_test tests_scenario[] = {{NULL, NULL}};
