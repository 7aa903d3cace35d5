/* metrics.c: the status array and daemon counters as Prometheus text. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

enum value_kind { V_UP, V_NUMBER };

struct family {
	const char	*name;
	const char	*type;
	const char	*help;
	const char	*field;		/* in the status object */
	enum value_kind	 kind;
};

static const struct family app_families[] = {
	{ "csup_app_up", "gauge",
	  "1 when the app is online, else 0.", "state", V_UP },
	{ "csup_app_restarts_total", "counter",
	  "New generations after the first, whatever the cause.", "restarts", V_NUMBER },
	{ "csup_app_processes", "gauge",
	  "Processes in the app's subtree at the last sample.", "procs", V_NUMBER },
	{ "csup_app_memory_bytes", "gauge",
	  "Summed RSS of the app's subtree at the last sample, in bytes.",
	  "memory_bytes", V_NUMBER },
	{ "csup_app_cpu_seconds_total", "counter",
	  "CPU time (user and system) used by the app's processes, in seconds.",
	  "cpu_seconds", V_NUMBER },
	{ "csup_app_oom_kills_total", "counter",
	  "Processes of the app's subtree killed by the kernel's OOM killer at its memory "
	  "limit.", "oom_kills", V_NUMBER },
};

void metrics_escape_label(FILE *f, const char *v)
{
	for (; *v != '\0'; v++) {
		switch (*v) {
		case '\\':	fputs("\\\\", f); break;
		case '"':	fputs("\\\"", f); break;
		case '\n':	fputs("\\n", f); break;
		default:	fputc(*v, f); break;
		}
	}
}

static void put_value(FILE *f, const json_t *v)
{
	if (json_is_integer(v))
		fprintf(f, "%" JSON_INTEGER_FORMAT "\n", json_integer_value(v));
	else
		fprintf(f, "%.17g\n", json_real_value(v));
}

static void put_family(FILE *f, const struct family *fam, const json_t *apps)
{
	const json_t *app, *name, *v;
	size_t i;

	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", fam->name, fam->help,
	    fam->name, fam->type);
	json_array_foreach(apps, i, app) {
		name = json_object_get(app, "name");
		v = json_object_get(app, fam->field);
		if (!json_is_string(name))
			continue;
		if (fam->kind == V_NUMBER && !json_is_number(v))
			continue;
		fprintf(f, "%s{app=\"", fam->name);
		metrics_escape_label(f, json_string_value(name));
		fputs("\"} ", f);
		if (fam->kind == V_UP)
			fprintf(f, "%d\n", json_is_string(v) &&
			    strcmp(json_string_value(v), "online") == 0);
		else
			put_value(f, v);
	}
}

static void put_counter(FILE *f, const char *name, const char *help, uint64_t v)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s counter\n%s %" PRIu64 "\n",
	    name, help, name, name, v);
}

char *metrics_render(const json_t *apps, const struct metrics_counters *c, size_t *len)
{
	char *buf = NULL;
	size_t size = 0, i;
	FILE *f;

	if (!json_is_array(apps)) {
		errno = EINVAL;
		return NULL;
	}
	if ((f = open_memstream(&buf, &size)) == NULL)
		return NULL;
	for (i = 0; i < sizeof(app_families) / sizeof(app_families[0]); i++)
		put_family(f, &app_families[i], apps);
	put_counter(f, "csup_orphans_killed_total",
	    "Processes of this home's apps that no live generation owned, ended by the orphan scan.",
	    c->orphans_killed);
	put_counter(f, "csup_leak_restarts_total",
	    "Restarts asked by the watchdog (max_processes or max_memory_restart).",
	    c->leak_restarts);
	if (ferror(f)) {
		fclose(f);
		free(buf);
		errno = ENOMEM;
		return NULL;
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	if (len != NULL)
		*len = size;
	return buf;
}

json_t *metrics_counters_json(const struct metrics_counters *c)
{
	return json_pack("{s:I,s:I}", "orphans_killed", (json_int_t)c->orphans_killed,
	    "leak_restarts", (json_int_t)c->leak_restarts);
}

void metrics_counters_from_json(const json_t *j, struct metrics_counters *c)
{
	json_int_t orphans = json_integer_value(json_object_get(j, "orphans_killed"));
	json_int_t leaks = json_integer_value(json_object_get(j, "leak_restarts"));

	c->orphans_killed = orphans > 0 ? (uint64_t)orphans : 0;
	c->leak_restarts = leaks > 0 ? (uint64_t)leaks : 0;
}
