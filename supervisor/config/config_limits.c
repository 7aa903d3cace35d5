/*
 * config_limits.c: the `limits:` mapping, `nice` and `oom_score_adj`
 * (docs/limits.md). Sizes take K/M/G, cpu is a percent of one core
 * (`150%`, or a bare number), counts are whole numbers. An unknown key in
 * `limits` is an error: a misspelt limit would silently not be enforced.
 * Their JSON form is config_limits_json.c's.
 */
#include "config_node.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const limit_keys =
    "memory, memory_high, cpu, pids, nofile, core";

static int bad(struct cfg_ctx *ctx, const char *key, const struct node *v, const char *what)
{
	if (v->kind == NODE_SCALAR)
		return cfg_error(ctx, v->line, v->column, "'%s' must be %s, not '%s'", key,
		    what, v->str);
	return cfg_error(ctx, v->line, v->column, "'%s' must be %s, not %s", key, what,
	    node_type_name(v));
}

/* A whole number (integer scalar or numeric string), any sign. */
static int whole(const struct node *v, long long *out)
{
	char *end;

	if (v->kind != NODE_SCALAR || (v->type != SCALAR_INT && v->type != SCALAR_STR) ||
	    v->str[0] == '\0')
		return -1;
	errno = 0;
	*out = strtoll(v->str, &end, 10);
	return errno != 0 || *end != '\0' ? -1 : 0;
}

int field_opt_int(struct cfg_ctx *ctx, const char *key, const struct node *v, int min,
    int max, struct opt_int *out)
{
	char what[64];
	long long n;

	snprintf(what, sizeof(what), "a whole number from %d to %d", min, max);
	if (whole(v, &n) == -1 || n < min || n > max)
		return bad(ctx, key, v, what);
	out->set = true;
	out->value = (int)n;
	return 0;
}

/* `150%`, `150` or `"150"`: percent of one core, 1 or more. */
static int cpu_percent(struct cfg_ctx *ctx, const char *key, const struct node *v, int *out)
{
	const char *what = "a percent of one core like 50% or 150%";
	char *end;
	double d;

	if (v->kind != NODE_SCALAR || v->type == SCALAR_BOOL || v->type == SCALAR_NULL ||
	    v->str[0] == '\0')
		return bad(ctx, key, v, what);
	errno = 0;
	d = strtod(v->str, &end);
	if (*end == '%')
		end++;
	if (errno != 0 || *end != '\0' || end == v->str || !isfinite(d) || d < 1 ||
	    d > 100000)
		return bad(ctx, key, v, what);
	*out = (int)(d + 0.5);	/* d >= 1: rounded to the nearest */
	return 0;
}

static int count(struct cfg_ctx *ctx, const char *key, const struct node *v, int64_t min,
    int64_t max, int64_t *out)
{
	char what[80];
	long long n;

	snprintf(what, sizeof(what), "a whole number from %lld to %lld", (long long)min,
	    (long long)max);
	if (whole(v, &n) == -1 || n < min || n > max)
		return bad(ctx, key, v, what);
	*out = n;
	return 0;
}

static int limit_key(struct cfg_ctx *ctx, const struct node *k, const struct node *v,
    struct limits_config *l)
{
	char key[80];
	int64_t n;

	snprintf(key, sizeof(key), "limits.%s", k->str);
	if (strcmp(k->str, "memory") == 0 || strcmp(k->str, "memory_high") == 0) {
		if (field_size(ctx, key, v, &n) == -1)
			return -1;
		if (n < 4096)
			return bad(ctx, key, v, "a size of 4K or more");
		*(k->str[6] == '\0' ? &l->memory : &l->memory_high) = n;
		return 0;
	}
	if (strcmp(k->str, "cpu") == 0)
		return cpu_percent(ctx, key, v, &l->cpu);
	if (strcmp(k->str, "pids") == 0) {
		if (count(ctx, key, v, 1, INT_MAX, &n) == -1)
			return -1;
		l->pids = (int)n;
		return 0;
	}
	if (strcmp(k->str, "nofile") == 0)
		return count(ctx, key, v, 1, INT_MAX, &l->nofile);
	if (strcmp(k->str, "core") == 0)
		return field_size(ctx, key, v, &l->core);
	return cfg_error(ctx, k->line, k->column, "unknown limit '%s' (%s)", k->str,
	    limit_keys);
}

int field_limits(struct cfg_ctx *ctx, const char *key, const struct node *v,
    struct limits_config *l)
{
	size_t i;

	if (v->kind != NODE_MAP)
		return bad(ctx, key, v, "a mapping of limits (memory, cpu, pids, ...)");
	for (i = 0; i + 1 < v->n; i += 2) {
		const struct node *val = v->items[i + 1];

		if (val->kind == NODE_SCALAR && val->type == SCALAR_NULL &&
		    limits_key_known(v->items[i]->str))
			continue;
		if (limit_key(ctx, v->items[i], val, l) == -1)
			return -1;
	}
	l->line = v->line;
	l->column = v->column;
	return 0;
}
