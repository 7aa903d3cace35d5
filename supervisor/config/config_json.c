/*
 * config_json.c: the resolved app as JSON, both ways, driven by one table
 * (keys are the contract's field names; durations in ms, sizes in bytes,
 * signals by name). Also the deep copy and the equality `reload` uses.
 */
#include "config_node.h"
#include "config_fields.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "units.h"

/*
 * The keys that are not fields of the file but derived from them, each
 * written after the field named in `after`.
 */
enum jt { J_STR, J_STRV, J_INT };

#define OFF(f) offsetof(struct app_config, f)

static const struct derived {
	const char	*key, *after;
	enum jt		 t;
	size_t		 off;
	bool		 required;
} derived[] = {
	{ "group", "name", J_STR, OFF(group), false },
	{ "exec_argv", "args", J_STRV, OFF(exec_argv), true },
	{ "watch_paths", "watch", J_STRV, OFF(watch_paths), false },
	{ "instance", "instances", J_INT, OFF(instance), false },
};
#define NDERIVED (sizeof(derived) / sizeof(derived[0]))

/* Required in a stored app besides exec_argv. */
static bool required(const struct config_field *f)
{
	return f->type == CF_NAME || f->type == CF_SCRIPT || strcmp(f->name, "cwd") == 0;
}

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

static json_t *str_json(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

static json_t *field_json(const struct app_config *a, const struct config_field *f)
{
	const char *p = (const char *)a + f->off;

	switch (f->type) {
	case CF_NAME: case CF_SCRIPT: case CF_STR: case CF_PATH: case CF_LOG_PATH:
	case CF_CRON:
		return str_json(*(char *const *)p);
	case CF_BOOL: case CF_WATCH:
		return json_boolean(*(const bool *)p);
	case CF_INT: case CF_INSTANCES:
		return json_integer(*(const int *)p);
	case CF_DURATION: case CF_SIZE:
		return json_integer(*(const int64_t *)p);
	case CF_SIGNAL:
		return json_string(units_signal_name(*(const int *)p));
	case CF_KILL_MODE:
		return json_string(*(const enum kill_mode *)p == KILL_MODE_MAIN ? "main" : "group");
	case CF_ARGS: case CF_LIST: case CF_ENV_FILE:
		return strv_json(*(char **const *)p);
	case CF_ENV:
		return env_json(*(char **const *)p);
	case CF_HEALTH:
		return health_json((const struct health_config *)p);
	case CF_LIMITS:
		return limits_config_json((const struct limits_config *)p);
	case CF_NICE: case CF_OOM_SCORE_ADJ:
		return opt_int_json((const struct opt_int *)p);
	case CF_ENV_BLOCK:
		break;
	}
	return NULL;
}

static json_t *derived_json(const struct app_config *a, const struct derived *d)
{
	const char *p = (const char *)a + d->off;

	switch (d->t) {
	case J_STR:
		return str_json(*(char *const *)p);
	case J_STRV:
		return strv_json(*(char **const *)p);
	case J_INT:
		return json_integer(*(const int *)p);
	}
	return json_null();
}

json_t *config_app_to_json(const struct app_config *a)
{
	json_t *o = json_object(), *v;
	size_t i, j;

	if (o == NULL)
		return NULL;
	for (i = 0; i < config_nfields; i++) {
		const struct config_field *f = &config_fields[i];
		if ((v = field_json(a, f)) != NULL)
			json_object_set_new(o, f->name, v);
		for (j = 0; j < NDERIVED; j++)
			if (strcmp(derived[j].after, f->name) == 0)
				json_object_set_new(o, derived[j].key, derived_json(a, &derived[j]));
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

static int str_from_json(json_t *v, char **p)
{
	char *s;

	if (json_is_null(v)) {
		free(*p);
		*p = NULL;
		return 0;
	}
	if (!json_is_string(v) || (s = strdup(json_string_value(v))) == NULL)
		return -1;
	free(*p);
	*p = s;
	return 0;
}

static int int_from_json(json_t *v, int *p)
{
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > 0x7fffffff)
		return -1;
	*p = (int)json_integer_value(v);
	return 0;
}

static int env_from_json(json_t *v, char ***env)
{
	const char *key;
	json_t *h;

	if (!json_is_object(v))
		return -1;
	json_object_foreach(v, key, h)
		if (!json_is_string(h) || env_set(env, key, json_string_value(h)) == -1)
			return -1;
	return 0;
}

static int health_from_json(json_t *h, struct health_config *hc);

static int set_from_json(struct app_config *a, const struct config_field *f, json_t *v,
    char *errbuf, size_t errlen)
{
	char *p = (char *)a + f->off;
	const char *s;

	switch (f->type) {
	case CF_NAME: case CF_SCRIPT: case CF_STR: case CF_PATH: case CF_LOG_PATH:
		return str_from_json(v, (char **)p);
	case CF_CRON:
		if (str_from_json(v, (char **)p) == -1)
			return -1;
		return a->cron_restart == NULL ? 0 :
		    cron_parse(a->cron_restart, &a->cron, errbuf, errlen);
	case CF_BOOL: case CF_WATCH:
		if (!json_is_boolean(v))
			return -1;
		*(bool *)p = json_is_true(v);
		return 0;
	case CF_INT: case CF_INSTANCES:
		return int_from_json(v, (int *)p);
	case CF_DURATION: case CF_SIZE:
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return -1;
		*(int64_t *)p = json_integer_value(v);
		return 0;
	case CF_SIGNAL:
		return !json_is_string(v) ||
		    (*(int *)p = units_signal_parse(json_string_value(v))) == -1 ? -1 : 0;
	case CF_KILL_MODE:
		if (!json_is_string(v))
			return -1;
		s = json_string_value(v);
		if (strcmp(s, "main") != 0 && strcmp(s, "group") != 0)
			return -1;
		*(enum kill_mode *)p = strcmp(s, "main") == 0 ? KILL_MODE_MAIN : KILL_MODE_GROUP;
		return 0;
	case CF_ARGS: case CF_LIST: case CF_ENV_FILE:
		return strv_from_json(v, (char ***)p);
	case CF_ENV:
		return env_from_json(v, (char ***)p);
	case CF_HEALTH:
		return json_is_null(v) ? 0 : health_from_json(v, (struct health_config *)p);
	case CF_LIMITS:
		return limits_config_from_json(v, (struct limits_config *)p);
	case CF_NICE:
		return opt_int_from_json(v, -20, 19, (struct opt_int *)p);
	case CF_OOM_SCORE_ADJ:
		return opt_int_from_json(v, -1000, 1000, (struct opt_int *)p);
	case CF_ENV_BLOCK:
		return 0;
	}
	return -1;
}

static int derived_from_json(struct app_config *a, const struct derived *d, json_t *v)
{
	char *p = (char *)a + d->off;

	switch (d->t) {
	case J_STR:
		return str_from_json(v, (char **)p);
	case J_STRV:
		return strv_from_json(v, (char ***)p);
	case J_INT:
		return int_from_json(v, (int *)p);
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

int config_app_from_json(json_t *obj, struct app_config *a, char *errbuf, size_t errlen)
{
	json_t *v;
	size_t i;

	config_app_defaults(a);
	if (!json_is_object(obj)) {
		snprintf(errbuf, errlen, "an app config is a JSON object");
		goto fail;
	}
	for (i = 0; i < config_nfields; i++) {
		const struct config_field *f = &config_fields[i];
		if ((v = json_object_get(obj, f->name)) == NULL) {
			if (!required(f))
				continue;
			snprintf(errbuf, errlen, "missing '%s'", f->name);
			goto fail;
		}
		errbuf[0] = '\0';
		if (set_from_json(a, f, v, errbuf, errlen) == -1 ||
		    (required(f) && json_is_null(v))) {
			if (errbuf[0] == '\0')
				snprintf(errbuf, errlen, "bad '%s'", f->name);
			goto fail;
		}
	}
	for (i = 0; i < NDERIVED; i++) {
		if ((v = json_object_get(obj, derived[i].key)) == NULL) {
			if (!derived[i].required)
				continue;
			snprintf(errbuf, errlen, "missing '%s'", derived[i].key);
			goto fail;
		}
		if (derived_from_json(a, &derived[i], v) == -1) {
			snprintf(errbuf, errlen, "bad '%s'", derived[i].key);
			goto fail;
		}
	}
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
	rc |= dup_strv(&d->env_file);
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
