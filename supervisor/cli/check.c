/*
 * check.c: `csup check FILE [--json] [--strict] [--env NAME]`: load an
 * ecosystem file without a daemon and print what would run. Errors are one
 * line `FILE:LINE:COLUMN: message` on stderr (FILE as given), exit 2.
 */
#include "check.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config_fields.h"
#include "paths.h"
#include "reslimits.h"
#include "units.h"

struct check_opts {
	const char	*file;
	bool		 json;
	bool		 fields;
	struct config_options cfg;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: csup check FILE [--json] [--strict] [--env NAME]\n"
	    "       csup check --fields     (every field of an ecosystem file)\n");
}

static int parse_args(int argc, char **argv, struct check_opts *o)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--fields") == 0) {
			o->fields = true;
		} else if (strcmp(a, "--json") == 0) {
			o->json = true;
		} else if (strcmp(a, "--strict") == 0) {
			o->cfg.strict = true;
		} else if (strcmp(a, "--env") == 0 && i + 1 < argc) {
			o->cfg.env_name = argv[++i];
		} else if (strncmp(a, "--env=", 6) == 0 && a[6] != '\0') {
			o->cfg.env_name = a + 6;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return 1;
		} else if (a[0] == '-' && a[1] != '\0') {
			fprintf(stderr, "csup check: unknown option '%s'\n", a);
			return -1;
		} else if (o->file == NULL) {
			o->file = a;
		} else {
			fprintf(stderr, "csup check: one FILE only ('%s')\n", a);
			return -1;
		}
	}
	if (o->file == NULL && !o->fields) {
		usage(stderr);
		return -1;
	}
	return 0;
}

static bool has_type(const char *key, enum cfield_type t)
{
	const struct config_field *f = config_field_named(key);

	return f != NULL && f->type == t;
}

/* A word as a shell would need it written, for the exec_argv and args lines. */
static void print_word(const char *w)
{
	if (*w != '\0' && strpbrk(w, " \t\n'\"\\$`;&|<>()*?[]{}~#") == NULL) {
		printf("%s", w);
		return;
	}
	putchar('\'');
	for (; *w != '\0'; w++) {
		if (*w == '\'')
			printf("'\\''");
		else
			putchar(*w);
	}
	putchar('\'');
}

static void print_value(const char *key, json_t *v)
{
	char buf[32], *s;
	const char *k;
	json_t *it;
	size_t i;

	if (json_is_null(v)) {
		printf("-");
	} else if (json_is_string(v)) {
		printf("%s", json_string_value(v));
	} else if (json_is_integer(v) && has_type(key, CF_DURATION)) {
		printf("%lld ms", (long long)json_integer_value(v));
	} else if (json_is_integer(v) && has_type(key, CF_SIZE)) {
		printf("%lld (%s)", (long long)json_integer_value(v),
		    units_format_size(json_integer_value(v), buf, sizeof(buf)));
	} else if (json_is_array(v) && (strcmp(key, "exec_argv") == 0 ||
	    strcmp(key, "args") == 0) && json_array_size(v) > 0) {
		json_array_foreach(v, i, it) {
			printf("%s", i ? " " : "");
			print_word(json_string_value(it));
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, it)
			printf("%s%s", i ? ", " : "", json_string_value(it));
		if (json_array_size(v) == 0)
			printf("-");
	} else if (json_is_object(v) && strcmp(key, "env") == 0) {
		i = 0;
		json_object_foreach(v, k, it)
			printf("%s%s=%s", i++ ? " " : "", k, json_string_value(it));
		if (json_object_size(v) == 0)
			printf("-");
	} else {
		s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
		printf("%s", s ? s : "?");
		free(s);
	}
}

/*
 * The resolved fields of one app, the default log paths included (where
 * the daemon of $CSUP_HOME would write them; no file is touched).
 */
static json_t *app_json(const struct app_config *a)
{
	json_t *o = config_app_to_json(a);
	struct paths p;
	char out[PATH_MAX], err[PATH_MAX];

	if (o == NULL || paths_init(&p, false) == -1)
		return o;
	paths_app_logs(&p, a, out, err, sizeof(out));
	paths_free(&p);
	json_object_set_new(o, "out_file", json_string(out));
	json_object_set_new(o, "error_file", json_string(err));
	return o;
}

/* Each set limit with how this machine would enforce it. */
static void print_limits(const struct app_config *a, const struct limits_host *h)
{
	enum limit_means m;
	char buf[32];
	int64_t v;
	int k;

	for (k = 0; k < LIM_COUNT; k++) {
		if ((v = limits_value(&a->limits, (enum limit_kind)k)) < 0)
			continue;
		m = limits_means(h, &a->limits, (enum limit_kind)k);
		if (k == LIM_CPU)
			snprintf(buf, sizeof(buf), "%lld%%", (long long)v);
		else if (k == LIM_PIDS || k == LIM_NOFILE)
			snprintf(buf, sizeof(buf), "%lld", (long long)v);
		else
			units_format_size(v, buf, sizeof(buf));
		printf("  limits.%-19s %s (enforced by %s)\n",
		    limits_kind_name((enum limit_kind)k), buf, limits_means_name(m));
	}
}

static void print_app(const struct app_config *a, const struct limits_host *h)
{
	json_t *o = app_json(a), *v;
	const char *key;

	if (o == NULL)
		return;
	printf("%s:\n", a->name);
	json_object_foreach(o, key, v) {
		if (strcmp(key, "limits") == 0) {
			print_limits(a, h);
			continue;
		}
		printf("  %-26s ", key);
		print_value(key, v);
		printf("\n");
	}
	json_decref(o);
}

/*
 * A memory, memory_high, cpu or pids limit this machine cannot enforce on
 * the whole subtree: a warning, an error under --strict. Returns the count.
 */
static size_t weak_limits(const char *file, const struct app_list *l,
    const struct limits_host *h, bool strict)
{
	const struct app_config *a;
	enum limit_means m;
	size_t i, n = 0;
	int k;

	for (i = 0; i < l->n; i++) {
		a = &l->apps[i];
		for (k = 0; k < LIM_COUNT; k++) {
			m = limits_means(h, &a->limits, (enum limit_kind)k);
			if (!limits_subtree_kind((enum limit_kind)k) ||
			    limits_value(&a->limits, (enum limit_kind)k) < 0 ||
			    m == MEANS_CGROUP2 || m == MEANS_CGROUP1)
				continue;
			fprintf(stderr, "%s:%d:%d: %s: app '%s': limits.%s cannot be enforced "
			    "on the whole subtree here (%s): %s%s\n", file,
			    a->limits.line ? a->limits.line : a->line,
			    a->limits.line ? a->limits.column : a->column,
			    strict ? "error" : "warning", a->name,
			    limits_kind_name((enum limit_kind)k),
			    limits_why(h, (enum limit_kind)k),
			    m == MEANS_RLIMIT ? "RLIMIT_AS on each process instead" :
			    m == MEANS_WATCHDOG ? "a watchdog restart instead" : "not enforced",
			    strict ? " (--strict)" : "");
			n++;
		}
	}
	return n;
}

static int print_json(const struct app_list *l)
{
	json_t *arr = json_array();
	size_t i;
	char *s;

	for (i = 0; arr != NULL && i < l->n; i++)
		json_array_append_new(arr, app_json(&l->apps[i]));
	s = arr ? json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(arr);
	if (s == NULL) {
		fprintf(stderr, "csup check: out of memory\n");
		return 1;
	}
	printf("%s\n", s);
	free(s);
	return 0;
}

/* The field table: name, aliases, type, default, help; text or --json. */
static int print_fields(bool json)
{
	json_t *arr = json_array();
	size_t i;
	char *s;

	for (i = 0; arr != NULL && i < config_nfields; i++) {
		const struct config_field *f = &config_fields[i];
		if (!json) {
			printf("%-26s %-16s %-18s %s%s%s\n", f->name,
			    config_field_type_name(f->type), f->def ? f->def : "-", f->help,
			    f->aliases ? "; also: " : "", f->aliases ? f->aliases : "");
			continue;
		}
		json_array_append_new(arr, json_pack("{s:s, s:o, s:s, s:o, s:s}",
		    "name", f->name, "aliases", f->aliases ? json_string(f->aliases) : json_null(),
		    "type", config_field_type_name(f->type),
		    "default", f->def ? json_string(f->def) : json_null(), "help", f->help));
	}
	if (json && (s = json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER)) != NULL) {
		printf("%s\n", s);
		free(s);
	}
	json_decref(arr);
	return 0;
}

int check_main(int argc, char **argv)
{
	struct check_opts o = { 0 };
	struct config_error err;
	struct limits_host host;
	struct app_list list;
	size_t i, weak;
	int rc;

	if ((rc = parse_args(argc, argv, &o)) != 0)
		return rc == 1 ? 0 : 2;
	if (o.fields)
		return print_fields(o.json);
	o.cfg.check = true;
	if (config_load(o.file, &o.cfg, &list, &err) == -1) {
		config_error_print(o.file, &err);
		return 2;
	}
	for (i = 0; i < list.nwarnings; i++)
		fprintf(stderr, "%s:%d:%d: warning: %s\n", o.file, list.warnings[i].line,
		    list.warnings[i].column, list.warnings[i].msg);
	limits_host_init(&host, NULL, "check", false);
	if ((weak = weak_limits(o.file, &list, &host, o.cfg.strict)) > 0 && o.cfg.strict) {
		limits_host_free(&host);
		config_app_list_free(&list);
		return 2;
	}
	if (o.json) {
		rc = print_json(&list);
	} else {
		for (i = 0; i < list.n; i++) {
			if (i > 0)
				printf("\n");
			print_app(&list.apps[i], &host);
		}
		weak += list.nwarnings;
		printf("\n%s: %zu app%s, %zu warning%s\n", o.file, list.n,
		    list.n == 1 ? "" : "s", weak, weak == 1 ? "" : "s");
		rc = 0;
	}
	limits_host_free(&host);
	config_app_list_free(&list);
	return rc;
}
