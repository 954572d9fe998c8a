/* RUNNING_ON_VALGRIND: valgrind's own test where its header is installed, else 0, for the
 * tests that size themselves down or skip a case under valgrind. */
#ifndef NUMGRAD_TEST_UNDER_VALGRIND_H
#define NUMGRAD_TEST_UNDER_VALGRIND_H

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif

#endif
