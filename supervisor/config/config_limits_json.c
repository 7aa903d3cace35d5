/*
 * config_limits_json.c: `limits`, `nice` and `oom_score_adj` as JSON, both
 * ways (sizes in bytes, cpu in percent). Apart from their parser
 * (config_limits.c) so that the daemon, which reads only this form, links
 * none of the file readers' code.
 */
#include "config_node.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

bool limits_key_known(const char *k)
{
	static const char *const keys[] = { "memory", "memory_high", "cpu", "pids",
	    "nofile", "core" };

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(k, keys[i]) == 0)
			return true;
	return false;
}

json_t *limits_config_json(const struct limits_config *l)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	if (l->memory > 0)
		json_object_set_new(o, "memory", json_integer(l->memory));
	if (l->memory_high > 0)
		json_object_set_new(o, "memory_high", json_integer(l->memory_high));
	if (l->cpu > 0)
		json_object_set_new(o, "cpu", json_integer(l->cpu));
	if (l->pids > 0)
		json_object_set_new(o, "pids", json_integer(l->pids));
	if (l->nofile >= 0)
		json_object_set_new(o, "nofile", json_integer(l->nofile));
	if (l->core >= 0)
		json_object_set_new(o, "core", json_integer(l->core));
	return o;
}

static int limit_from_json(json_t *o, const char *key, int64_t min, int64_t max,
    int64_t *out)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < min ||
	    json_integer_value(v) > max)
		return -1;
	*out = json_integer_value(v);
	return 0;
}

int limits_config_from_json(json_t *o, struct limits_config *l)
{
	int64_t cpu = 0, pids = 0;
	const char *key;
	json_t *v;

	if (o == NULL || json_is_null(o))
		return 0;
	if (!json_is_object(o))
		return -1;
	json_object_foreach(o, key, v)
		if (!limits_key_known(key))
			return -1;
	if (limit_from_json(o, "memory", 4096, INT64_MAX, &l->memory) == -1 ||
	    limit_from_json(o, "memory_high", 4096, INT64_MAX, &l->memory_high) == -1 ||
	    limit_from_json(o, "cpu", 1, 100000, &cpu) == -1 ||
	    limit_from_json(o, "pids", 1, INT_MAX, &pids) == -1 ||
	    limit_from_json(o, "nofile", 1, INT_MAX, &l->nofile) == -1 ||
	    limit_from_json(o, "core", 0, INT64_MAX, &l->core) == -1)
		return -1;
	l->cpu = (int)cpu;
	l->pids = (int)pids;
	return 0;
}

json_t *opt_int_json(const struct opt_int *v)
{
	return v->set ? json_integer(v->value) : json_null();
}

int opt_int_from_json(json_t *v, int min, int max, struct opt_int *out)
{
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return -1;
	out->set = true;
	out->value = (int)json_integer_value(v);
	return 0;
}
