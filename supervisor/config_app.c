/* config_app.c: an app_config's defaults, ownership and name rule. */
#include "config_node.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

static const char *const default_ignores[] = { "node_modules", ".git", ".*", "*.log", NULL };

void config_app_defaults(struct app_config *a)
{
	size_t i;

	memset(a, 0, sizeof(*a));
	a->args = strv_new();
	a->exec_argv = strv_new();
	a->env = strv_new();
	a->watch_paths = strv_new();
	a->ignore_watch = strv_new();
	for (i = 0; default_ignores[i] != NULL && a->ignore_watch != NULL; i++)
		if (strv_push(&a->ignore_watch, default_ignores[i]) == -1)
			break;
	a->autorestart = true;
	a->max_restarts = 16;
	a->min_uptime_ms = 1000;
	a->kill_timeout_ms = 1600;
	a->kill_signal = SIGINT;
	a->kill_mode = KILL_MODE_GROUP;
	a->watch_delay_ms = 500;
	a->log_max_size = 50 * 1024 * 1024;
	a->log_max_files = 5;
	a->listen_timeout_ms = 3000;
	a->health.interval_ms = 10000;
	a->health.timeout_ms = 2000;
	a->health.retries = 3;
	a->instances = 1;
	a->instance_var = strdup("NODE_APP_INSTANCE");
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

bool config_name_valid(const char *name)
{
	size_t n;

	if (name == NULL)
		return false;
	n = strlen(name);
	if (n == 0 || n > 64 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
	    strcmp(name, "all") == 0)
		return false;
	return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789._-") == n;
}
