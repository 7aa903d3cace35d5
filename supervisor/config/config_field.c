/*
 * config_field.c: one parser a field type (redis's config.c habit): strings,
 * booleans (a real boolean only), integers and numeric strings, durations,
 * sizes, signals, lists, args, env maps, health checks, instances, cron.
 * Every error points at the value's line and column.
 */
#include "config_node.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "units.h"

/* "'KEY' must be WHAT, not 'TEXT'" or "..., not a list". */
static int bad(struct cfg_ctx *ctx, const char *key, const struct node *v, const char *what)
{
	if (v->kind == NODE_SCALAR && v->type != SCALAR_NULL)
		return cfg_error(ctx, v->line, v->column, "'%s' must be %s, not %s'%s'", key,
		    what, v->type == SCALAR_STR ? "the string " : "", v->str);
	return cfg_error(ctx, v->line, v->column, "'%s' must be %s, not %s", key, what,
	    node_type_name(v));
}

int field_string(struct cfg_ctx *ctx, const char *key, const struct node *v, char **out)
{
	char *s;

	if (v->kind != NODE_SCALAR || v->type == SCALAR_BOOL || v->type == SCALAR_NULL)
		return bad(ctx, key, v, "a string");
	if ((s = strdup(v->str)) == NULL)
		return cfg_error(ctx, v->line, v->column, "out of memory");
	free(*out);
	*out = s;
	return 0;
}

char *path_expand_home(const char *s)
{
	const char *home = getenv("HOME");
	char *r;

	if (strncmp(s, "~/", 2) != 0 || home == NULL || *home == '\0')
		return strdup(s);
	if (asprintf(&r, "%s%s", home, s + 1) == -1)
		return NULL;
	return r;
}

int field_path(struct cfg_ctx *ctx, const char *key, const struct node *v, char **out)
{
	char *s = NULL, *e;

	if (field_string(ctx, key, v, &s) == -1)
		return -1;
	e = path_expand_home(s);
	free(s);
	if (e == NULL)
		return cfg_error(ctx, v->line, v->column, "out of memory");
	free(*out);
	*out = e;
	return 0;
}

int field_log_path(struct cfg_ctx *ctx, const char *key, const struct node *v, char **out)
{
	char *s;

	if (v->kind == NODE_SCALAR && (strcmp(v->str, "NULL") == 0 ||
	    strcmp(v->str, "/dev/null") == 0)) {
		if ((s = strdup("/dev/null")) == NULL)
			return cfg_error(ctx, v->line, v->column, "out of memory");
		free(*out);
		*out = s;
		return 0;
	}
	return field_path(ctx, key, v, out);
}

int field_bool(struct cfg_ctx *ctx, const char *key, const struct node *v, bool *out)
{
	if (v->kind != NODE_SCALAR || v->type != SCALAR_BOOL)
		return bad(ctx, key, v, "true or false");
	*out = v->bval;
	return 0;
}

/* An integer from an integer scalar or a numeric string. */
static int to_int64(const struct node *v, int64_t *out)
{
	const char *s = v->str;
	int base = 10;
	char *end;
	long long n;

	if (v->kind != NODE_SCALAR || (v->type != SCALAR_INT && v->type != SCALAR_STR))
		return -1;
	while (*s == ' ')
		s++;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'o') && v->type == SCALAR_INT) {
		base = s[1] == 'x' ? 16 : 8;
		s += 2;
	}
	if (*s == '\0')
		return -1;
	errno = 0;
	n = strtoll(s, &end, base);
	while (*end == ' ')
		end++;
	if (errno != 0 || *end != '\0')
		return -1;
	*out = n;
	return 0;
}

int field_int(struct cfg_ctx *ctx, const char *key, const struct node *v, int *out)
{
	int64_t n;

	if (to_int64(v, &n) == -1 || n < 0 || n > INT_MAX)
		return bad(ctx, key, v, "a whole number (0 or more)");
	*out = (int)n;
	return 0;
}

static int with_units(struct cfg_ctx *ctx, const char *key, const struct node *v,
    int64_t *out, int (*parse)(const char *, int64_t *), const char *what)
{
	double d;

	if (v->kind == NODE_SCALAR && v->type == SCALAR_FLOAT) {
		d = strtod(v->str, NULL);
		if (!isfinite(d) || d < 0 || d > 9e18)
			return bad(ctx, key, v, what);
		*out = units_round(d);
		return 0;
	}
	if (v->kind != NODE_SCALAR || (v->type != SCALAR_INT && v->type != SCALAR_STR))
		return bad(ctx, key, v, what);
	if (v->type == SCALAR_INT && to_int64(v, out) == 0 && *out >= 0)
		return 0;
	if (parse(v->str, out) == -1)
		return bad(ctx, key, v, what);
	return 0;
}

int field_duration(struct cfg_ctx *ctx, const char *key, const struct node *v, int64_t *ms)
{
	return with_units(ctx, key, v, ms, units_parse_duration,
	    "a duration (milliseconds, or a number with ms, s, m or h)");
}

int field_size(struct cfg_ctx *ctx, const char *key, const struct node *v, int64_t *bytes)
{
	return with_units(ctx, key, v, bytes, units_parse_size,
	    "a size (bytes, or a number with K, M or G)");
}

int field_signal(struct cfg_ctx *ctx, const char *key, const struct node *v, int *sig)
{
	int s;

	if (v->kind != NODE_SCALAR || (v->type != SCALAR_STR && v->type != SCALAR_INT) ||
	    (s = units_signal_parse(v->str)) == -1)
		return bad(ctx, key, v, "a signal name like SIGTERM");
	*sig = s;
	return 0;
}

int field_kill_mode(struct cfg_ctx *ctx, const char *key, const struct node *v,
    enum kill_mode *m)
{
	if (v->kind == NODE_SCALAR && strcmp(v->str, "group") == 0)
		*m = KILL_MODE_GROUP;
	else if (v->kind == NODE_SCALAR && strcmp(v->str, "main") == 0)
		*m = KILL_MODE_MAIN;
	else
		return bad(ctx, key, v, "'group' or 'main'");
	return 0;
}

int field_strlist(struct cfg_ctx *ctx, const char *key, const struct node *v, char ***out)
{
	size_t i;

	if (v->kind == NODE_SCALAR) {
		if (v->type == SCALAR_BOOL || v->type == SCALAR_NULL)
			return bad(ctx, key, v, "a string or a list of strings");
		if (strv_push(out, v->str) == -1)
			return cfg_error(ctx, v->line, v->column, "out of memory");
		return 0;
	}
	if (v->kind != NODE_SEQ)
		return bad(ctx, key, v, "a string or a list of strings");
	for (i = 0; i < v->n; i++) {
		const struct node *it = v->items[i];
		if (it->kind != NODE_SCALAR || it->type == SCALAR_NULL || it->type == SCALAR_BOOL)
			return bad(ctx, key, it, "a list of strings");
		if (strv_push(out, it->str) == -1)
			return cfg_error(ctx, it->line, it->column, "out of memory");
	}
	return 0;
}

int field_args(struct cfg_ctx *ctx, const char *key, const struct node *v, char ***out)
{
	char errbuf[128], **words;

	if (v->kind == NODE_SEQ || v->type == SCALAR_INT || v->type == SCALAR_FLOAT) {
		char **nv = strv_new();
		if (nv == NULL)
			return cfg_error(ctx, v->line, v->column, "out of memory");
		if (field_strlist(ctx, key, v, &nv) == -1) {
			strv_free(nv);
			return -1;
		}
		strv_free(*out);
		*out = nv;
		return 0;
	}
	if (v->kind != NODE_SCALAR || v->type != SCALAR_STR)
		return bad(ctx, key, v, "a list or a string");
	if (shell_split(v->str, &words, errbuf, sizeof(errbuf)) == -1)
		return cfg_error(ctx, v->line, v->column, "'%s': %s", key, errbuf);
	strv_free(*out);
	*out = words;
	return 0;
}

static json_t *node_json(const struct node *n)
{
	json_t *j;
	size_t i;

	if (n->kind == NODE_SEQ) {
		j = json_array();
		for (i = 0; j != NULL && i < n->n; i++)
			json_array_append_new(j, node_json(n->items[i]));
		return j;
	}
	if (n->kind == NODE_MAP) {
		j = json_object();
		for (i = 0; j != NULL && i + 1 < n->n; i += 2)
			json_object_set_new(j, n->items[i]->str, node_json(n->items[i + 1]));
		return j;
	}
	switch (n->type) {
	case SCALAR_BOOL:	return json_boolean(n->bval);
	case SCALAR_NULL:	return json_null();
	case SCALAR_INT:	return json_integer(strtoll(n->str, NULL, 0));
	case SCALAR_FLOAT:	return json_real(strtod(n->str, NULL));
	default:		return json_string(n->str);
	}
}

/* A mapping or list as JSON.stringify writes it; malloc'ed. */
char *node_json_text(const struct node *n)
{
	json_t *j = node_json(n);
	char *s = j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER |
	    JSON_REAL_PRECISION(15)) : NULL;

	json_decref(j);
	return s;
}

static bool env_name_ok(const char *s)
{
	return *s != '\0' && strchr(s, '=') == NULL;
}

int field_env(struct cfg_ctx *ctx, const char *key, const struct node *v, char ***env)
{
	size_t i;

	if (v->kind != NODE_MAP)
		return bad(ctx, key, v, "a mapping of NAME: value");
	for (i = 0; i + 1 < v->n; i += 2) {
		const struct node *k = v->items[i], *val = v->items[i + 1];
		if (!env_name_ok(k->str))
			return cfg_error(ctx, k->line, k->column,
			    "'%s': bad environment variable name '%s'", key, k->str);
		if (val->kind != NODE_SCALAR) {
			/* PM2 passes an object or a list on as its JSON text */
			char *text = node_json_text(val);
			int rc = text ? env_set(env, k->str, text) : -1;
			free(text);
			if (rc == -1)
				return cfg_error(ctx, val->line, val->column, "out of memory");
			continue;
		}
		if (env_set(env, k->str, val->type == SCALAR_NULL ? "" : val->str) == -1)
			return cfg_error(ctx, val->line, val->column, "out of memory");
	}
	return 0;
}

static int health_tcp_ok(const char *s)
{
	const char *colon = strrchr(s, ':');
	char *end;
	long port;

	if (colon == NULL || colon == s)
		return 0;
	port = strtol(colon + 1, &end, 10);
	return *end == '\0' && colon[1] != '\0' && port > 0 && port < 65536;
}

static int health_key(struct cfg_ctx *ctx, const struct node *k, const struct node *v,
    struct health_config *h)
{
	const char *n = k->str;

	if (strcmp(n, "url") == 0) {
		if (field_string(ctx, "health.url", v, &h->url) == -1)
			return -1;
		if (strncmp(h->url, "http://", 7) != 0 && strncmp(h->url, "https://", 8) != 0)
			return bad(ctx, "health.url", v, "an http:// or https:// URL");
		return 0;
	}
	if (strcmp(n, "tcp") == 0) {
		if (field_string(ctx, "health.tcp", v, &h->tcp) == -1)
			return -1;
		return health_tcp_ok(h->tcp) ? 0 : bad(ctx, "health.tcp", v, "HOST:PORT");
	}
	if (strcmp(n, "interval") == 0)
		return field_duration(ctx, "health.interval", v, &h->interval_ms);
	if (strcmp(n, "timeout") == 0)
		return field_duration(ctx, "health.timeout", v, &h->timeout_ms);
	if (strcmp(n, "retries") == 0)
		return field_int(ctx, "health.retries", v, &h->retries);
	return cfg_error(ctx, k->line, k->column, "unknown health field '%s' (url, tcp, "
	    "interval, timeout, retries)", n);
}

int field_health(struct cfg_ctx *ctx, const char *key, const struct node *v,
    struct health_config *h)
{
	size_t i;

	if (v->kind == NODE_SCALAR && v->type == SCALAR_STR) {
		if (field_string(ctx, key, v, &h->url) == -1)
			return -1;
		if (strncmp(h->url, "http://", 7) != 0 && strncmp(h->url, "https://", 8) != 0)
			return bad(ctx, key, v, "an http:// URL or {url: ..., interval: ...}");
		h->set = true;
		return 0;
	}
	if (v->kind != NODE_MAP)
		return bad(ctx, key, v, "{url: http://HOST:PORT/path} or {tcp: HOST:PORT}");
	for (i = 0; i + 1 < v->n; i += 2)
		if (health_key(ctx, v->items[i], v->items[i + 1], h) == -1)
			return -1;
	if ((h->url == NULL) == (h->tcp == NULL))
		return cfg_error(ctx, v->line, v->column,
		    "'%s' needs exactly one of 'url' and 'tcp'", key);
	if (h->retries < 1)
		return cfg_error(ctx, v->line, v->column, "'%s.retries' must be 1 or more", key);
	h->set = true;
	return 0;
}

int field_instances(struct cfg_ctx *ctx, const char *key, const struct node *v, int *n)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int64_t i;

	if (cpus < 1)
		cpus = 1;
	if (v->kind == NODE_SCALAR && v->type == SCALAR_STR && strcmp(v->str, "max") == 0) {
		*n = (int)cpus;
		return 0;
	}
	if (to_int64(v, &i) == -1 || i > 1024 || i < -1024)
		return bad(ctx, key, v, "a number of copies or 'max'");
	if (i == 0)
		i = cpus;
	else if (i < 0)
		i = cpus + i < 1 ? 1 : cpus + i;
	*n = (int)i;
	return 0;
}

int field_cron(struct cfg_ctx *ctx, const char *key, const struct node *v, char **text,
    struct cron_expr *c)
{
	char errbuf[200];

	if (v->kind != NODE_SCALAR || v->type != SCALAR_STR)
		return bad(ctx, key, v, "a cron expression like '0 3 * * *'");
	if (cron_parse(v->str, c, errbuf, sizeof(errbuf)) == -1)
		return cfg_error(ctx, v->line, v->column, "'%s': %s", key, errbuf);
	return field_string(ctx, key, v, text);
}
