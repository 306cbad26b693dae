#include "check.h"
const mm_test tests_model[] = {{NULL, NULL}};
