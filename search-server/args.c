/*
 * args.c: one table of parameter descriptors (the original's names, types,
 * ranges and descriptions). The same table yields each tool's JSON Schema
 * and validates the arguments of a call, so the two never disagree.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "search.h"

enum ptype { PT_STR, PT_INT, PT_ENUM, PT_DATE, PT_RANGE, PT_LIST, PT_ANCHOR };

struct param {
	const char		*name;
	enum ptype		 type;
	size_t			 off;	/* into struct targs */
	const char *const	*enumv;	/* PT_ENUM, NULL-terminated */
	int			 min, max;	/* PT_INT */
	const char		*desc;
};

static const char *const orders[] = { "relevance", "date_desc", "date_asc",
    NULL };
static const char *const formats[] = { "index", "full", NULL };
static const char *const doctypes[] = { "observations", "sessions",
    "prompts", NULL };
static const char *const modes[] = { "auto", "interactive", NULL };

#define OFF(f) offsetof(struct targs, f)
#define OBS_TYPES "decision,bugfix,feature,refactor,discovery,change"

static const struct param params[P_COUNT] = {
	[P_QUERY] = { "query", PT_STR, OFF(query), NULL, 0, 0,
	    "Natural language search query (FTS5 bm25 fused with trigram "
	    "vector similarity, so typos still match). Optional: omit for "
	    "filter-only queries." },
	[P_QUERY_REQ] = { "query", PT_STR, OFF(query), NULL, 0, 0,
	    "Natural language search query" },
	[P_FORMAT] = { "format", PT_ENUM, OFF(format), formats, 0, 0,
	    "Output format: \"index\" for titles/dates only (default, "
	    "RECOMMENDED), \"full\" for complete details" },
	[P_DOCTYPE] = { "type", PT_ENUM, OFF(doctype), doctypes, 0, 0,
	    "Filter by document type (observations, sessions, or prompts). "
	    "Omit to search all types." },
	[P_TYPE] = { "type", PT_LIST, OFF(types), NULL, 0, 0,
	    "Observation type(s) (single value, comma-separated list or "
	    "array: " OBS_TYPES ")" },
	[P_OBS_TYPE] = { "obs_type", PT_LIST, OFF(types), NULL, 0, 0,
	    "Filter observations by type (single value or comma-separated "
	    "list: " OBS_TYPES ")" },
	[P_CONCEPTS] = { "concepts", PT_LIST, OFF(concepts), NULL, 0, 0,
	    "Concept tag(s) (single value, comma-separated list or array)" },
	[P_CONCEPT] = { "concept", PT_LIST, OFF(concepts), NULL, 0, 0,
	    "Concept tag to search for (alias of concepts)" },
	[P_FILES] = { "files", PT_LIST, OFF(files), NULL, 0, 0,
	    "File path(s), partial match (single value, comma-separated list "
	    "or array)" },
	[P_FILEPATH] = { "filePath", PT_LIST, OFF(files), NULL, 0, 0,
	    "File path to search for, partial match (alias of files)" },
	[P_PROJECT] = { "project", PT_STR, OFF(project), NULL, 0, 0,
	    "Filter by project name" },
	[P_DATERANGE] = { "dateRange", PT_RANGE, OFF(start), NULL, 0, 0,
	    "Filter by date range: {start, end}, each an ISO string or epoch "
	    "milliseconds" },
	[P_DATESTART] = { "dateStart", PT_DATE, OFF(start), NULL, 0, 0,
	    "Start date for filtering (ISO string or epoch milliseconds)" },
	[P_DATEEND] = { "dateEnd", PT_DATE, OFF(end), NULL, 0, 0,
	    "End date for filtering (ISO string or epoch milliseconds)" },
	[P_LIMIT] = { "limit", PT_INT, OFF(limit), NULL, 1, 100,
	    "Maximum number of results" },
	[P_OFFSET] = { "offset", PT_INT, OFF(offset), NULL, 0, 1000000,
	    "Number of results to skip" },
	[P_ORDERBY] = { "orderBy", PT_ENUM, OFF(order), orders, 0, 0,
	    "Sort order" },
	[P_ANCHOR] = { "anchor", PT_ANCHOR, OFF(anchor), NULL, 0, 0,
	    "Anchor: observation ID (number), session ID (e.g. \"S123\"), or "
	    "ISO timestamp" },
	[P_ANCHOR_ID] = { "anchor_id", PT_ANCHOR, OFF(anchor), NULL, 0, 0,
	    "Observation ID to use as anchor point" },
	[P_BEFORE] = { "before", PT_INT, OFF(before), NULL, 0, 100,
	    "Number of records to fetch before the anchor" },
	[P_AFTER] = { "after", PT_INT, OFF(after), NULL, 0, 100,
	    "Number of records to fetch after the anchor" },
	[P_DEPTH_BEFORE] = { "depth_before", PT_INT, OFF(before), NULL, 0, 100,
	    "Alias of before" },
	[P_DEPTH_AFTER] = { "depth_after", PT_INT, OFF(after), NULL, 0, 100,
	    "Alias of after" },
	[P_MODE] = { "mode", PT_ENUM, OFF(mode), modes, 0, 0,
	    "\"auto\" uses the top match as anchor; \"interactive\" lists the "
	    "top matches to choose from" },
};

/* ---- schema ------------------------------------------------------------ */

static json_t *date_schema(const char *desc)
{
	json_t *s = json_pack("{s:[{s:s},{s:s}]}", "anyOf", "type", "string",
	    "type", "number");

	if (s && desc)
		json_object_set_new(s, "description", json_string(desc));
	return s;
}

static json_t *param_schema(const struct param *p)
{
	json_t *s = NULL, *e;
	int i;

	switch (p->type) {
	case PT_STR:
		s = json_pack("{s:s}", "type", "string");
		break;
	case PT_INT:
		s = json_pack("{s:s,s:i,s:i}", "type", "integer", "minimum",
		    p->min, "maximum", p->max);
		break;
	case PT_ENUM:
		s = json_pack("{s:s,s:[]}", "type", "string", "enum");
		e = json_object_get(s, "enum");
		for (i = 0; p->enumv[i]; i++)
			json_array_append_new(e, json_string(p->enumv[i]));
		break;
	case PT_DATE:
		return date_schema(p->desc);
	case PT_RANGE:
		s = json_pack("{s:s,s:{s:o,s:o}}", "type", "object",
		    "properties", "start", date_schema("Start date"),
		    "end", date_schema("End date"));
		break;
	case PT_LIST:
		s = json_pack("{s:[{s:s},{s:s,s:{s:s}}]}", "anyOf", "type",
		    "string", "type", "array", "items", "type", "string");
		break;
	case PT_ANCHOR:
		s = json_pack("{s:[{s:s},{s:s}]}", "anyOf", "type", "integer",
		    "type", "string");
		break;
	}
	if (s)
		json_object_set_new(s, "description", json_string(p->desc));
	return s;
}

json_t *args_schema(const struct tool_param *tp, size_t n)
{
	json_t *props, *req, *s, *ps, *def;
	size_t i;

	s = json_pack("{s:s,s:{},s:[]}", "type", "object", "properties",
	    "required");
	if (s == NULL)
		return NULL;
	props = json_object_get(s, "properties");
	req = json_object_get(s, "required");
	for (i = 0; i < n; i++) {
		const struct param *p = &params[tp[i].id];

		if ((ps = param_schema(p)) == NULL)
			goto fail;
		if (tp[i].def &&
		    (def = json_loads(tp[i].def, JSON_DECODE_ANY, NULL)))
			json_object_set_new(ps, "default", def);
		json_object_set_new(props, p->name, ps);
		if (tp[i].flags & PF_REQUIRED)
			json_array_append_new(req, json_string(p->name));
	}
	return s;
fail:
	json_decref(s);
	return NULL;
}

/* ---- dates ------------------------------------------------------------- */

static int digits(const char **sp, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*sp)[i]))
			return -1;
		v = v * 10 + ((*sp)[i] - '0');
	}
	*sp += n;
	*out = v;
	return 0;
}

/* The time part after 'T': HH:MM[:SS[.fff]][Z|+HH:MM]; -> ms and offset. */
static int parse_time(const char *s, int64_t *ms)
{
	int hh, mm, ss = 0, frac = 0, oh, om, sign, nd;

	if (digits(&s, 2, &hh) < 0 || *s++ != ':' || digits(&s, 2, &mm) < 0)
		return -1;
	if (*s == ':') {
		s++;
		if (digits(&s, 2, &ss) < 0)
			return -1;
		if (*s == '.') {
			for (s++, nd = 0; isdigit((unsigned char)*s); s++, nd++)
				if (nd < 3)
					frac = frac * 10 + (*s - '0');
			for (; nd < 3; nd++)
				frac *= 10;
		}
	}
	if (hh > 23 || mm > 59 || ss > 60)
		return -1;
	*ms = ((int64_t)hh * 3600 + mm * 60 + ss) * 1000 + frac;
	if (*s == '\0' || (*s == 'Z' && s[1] == '\0'))
		return 0;	/* no zone: read as UTC, deterministic */
	if (*s != '+' && *s != '-')
		return -1;
	sign = *s++ == '-' ? -1 : 1;
	if (digits(&s, 2, &oh) < 0)
		return -1;
	if (*s == ':')
		s++;
	if (digits(&s, 2, &om) < 0 || *s != '\0')
		return -1;
	*ms -= sign * ((int64_t)oh * 3600 + om * 60) * 1000;
	return 0;
}

int args_parse_iso(const char *s, int64_t *ms)
{
	struct tm tm;
	int y, mo, d;
	int64_t t = 0;

	if (digits(&s, 4, &y) < 0 || *s++ != '-' || digits(&s, 2, &mo) < 0 ||
	    *s++ != '-' || digits(&s, 2, &d) < 0)
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31)
		return -1;
	if (*s == 'T' || *s == ' ') {
		if (parse_time(s + 1, &t) < 0)
			return -1;
	} else if (*s != '\0')
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	*ms = (int64_t)timegm(&tm) * 1000 + t;
	return 0;
}

static int parse_date(json_t *v, int64_t *out)
{
	double d;

	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return 0;
	}
	if (json_is_real(v)) {
		d = json_real_value(v);
		if (!isfinite(d))
			return -1;
		*out = (int64_t)d;
		return 0;
	}
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		char *end;
		long long n;

		/* "1735689600000": an epoch passed as text (query strings) */
		errno = 0;
		n = strtoll(s, &end, 10);
		if (*s && *end == '\0' && errno == 0) {
			*out = n;
			return 0;
		}
		return args_parse_iso(s, out);
	}
	return -1;
}

/* ---- values ------------------------------------------------------------ */

static int list_add(struct strlist *l, const char *s, size_t n)
{
	char **v;

	while (n > 0 && isspace((unsigned char)*s))
		s++, n--;
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	if (n == 0)
		return 0;
	if ((v = realloc(l->v, sizeof(*v) * (size_t)(l->n + 1))) == NULL)
		return -1;
	l->v = v;
	if ((v[l->n] = strndup(s, n)) == NULL)
		return -1;
	l->n++;
	return 0;
}

/* A string (comma-separated, as the original's URL form) or an array. */
static int parse_list(json_t *v, struct strlist *l)
{
	const char *s, *c;
	size_t i;
	json_t *e;

	if (json_is_string(v)) {
		for (s = json_string_value(v); (c = strchr(s, ',')); s = c + 1)
			if (list_add(l, s, (size_t)(c - s)) < 0)
				return -1;
		return list_add(l, s, strlen(s));
	}
	if (!json_is_array(v))
		return -1;
	json_array_foreach(v, i, e) {
		if (!json_is_string(e))
			return -1;
		if (list_add(l, json_string_value(e),
		    strlen(json_string_value(e))) < 0)
			return -1;
	}
	return 0;
}

static int parse_int(json_t *v, const struct param *p, int *out)
{
	json_int_t n;
	double d;

	if (json_is_integer(v))
		n = json_integer_value(v);
	else if (json_is_real(v)) {
		d = json_real_value(v);
		if (d != floor(d) || d < -1e9 || d > 1e9)
			return -1;
		n = (json_int_t)d;
	} else if (json_is_string(v)) {	/* query-string form */
		char *end;
		long long ll;

		errno = 0;
		ll = strtoll(json_string_value(v), &end, 10);
		if (*json_string_value(v) == '\0' || *end || errno)
			return -1;
		n = ll;
	} else
		return -1;
	if (n < p->min || n > p->max)
		return -1;
	*out = (int)n;
	return 0;
}

static int parse_enum(json_t *v, const struct param *p, int *out)
{
	int i;

	if (!json_is_string(v))
		return -1;
	for (i = 0; p->enumv[i]; i++)
		if (strcmp(p->enumv[i], json_string_value(v)) == 0) {
			*out = i;
			return 0;
		}
	return -1;
}

static int parse_range(json_t *v, struct targs *a)
{
	json_t *s, *e;

	if (!json_is_object(v))
		return -1;
	s = json_object_get(v, "start");
	e = json_object_get(v, "end");
	if (s && !json_is_null(s) && parse_date(s, &a->start) < 0)
		return -1;
	if (e && !json_is_null(e) && parse_date(e, &a->end) < 0)
		return -1;
	return 0;
}

static int parse_value(const struct param *p, json_t *v, struct targs *a)
{
	char *base = (char *)a;

	switch (p->type) {
	case PT_STR:
		if (!json_is_string(v))
			return -1;
		*(const char **)(base + p->off) = json_string_value(v);
		return 0;
	case PT_INT:
		return parse_int(v, p, (int *)(base + p->off));
	case PT_ENUM:
		return parse_enum(v, p, (int *)(base + p->off));
	case PT_DATE:
		return parse_date(v, (int64_t *)(base + p->off));
	case PT_RANGE:
		return parse_range(v, a);
	case PT_LIST:
		return parse_list(v, (struct strlist *)(base + p->off));
	case PT_ANCHOR:
		if (!json_is_integer(v) && !json_is_string(v))
			return -1;
		*(json_t **)(base + p->off) = v;
		return 0;
	}
	return -1;
}

static const char *expect(const struct param *p)
{
	switch (p->type) {
	case PT_STR:	return "a string";
	case PT_INT:	return "an integer in range";
	case PT_ENUM:	return "one of the allowed values";
	case PT_DATE:	return "an ISO date or epoch milliseconds";
	case PT_RANGE:	return "an object {start, end} of dates";
	case PT_LIST:	return "a string or an array of strings";
	case PT_ANCHOR:	return "an integer or a string";
	}
	return "valid";
}

static void args_defaults(struct targs *a)
{
	memset(a, 0, sizeof(*a));
	a->start = a->end = DATE_UNSET;
	a->limit = 20;
	a->before = a->after = 10;
	a->order = ORDER_RELEVANCE;
	a->format = FORMAT_INDEX;
	a->doctype = -1;
	a->mode = MODE_AUTO;
}

int args_parse(const struct tool_param *tp, size_t n, json_t *args,
    struct targs *a, char *err, size_t errlen)
{
	const struct param *p;
	json_t *v, *d;
	size_t i;

	args_defaults(a);
	for (i = 0; i < n; i++) {	/* the tool's own defaults first */
		p = &params[tp[i].id];
		if (tp[i].def == NULL)
			continue;
		d = json_loads(tp[i].def, JSON_DECODE_ANY, NULL);
		if (d == NULL || parse_value(p, d, a) < 0) {
			json_decref(d);
			snprintf(err, errlen, "bad default for %s", p->name);
			return -1;
		}
		json_decref(d);
	}
	if (args != NULL && !json_is_object(args)) {
		snprintf(err, errlen, "arguments must be an object");
		return -1;
	}
	for (i = 0; i < n; i++) {
		p = &params[tp[i].id];
		v = args ? json_object_get(args, p->name) : NULL;
		if (v == NULL || json_is_null(v)) {
			if (tp[i].flags & PF_REQUIRED) {
				snprintf(err, errlen,
				    "missing required argument: %s", p->name);
				return -1;
			}
			continue;
		}
		if (parse_value(p, v, a) < 0) {
			snprintf(err, errlen, "invalid argument %s: expected %s",
			    p->name, expect(p));
			return -1;
		}
	}
	if ((tp[0].flags & PF_REQUIRED) && a->query && *a->query == '\0' &&
	    tp[0].id == P_QUERY_REQ) {
		snprintf(err, errlen, "invalid argument query: empty");
		return -1;
	}
	return 0;
}

static void list_free(struct strlist *l)
{
	int i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void args_free(struct targs *a)
{
	list_free(&a->types);
	list_free(&a->concepts);
	list_free(&a->files);
}
