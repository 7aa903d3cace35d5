/*
 * require.h: a missing capability skips a unit test on a developer's
 * machine and fails it where everything must run (CI=true, set by CI, or
 * CSUP_REQUIRE_ALL=1): a skipped test counts as passed in ctest.
 * Include after <cmocka.h>.
 */
#ifndef CSUP_TEST_REQUIRE_H
#define CSUP_TEST_REQUIRE_H

#include <stdlib.h>
#include <string.h>

static inline int require_all(void)
{
	const char *ci = getenv("CI"), *all = getenv("CSUP_REQUIRE_ALL");

	return (ci != NULL && strcmp(ci, "true") == 0) ||
	    (all != NULL && strcmp(all, "1") == 0);
}

/* Skips the test, or fails it (naming what is missing) under CI. */
#define require_or_skip(why) do {					\
	if (require_all())						\
		fail_msg("required capability missing (CI=true or "	\
		    "CSUP_REQUIRE_ALL=1): %s", (why));			\
	skip();								\
} while (0)

#endif
