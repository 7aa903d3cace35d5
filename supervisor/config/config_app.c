/* config_app.c: an app_config's defaults, ownership and name rule. */
#include "config_node.h"
#include "config_fields.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "units.h"

/* A row's default, as a file would write it, into its member. */
static int apply_default(const struct config_field *f, struct app_config *a)
{
	char *p = (char *)a + f->off, *copy, *tok, *save = NULL;
	int rc = 0;

	switch (f->type) {
	case CF_BOOL:
	case CF_WATCH:
		*(bool *)p = strcmp(f->def, "true") == 0;
		return 0;
	case CF_INT:
	case CF_INSTANCES:
		*(int *)p = atoi(f->def);
		return 0;
	case CF_DURATION:
		return units_parse_duration(f->def, (int64_t *)p);
	case CF_SIZE:
		return units_parse_size(f->def, (int64_t *)p);
	case CF_SIGNAL:
		return (*(int *)p = units_signal_parse(f->def)) == -1 ? -1 : 0;
	case CF_KILL_MODE:
		*(enum kill_mode *)p = strcmp(f->def, "main") == 0 ? KILL_MODE_MAIN :
		    KILL_MODE_GROUP;
		return 0;
	case CF_STR:
	case CF_PATH:
	case CF_LOG_PATH:
		return (*(char **)p = strdup(f->def)) == NULL ? -1 : 0;
	case CF_LIST:
		if ((copy = strdup(f->def)) == NULL)
			return -1;
		for (tok = strtok_r(copy, ", ", &save); tok != NULL && rc == 0;
		    tok = strtok_r(NULL, ", ", &save))
			rc = strv_push((char ***)p, tok);
		free(copy);
		return rc;
	default:
		return -1;	/* a type without a written default */
	}
}

void config_app_defaults(struct app_config *a)
{
	size_t i;

	memset(a, 0, sizeof(*a));
	a->args = strv_new();
	a->exec_argv = strv_new();
	a->env = strv_new();
	a->env_file = strv_new();
	a->watch_paths = strv_new();
	a->ignore_watch = strv_new();
	for (i = 0; i < config_nfields; i++)
		if (config_fields[i].def != NULL)
			(void)apply_default(&config_fields[i], a);
	a->health.interval_ms = 10000;
	a->health.timeout_ms = 2000;
	a->health.retries = 3;
	a->limits.nofile = -1;
	a->limits.core = -1;
}

void config_app_free(struct app_config *a)
{
	if (a == NULL)
		return;
	free(a->name);
	free(a->group);
	free(a->script);
	free(a->interpreter);
	strv_free(a->args);
	strv_free(a->exec_argv);
	free(a->cwd);
	strv_free(a->env);
	strv_free(a->env_file);
	strv_free(a->watch_paths);
	strv_free(a->ignore_watch);
	free(a->out_file);
	free(a->error_file);
	free(a->log_file);
	free(a->log_date_format);
	free(a->alert);
	free(a->health.url);
	free(a->health.tcp);
	free(a->instance_var);
	free(a->cron_restart);
	memset(a, 0, sizeof(*a));
}

void config_app_list_free(struct app_list *list)
{
	size_t i;

	if (list == NULL)
		return;
	for (i = 0; i < list->n; i++)
		config_app_free(&list->apps[i]);
	free(list->apps);
	for (i = 0; i < list->nwarnings; i++)
		free(list->warnings[i].msg);
	free(list->warnings);
	memset(list, 0, sizeof(*list));
}

void config_error_print(const char *file, const struct config_error *err)
{
	if (err->line > 0)
		fprintf(stderr, "%s:%d:%d: %s\n", file, err->line, err->column, err->msg);
	else
		fprintf(stderr, "%s: %s\n", file, err->msg);
}

bool config_name_valid(const char *name)
{
	size_t n;

	if (name == NULL)
		return false;
	n = strlen(name);
	if (n == 0 || n > 64 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
	    strcmp(name, "all") == 0)
		return false;
	/* an all-digit argument on the command line is an id, never a name */
	if (strspn(name, "0123456789") == n)
		return false;
	return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789._-") == n;
}
