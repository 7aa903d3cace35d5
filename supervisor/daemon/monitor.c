/* monitor.c: glue between the daemon and sample/watchdog/alert, and the HTTP API (httpside.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "applog.h"
#include "daemon.h"
#include "httpside.h"
#include "log.h"
#include "monitor.h"
#include "reslimits_app.h"

void monitor_start(struct daemon *d)
{
	struct alert_options ao = { 0, 0, log_fd(), NULL, NULL };

	if ((d->alerts = alert_new(d->loop, &ao)) == NULL)
		log_warn("alerts");
	httpside_start(d);
}

void monitor_stop(struct daemon *d)
{
	httpside_stop(d);
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
