/*
 * test_csup_metrics.c: /metrics text checked by a small parser of the
 * Prometheus text exposition format 0.0.4 (comments, HELP/TYPE, samples,
 * label escaping, families contiguous, TYPE before samples).
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "metrics.h"

#define MAXS 64
#define MAXF 16

struct psample {
	char	name[64];
	char	label[8][2][128];	/* name, unescaped value */
	int	nlabels;
	double	value;
};

struct parsed {
	struct psample	s[MAXS];
	int		n;
	char		fam[MAXF][64];	/* families in order of TYPE */
	char		type[MAXF][16];
	int		has_help[MAXF];
	int		nfam;
};

static int name_char(int c, int first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	    c == ':' || (!first && c >= '0' && c <= '9');
}

/* Reads a metric or label name into out; returns the char after it. */
static const char *pname(const char *p, char *out, size_t len)
{
	size_t i = 0;

	if (!name_char((unsigned char)*p, 1))
		return NULL;
	while (name_char((unsigned char)*p, 0) && i + 1 < len)
		out[i++] = *p++;
	out[i] = '\0';
	return p;
}

static const char *plabel_value(const char *p, char *out, size_t len)
{
	size_t i = 0;

	if (*p++ != '"')
		return NULL;
	for (; *p != '"'; p++) {
		if (*p == '\0' || *p == '\n' || i + 1 >= len)
			return NULL;
		if (*p == '\\') {
			p++;
			if (*p == 'n')
				out[i++] = '\n';
			else if (*p == '\\' || *p == '"')
				out[i++] = *p;
			else
				return NULL;
		} else {
			out[i++] = *p;
		}
	}
	out[i] = '\0';
	return p + 1;
}

static int family_of(const struct parsed *ps, const char *name)
{
	int i;

	for (i = 0; i < ps->nfam; i++)
		if (strcmp(ps->fam[i], name) == 0)
			return i;
	return -1;
}

static const char *psample_line(struct parsed *ps, const char *p, int *cur)
{
	struct psample *s = &ps->s[ps->n];
	char *end;
	int f;

	if (ps->n >= MAXS || (p = pname(p, s->name, sizeof(s->name))) == NULL)
		return NULL;
	f = family_of(ps, s->name);
	if (f == -1 || (f != *cur && *cur != -1 && f < *cur))
		return NULL;		/* no TYPE before, or family not contiguous */
	*cur = f;
	if (*p == '{') {
		p++;
		while (*p != '}') {
			if (s->nlabels == 8 ||
			    (p = pname(p, s->label[s->nlabels][0], 128)) == NULL ||
			    *p++ != '=' ||
			    (p = plabel_value(p, s->label[s->nlabels][1], 128)) == NULL)
				return NULL;
			s->nlabels++;
			if (*p == ',')
				p++;
			else if (*p != '}')
				return NULL;
		}
		p++;
	}
	if (*p++ != ' ')
		return NULL;
	errno = 0;
	s->value = strtod(p, &end);
	if (end == p || errno != 0)
		return NULL;
	p = end;
	if (*p == ' ') {		/* optional timestamp */
		strtoll(p + 1, &end, 10);
		if (end == p + 1)
			return NULL;
		p = end;
	}
	ps->n++;
	return *p == '\n' ? p + 1 : NULL;
}

static const char *pcomment(struct parsed *ps, const char *p)
{
	char name[64], kind[16];
	const char *nl = strchr(p, '\n');
	int f, n;

	if (nl == NULL)
		return NULL;
	if (strncmp(p, "# TYPE ", 7) == 0) {
		if ((p = pname(p + 7, name, sizeof(name))) == NULL || *p++ != ' ')
			return NULL;
		n = (int)(nl - p);
		if (n <= 0 || n >= (int)sizeof(kind))
			return NULL;
		memcpy(kind, p, (size_t)n);
		kind[n] = '\0';
		if (strcmp(kind, "counter") && strcmp(kind, "gauge") &&
		    strcmp(kind, "histogram") && strcmp(kind, "summary") && strcmp(kind, "untyped"))
			return NULL;
		if (family_of(ps, name) != -1 || ps->nfam == MAXF)
			return NULL;	/* a second TYPE */
		for (f = 0; f < ps->n; f++)
			if (strcmp(ps->s[f].name, name) == 0)
				return NULL;	/* TYPE after samples */
		strcpy(ps->fam[ps->nfam], name);
		strcpy(ps->type[ps->nfam++], kind);
	} else if (strncmp(p, "# HELP ", 7) == 0) {
		if ((p = pname(p + 7, name, sizeof(name))) == NULL || *p != ' ')
			return NULL;
		for (; p < nl; p++)
			if (*p == '\\' && p[1] != '\\' && p[1] != 'n')
				return NULL;
		if ((f = family_of(ps, name)) != -1)
			return NULL;	/* HELP after TYPE is legal but we emit it first */
		if (ps->nfam < MAXF)
			ps->has_help[ps->nfam] = 1;
	}
	return nl + 1;
}

/* 0 when text is valid exposition format; fills *ps. */
static int parse(const char *text, struct parsed *ps)
{
	const char *p = text;
	int cur = -1;

	memset(ps, 0, sizeof(*ps));
	if (*text == '\0' || text[strlen(text) - 1] != '\n')
		return -1;
	while (*p != '\0') {
		if (*p == '\n')
			p++;
		else if (*p == '#')
			p = pcomment(ps, p);
		else
			p = psample_line(ps, p, &cur);
		if (p == NULL)
			return -1;
	}
	return 0;
}

static const struct psample *find(const struct parsed *ps, const char *name, const char *app)
{
	int i;

	for (i = 0; i < ps->n; i++) {
		if (strcmp(ps->s[i].name, name) != 0)
			continue;
		if (app == NULL && ps->s[i].nlabels == 0)
			return &ps->s[i];
		if (app != NULL && ps->s[i].nlabels == 1 &&
		    strcmp(ps->s[i].label[0][0], "app") == 0 &&
		    strcmp(ps->s[i].label[0][1], app) == 0)
			return &ps->s[i];
	}
	return NULL;
}

static double value(const struct parsed *ps, const char *name, const char *app)
{
	const struct psample *s = find(ps, name, app);

	if (s == NULL)
		fail_msg("no sample %s{app=%s}", name, app ? app : "-");
	return s->value;
}

static char *render(const char *json, uint64_t orphans, uint64_t leaks)
{
	struct metrics_counters c = { orphans, leaks };
	json_t *apps = json_loads(json, 0, NULL);
	char *text;
	size_t len;

	assert_non_null(apps);
	text = metrics_render(apps, &c, &len);
	json_decref(apps);
	assert_non_null(text);
	assert_int_equal(len, strlen(text));
	return text;
}

/* The parser itself must reject what the format forbids. */
static void test_parser_rejects(void **state)
{
	static const char *bad[] = {
		"x 1\n",					/* no TYPE */
		"# TYPE x gauge\nx 1",				/* no final newline */
		"# TYPE x gauge\nx{a=\"b} 1\n",			/* open quote */
		"# TYPE x gauge\nx{a=\"\\q\"} 1\n",		/* bad escape */
		"# TYPE x gauge\nx{1a=\"b\"} 1\n",		/* bad label name */
		"# TYPE x gauge\nx abc\n",			/* bad value */
		"# TYPE x gauge\n# TYPE x gauge\nx 1\n",	/* TYPE twice */
		"# TYPE x gauge\n# TYPE y gauge\nx 1\ny 1\nx 2\n",	/* not contiguous */
		"# TYPE x wobble\nx 1\n",			/* bad type */
	};
	struct parsed ps;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (parse(bad[i], &ps) == 0)
			fail_msg("parser accepted: %s", bad[i]);
	assert_int_equal(parse("# TYPE x gauge\nx{a=\"b\",c=\"d\"} 1.5 1700000000000\n", &ps), 0);
	assert_int_equal(ps.n, 1);
	assert_int_equal(ps.s[0].nlabels, 2);
}

static void test_two_apps(void **state)
{
	static const struct { const char *name, *type; } fams[] = {
		{ "csup_app_up", "gauge" }, { "csup_app_restarts_total", "counter" },
		{ "csup_app_processes", "gauge" }, { "csup_app_memory_bytes", "gauge" },
		{ "csup_app_cpu_seconds_total", "counter" },
		{ "csup_app_oom_kills_total", "counter" },
		{ "csup_orphans_killed_total", "counter" },
		{ "csup_leak_restarts_total", "counter" },
	};
	struct parsed ps;
	char *text = render("[{\"name\":\"web\",\"state\":\"online\",\"restarts\":2,"
	    "\"procs\":3,\"memory_bytes\":123456789,\"cpu_seconds\":12.25},"
	    "{\"name\":\"claude-mem-worker\",\"state\":\"errored\",\"restarts\":17,"
	    "\"procs\":0,\"memory_bytes\":0,\"cpu_seconds\":0}]", 4, 1);
	size_t i;

	if (parse(text, &ps) != 0)
		fail_msg("invalid exposition:\n%s", text);
	assert_int_equal(ps.nfam, 8);
	for (i = 0; i < 8; i++) {
		assert_string_equal(ps.fam[i], fams[i].name);
		assert_string_equal(ps.type[i], fams[i].type);
		assert_true(ps.has_help[i]);
	}
	assert_true(value(&ps, "csup_app_up", "web") == 1);
	assert_true(value(&ps, "csup_app_up", "claude-mem-worker") == 0);
	assert_true(value(&ps, "csup_app_restarts_total", "web") == 2);
	assert_true(value(&ps, "csup_app_restarts_total", "claude-mem-worker") == 17);
	assert_true(value(&ps, "csup_app_processes", "web") == 3);
	assert_true(value(&ps, "csup_app_memory_bytes", "web") == 123456789);
	assert_true(fabs(value(&ps, "csup_app_cpu_seconds_total", "web") - 12.25) < 1e-9);
	assert_true(value(&ps, "csup_orphans_killed_total", NULL) == 4);
	assert_true(value(&ps, "csup_leak_restarts_total", NULL) == 1);
	assert_int_equal(ps.n, 12);
	free(text);
}

static void test_escaping(void **state)
{
	struct parsed ps;
	char *text = render("[{\"name\":\"we\\\"ird\\nna\\\\me\",\"state\":\"online\","
	    "\"restarts\":0,\"procs\":1,\"memory_bytes\":1,\"cpu_seconds\":0}]", 0, 0);

	if (parse(text, &ps) != 0)
		fail_msg("invalid exposition:\n%s", text);
	assert_non_null(strstr(text, "{app=\"we\\\"ird\\nna\\\\me\"}"));
	assert_true(value(&ps, "csup_app_processes", "we\"ird\nna\\me") == 1);
	free(text);
}

static void test_missing_fields(void **state)
{
	struct parsed ps;
	char *text = render("[{\"name\":\"a\",\"state\":\"stopped\",\"restarts\":0},"
	    "{\"state\":\"online\",\"procs\":9},{\"name\":\"b\",\"procs\":\"x\"}]", 0, 0);

	if (parse(text, &ps) != 0)
		fail_msg("invalid exposition:\n%s", text);
	assert_true(value(&ps, "csup_app_up", "a") == 0);
	assert_true(value(&ps, "csup_app_up", "b") == 0);
	assert_null(find(&ps, "csup_app_processes", "a"));
	assert_null(find(&ps, "csup_app_processes", "b"));
	assert_null(find(&ps, "csup_app_cpu_seconds_total", "a"));
	assert_int_equal(ps.n, 5);	/* up a, up b, restarts a, two counters */
	free(text);
}

static void test_empty_and_bad(void **state)
{
	struct metrics_counters c = { 0, 0 };
	json_t *obj = json_object();
	struct parsed ps;
	char *text = render("[]", 0, 0);

	assert_int_equal(parse(text, &ps), 0);
	assert_int_equal(ps.nfam, 8);
	assert_int_equal(ps.n, 2);
	free(text);
	errno = 0;
	assert_null(metrics_render(obj, &c, NULL));
	assert_int_equal(errno, EINVAL);
	json_decref(obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parser_rejects),
		cmocka_unit_test(test_two_apps),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_missing_fields),
		cmocka_unit_test(test_empty_and_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
