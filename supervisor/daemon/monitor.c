/* monitor.c (proposal, issue 6): glue between the daemon and sample/watchdog/alert/http. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "applog.h"
#include "cmd.h"
#include "daemon.h"
#include "log.h"
#include "monitor.h"
#include "readyz.h"
#include "reslimits_app.h"
#include "store.h"

static json_t *cb_apps(void *arg)
{
	return cmd_status_array(arg);
}

/*
 * One app's describe object; for an instances group's name, the array of
 * its copies' objects (as `csup describe GROUP --json`); for an id, that
 * app's (a name is never all digits, so a name always wins); NULL: no such
 * app.
 */
static json_t *cb_app(void *arg, const char *name)
{
	struct daemon *d = arg;
	struct app *a = app_find(d, name);
	json_t *arr;

	if (a != NULL)
		return cmd_app_json(a, true);
	if ((arr = json_array()) == NULL)
		return NULL;
	TAILQ_FOREACH(a, &d->apps, entry)
		if (a->cfg.group != NULL && strcmp(a->cfg.group, name) == 0)
			json_array_append_new(arr, cmd_app_json(a, true));
	if (json_array_size(arr) == 0) {
		json_decref(arr);
		a = cmd_app_by_id(d, name);
		return a ? cmd_app_json(a, true) : NULL;
	}
	return arr;
}

/* The samples of an app given by name, else by id. */
static json_t *cb_samples(void *arg, const char *name, int64_t since)
{
	struct daemon *d = arg;
	struct app *a = app_find(d, name);

	if (a == NULL)
		a = cmd_app_by_id(d, name);
	return a ? store_samples(d->store, a->cfg.name, since) : NULL;
}

static void cb_counters(void *arg, struct metrics_counters *c)
{
	*c = ((struct daemon *)arg)->counters;
}

static json_t *cb_ready(void *arg)
{
	return readyz_report(arg);
}

void monitor_start(struct daemon *d)
{
	struct http_callbacks cb = { cb_apps, cb_app, cb_samples, cb_counters, d, cb_ready };
	struct alert_options ao = { 0, 0, log_fd(), NULL, NULL };
	const char *spec = getenv("CSUP_HTTP");

	if ((d->alerts = alert_new(d->loop, &ao)) == NULL)
		log_warn("alerts");
	if (http_start(d->loop, spec, &cb, &d->http) == -1)
		log_warn("HTTP on %s: not served", spec && *spec ? spec : HTTP_DEFAULT_ADDR);
	else if (d->http != NULL)
		log_info("HTTP on port %d", http_port(d->http));
}

void monitor_stop(struct daemon *d)
{
	http_stop(d->http);
	d->http = NULL;
	alert_free(d->alerts);
	d->alerts = NULL;
}

/* Lines the app's logger could not write since the last report (docs/daemon.md, Logs). */
static void dropped_lines(struct app *a)
{
	char path[PATH_MAX];
	unsigned long long n;
	int err;

	paths_app_dropfile(&a->d->paths, a->cfg.name, path, sizeof(path));
	if (applog_drop_take(path, &n, &err) == -1)
		log_warn("%s: %s", a->cfg.name, path);
	else if (n > 0)
		app_record_event(a, "logs", "%llu lines dropped: cannot write the log (%s)",
		    n, err ? strerror(err) : "write error");
}

void monitor_after_sample(struct daemon *d)
{
	struct watchdog_limits lim;
	struct watchdog_event ev;
	struct app *a, *next;

	for (a = TAILQ_FIRST(&d->apps); a != NULL; a = next) {
		next = TAILQ_NEXT(a, entry);
		dropped_lines(a);
		if (!a->live)
			continue;
		limits_app_poll(a);
		if (limits_app_watchdog(a))
			continue;
		lim = (struct watchdog_limits){ a->cfg.max_processes, a->cfg.max_memory_restart, 0 };
		if (watchdog_feed(&a->wd, &lim, (uint64_t)a->gen_count, a->fig.procs,
		    a->fig.rss, &ev) == WATCHDOG_OK)
			continue;
		if (!ev.restart) {
			app_record_event(a, watchdog_kind(ev.verdict), "%s", ev.detail);
			app_alert(a, watchdog_kind(ev.verdict), ev.detail);
			continue;
		}
		/* Refused once a stop, kill or restart is under way: the user wins. */
		if (!app_restart_for(a, AE_LIMIT_RESTART, watchdog_kind(ev.verdict), "%s",
		    ev.detail))
			continue;
		app_alert(a, watchdog_kind(ev.verdict), ev.detail);
		d->counters.leak_restarts++;
	}
}
