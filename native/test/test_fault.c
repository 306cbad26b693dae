#include "check.h"
const mm_test tests_fault[] = {{NULL, NULL}};
