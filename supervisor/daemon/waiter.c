/*
 * waiter.c: deferred replies, on the daemon's side of the control socket.
 * Each item names an app and what the client waits for; check_item() reads
 * the app's state (or reload.c's verdict) to give it a result. The settle
 * step calls waiters_poke() once a loop turn after something changed, and
 * a waiter whose items all have results answers its client with them and
 * the apps' status.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "ctl.h"
#include "daemon.h"
#include "reload.h"
#include "waiter.h"

struct waiter {
	TAILQ_ENTRY(waiter)	 entry;
	struct daemon		*d;
	struct ctl_conn		*conn;		/* NULL: the client went away */
	json_t			*items;		/* [{name, op, g0, result, error}] */
	bool			 armed;
};

struct waiter *waiter_new(struct daemon *d, struct ctl_conn *c)
{
	struct waiter *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return NULL;
	w->d = d;
	w->conn = c;
	w->items = json_array();
	ctl_set_pending(c, w);
	return w;
}

void waiter_add(struct waiter *w, const char *name, const char *op,
    const char *result, const char *error)
{
	struct app *a;
	json_t *it;

	if (w == NULL)
		return;		/* nobody waits: `csup run` starting its apps */
	a = app_find(w->d, name);
	it = json_pack("{s:s,s:s,s:i}", "name", name, "op", op, "g0", a ? a->gen_count : 0);

	if (result)
		json_object_set_new(it, "result", json_string(result));
	if (error)
		json_object_set_new(it, "error", json_string(error));
	json_array_append_new(w->items, it);
}

/* Sets result/error on a pending item when its condition holds. */
static void check_item(struct daemon *d, json_t *it)
{
	const char *op = json_string_value(json_object_get(it, "op"));
	struct app *a = app_find(d, json_string_value(json_object_get(it, "name")));
	int g0 = (int)json_integer_value(json_object_get(it, "g0"));
	const char *res = NULL, *err = NULL;

	if (strcmp(op, "reload") == 0) {	/* reload.c says */
		res = reload_result(d, json_string_value(json_object_get(it, "name")), g0,
		    &err);
	} else if (strcmp(op, "start") == 0) {
		if (a == NULL)
			res = "failed", err = "deleted meanwhile";
		else if (a->online_gen > g0)
			res = "online";
		else if (a->fail_gen > g0)
			res = "failed", err = app_fail_text(a);
		else if (a->lc.state == ST_ERRORED || (a->lc.state == ST_STOPPED && !a->lc.want_up))
			res = "failed", err = "stopped before it came online";
	} else if (strcmp(op, "stop") == 0) {
		if (a == NULL || (!a->live && a->lc.state != ST_STOPPING))
			res = "stopped";
	} else if (a == NULL)
		res = "deleted";
	if (res)
		json_object_set_new(it, "result", json_string(res));
	if (err)
		json_object_set_new(it, "error", json_string(err));
}

static bool waiter_done(struct waiter *w, bool *ok)
{
	size_t i;
	json_t *it;
	const char *r;
	bool done = true;

	*ok = true;
	json_array_foreach(w->items, i, it) {
		if (!json_object_get(it, "result"))
			check_item(w->d, it);
		if ((r = json_string_value(json_object_get(it, "result"))) == NULL)
			done = false;
		else if (strcmp(r, "failed") == 0 || strcmp(r, "not found") == 0)
			*ok = false;
	}
	return done;
}

void waiter_drop_conn(struct waiter *w)
{
	if (w != NULL)
		w->conn = NULL;
}

void waiter_arm(struct waiter *w)
{
	w->armed = true;
	TAILQ_INSERT_TAIL(&w->d->waiters, w, entry);
	daemon_mark(w->d);
}

void waiters_poke(struct daemon *d)
{
	struct waiter *w, *next;
	bool ok;

	reload_poke(d);
	for (w = TAILQ_FIRST(&d->waiters); w; w = next) {
		next = TAILQ_NEXT(w, entry);
		if (w->conn != NULL && !waiter_done(w, &ok))
			continue;
		TAILQ_REMOVE(&d->waiters, w, entry);
		if (w->conn)
			ctl_reply(w->conn, json_pack("{s:b,s:O,s:o}", "ok", ok,
			    "results", w->items, "apps", cmd_status_array(d)));
		json_decref(w->items);
		free(w);
	}
	reload_gc(d);
}

void waiters_free(struct daemon *d)
{
	struct waiter *w;

	while ((w = TAILQ_FIRST(&d->waiters)) != NULL) {
		TAILQ_REMOVE(&d->waiters, w, entry);
		json_decref(w->items);
		free(w);
	}
}
