/*
 * model.c: the rows of the dashboard. Each status reply replaces the
 * figures; the samples of an app stay with it (by name) and are trimmed
 * to the sparklines' window.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monit.h"

static const char *str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k)) ?: "";
}

static void row_from_json(struct row *r, json_t *o)
{
	json_t *id = json_object_get(o, "id");

	snprintf(r->name, sizeof(r->name), "%s", str(o, "name"));
	snprintf(r->state, sizeof(r->state), "%s", str(o, "state"));
	r->id = json_is_integer(id) ? (long long)json_integer_value(id) : -1;
	r->pid = (int)json_integer_value(json_object_get(o, "pid"));
	r->uptime_ms = json_integer_value(json_object_get(o, "uptime_ms"));
	r->restarts = (int)json_integer_value(json_object_get(o, "restarts"));
	r->procs = (int)json_integer_value(json_object_get(o, "procs"));
	r->cpu = json_number_value(json_object_get(o, "cpu_percent"));
	r->mem = json_integer_value(json_object_get(o, "memory_bytes"));
	r->generation = (int)json_integer_value(json_object_get(o, "generation"));
}

int model_find(const struct model *m, const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->rows[i].name, name) == 0)
			return (int)i;
	return -1;
}

int model_set_status(struct model *m, json_t *apps)
{
	size_t n = json_array_size(apps), i;
	struct row *rows;
	int old;

	if (!json_is_array(apps)) {
		errno = EINVAL;
		return -1;
	}
	if ((rows = calloc(n ? n : 1, sizeof(*rows))) == NULL)
		return -1;
	m->has_id = false;
	for (i = 0; i < n; i++) {
		row_from_json(&rows[i], json_array_get(apps, i));
		m->has_id |= rows[i].id >= 0;
		if ((old = model_find(m, rows[i].name)) < 0)
			continue;
		rows[i].s = m->rows[old].s;
		rows[i].ns = m->rows[old].ns;
		rows[i].cap = m->rows[old].cap;
		m->rows[old].s = NULL;
	}
	model_free(m);
	m->rows = rows;
	m->n = n;
	return 0;
}

static void trim(struct row *r, int64_t oldest)
{
	size_t k = 0;

	while (k < r->ns && r->s[k].t < oldest)
		k++;
	if (k > 0) {
		memmove(r->s, r->s + k, (r->ns - k) * sizeof(*r->s));
		r->ns -= k;
	}
}

static void add_one(struct model *m, struct row *r, json_t *j)
{
	struct point s = {
		.t = json_integer_value(json_object_get(j, "t")),
		.procs = (int)json_integer_value(json_object_get(j, "procs")),
		.mem = json_integer_value(json_object_get(j, "memory_bytes")),
		.cpu = json_number_value(json_object_get(j, "cpu_percent")),
	};
	struct point *v;

	if (s.t > m->since_ms)
		m->since_ms = s.t;
	if (r->ns > 0 && s.t <= r->s[r->ns - 1].t)
		return;		/* already have it */
	if (r->ns == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;

		if ((v = realloc(r->s, cap * sizeof(*v))) == NULL)
			return;
		r->s = v;
		r->cap = cap;
	}
	r->s[r->ns++] = s;
}

void model_add_samples(struct model *m, json_t *by_app, int64_t now_ms)
{
	const char *name;
	json_t *arr, *j;
	size_t i;
	int k;

	json_object_foreach(by_app, name, arr) {
		if ((k = model_find(m, name)) < 0)
			continue;
		json_array_foreach(arr, i, j)
			add_one(m, &m->rows[k], j);
	}
	for (i = 0; i < m->n; i++)
		trim(&m->rows[i], now_ms - MONIT_WINDOW_MS);
}

size_t model_name_width(const struct model *m)
{
	size_t w = 0;

	for (size_t i = 0; i < m->n; i++)
		if (strlen(m->rows[i].name) > w)
			w = strlen(m->rows[i].name);
	return w;
}

void model_free(struct model *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->rows[i].s);
	free(m->rows);
	m->rows = NULL;
	m->n = 0;
}
