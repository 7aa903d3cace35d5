/*
 * cmd.c: the daemon's side of every client command. A command that acts
 * (start, stop, restart, delete, reload, resurrect) registers what it
 * waits for in a waiter and returns; the reply leaves when the apps got
 * there (ctl.c). Queries answer at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "appenv.h"
#include "clock.h"
#include "cmd.h"
#include "ctl.h"
#include "daemon.h"
#include "env.h"
#include "log.h"
#include "probe.h"
#include "reload.h"
#include "reslimits_app.h"
#include "serve.h"
#include "store.h"
#include "waiter.h"

#define DESCRIBE_EVENTS	20

typedef void handler(struct daemon *, struct ctl_conn *, json_t *);

static void reply_error(struct ctl_conn *c, const char *fmt, const char *arg)
{
	char msg[512];

	snprintf(msg, sizeof(msg), fmt, arg);
	ctl_reply(c, json_pack("{s:b,s:s}", "ok", 0, "error", msg));
}

/*
 * An app's client environment: shared with an app that already has an
 * equal one (the other apps of this `start`, `resurrect`'s rows, a daemon's
 * recovery), else a new block (appenv.h).
 */
char **cmd_client_env(struct daemon *d, const json_t *arr)
{
	struct app *a;

	TAILQ_FOREACH(a, &d->apps, entry)
		if (appenv_equal_json(a->client_env, arr))
			return appenv_ref(a->client_env);
	return appenv_from_json(arr);
}

/* a's client environment becomes env (taken); found before the old one goes. */
static void env_swap(struct app *a, char **env)
{
	appenv_unref(a->client_env);
	a->client_env = env;
}

static json_t *env_to_json(char *const *env)
{
	json_t *arr = json_array();

	for (; env && *env; env++)
		json_array_append_new(arr, json_string(*env));
	return arr;
}

static void store_app(struct app *a)
{
	json_t *cfg = config_app_to_json(&a->cfg), *env = env_to_json(a->client_env);

	if (cfg == NULL || store_put_app(a->d->store, a->cfg.name, cfg, env, a->source,
	    a->lc.want_up, a->lc.restarts, a->id) == -1)
		log_warnx("%s: cannot store the app", a->cfg.name);
	json_decref(cfg);
	json_decref(env);
}

json_t *cmd_app_json(struct app *a, bool full)
{
	bool up = a->live && a->lc.state != ST_STOPPED;
	int64_t uptime = up ? app_uptime_ms(a) : 0;
	char out[PATH_MAX], err[PATH_MAX];
	json_t *o, *cfg;

	o = json_pack("{s:i,s:s,s:s,s:s,s:i,s:i,s:I,s:i,s:i,s:i,s:f,s:I,s:s,s:O,s:b,s:i}",
	    "id", a->id, "name", a->cfg.name, "group", a->cfg.group ? a->cfg.group : a->cfg.name,
	    "state", lc_state_name(a->lc.state),
	    "pid", up ? (int)a->gen.pid : 0, "pgid", up ? (int)a->gen.pgid : 0,
	    "uptime_ms", (json_int_t)(uptime > 0 ? uptime : 0),
	    "restarts", a->lc.restarts, "unstable_restarts", a->lc.unstable_restarts,
	    "procs", a->fig.procs, "cpu_percent", (double)(int64_t)(a->fig.cpu * 10 + .5) / 10,
	    "memory_bytes", (json_int_t)a->fig.rss,
	    "kill_mode", (a->live ? a->gen.cgroup != NULL : a->d->cg.usable) ?
	    "cgroup" : "fallback",
	    "last_exit", a->last_exit ? a->last_exit : json_null(),
	    "watch", a->cfg.watch, "generation", a->gen_count);
	if (o != NULL) {
		json_object_set_new(o, "cpu_seconds", json_real(a->cpu_seconds));
		json_object_set_new(o, "oom_kills", json_integer((json_int_t)a->oom_kills));
	}
	if (!full || o == NULL)
		return o;
	json_object_set_new(o, "limits", limits_app_json(a));
	json_object_set_new(o, "pids_limit_hits", json_integer((json_int_t)a->pids_hits));
	paths_app_logs(&a->d->paths, &a->cfg, out, err, sizeof(out));
	json_object_set_new(o, "kill_mode_reason", json_string(
	    a->live && a->gen.cgroup ? a->gen.cgroup :
	    a->d->cg.usable ? a->d->cg.path : a->d->cg.reason));
	json_object_set_new(o, "adopted", json_boolean(up && a->gen.adopted));
	json_object_set_new(o, "started_ms", json_integer(up ? a->gen.started_ms : 0));
	json_object_set_new(o, "logs", json_pack("{s:s,s:s,s:s?}", "out", out, "err", err,
	    "combined", a->cfg.log_file));
	json_object_set_new(o, "source", a->source ? json_string(a->source) : json_null());
	/* the resolved fields, defaults included: the log paths too, as check shows */
	if ((cfg = config_app_to_json(&a->cfg)) != NULL) {
		json_object_set_new(cfg, "out_file", json_string(out));
		json_object_set_new(cfg, "error_file", json_string(err));
	}
	json_object_set_new(o, "config", cfg);
	probe_json(a, o);
	json_object_set_new(o, "events", store_events(a->d->store, a->cfg.name,
	    DESCRIBE_EVENTS));
	return o;
}

json_t *cmd_status_array(struct daemon *d)
{
	json_t *arr = json_array();
	struct app *a;

	/* Reads the sampler's last tick: a query never samples (CSUP_SAMPLE_MS). */
	TAILQ_FOREACH(a, &d->apps, entry)
		json_array_append_new(arr, cmd_app_json(a, false));
	return arr;
}

static void set_source(struct app *a, const char *source)
{
	free(a->source);
	a->source = source ? strdup(source) : NULL;
}

/* Takes cfg and env. */
static void start_app(struct daemon *d, struct waiter *w, struct app_config *cfg,
    char **env, const char *source)
{
	struct app *a = app_find(d, cfg->name);
	enum app_state s = a ? a->lc.state : ST_STOPPED;

	if (a && (s == ST_LAUNCHING || s == ST_ONLINE || s == ST_WAITING ||
	    (s == ST_STOPPING && a->lc.want_up))) {
		waiter_add(w, cfg->name, "start", "already", NULL);
		config_app_free(cfg);
		appenv_unref(env);
		return;
	}
	if (a) {
		config_app_free(&a->cfg);
		a->cfg = *cfg;
		memset(cfg, 0, sizeof(*cfg));
		lc_policy_from_config(&a->pol, &a->cfg);
		appenv_unref(a->client_env);
		a->client_env = env;
		a->delete_pending = false;
	} else if ((a = app_new(d, cfg, env)) == NULL) {
		waiter_add(w, cfg->name, "start", "failed", "out of memory");
		config_app_free(cfg);
		appenv_unref(env);
		return;
	}
	set_source(a, source);
	store_app(a);
	waiter_add(w, a->cfg.name, "start", NULL, NULL);
	app_event(a, AE_START);
}

void cmd_start_app(struct daemon *d, struct waiter *w, struct app_config *cfg,
    char **env, const char *source)
{
	start_app(d, w, cfg, env, source);
}

static int parse_app(json_t *j, struct app_config *cfg, struct waiter *w)
{
	const char *name = json_string_value(json_object_get(j, "name"));
	char err[256];

	if (config_app_from_json(j, cfg, err, sizeof(err)) == -1) {
		waiter_add(w, name ? name : "?", "start", "failed", err);
		return -1;
	}
	/* The client checked too; a name is also a path component of the logs. */
	if (!config_name_valid(cfg->name) ||
	    (cfg->group != NULL && !config_name_valid(cfg->group))) {
		waiter_add(w, "?", "start", "failed", "invalid app name: letters, digits,"
		    " '.', '_' and '-' only");
		config_app_free(cfg);
		return -1;
	}
	return 0;
}

static void act(struct daemon *d, struct ctl_conn *c, json_t *req, enum app_event ev,
    const char *op);
static char **match(struct daemon *d, const char *target);

/* `start NAME` (or an id) of a known app or group starts it; otherwise the command. */
static bool known_target(struct daemon *d, json_t *req)
{
	char err[512], **names;
	bool known;

	if (json_object_get(req, "target") == NULL && json_object_get(req, "targets") == NULL)
		return false;
	if ((names = cmd_targets(d, req, err, sizeof(err))) == NULL)
		return false;
	known = names[0] != NULL;
	csup_env_free(names);
	return known;
}

static bool reload_one(struct daemon *d, struct waiter *w, struct app_config *cfg,
    json_t *env, const char *source, bool force);

/* A NULL-terminated list of names, grown one at a time. */
static void names_add(char ***v, size_t *n, const char *name)
{
	char **grown = realloc(*v, (*n + 2) * sizeof(**v));

	if (grown == NULL)
		return;
	*v = grown;
	if ((grown[*n] = strdup(name)) != NULL)
		(*n)++;
	grown[*n] = NULL;
}

static void c_start(struct daemon *d, struct ctl_conn *c, json_t *req)
{
	const char *source = json_string_value(json_object_get(req, "source"));
	json_t *env = json_object_get(req, "env"), *j;
	const char *or = json_string_value(json_object_get(req, "or"));
	struct app_config cfg;
	struct waiter *w;
	char **graceful = NULL, name[256];
	size_t i, ng = 0;

	if (known_target(d, req)) {
		act(d, c, req, AE_START, "start");
		return;
	}
	w = waiter_new(d, c);
	json_array_foreach(json_object_get(req, "apps"), i, j) {
		if (parse_app(j, &cfg, w) == -1)
			continue;
		snprintf(name, sizeof(name), "%s", cfg.name);
		if (or == NULL)
			start_app(d, w, &cfg, cmd_client_env(d, env), source);
		else if (reload_one(d, w, &cfg, env, source, true)) {
			/* startOrRestart, startOrReload of a running app */
			if (strcmp(or, "reload") == 0)
				names_add(&graceful, &ng, name);
			else {
				waiter_add(w, name, "start", NULL, NULL);
				app_event(app_find(d, name), AE_RESTART);
			}
		}
	}
	if (graceful != NULL)
		reload_apps(d, w, graceful);
	csup_env_free(graceful);
	waiter_arm(w);
}

/* The names matching NAME, a group name, or "all"; NULL-terminated. */
static char **match(struct daemon *d, const char *target)
{
	struct app *a;
	size_t n = 0;
	char **v;

	TAILQ_FOREACH(a, &d->apps, entry)
		n++;
	if ((v = calloc(n + 1, sizeof(*v))) == NULL)
		return NULL;
	n = 0;
	TAILQ_FOREACH(a, &d->apps, entry)
		if (strcmp(target, "all") == 0 || strcmp(a->cfg.name, target) == 0 ||
		    (a->cfg.group && strcmp(a->cfg.group, target) == 0))
			v[n++] = strdup(a->cfg.name);
	return v;
}

/* A failed item for each app of a FILE target that the daemon does not know. */
static void add_unknown(struct daemon *d, struct waiter *w, json_t *req, const char *op)
{
	json_t *unknown = cmd_unknown(d, req), *it;
	size_t i;

	json_array_foreach(unknown, i, it)
		waiter_add(w, json_string_value(json_object_get(it, "name")), op, "failed",
		    json_string_value(json_object_get(it, "error")));
	json_decref(unknown);
}

static void act(struct daemon *d, struct ctl_conn *c, json_t *req, enum app_event ev,
    const char *op)
{
	json_t *env = json_object_get(req, "env");
	char **names, msg[512];
	struct waiter *w;
	struct app *a;

	if ((names = cmd_targets(d, req, msg, sizeof(msg))) == NULL) {
		reply_error(c, "%s", msg);
		return;
	}
	w = waiter_new(d, c);
	for (char **n = names; *n; n++) {
		if ((a = app_find(d, *n)) == NULL)
			continue;
		if (ev == AE_START && a->lc.want_up && a->lc.state != ST_STOPPING) {
			waiter_add(w, *n, op, "already", NULL);
			continue;
		}
		waiter_add(w, *n, op, NULL, NULL);
		if (ev == AE_RESTART && json_is_array(env)) {
			env_swap(a, cmd_client_env(d, env));
			store_app(a);
		}
		if (strcmp(op, "delete") == 0)
			a->delete_pending = true;
		app_event(a, ev);
	}
	csup_env_free(names);
	add_unknown(d, w, req, op);
	waiter_arm(w);
}

static void c_stop(struct daemon *d, struct ctl_conn *c, json_t *req)
{
	act(d, c, req, AE_STOP, "stop");
}

static void c_restart(struct daemon *d, struct ctl_conn *c, json_t *req)
{
	act(d, c, req, AE_RESTART, "start");
}

static void c_delete(struct daemon *d, struct ctl_conn *c, json_t *req)
{
	act(d, c, req, AE_STOP, "delete");
}

static bool listed(json_t *apps, const char *name)
{
	size_t i;
	json_t *j;

	json_array_foreach(apps, i, j)
		if (strcmp(json_string_value(json_object_get(j, "name")) ?: "", name) == 0)
			return true;
	return false;
}

/*
 * Takes cfg: starts the app when it does not run; when it does and cfg
 * differs (or force), takes cfg and returns true: the caller gives it a new
 * generation (restart or graceful reload).
 */
static bool reload_one(struct daemon *d, struct waiter *w, struct app_config *cfg,
    json_t *env, const char *source, bool force)
{
	struct app *a = app_find(d, cfg->name);

	if (a == NULL || !a->lc.want_up) {
		start_app(d, w, cfg, cmd_client_env(d, env), source);
		return false;
	}
	set_source(a, source);
	if (!force && config_app_equal(&a->cfg, cfg)) {
		store_app(a);	/* the source may have changed */
		waiter_add(w, cfg->name, "start", "unchanged", NULL);
		config_app_free(cfg);
		return false;
	}
	config_app_free(&a->cfg);
	a->cfg = *cfg;
	memset(cfg, 0, sizeof(*cfg));
	lc_policy_from_config(&a->pol, &a->cfg);
	env_swap(a, cmd_client_env(d, env));
	store_app(a);
	return true;
}

/* `reload TARGET...`: a new generation for each, without a gap (reload.c). */
static void reload_targets(struct daemon *d, struct ctl_conn *c, json_t *req)
{
	json_t *env = json_object_get(req, "env");
	char **names, msg[512];
	struct waiter *w;
	struct app *a;

	if ((names = cmd_targets(d, req, msg, sizeof(msg))) == NULL) {
		reply_error(c, "%s", msg);
		return;
	}
	for (char **n = names; json_is_array(env) && *n; n++)
		if ((a = app_find(d, *n)) != NULL) {
			env_swap(a, cmd_client_env(d, env));
			store_app(a);
		}
	w = waiter_new(d, c);
	reload_apps(d, w, names);
	csup_env_free(names);
	add_unknown(d, w, req, "reload");
	waiter_arm(w);
}

static void c_reload(struct daemon *d, struct ctl_conn *c, json_t *req)
{
	const char *source = json_string_value(json_object_get(req, "source"));
	json_t *apps = json_object_get(req, "apps"), *j;
	struct waiter *w;
	struct app_config cfg;
	struct app *a;
	char **names, **changed = NULL, name[256];
	size_t i, nc = 0;

	if (source == NULL) {
		reload_targets(d, c, req);
		return;
	}
	if ((names = match(d, "all")) == NULL) {
		reply_error(c, "%s", "out of memory");
		return;
	}
	w = waiter_new(d, c);
	/* `--only A,B` touches only those: nothing else is deleted. */
	for (char **n = names; !json_is_true(json_object_get(req, "only")) && *n; n++) {
		a = app_find(d, *n);
		if (a && a->source && strcmp(a->source, source) == 0 && !listed(apps, *n)) {
			waiter_add(w, *n, "delete", NULL, NULL);
			a->delete_pending = true;
			app_event(a, AE_STOP);
		}
	}
	csup_env_free(names);
	json_array_foreach(apps, i, j) {
		if (parse_app(j, &cfg, w) == -1)
			continue;
		snprintf(name, sizeof(name), "%s", cfg.name);
		if (reload_one(d, w, &cfg, json_object_get(req, "env"), source, false))
			names_add(&changed, &nc, name);
	}
	if (changed != NULL)
		reload_apps(d, w, changed);
	csup_env_free(changed);
	waiter_arm(w);
}

struct resurrect_arg {
	struct daemon	*d;
	struct waiter	*w;
};

static int resurrect_one(void *arg, const struct store_app_row *row)
{
	struct resurrect_arg *r = arg;
	struct app_config cfg;
	struct app *a;
	bool known;

	if (parse_app(row->cfg, &cfg, r->w) == 0) {
		known = app_find(r->d, cfg.name) != NULL;
		start_app(r->d, r->w, &cfg, cmd_client_env(r->d, row->env), row->source);
		if (!known && (a = app_find(r->d, row->name)) != NULL)
			app_keep_id(a, row->id);
	}
	return 0;
}

static void c_resurrect(struct daemon *d, struct ctl_conn *c, json_t *req)
{
	struct resurrect_arg r = { d, waiter_new(d, c) };

	if (store_each_app(d->store, true, resurrect_one, &r) == -1)
		log_warnx("resurrect: cannot read the saved apps");
	waiter_arm(r.w);
}

static void c_status(struct daemon *d, struct ctl_conn *c, json_t *req)
{
	ctl_reply(c, json_pack("{s:b,s:o}", "ok", 1, "apps", cmd_status_array(d)));
}

static void c_describe(struct daemon *d, struct ctl_conn *c, json_t *req)
{
	json_t *name = json_object_get(req, "name"), *arr;
	char **names, msg[512];
	struct app *a;

	if (json_is_string(name) && json_object_get(req, "targets") == NULL)
		json_object_set_new(req, "targets", json_pack("[O]", name));
	if ((names = cmd_targets(d, req, msg, sizeof(msg))) == NULL) {
		reply_error(c, "%s", msg);
		return;
	}
	arr = json_array();
	for (char **n = names; *n; n++)
		if ((a = app_find(d, *n)) != NULL)
			json_array_append_new(arr, cmd_app_json(a, true));
	csup_env_free(names);
	if (json_array_size(arr) == 0) {
		json_decref(arr);
		reply_error(c, "%s", "no app matches");
		return;
	}
	ctl_reply(c, json_pack("{s:b,s:O,s:o}", "ok", 1, "app", json_array_get(arr, 0),
	    "apps", arr));
}

static void c_logs(struct daemon *d, struct ctl_conn *c, json_t *req)
{
	json_t *name = json_object_get(req, "name"), *files;
	char out[PATH_MAX], err[PATH_MAX], msg[512], **names;
	struct app *a;

	if (json_is_string(name) && json_object_get(req, "targets") == NULL)
		json_object_set_new(req, "targets", json_pack("[O]", name));
	if (json_object_get(req, "targets") == NULL)
		json_object_set_new(req, "targets", json_pack("[s]", "all"));
	if ((names = cmd_targets(d, req, msg, sizeof(msg))) == NULL) {
		reply_error(c, "%s", msg);
		return;
	}
	files = json_array();
	for (char **n = names; *n; n++) {
		if ((a = app_find(d, *n)) == NULL)
			continue;
		paths_app_logs(&d->paths, &a->cfg, out, err, sizeof(out));
		json_array_append_new(files, json_pack("{s:i,s:s,s:s,s:s,s:s?}", "id", a->id,
		    "name", a->cfg.name, "out", out, "err", err, "combined", a->cfg.log_file));
	}
	csup_env_free(names);
	ctl_reply(c, json_pack("{s:b,s:o}", "ok", 1, "files", files));
}

/*
 * samples [name] since: the stored samples newer than since (ms), by app;
 * what `csup monit` draws its sparklines from.
 */
static void c_samples(struct daemon *d, struct ctl_conn *c, json_t *req)
{
	const char *name = json_string_value(json_object_get(req, "name"));
	json_int_t since = json_integer_value(json_object_get(req, "since"));
	json_t *by_app = json_object();
	struct app *a;

	if (name && app_find(d, name) == NULL) {
		json_decref(by_app);
		reply_error(c, "app '%s' not found", name);
		return;
	}
	TAILQ_FOREACH(a, &d->apps, entry)
		if (name == NULL || strcmp(a->cfg.name, name) == 0)
			json_object_set_new(by_app, a->cfg.name,
			    store_samples(d->store, a->cfg.name, since));
	ctl_reply(c, json_pack("{s:b,s:o}", "ok", 1, "samples", by_app));
}

static void c_ping(struct daemon *d, struct ctl_conn *c, json_t *req)
{
	ctl_reply(c, json_pack("{s:b,s:i,s:s,s:s}", "ok", 1, "pid", (int)getpid(),
	    "version", CSUP_VERSION, "home", d->paths.home));
}

static void c_kill(struct daemon *d, struct ctl_conn *c, json_t *req)
{
	ctl_mark_kill(c);
	daemon_shutdown(d);
}

static const struct {
	const char	*name;
	handler		*fn;
} cmds[] = {
	{ "start", c_start }, { "stop", c_stop }, { "restart", c_restart },
	{ "delete", c_delete }, { "reload", c_reload }, { "resurrect", c_resurrect },
	{ "status", c_status }, { "describe", c_describe }, { "logs", c_logs },
	{ "ping", c_ping }, { "version", c_ping }, { "kill", c_kill },
	{ "samples", c_samples },
};

void cmd_dispatch(struct daemon *d, struct ctl_conn *c, json_t *req)
{
	const char *name = json_string_value(json_object_get(req, "cmd"));

	if (d->shutting_down && !(name && strcmp(name, "kill") == 0)) {
		reply_error(c, "%s", "the daemon is shutting down");
		return;
	}
	for (size_t i = 0; name && i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(cmds[i].name, name) == 0) {
			cmds[i].fn(d, c, req);
			return;
		}
	if (name && cmd_pm2_dispatch(d, c, req, name))
		return;
	reply_error(c, "unknown command '%s'", name ? name : "");
}
