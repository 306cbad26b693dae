#include "check.h"
const mm_test tests_api[] = {{NULL, NULL}};
