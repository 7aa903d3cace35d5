/* test_csup_systemd.c: values as systemd's unit parser must read them back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "systemd.h"

struct put_case {
	const char	*in;
	int		 rc;
	const char	*out;	/* what is written when rc is 0 */
};

typedef int (*put_fn)(FILE *, const char *);

static void run_put(put_fn fn, const struct put_case *cases, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		int rc;

		assert_non_null(f);
		rc = fn(f, cases[i].in);
		assert_int_equal(fclose(f), 0);
		if (rc != cases[i].rc)
			fail_msg("case %zu (%s): rc %d, want %d", i, cases[i].in, rc, cases[i].rc);
		if (rc == 0 && strcmp(buf, cases[i].out) != 0)
			fail_msg("case %zu (%s): got [%s], want [%s]", i, cases[i].in, buf,
			    cases[i].out);
		if (rc != 0 && len != 0)
			fail_msg("case %zu (%s): wrote [%s] on failure", i, cases[i].in, buf);
		free(buf);
	}
}

static void test_exec_word(void **state)
{
	static const struct put_case cases[] = {
		{ "plain", 0, "plain" },
		{ "/usr/bin/node", 0, "/usr/bin/node" },
		{ "--port=3000", 0, "--port=3000" },
		{ "", 0, "\"\"" },
		{ ";", 0, "\";\"" },		/* a lone ; separates commands */
		{ "a;b", 0, "a;b" },
		{ "a b", 0, "\"a b\"" },
		{ "50%", 0, "50%%" },		/* specifiers */
		{ "$HOME", 0, "$$HOME" },	/* exec-time variable expansion */
		{ "say \"hi\"", 0, "\"say \\\"hi\\\"\"" },
		{ "it's", 0, "\"it's\"" },
		{ "back\\slash", 0, "\"back\\\\slash\"" },
		{ "tab\tx", 0, "\"tab\\tx\"" },
		{ "nl\nx", 0, "\"nl\\nx\"" },
		{ "\x01", 0, "\"\\x01\"" },
		{ "sleep 1 && echo $X%", 0, "\"sleep 1 && echo $$X%%\"" },
	};
	(void)state;
	run_put(systemd_put_exec_word, cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_env(void **state)
{
	static const struct put_case cases[] = {
		{ "A=b", 0, "\"A=b\"" },
		{ "PORT=3000", 0, "\"PORT=3000\"" },
		{ "_X1=", 0, "\"_X1=\"" },
		{ "A=b c", 0, "\"A=b c\"" },
		{ "A=$x %y", 0, "\"A=$x %%y\"" },	/* no $ expansion in Environment= */
		{ "A=\"q\"\\", 0, "\"A=\\\"q\\\"\\\\\"" },
		{ "A=l1\nl2", 0, "\"A=l1\\nl2\"" },
		{ "A=t\tt", 0, "\"A=t\\tt\"" },
		{ "A=x=y", 0, "\"A=x=y\"" },
		{ "1A=b", -1, NULL },
		{ "A-B=c", -1, NULL },
		{ "=c", -1, NULL },
		{ "noeq", -1, NULL },
		{ "A=\x01", -1, NULL },
	};
	(void)state;
	run_put(systemd_put_env, cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_path(void **state)
{
	static const struct put_case cases[] = {
		{ "/srv/app", 0, "/srv/app" },
		{ "/srv/my app", 0, "/srv/my app" },
		{ "/srv/50%", 0, "/srv/50%%" },
		{ "/srv/$x\\y\"", 0, "/srv/$x\\y\"" },	/* taken as it is */
		{ "/", 0, "/" },
		{ "relative", -1, NULL },
		{ "/a/../b", -1, NULL },
		{ "/a/..", -1, NULL },
		{ "/a ", -1, NULL },
		{ "/a\nb", -1, NULL },
	};
	(void)state;
	run_put(systemd_put_path, cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_normalize(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "/", "/" },
		{ "/a", "/a" },
		{ "/a/", "/a" },
		{ "//a", "/a" },
		{ "/a//b", "/a/b" },
		{ "/./a/.", "/a" },
		{ "/a/b/../c", "/a/c" },
		{ "/a/b/..", "/a" },
		{ "/a/..", "/" },
		{ "/..", "/" },
		{ "/../../x", "/x" },
		{ "/a/.b/..c", "/a/.b/..c" },
	};
	size_t i;
	char buf[64];

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(buf, sizeof(buf), "%s", cases[i].in);
		sdunit_path_normalize(buf);
		if (strcmp(buf, cases[i].out) != 0)
			fail_msg("%s: got %s, want %s", cases[i].in, buf, cases[i].out);
	}
}

static void test_join(void **state)
{
	char *p;

	(void)state;
	p = sdunit_path_join("/srv/app", "./bin/../run.sh");
	assert_string_equal(p, "/srv/app/run.sh");
	free(p);
	p = sdunit_path_join("/srv/app", "/usr/bin/env");
	assert_string_equal(p, "/usr/bin/env");
	free(p);
}

/* ---- one app's unit: the mapping of each field ----------------------------- */

static void set_kill0(struct app_config *a) { a->kill_timeout_ms = 0; }
static void set_norestart(struct app_config *a) { a->autorestart = false; }
static void set_main(struct app_config *a) { a->kill_mode = KILL_MODE_MAIN; }
static void set_ready(struct app_config *a) { a->wait_ready = true; }
static void set_burst0(struct app_config *a) { a->max_restarts = 0; }
static void set_delay(struct app_config *a) { a->restart_delay_ms = 500; }
static void set_limits(struct app_config *a)
{
	a->max_memory_restart = 1 << 20;
	a->max_processes = 7;
	a->kill_signal = 15;
}

static const struct unit_case {
	void		(*set)(struct app_config *);
	const char	*want[6];	/* lines the unit must hold */
} unit_cases[] = {
	{ NULL, { "Type=exec", "KillMode=control-group", "KillSignal=SIGINT",
	    "TimeoutStopSec=1600ms", "Restart=on-failure", "StartLimitBurst=17" } },
	{ NULL, { "ExecStart=/bin/sh -c \"echo $$HOME 100%%\"", "WorkingDirectory=/",
	    "RestartSec=0ms", "StartLimitIntervalSec=17000ms", "WantedBy=multi-user.target",
	    "[Install]" } },
	{ set_kill0, { "TimeoutStopSec=1ms" } },	/* 0 would be "never" */
	{ set_norestart, { "Restart=no" } },
	{ set_main, { "KillMode=mixed" } },
	{ set_ready, { "Type=notify", "NotifyAccess=all", "TimeoutStartSec=3000ms" } },
	{ set_burst0, { "StartLimitBurst=1", "StartLimitIntervalSec=1000ms" } },
	{ set_delay, { "RestartSec=500ms", "StartLimitIntervalSec=25500ms" } },
	{ set_limits, { "MemoryMax=1048576", "TasksMax=7", "KillSignal=SIGTERM" } },
};

static char **argv3(const char *a, const char *b, const char *c)
{
	char **v = calloc(4, sizeof(*v));

	assert_non_null(v);
	v[0] = strdup(a);
	v[1] = strdup(b);
	v[2] = strdup(c);
	return v;
}

static void test_app_unit(void **state)
{
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(unit_cases) / sizeof(unit_cases[0]); i++) {
		struct app_config a;
		char err[256], *buf = NULL, line[256];
		size_t len = 0;
		FILE *f;

		config_app_defaults(&a);
		a.name = strdup("web");
		a.cwd = strdup("/");
		free(a.exec_argv);
		a.exec_argv = argv3("/bin/sh", "-c", "echo $HOME 100%");
		if (unit_cases[i].set)
			unit_cases[i].set(&a);
		f = open_memstream(&buf, &len);
		assert_non_null(f);
		if (sdunit_write_app(f, &a, "eco.yaml", false, err, sizeof(err)) != 0)
			fail_msg("case %zu: %s", i, err);
		assert_int_equal(fclose(f), 0);
		for (j = 0; j < 6 && unit_cases[i].want[j]; j++) {
			snprintf(line, sizeof(line), "\n%s\n", unit_cases[i].want[j]);
			if (strstr(buf, line) == NULL)
				fail_msg("case %zu: no line %s in:\n%s", i, unit_cases[i].want[j], buf);
		}
		free(buf);
		config_app_free(&a);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exec_word),
		cmocka_unit_test(test_env),
		cmocka_unit_test(test_path),
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_join),
		cmocka_unit_test(test_app_unit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
