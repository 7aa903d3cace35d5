/*
 * config_json.c: the resolved app as JSON, both ways, driven by one table
 * (keys are the contract's field names; durations in ms, sizes in bytes,
 * signals by name). Also the deep copy and the equality `reload` uses.
 */
#include "config_node.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "units.h"

enum jt { J_STR, J_STRV, J_BOOL, J_INT, J_I64 };

#define OFF(f) offsetof(struct app_config, f)

static const struct jfield {
	const char	*key;
	enum jt		 t;
	size_t		 off;
	bool		 required;
} jfields[] = {
	{ "name", J_STR, OFF(name), true },
	{ "group", J_STR, OFF(group), false },
	{ "script", J_STR, OFF(script), true },
	{ "interpreter", J_STR, OFF(interpreter), false },
	{ "args", J_STRV, OFF(args), false },
	{ "exec_argv", J_STRV, OFF(exec_argv), true },
	{ "cwd", J_STR, OFF(cwd), true },
	{ "autorestart", J_BOOL, OFF(autorestart), false },
	{ "max_restarts", J_INT, OFF(max_restarts), false },
	{ "min_uptime", J_I64, OFF(min_uptime_ms), false },
	{ "restart_delay", J_I64, OFF(restart_delay_ms), false },
	{ "exp_backoff_restart_delay", J_I64, OFF(exp_backoff_restart_delay_ms), false },
	{ "kill_timeout", J_I64, OFF(kill_timeout_ms), false },
	{ "watch", J_BOOL, OFF(watch), false },
	{ "watch_paths", J_STRV, OFF(watch_paths), false },
	{ "ignore_watch", J_STRV, OFF(ignore_watch), false },
	{ "watch_delay", J_I64, OFF(watch_delay_ms), false },
	{ "max_memory_restart", J_I64, OFF(max_memory_restart), false },
	{ "max_processes", J_INT, OFF(max_processes), false },
	{ "out_file", J_STR, OFF(out_file), false },
	{ "error_file", J_STR, OFF(error_file), false },
	{ "log_file", J_STR, OFF(log_file), false },
	{ "merge_logs", J_BOOL, OFF(merge_logs), false },
	{ "log_max_size", J_I64, OFF(log_max_size), false },
	{ "log_max_files", J_INT, OFF(log_max_files), false },
	{ "log_date_format", J_STR, OFF(log_date_format), false },
	{ "wait_ready", J_BOOL, OFF(wait_ready), false },
	{ "listen_timeout", J_I64, OFF(listen_timeout_ms), false },
	{ "alert", J_STR, OFF(alert), false },
	{ "instances", J_INT, OFF(instances), false },
	{ "instance", J_INT, OFF(instance), false },
	{ "instance_var", J_STR, OFF(instance_var), false },
	{ "cron_restart", J_STR, OFF(cron_restart), false },
};
#define NJFIELDS (sizeof(jfields) / sizeof(jfields[0]))

static json_t *strv_json(char *const *v)
{
	json_t *a = json_array();

	for (; a != NULL && v != NULL && *v != NULL; v++)
		json_array_append_new(a, json_string(*v));
	return a;
}

static json_t *env_json(char *const *env)
{
	json_t *o = json_object();
	char *key;
	const char *eq;

	for (; o != NULL && env != NULL && *env != NULL; env++) {
		if ((eq = strchr(*env, '=')) == NULL ||
		    (key = strndup(*env, (size_t)(eq - *env))) == NULL)
			continue;
		json_object_set_new(o, key, json_string(eq + 1));
		free(key);
	}
	return o;
}

static json_t *health_json(const struct health_config *h)
{
	if (!h->set)
		return json_null();
	return json_pack("{s:o, s:o, s:I, s:I, s:i}",
	    "url", h->url ? json_string(h->url) : json_null(),
	    "tcp", h->tcp ? json_string(h->tcp) : json_null(),
	    "interval", (json_int_t)h->interval_ms, "timeout", (json_int_t)h->timeout_ms,
	    "retries", h->retries);
}

static json_t *field_json(const struct app_config *a, const struct jfield *f)
{
	const char *p = (const char *)a + f->off;

	switch (f->t) {
	case J_STR:
		return *(char *const *)p ? json_string(*(char *const *)p) : json_null();
	case J_STRV:
		return strv_json(*(char **const *)p);
	case J_BOOL:
		return json_boolean(*(const bool *)p);
	case J_INT:
		return json_integer(*(const int *)p);
	case J_I64:
		return json_integer(*(const int64_t *)p);
	}
	return json_null();
}

json_t *config_app_to_json(const struct app_config *a)
{
	json_t *o = json_object();
	size_t i;

	if (o == NULL)
		return NULL;
	for (i = 0; i < NJFIELDS; i++) {
		json_object_set_new(o, jfields[i].key, field_json(a, &jfields[i]));
		if (strcmp(jfields[i].key, "cwd") == 0)
			json_object_set_new(o, "env", env_json(a->env));
		if (strcmp(jfields[i].key, "kill_timeout") == 0) {
			json_object_set_new(o, "kill_signal",
			    json_string(units_signal_name(a->kill_signal)));
			json_object_set_new(o, "kill_mode",
			    json_string(a->kill_mode == KILL_MODE_MAIN ? "main" : "group"));
		}
		if (strcmp(jfields[i].key, "alert") == 0)
			json_object_set_new(o, "health", health_json(&a->health));
	}
	return o;
}

static int strv_from_json(json_t *v, char ***out)
{
	char **nv = strv_new();
	json_t *it;
	size_t i;

	if (nv == NULL || !json_is_array(v))
		goto fail;
	json_array_foreach(v, i, it)
		if (!json_is_string(it) || strv_push(&nv, json_string_value(it)) == -1)
			goto fail;
	strv_free(*out);
	*out = nv;
	return 0;
fail:
	strv_free(nv);
	return -1;
}

static int set_from_json(struct app_config *a, const struct jfield *f, json_t *v)
{
	char *p = (char *)a + f->off, *s;

	switch (f->t) {
	case J_STR:
		if (json_is_null(v)) {
			free(*(char **)p);
			*(char **)p = NULL;
			return 0;
		}
		if (!json_is_string(v) || (s = strdup(json_string_value(v))) == NULL)
			return -1;
		free(*(char **)p);
		*(char **)p = s;
		return 0;
	case J_STRV:
		return strv_from_json(v, (char ***)p);
	case J_BOOL:
		if (!json_is_boolean(v))
			return -1;
		*(bool *)p = json_is_true(v);
		return 0;
	case J_INT:
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > 0x7fffffff)
			return -1;
		*(int *)p = (int)json_integer_value(v);
		return 0;
	case J_I64:
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return -1;
		*(int64_t *)p = json_integer_value(v);
		return 0;
	}
	return -1;
}

static int opt_string(json_t *v, char **out)
{
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v) || (*out = strdup(json_string_value(v))) == NULL)
		return -1;
	return 0;
}

static int health_from_json(json_t *h, struct health_config *hc)
{
	json_t *iv = json_object_get(h, "interval"), *to = json_object_get(h, "timeout");
	json_t *re = json_object_get(h, "retries");

	if (!json_is_object(h) || opt_string(json_object_get(h, "url"), &hc->url) == -1 ||
	    opt_string(json_object_get(h, "tcp"), &hc->tcp) == -1 ||
	    (hc->url == NULL) == (hc->tcp == NULL) || !json_is_integer(iv) ||
	    !json_is_integer(to) || !json_is_integer(re) || json_integer_value(re) < 1 ||
	    json_integer_value(re) > 1000000)
		return -1;
	hc->set = true;
	hc->interval_ms = json_integer_value(iv);
	hc->timeout_ms = json_integer_value(to);
	hc->retries = (int)json_integer_value(re);
	return 0;
}

static int special_from_json(json_t *obj, struct app_config *a, char *errbuf, size_t errlen)
{
	json_t *v, *h;
	const char *key;

	if ((v = json_object_get(obj, "env")) != NULL) {
		if (!json_is_object(v))
			return snprintf(errbuf, errlen, "'env' is not an object"), -1;
		json_object_foreach(v, key, h)
			if (!json_is_string(h) || env_set(&a->env, key, json_string_value(h)) == -1)
				return snprintf(errbuf, errlen, "bad 'env' value '%s'", key), -1;
	}
	if ((v = json_object_get(obj, "kill_signal")) != NULL &&
	    (!json_is_string(v) || (a->kill_signal = units_signal_parse(json_string_value(v))) == -1))
		return snprintf(errbuf, errlen, "bad 'kill_signal'"), -1;
	if ((v = json_object_get(obj, "kill_mode")) != NULL) {
		if (json_is_string(v) && strcmp(json_string_value(v), "main") == 0)
			a->kill_mode = KILL_MODE_MAIN;
		else if (json_is_string(v) && strcmp(json_string_value(v), "group") == 0)
			a->kill_mode = KILL_MODE_GROUP;
		else
			return snprintf(errbuf, errlen, "bad 'kill_mode'"), -1;
	}
	if ((h = json_object_get(obj, "health")) != NULL && !json_is_null(h) &&
	    health_from_json(h, &a->health) == -1)
		return snprintf(errbuf, errlen, "bad 'health'"), -1;
	if (a->cron_restart != NULL && cron_parse(a->cron_restart, &a->cron, errbuf, errlen) == -1)
		return -1;
	return 0;
}

int config_app_from_json(json_t *obj, struct app_config *a, char *errbuf, size_t errlen)
{
	json_t *v;
	size_t i;

	config_app_defaults(a);
	if (!json_is_object(obj)) {
		snprintf(errbuf, errlen, "an app config is a JSON object");
		goto fail;
	}
	for (i = 0; i < NJFIELDS; i++) {
		const struct jfield *f = &jfields[i];
		if ((v = json_object_get(obj, f->key)) == NULL) {
			if (!f->required)
				continue;
			snprintf(errbuf, errlen, "missing '%s'", f->key);
			goto fail;
		}
		if (set_from_json(a, f, v) == -1 || (f->required && json_is_null(v))) {
			snprintf(errbuf, errlen, "bad '%s'", f->key);
			goto fail;
		}
	}
	if (special_from_json(obj, a, errbuf, errlen) == -1)
		goto fail;
	if (a->group == NULL && (a->group = strdup(a->name)) == NULL) {
		snprintf(errbuf, errlen, "out of memory");
		goto fail;
	}
	return 0;
fail:
	config_app_free(a);
	return -1;
}

bool config_app_equal(const struct app_config *a, const struct app_config *b)
{
	json_t *ja = config_app_to_json(a), *jb = config_app_to_json(b);
	bool eq = false;

	/* The copy count alone does not change a copy: NAME-0 stays as it is. */
	if (ja != NULL && jb != NULL) {
		json_object_del(ja, "instances");
		json_object_del(jb, "instances");
		eq = json_equal(ja, jb);
	}
	json_decref(ja);
	json_decref(jb);
	return eq;
}

static int dup_str(char **s)
{
	return *s == NULL || (*s = strdup(*s)) != NULL ? 0 : -1;
}

static int dup_strv(char ***v)
{
	return (*v = strv_dup(*v)) != NULL ? 0 : -1;
}

int config_app_copy(const struct app_config *src, struct app_config *d)
{
	int rc = 0;

	*d = *src;
	rc |= dup_str(&d->name);
	rc |= dup_str(&d->group);
	rc |= dup_str(&d->script);
	rc |= dup_str(&d->interpreter);
	rc |= dup_strv(&d->args);
	rc |= dup_strv(&d->exec_argv);
	rc |= dup_str(&d->cwd);
	rc |= dup_strv(&d->env);
	rc |= dup_strv(&d->watch_paths);
	rc |= dup_strv(&d->ignore_watch);
	rc |= dup_str(&d->out_file);
	rc |= dup_str(&d->error_file);
	rc |= dup_str(&d->log_file);
	rc |= dup_str(&d->log_date_format);
	rc |= dup_str(&d->alert);
	rc |= dup_str(&d->health.url);
	rc |= dup_str(&d->health.tcp);
	rc |= dup_str(&d->instance_var);
	rc |= dup_str(&d->cron_restart);
	if (rc != 0)
		config_app_free(d);
	return rc;
}
