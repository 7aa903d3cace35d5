/*
 * readyz.c: what GET /readyz answers (a readiness probe's view). An app
 * should run when its user wants it up, or when it gave up (errored: it
 * was wanted and is not there); it is ready when online and its last
 * health check, if it has one, passed. A stopped app nobody wants is no
 * reason to take the pod out of service.
 */
#include <stdio.h>

#include "daemon.h"
#include "health.h"
#include "readyz.h"

/* Why a is not ready, or NULL when it is (or need not run). */
static const char *not_ready(struct app *a, char *buf, size_t len)
{
	const struct health_result *h;

	if (a->d->shutting_down)
		return a->live ? "stopping: csup is shutting down" : NULL;
	if (a->lc.state == ST_ERRORED) {
		snprintf(buf, len, "errored: %s", a->fail_gen > a->online_gen ?
		    app_fail_text(a) : "gave up after its unstable restarts");
		return buf;
	}
	if (!a->lc.want_up)
		return NULL;
	if (a->lc.state == ST_LAUNCHING)
		return a->cfg.wait_ready ? "launching: waiting for READY=1" : "launching";
	if (a->lc.state != ST_ONLINE) {
		snprintf(buf, len, "%s", lc_state_name(a->lc.state));
		return buf;
	}
	if (a->health != NULL && (h = health_last(a->health))->known && !h->ok) {
		snprintf(buf, len, "health check failing: %s", h->text);
		return buf;
	}
	return NULL;
}

json_t *readyz_report(struct daemon *d)
{
	json_t *o = json_object();
	const char *why;
	char buf[640];
	struct app *a;

	if (o == NULL)
		return NULL;
	TAILQ_FOREACH(a, &d->apps, entry)
		if ((why = not_ready(a, buf, sizeof(buf))) != NULL) {
			json_t *s = json_string(why);	/* NULL: not UTF-8 */

			json_object_set_new(o, a->cfg.name, s ? s : json_string("not ready"));
		}
	return o;
}
