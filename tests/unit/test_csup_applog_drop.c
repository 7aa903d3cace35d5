/*
 * test_csup_applog_drop.c: the dropped-lines record shared by a logger and
 * the daemon (applog_drop.c): counts add up, the daemon takes each line
 * once, the count survives reopening (a daemon that was down), and a
 * garbled record restarts from zero instead of failing.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "applog.h"


struct step {
	char			 op;	/* 'o' open, 'a' add, 't' take, 'c' close, 'g' garble */
	unsigned long long	 n;	/* add: lines; take: lines expected */
	int			 err;	/* add: errno to record; take: expected */
};

static const struct step steps[] = {
	{ 't', 0, 0 },			/* no file yet: nothing */
	{ 'o', 0, 0 },
	{ 't', 0, 0 },
	{ 'a', 3, ENOSPC },
	{ 'a', 2, ENOSPC },
	{ 't', 5, ENOSPC },
	{ 't', 0, 0 },			/* taken once */
	{ 'a', 1, EIO },
	{ 'c', 0, 0 },			/* the logger exits, the daemon is down */
	{ 'o', 0, 0 },			/* a new generation's logger */
	{ 'a', 4, EFBIG },
	{ 't', 5, EFBIG },
	{ 'g', 0, 0 },
	{ 'a', 2, ENOSPC },
	{ 't', 2, ENOSPC },
};

static void test_steps(void **state)
{
	char dir[] = "/tmp/csup-drop.XXXXXX", path[PATH_MAX];
	unsigned long long n;
	int fd = -1, err, g;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/.app.dropped", dir);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		const struct step *s = &steps[i];

		switch (s->op) {
		case 'o':
			assert_true((fd = applog_drop_open(path)) >= 0);
			break;
		case 'a':
			assert_int_equal(applog_drop_add(fd, s->n, s->err), 0);
			break;
		case 't':
			assert_int_equal(applog_drop_take(path, &n, &err), 0);
			if (n != s->n || (s->n && err != s->err))
				fail_msg("step %zu: took %llu (errno %d)", i, n, err);
			break;
		case 'c':
			close(fd);
			fd = -1;
			break;
		case 'g':
			assert_true((g = open(path, O_WRONLY | O_TRUNC)) >= 0);
			assert_int_equal(write(g, "garbage\n", 8), 8);
			close(g);
			break;
		}
	}
	close(fd);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_steps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
