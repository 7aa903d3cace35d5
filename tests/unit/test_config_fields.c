/*
 * test_config_fields.c: the field table is the one description of the
 * ecosystem fields. csup-ecosystem(5) documents exactly its fields (every
 * `.It Cm FIELD` of APP FIELDS is a row and every row has one) and every
 * alias in that field's entry; each written default, put in a file, gives
 * what an app without the field gets; every name and alias loads.
 */
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

#include "config.h"
#include "config_fields.h"

struct entry {
	char	 name[64];
	char	*text;		/* the entry's lines up to the next item */
};

static char *read_man(void)
{
	const char *src = getenv("CSUP_SRC_DIR");
	char path[PATH_MAX], *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/docs/man/csup-ecosystem.5", src ? src : "..");
	f = fopen(path, "r");
	if (f == NULL)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

/* The top-level `.It Cm NAME` entries between `.Sh APP FIELDS` and the next `.Sh`. */
static size_t man_entries(char *man, struct entry *e, size_t max)
{
	char *p = strstr(man, "\n.Sh APP FIELDS\n"), *end, *line, *nl;
	size_t n = 0;
	int depth = 0;

	assert_non_null(p);
	end = strstr(p + 1, "\n.Sh ");
	assert_non_null(end);
	*end = '\0';
	for (line = p + 1; line != NULL && *line != '\0'; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (strncmp(line, ".Bl", 3) == 0)
			depth++;
		else if (strncmp(line, ".El", 3) == 0)
			depth--;
		else if (depth == 1 && strncmp(line, ".It Cm ", 7) == 0) {
			assert_true(n < max);
			if (strncmp(line + 7, "env_ Ns Ar NAME", 15) == 0)
				snprintf(e[n].name, sizeof(e[n].name), "env_NAME");
			else
				sscanf(line + 7, "%63s", e[n].name);
			e[n].text = line;
			if (n > 0)
				line[-1] = '\0';	/* ends the previous entry's text */
			n++;
		}
	}
	return n;
}

static bool alias_in(const char *text, const char *alias)
{
	char want[80];

	snprintf(want, sizeof(want), ".Cm %s", alias);
	for (const char *p = strstr(text, want); p != NULL; p = strstr(p + 1, want)) {
		char c = p[strlen(want)];
		if (c == '\0' || c == ' ' || c == '\n')
			return true;
	}
	return false;
}

static void test_man_page_in_step(void **state)
{
	struct entry e[128];
	char *man = read_man(), *aliases, *tok, *save = NULL;
	size_t n, i, j;

	(void)state;
	n = man_entries(man, e, 128);
	for (i = 0; i < n; i++)
		if (config_field_named(e[i].name) == NULL)
			fail_msg("csup-ecosystem.5 documents '%s', which is no field", e[i].name);
	for (i = 0; i < config_nfields; i++) {
		const struct config_field *f = &config_fields[i];
		for (j = 0; j < n && strcmp(e[j].name, f->name) != 0; j++)
			;
		if (j == n)
			fail_msg("field '%s' is missing from csup-ecosystem.5", f->name);
		aliases = f->aliases ? strdup(f->aliases) : NULL;
		for (tok = aliases ? strtok_r(aliases, " ", &save) : NULL; tok != NULL;
		    tok = strtok_r(NULL, " ", &save))
			if (!alias_in(e[j].text, tok))
				fail_msg("csup-ecosystem.5: '%s' does not name its alias '%s'",
				    f->name, tok);
		free(aliases);
	}
	free(man);
}

static int load_text(const char *text, struct app_list *l, struct config_error *err)
{
	char path[] = "/tmp/csup-fields-XXXXXX.yaml";
	int fd = mkstemps(path, 5), rc;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	rc = config_load(path, NULL, l, err);
	unlink(path);
	return rc;
}

static json_t *load_one(const char *text)
{
	struct config_error err;
	struct app_list l;
	json_t *o;

	if (load_text(text, &l, &err) == -1)
		fail_msg("%s: %d:%d: %s", text, err.line, err.column, err.msg);
	assert_int_equal(l.n, 1);
	o = config_app_to_json(&l.apps[0]);
	config_app_list_free(&l);
	return o;
}

/* Each written default, written in a file, resolves as the field left out. */
static void test_defaults_as_written(void **state)
{
	json_t *bare = load_one("apps:\n  - script: /bin/true\n"), *with;
	char text[512];
	size_t i;

	(void)state;
	for (i = 0; i < config_nfields; i++) {
		const struct config_field *f = &config_fields[i];
		if (f->def == NULL)
			continue;
		if (f->type == CF_LIST) {
			/* a list adds to its defaults: written, it is an empty addition */
			snprintf(text, sizeof(text), "apps:\n  - script: /bin/true\n    %s: []\n",
			    f->name);
		} else {
			snprintf(text, sizeof(text), "apps:\n  - script: /bin/true\n    %s: \"%s\"\n",
			    f->name, f->def);
			if (f->type == CF_BOOL || f->type == CF_WATCH)
				snprintf(text, sizeof(text), "apps:\n  - script: /bin/true\n"
				    "    %s: %s\n", f->name, f->def);
		}
		with = load_one(text);
		if (!json_equal(with, bare))
			fail_msg("default of '%s' ('%s') differs from the field left out",
			    f->name, f->def);
		json_decref(with);
	}
	json_decref(bare);
}

/* Every name, alias and camelCase form is taken as its field. */
static void test_every_name_loads(void **state)
{
	struct config_error err;
	struct app_list l;
	char text[512], *aliases, *tok, *save = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < config_nfields; i++) {
		const struct config_field *f = &config_fields[i];
		assert_non_null(f->help);
		assert_true(strlen(f->help) > 8 && strchr(f->help, '\n') == NULL);
		assert_ptr_equal(config_field_find(f->name), f->type == CF_ENV_BLOCK ? NULL : f);
		aliases = f->aliases ? strdup(f->aliases) : NULL;
		for (tok = aliases ? strtok_r(aliases, " ", &save) : NULL; tok != NULL;
		    tok = strtok_r(NULL, " ", &save)) {
			assert_ptr_equal(config_field_find(tok), f);
			snprintf(text, sizeof(text), "apps:\n  - name: a\n    script: /bin/true\n"
			    "    %s: %s\n", tok, f->type == CF_BOOL ? "true" : "x.log");
			if (f->type == CF_SCRIPT)
				snprintf(text, sizeof(text), "apps:\n  - name: a\n    %s: /bin/true\n",
				    tok);
			if (f->type == CF_CRON)
				snprintf(text, sizeof(text), "apps:\n  - name: a\n    script: x\n"
				    "    %s: '* * * * *'\n", tok);
			if (load_text(text, &l, &err) == -1)
				fail_msg("alias '%s': %s", tok, err.msg);
			assert_int_equal(l.nwarnings, 0);
			config_app_list_free(&l);
		}
		free(aliases);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_man_page_in_step),
		cmocka_unit_test(test_defaults_as_written),
		cmocka_unit_test(test_every_name_loads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
