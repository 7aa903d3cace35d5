/* test_csup_watchdog.c: the leak watchdog's verdicts, one row a sample. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "watchdog.h"

#define MAXSTEPS 16
#define MB (1024LL * 1024)

struct step {
	uint64_t		gen;
	int			procs;
	int64_t			mem;
	enum watchdog_verdict	want;
	const char		*detail;	/* substring expected, or NULL */
};

struct wcase {
	const char		*name;
	struct watchdog_limits	 lim;
	struct step		 steps[MAXSTEPS];
};

#define OK	WATCHDOG_OK
#define LEAK	WATCHDOG_LEAK
#define MEM	WATCHDOG_MEMORY
#define ANOM	WATCHDOG_ANOMALY

static const struct wcase cases[] = {
	{ "no limits, steady", { 0, 0, 0 }, {
		{ 1, 1, MB, OK, NULL }, { 1, 1, MB, OK, NULL }, { 1, 1, MB, OK, NULL }, { 0, -1, 0, 0, NULL } } },
	{ "at the limit is fine", { 5, 0, 0 }, {
		{ 1, 5, MB, OK, NULL }, { 1, 4, MB, OK, NULL }, { 0, -1, 0, 0, NULL } } },
	{ "leak past max_processes", { 5, 0, 0 }, {
		{ 1, 2, MB, OK, NULL }, { 1, 6, MB, LEAK, "6 processes > max_processes 5" },
		{ 0, -1, 0, 0, NULL } } },
	{ "leak asked once a generation", { 5, 0, 0 }, {
		{ 1, 6, MB, LEAK, "6 processes" }, { 1, 7, MB, OK, NULL }, { 1, 9, MB, OK, NULL },
		{ 2, 1, MB, OK, NULL }, { 2, 8, MB, LEAK, "8 processes > max_processes 5" },
		{ 0, -1, 0, 0, NULL } } },
	{ "memory past max_memory_restart", { 0, 100 * MB, 0 }, {
		{ 1, 1, 50 * MB, OK, NULL }, { 1, 1, 100 * MB, OK, NULL },
		{ 1, 1, 100 * MB + 1, MEM, "> max_memory_restart 100" },
		{ 1, 1, 300 * MB, OK, NULL }, { 0, -1, 0, 0, NULL } } },
	{ "memory detail names both sizes", { 0, 100 * MB, 0 }, {
		{ 1, 1, 150 * MB, MEM, "memory 150M (157286400 bytes) > max_memory_restart 100M (104857600 bytes)" },
		{ 0, -1, 0, 0, NULL } } },
	{ "leak wins over memory", { 3, 10 * MB, 0 }, {
		{ 1, 4, 20 * MB, LEAK, "4 processes > max_processes 3" }, { 0, -1, 0, 0, NULL } } },
	{ "anomaly after 5 rises, once", { 0, 0, 0 }, {
		{ 1, 1, MB, OK, NULL }, { 1, 2, MB, OK, NULL }, { 1, 3, MB, OK, NULL },
		{ 1, 4, MB, OK, NULL }, { 1, 5, MB, OK, NULL },
		{ 1, 6, MB, ANOM, "rose 5 samples in a row, from 1 to 6" },
		{ 1, 7, MB, OK, NULL }, { 1, 8, MB, OK, NULL }, { 0, -1, 0, 0, NULL } } },
	{ "a flat sample ends the rise", { 0, 0, 0 }, {
		{ 1, 1, MB, OK, NULL }, { 1, 2, MB, OK, NULL }, { 1, 3, MB, OK, NULL },
		{ 1, 4, MB, OK, NULL }, { 1, 4, MB, OK, NULL }, { 1, 5, MB, OK, NULL },
		{ 1, 6, MB, OK, NULL }, { 1, 7, MB, OK, NULL }, { 1, 8, MB, OK, NULL },
		{ 1, 9, MB, ANOM, "from 4 to 9" }, { 0, -1, 0, 0, NULL } } },
	{ "a second rise is reported again", { 0, 0, 3 }, {
		{ 1, 1, MB, OK, NULL }, { 1, 2, MB, OK, NULL }, { 1, 3, MB, OK, NULL },
		{ 1, 4, MB, ANOM, "rose 3 samples in a row, from 1 to 4" },
		{ 1, 2, MB, OK, NULL }, { 1, 3, MB, OK, NULL }, { 1, 4, MB, OK, NULL },
		{ 1, 5, MB, ANOM, "from 2 to 5" }, { 0, -1, 0, 0, NULL } } },
	{ "a new generation restarts the count", { 0, 0, 3 }, {
		{ 1, 1, MB, OK, NULL }, { 1, 2, MB, OK, NULL }, { 1, 3, MB, OK, NULL },
		{ 2, 4, MB, OK, NULL }, { 2, 5, MB, OK, NULL }, { 2, 6, MB, OK, NULL },
		{ 2, 7, MB, ANOM, "from 4 to 7" }, { 0, -1, 0, 0, NULL } } },
	{ "a rise past the limit restarts, not anomaly", { 4, 0, 3 }, {
		{ 1, 1, MB, OK, NULL }, { 1, 2, MB, OK, NULL }, { 1, 3, MB, OK, NULL },
		{ 1, 5, MB, LEAK, "5 processes > max_processes 4" }, { 0, -1, 0, 0, NULL } } },
};

static void run_case(const struct wcase *c)
{
	struct watchdog w;
	struct watchdog_event ev;
	const struct step *s;
	int i;

	watchdog_init(&w);
	for (i = 0; i < MAXSTEPS && c->steps[i].procs >= 0; i++) {
		s = &c->steps[i];
		enum watchdog_verdict v = watchdog_feed(&w, &c->lim, s->gen, s->procs, s->mem, &ev);
		if (v != s->want || ev.verdict != v)
			fail_msg("%s: step %d: verdict %d, want %d (%s)", c->name, i, v,
			    s->want, ev.detail);
		if (s->detail != NULL && strstr(ev.detail, s->detail) == NULL)
			fail_msg("%s: step %d: detail \"%s\" lacks \"%s\"", c->name, i,
			    ev.detail, s->detail);
		if (v == WATCHDOG_OK && ev.detail[0] != '\0')
			fail_msg("%s: step %d: detail on OK: %s", c->name, i, ev.detail);
		assert_int_equal(ev.restart, v == WATCHDOG_LEAK || v == WATCHDOG_MEMORY);
	}
}

static void test_table(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
}

static void test_kind(void **state)
{
	assert_string_equal(watchdog_kind(WATCHDOG_LEAK), "leak");
	assert_string_equal(watchdog_kind(WATCHDOG_MEMORY), "memory");
	assert_string_equal(watchdog_kind(WATCHDOG_ANOMALY), "anomaly");
	assert_null(watchdog_kind(WATCHDOG_OK));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_kind),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
