/*
 * cmd_pm2.c: the daemon's side of the commands PM2 users type: targets
 * (ids, names, groups, `all`, several at once), numeric ids, and the
 * small commands save, reset, signal, scale, env and select.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
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
#include "store.h"
#include "units.h"
#include "waiter.h"

#define ENV_MAX	(1u << 20)

static void reply_error(struct ctl_conn *c, const char *fmt, const char *arg)
{
	char msg[512];

	snprintf(msg, sizeof(msg), fmt, arg);
	ctl_reply(c, json_pack("{s:b,s:s}", "ok", 0, "error", msg));
}

static bool all_digits(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

static bool target_has(const struct app *a, const char *t)
{
	if (strcmp(t, "all") == 0 || strcmp(a->cfg.name, t) == 0)
		return true;
	if (a->cfg.group && strcmp(a->cfg.group, t) == 0)
		return true;
	return all_digits(t) && strlen(t) < 10 && atoi(t) == a->id;
}

struct app *cmd_app_by_id(struct daemon *d, const char *s)
{
	struct app *a;

	if (!all_digits(s) || strlen(s) >= 10)
		return NULL;
	TAILQ_FOREACH(a, &d->apps, entry)
		if (a->id == atoi(s))
			return a;
	return NULL;
}

/*
 * A target's text: a string, or {"name": N, "file": F} for an app of an
 * ecosystem FILE given on the command line (*file then set).
 */
static const char *target_name(json_t *t, const char **file)
{
	*file = NULL;
	if (json_is_object(t)) {
		*file = json_string_value(json_object_get(t, "file"));
		return json_string_value(json_object_get(t, "name"));
	}
	return json_string_value(t);
}

static bool target_known(struct daemon *d, const char *s)
{
	struct app *a;

	if (strcmp(s, "all") == 0)
		return true;
	TAILQ_FOREACH(a, &d->apps, entry)
		if (target_has(a, s))
			return true;
	return false;
}

/* The request's targets: "targets" (a list) or "target" (one). */
static json_t *req_targets(json_t *req)
{
	json_t *t = json_object_get(req, "targets"), *one;

	if (json_is_array(t))
		return json_incref(t);
	one = json_object_get(req, "target");
	if (json_is_string(one))
		return json_pack("[O]", one);
	return NULL;
}

char **cmd_targets(struct daemon *d, json_t *req, char *err, size_t len)
{
	json_t *targets = req_targets(req), *t;
	struct app *a;
	size_t n = 0, i;
	char **v = NULL;

	if (targets == NULL || json_array_size(targets) == 0) {
		snprintf(err, len, "a NAME, an id or 'all' is needed");
		goto out;
	}
	json_array_foreach(targets, i, t) {
		const char *file, *s = target_name(t, &file);

		if (s == NULL) {
			snprintf(err, len, "a target must be a string");
			goto out;
		}
		/* An app of a FILE that the daemon does not know: cmd_unknown. */
		if (!target_known(d, s) && file == NULL) {
			snprintf(err, len, all_digits(s) ? "no app has id %s" :
			    "app '%s' not found", s);
			goto out;
		}
	}
	TAILQ_FOREACH(a, &d->apps, entry)
		n++;
	if ((v = calloc(n + 1, sizeof(*v))) == NULL) {
		snprintf(err, len, "out of memory");
		goto out;
	}
	n = 0;
	/* In the daemon's order, each app once. */
	TAILQ_FOREACH(a, &d->apps, entry)
		json_array_foreach(targets, i, t) {
			const char *file, *s = target_name(t, &file);

			if (target_has(a, s)) {
				if ((v[n] = strdup(a->cfg.name)) != NULL)
					n++;
				break;
			}
		}
out:
	json_decref(targets);
	return v;
}

json_t *cmd_unknown(struct daemon *d, json_t *req)
{
	json_t *targets = req_targets(req), *t, *out = json_array();
	const char *file, *s;
	char msg[512];
	size_t i;

	json_array_foreach(targets, i, t)
		if ((s = target_name(t, &file)) != NULL && file != NULL &&
		    !target_known(d, s)) {
			snprintf(msg, sizeof(msg), "app '%s' of %s is not known to the"
			    " daemon: nothing done for it", s, file);
			json_array_append_new(out, json_pack("{s:s,s:s,s:s}", "name", s,
			    "result", "failed", "error", msg));
		}
	json_decref(targets);
	return out;
}

/* The apps a request names, or NULL after replying with the error. */
static char **targets_or_reply(struct daemon *d, struct ctl_conn *c, json_t *req)
{
	char err[512];
	char **names = cmd_targets(d, req, err, sizeof(err));

	if (names == NULL)
		reply_error(c, "%s", err);
	return names;
}

static void c_save(struct daemon *d, struct ctl_conn *c, json_t *req)
{
	if (store_save_wanted(d->store) == -1) {
		reply_error(c, "%s", "cannot write the resurrect list (see csup.log)");
		return;
	}
	ctl_reply(c, json_pack("{s:b}", "ok", 1));
}

static void c_reset(struct daemon *d, struct ctl_conn *c, json_t *req)
{
	char **names = targets_or_reply(d, c, req);
	json_t *done = json_array();
	struct app *a;

	if (names == NULL) {
		json_decref(done);
		return;
	}
	for (char **n = names; *n; n++) {
		if ((a = app_find(d, *n)) == NULL)
			continue;
		a->lc.restarts = 0;
		a->lc.unstable_restarts = 0;
		a->lc.backoff_ms = 0;
		if (store_set_want(d->store, a->cfg.name, a->lc.want_up, 0) == -1)
			log_warnx("%s: cannot store the reset", a->cfg.name);
		app_record_event(a, "reset", "restart counters set to 0");
		json_array_append_new(done, json_string(*n));
	}
	csup_env_free(names);
	ctl_reply(c, json_pack("{s:b,s:o,s:o}", "ok", 1, "names", done, "results",
	    cmd_unknown(d, req)));
}

static void c_signal(struct daemon *d, struct ctl_conn *c, json_t *req)
{
	const char *sname = json_string_value(json_object_get(req, "signal"));
	int sig = sname ? units_signal_parse(sname) : -1;
	json_t *results = json_array(), *unknown;
	char **names, msg[256];
	struct app *a;
	bool ok = true;

	if (sig <= 0) {
		json_decref(results);
		reply_error(c, "unknown signal '%s'", sname ? sname : "");
		return;
	}
	if ((names = targets_or_reply(d, c, req)) == NULL) {
		json_decref(results);
		return;
	}
	for (char **n = names; *n; n++) {
		if ((a = app_find(d, *n)) == NULL)
			continue;
		if (!a->live || a->gen.main_gone || a->gen.pid <= 0) {
			json_array_append_new(results, json_pack("{s:s,s:s,s:s}", "name", *n,
			    "result", "failed", "error", "not running"));
			ok = false;
		} else if (kill(a->gen.pid, sig) == -1) {
			snprintf(msg, sizeof(msg), "kill %d: %s", (int)a->gen.pid,
			    strerror(errno));
			json_array_append_new(results, json_pack("{s:s,s:s,s:s}", "name", *n,
			    "result", "failed", "error", msg));
			ok = false;
		} else {
			app_record_event(a, "signal", "%s sent to %d by the user",
			    units_signal_name(sig), (int)a->gen.pid);
			json_array_append_new(results, json_pack("{s:s,s:s,s:i}", "name", *n,
			    "result", "signalled", "pid", (int)a->gen.pid));
		}
	}
	csup_env_free(names);
	unknown = cmd_unknown(d, req);
	if (json_array_size(unknown) > 0)
		ok = false;
	json_array_extend(results, unknown);
	json_decref(unknown);
	ctl_reply(c, json_pack("{s:b,s:o}", "ok", ok, "results", results));
}

/* The environment of a running main process, from /proc. */
static json_t *proc_environ(pid_t pid)
{
	char path[64], *buf = NULL;
	json_t *arr = NULL;
	size_t got = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	if ((buf = malloc(ENV_MAX)) == NULL)
		goto out;
	while (got < ENV_MAX - 1) {
		n = read(fd, buf + got, ENV_MAX - 1 - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	arr = json_array();
	for (size_t i = 0; i < got; i += strlen(buf + i) + 1)
		if (buf[i] != '\0')
			json_array_append_new(arr, json_string(buf + i));
out:
	free(buf);
	close(fd);
	return arr;
}

/* What the next generation gets, for an app that does not run. */
static json_t *planned_environ(struct app *a)
{
	json_t *obj = json_object(), *arr = json_array(), *v;
	char buf[PATH_MAX + 64];
	const char *k;
	char *const *lists[] = { a->client_env, a->cfg.env };

	for (size_t l = 0; l < 2; l++)
		for (char *const *e = lists[l]; e && *e; e++) {
			const char *eq = strchr(*e, '=');
			char key[256];

			if (eq == NULL || (size_t)(eq - *e) >= sizeof(key))
				continue;
			memcpy(key, *e, (size_t)(eq - *e));
			key[eq - *e] = '\0';
			json_object_set_new(obj, key, json_string(eq + 1));
		}
	if (a->cfg.instance_var) {
		snprintf(buf, sizeof(buf), "%d", a->cfg.instance);
		json_object_set_new(obj, a->cfg.instance_var, json_string(buf));
	}
	json_object_set_new(obj, "CSUP_HOME", json_string(a->d->paths.home));
	json_object_foreach(obj, k, v) {
		snprintf(buf, sizeof(buf), "%s=%s", k, json_string_value(v));
		json_array_append_new(arr, json_string(buf));
	}
	json_decref(obj);
	return arr;
}

static void c_env(struct daemon *d, struct ctl_conn *c, json_t *req)
{
	char **names = targets_or_reply(d, c, req);
	json_t *env = NULL;
	struct app *a;

	if (names == NULL)
		return;
	if (names[0] == NULL || names[1] != NULL) {
		reply_error(c, "%s", "env takes one app (a NAME or an id)");
		goto out;
	}
	a = app_find(d, names[0]);
	if (a->live && !a->gen.main_gone && a->gen.pid > 0)
		env = proc_environ(a->gen.pid);
	if (env == NULL)
		env = planned_environ(a);
	ctl_reply(c, json_pack("{s:b,s:s,s:b,s:o}", "ok", 1, "name", a->cfg.name,
	    "running", a->live, "env", env));
out:
	csup_env_free(names);
}

static void c_select(struct daemon *d, struct ctl_conn *c, json_t *req)
{
	bool full = json_is_true(json_object_get(req, "full"));
	char **names = targets_or_reply(d, c, req);
	json_t *arr = json_array();
	struct app *a;

	if (names == NULL) {
		json_decref(arr);
		return;
	}
	json_decref(cmd_status_array(d));	/* fresh figures */
	for (char **n = names; *n; n++)
		if ((a = app_find(d, *n)) != NULL)
			json_array_append_new(arr, cmd_app_json(a, full));
	csup_env_free(names);
	ctl_reply(c, json_pack("{s:b,s:o}", "ok", 1, "apps", arr));
}

/* The copies of a group, by instance number; *n their count. */
static struct app **group_members(struct daemon *d, const char *group, size_t *n)
{
	struct app *a, **v;
	size_t k = 0;

	TAILQ_FOREACH(a, &d->apps, entry)
		k++;
	if ((v = calloc(k + 1, sizeof(*v))) == NULL)
		return NULL;
	*n = 0;
	TAILQ_FOREACH(a, &d->apps, entry)
		if (strcmp(a->cfg.group ? a->cfg.group : a->cfg.name, group) == 0)
			v[(*n)++] = a;
	return v;
}

static bool has_instance(struct app **v, size_t n, int idx)
{
	for (size_t i = 0; i < n; i++)
		if (v[i]->cfg.instance == idx)
			return true;
	return false;
}

/* A NULL-terminated copy of env, or NULL (out of memory). */
/* A new copy of tpl with index idx, started; its waiter item says how. */
static int scale_add(struct daemon *d, struct waiter *w, struct app *tpl, int idx,
    int total)
{
	struct app_config cfg;
	char name[256];
	const char *group = tpl->cfg.group ? tpl->cfg.group : tpl->cfg.name;

	snprintf(name, sizeof(name), "%s-%d", group, idx);
	if (!config_name_valid(name) || app_find(d, name) != NULL ||
	    config_app_copy(&tpl->cfg, &cfg) == -1) {
		waiter_add(w, name, "start", "failed", "cannot add this copy (name taken?)");
		return -1;
	}
	free(cfg.name);
	free(cfg.group);
	cfg.name = strdup(name);
	cfg.group = strdup(group);
	cfg.instance = idx;
	cfg.instances = total;
	if (cfg.name == NULL || cfg.group == NULL) {
		config_app_free(&cfg);
		waiter_add(w, name, "start", "failed", "out of memory");
		return -1;
	}
	cmd_start_app(d, w, &cfg, appenv_ref(tpl->client_env), tpl->source);
	return 0;
}

static void c_scale(struct daemon *d, struct ctl_conn *c, json_t *req)
{
	const char *group = json_string_value(json_object_get(req, "name"));
	json_int_t want = json_integer_value(json_object_get(req, "count"));
	bool rel = json_is_true(json_object_get(req, "relative"));
	struct app **v = NULL, *tpl;
	struct waiter *w;
	size_t n = 0;
	int idx;

	if (group == NULL || (v = group_members(d, group, &n)) == NULL || n == 0) {
		/* an id names the group of that app */
		struct app *a;

		free(v);
		v = NULL;
		TAILQ_FOREACH(a, &d->apps, entry)
			if (group && all_digits(group) && atoi(group) == a->id)
				break;
		if (a == NULL) {
			reply_error(c, "app or group '%s' not found", group ? group : "");
			return;
		}
		group = a->cfg.group ? a->cfg.group : a->cfg.name;
		if ((v = group_members(d, group, &n)) == NULL) {
			reply_error(c, "%s", "out of memory");
			return;
		}
	}
	if (rel)
		want += (json_int_t)n;
	if (want < 1 || want > 4096) {
		free(v);
		reply_error(c, "scale: %s copies is out of range (1 to 4096)",
		    rel ? "the resulting number of" : "that number of");
		return;
	}
	tpl = v[0];
	for (size_t i = 1; i < n; i++)
		if (v[i]->cfg.instance < tpl->cfg.instance)
			tpl = v[i];
	w = waiter_new(d, c);
	/* Grow: the lowest free numbers. Shrink: the highest numbers go. */
	for (idx = 0; (json_int_t)n < want; idx++)
		if (!has_instance(v, n, idx)) {
			int rc = scale_add(d, w, tpl, idx, (int)want);

			free(v);
			if (rc == -1 || (v = group_members(d, group, &n)) == NULL) {
				v = NULL;
				break;
			}
		}
	while (v && (json_int_t)n > want) {
		struct app *top = v[0];

		for (size_t i = 1; i < n; i++)
			if (v[i]->cfg.instance > top->cfg.instance)
				top = v[i];
		waiter_add(w, top->cfg.name, "delete", NULL, NULL);
		top->delete_pending = true;
		app_event(top, AE_STOP);
		for (size_t i = 0; i < n; i++)
			if (v[i] == top)
				v[i] = v[--n];
	}
	if (v != NULL)
		for (size_t i = 0; i < n; i++)
			v[i]->cfg.instances = (int)want;
	free(v);
	waiter_arm(w);
}

static const struct {
	const char	*name;
	void		(*fn)(struct daemon *, struct ctl_conn *, json_t *);
} pm2_cmds[] = {
	{ "save", c_save }, { "reset", c_reset }, { "signal", c_signal },
	{ "env", c_env }, { "select", c_select }, { "scale", c_scale },
};

bool cmd_pm2_dispatch(struct daemon *d, struct ctl_conn *c, json_t *req, const char *name)
{
	for (size_t i = 0; i < sizeof(pm2_cmds) / sizeof(pm2_cmds[0]); i++)
		if (strcmp(pm2_cmds[i].name, name) == 0) {
			pm2_cmds[i].fn(d, c, req);
			return true;
		}
	return false;
}
