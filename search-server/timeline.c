/*
 * timeline.c: the tools that answer with a stretch of time rather than a
 * ranked list - timeline, get_context_timeline, get_timeline_by_query -
 * and get_recent_context. Anchors are an observation id, "S123" (a
 * session summary), or an ISO timestamp, as in the original.
 */
#include <ctype.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "search.h"

/* ---- timelines ---------------------------------------------------------- */

struct anchor {
	int	kind;	/* KIND_OBS, KIND_SUM, or -1 for a timestamp */
	int64_t	id;
	int64_t	epoch;
	char	label[96];
	char	title[512];
};

static int all_digits(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

/* 1 found, 0 not (message in b), -1 error. */
static int anchor_row(struct search_ctx *sc, int kind, int64_t id,
    struct anchor *an, struct sbuf *b, char *err, size_t errlen)
{
	struct rowset rs = { 0 };
	int ret;

	if (query_by_id(sc, kind, id, &rs, err, errlen) < 0)
		return -1;
	if (rs.n == 0) {
		sbuf_printf(b, kind == KIND_OBS ? "Observation #%lld not found" :
		    "Session #%lld not found", (long long)id);
		ret = 0;
	} else {
		an->kind = kind;
		an->id = id;
		an->epoch = rs.v[0].epoch;
		snprintf(an->label, sizeof(an->label), "%s%lld",
		    kind == KIND_SUM ? "S" : "", (long long)id);
		snprintf(an->title, sizeof(an->title), "%s",
		    rs.v[0].title && *rs.v[0].title ? rs.v[0].title :
		    "Untitled");
		ret = 1;
	}
	rowset_free(&rs);
	return ret;
}

static int anchor_resolve(struct search_ctx *sc, json_t *v, struct anchor *an,
    struct sbuf *b, char *err, size_t errlen)
{
	const char *s;

	if (json_is_integer(v))
		return anchor_row(sc, KIND_OBS, json_integer_value(v), an, b,
		    err, errlen);
	if (!json_is_string(v)) {
		sbuf_add(b, "Invalid anchor: must be observation ID (number), "
		    "session ID (e.g., \"S123\"), or ISO timestamp");
		return 0;
	}
	s = json_string_value(v);
	if (all_digits(s))
		return anchor_row(sc, KIND_OBS, strtoll(s, NULL, 10), an, b,
		    err, errlen);
	if ((s[0] == 'S' && all_digits(s + 1)) ||
	    (s[0] == '#' && s[1] == 'S' && all_digits(s + 2)))
		return anchor_row(sc, KIND_SUM, strtoll(s + (s[0] == '#' ? 2 :
		    1), NULL, 10), an, b, err, errlen);
	if (args_parse_iso(s, &an->epoch) < 0) {
		sbuf_printf(b, "Invalid timestamp: %s", s);
		return 0;
	}
	an->kind = -1;
	an->id = 0;
	snprintf(an->label, sizeof(an->label), "%s", s);
	return 1;
}

static int timeline_body(struct search_ctx *sc, const struct targs *a,
    const struct anchor *an, const char *q, struct sbuf *b, char *err,
    size_t errlen)
{
	struct rowset rs = { 0 };

	if (query_timeline(sc, an->epoch, an->kind, an->id, a->before,
	    a->after, a->project, &rs, err, errlen) < 0)
		return -1;
	if (rs.n == 0 && q)
		sbuf_printf(b, "Found observation matching \"%s\", but no "
		    "timeline context available (%d records before, %d records "
		    "after).", q, a->before, a->after);
	else if (rs.n == 0)
		sbuf_printf(b, "No context found around anchor (%d records "
		    "before, %d records after)", a->before, a->after);
	else {
		if (q)
			sbuf_printf(b, "# Timeline for query: \"%s\"\n**Anchor:** "
			    "Observation #%lld - %s\n", q, (long long)an->id,
			    an->title);
		else
			sbuf_printf(b, "# Timeline around anchor: %s\n",
			    an->label);
		sbuf_printf(b, "**Window:** %d records before -> %d records "
		    "after | **Items:** %zu\n\n", a->before, a->after, rs.n);
		fmt_timeline(b, &rs, an->kind, an->id, sc->cwd);
	}
	rowset_free(&rs);
	return 0;
}

/* The best observation for q as the anchor; 0 with a message if none. */
static int anchor_query(struct search_ctx *sc, const struct targs *a,
    struct anchor *an, struct sbuf *b, char *err, size_t errlen)
{
	struct rowset rs = { 0 };
	struct filters f;
	int ret;

	filters_from_args(&f, a);
	if (query_rows(sc, KIND_OBS, a->query, &f, ORDER_RELEVANCE, 0, 1, &rs,
	    err, errlen) < 0)
		return -1;
	if (rs.n == 0) {
		sbuf_printf(b, "No observations found matching \"%s\". Try a "
		    "different search query.", a->query);
		ret = 0;
	} else
		ret = anchor_row(sc, KIND_OBS, rs.v[0].id, an, b, err, errlen);
	rowset_free(&rs);
	return ret;
}

int tool_timeline(struct search_ctx *sc, struct targs *a,
    struct sbuf *b, char *err, size_t errlen)
{
	struct anchor an;
	int r;

	if (!a->anchor && !a->query) {
		sbuf_add(b, "Error: Must provide either \"anchor\" or "
		    "\"query\" parameter");
		return -2;
	}
	if (a->anchor && a->query) {
		sbuf_add(b, "Error: Cannot provide both \"anchor\" and "
		    "\"query\" parameters. Use one or the other.");
		return -2;
	}
	memset(&an, 0, sizeof(an));
	r = a->query ? anchor_query(sc, a, &an, b, err, errlen) :
	    anchor_resolve(sc, a->anchor, &an, b, err, errlen);
	if (r <= 0)
		return r < 0 || a->query ? r : -2;
	return timeline_body(sc, a, &an, a->query, b, err, errlen);
}

int tool_context_timeline(struct search_ctx *sc, struct targs *a,
    struct sbuf *b, char *err, size_t errlen)
{
	struct anchor an;
	int r;

	memset(&an, 0, sizeof(an));
	if (!a->anchor) {
		sbuf_add(b, "Invalid anchor: must be observation ID (number), "
		    "session ID (e.g., \"S123\"), or ISO timestamp");
		return -2;
	}
	if ((r = anchor_resolve(sc, a->anchor, &an, b, err, errlen)) <= 0)
		return r < 0 ? r : -2;
	return timeline_body(sc, a, &an, NULL, b, err, errlen);
}

static void interactive(struct sbuf *b, const struct rowset *rs,
    const char *q)
{
	char date[64];
	size_t i;

	sbuf_printf(b, "# Timeline Anchor Search Results\n\nFound %zu "
	    "observation(s) matching \"%s\"\n\nTo get timeline context around "
	    "any of these observations, use the `get_context_timeline` tool "
	    "with the observation ID as the anchor.\n\n**Top %zu matches:**\n\n",
	    rs->n, q, rs->n);
	for (i = 0; i < rs->n; i++) {
		const struct row *r = &rs->v[i];

		fmt_datetime_long(r->epoch, date, sizeof(date));
		sbuf_printf(b, "%zu. **[%s] %s**\n   - ID: %lld\n   - Date: %s\n",
		    i + 1, r->type ? r->type : "", r->title ? r->title : "",
		    (long long)r->id, date);
		if (r->subtitle && *r->subtitle)
			sbuf_printf(b, "   - %s\n", r->subtitle);
		sbuf_add(b, "\n");
	}
}

int tool_timeline_by_query(struct search_ctx *sc, struct targs *a,
    struct sbuf *b, char *err, size_t errlen)
{
	struct rowset rs = { 0 };
	struct filters f;
	struct anchor an;
	int r;

	if (a->mode == MODE_AUTO) {
		memset(&an, 0, sizeof(an));
		if ((r = anchor_query(sc, a, &an, b, err, errlen)) <= 0)
			return r;
		return timeline_body(sc, a, &an, a->query, b, err, errlen);
	}
	filters_from_args(&f, a);
	if (query_rows(sc, KIND_OBS, a->query, &f, ORDER_RELEVANCE, 0,
	    a->limit, &rs, err, errlen) < 0)
		return -1;
	if (rs.n == 0)
		sbuf_printf(b, "No observations found matching \"%s\". Try a "
		    "different search query.", a->query);
	else
		interactive(b, &rs, a->query);
	rowset_free(&rs);
	return 0;
}

/* ---- get_recent_context ------------------------------------------------- */

static void recent_summary(struct sbuf *b, const struct row *s)
{
	char date[64];

	if (s->prompt_number)
		sbuf_printf(b, "**Summary (Prompt #%lld)**\n\n",
		    (long long)s->prompt_number);
	else
		sbuf_add(b, "**Summary**\n\n");
	if (s->request)
		sbuf_printf(b, "**Request:** %s\n", s->request);
	if (s->completed)
		sbuf_printf(b, "**Completed:** %s\n", s->completed);
	if (s->learned)
		sbuf_printf(b, "**Learned:** %s\n", s->learned);
	if (s->next_steps)
		sbuf_printf(b, "**Next Steps:** %s\n", s->next_steps);
	if (s->files_read && *s->files_read)
		sbuf_printf(b, "**Files Read:** %s\n", s->files_read);
	if (s->files_edited && *s->files_edited)
		sbuf_printf(b, "**Files Edited:** %s\n", s->files_edited);
	fmt_datetime_long(s->epoch, date, sizeof(date));
	sbuf_printf(b, "**Date:** %s\n", date);
}

static int recent_session(struct search_ctx *sc, struct sbuf *b,
    const struct row *s, char *err, size_t errlen)
{
	struct rowset rs = { 0 };
	char date[64];
	size_t i;

	if (query_session_summary(sc, s->session, &rs, err, errlen) < 0)
		return -1;
	if (rs.n > 0) {
		recent_summary(b, &rs.v[0]);
		rowset_free(&rs);
		return 0;
	}
	fmt_datetime_long(s->epoch, date, sizeof(date));
	if (s->status && strcmp(s->status, "active") == 0) {
		sbuf_add(b, "**In Progress**\n\n");
		if (s->request)
			sbuf_printf(b, "**Request:** %s\n", s->request);
		if (query_session_observations(sc, s->session, &rs, err,
		    errlen) < 0)
			return -1;
		if (rs.n > 0)
			sbuf_printf(b, "\n**Observations (%zu):**\n", rs.n);
		else
			sbuf_add(b, "\n*No observations yet*\n");
		for (i = 0; i < rs.n; i++)
			sbuf_printf(b, "- %s\n", rs.v[i].title ? rs.v[i].title :
			    "Untitled");
		sbuf_printf(b, "\n**Status:** Active - summary pending\n"
		    "**Date:** %s\n", date);
	} else {
		const char *st = s->status ? s->status : "unknown";

		sbuf_printf(b, "**%c%s**\n\n", toupper((unsigned char)st[0]),
		    st + (st[0] != '\0'));
		if (s->request)
			sbuf_printf(b, "**Request:** %s\n", s->request);
		sbuf_printf(b, "\n**Status:** %s - no summary available\n"
		    "**Date:** %s\n", st, date);
	}
	rowset_free(&rs);
	return 0;
}

int tool_recent_context(struct search_ctx *sc, struct targs *a, struct sbuf *b,
    char *err, size_t errlen)
{
	struct rowset rs = { 0 };
	char cwd[PATH_MAX];
	const char *project = a->project;
	size_t i;
	int ret = -1;

	snprintf(cwd, sizeof(cwd), "%s", sc->cwd);
	if (project == NULL)
		project = basename(cwd);
	if (query_recent_sessions(sc, project, a->limit, &rs, err, errlen) < 0)
		return -1;
	if (rs.n == 0) {
		sbuf_printf(b, "# Recent Session Context\n\nNo previous sessions "
		    "found for project \"%s\".", project);
		ret = 0;
		goto out;
	}
	sbuf_printf(b, "# Recent Session Context\n\nShowing last %zu "
	    "session(s) for **%s**:\n\n", rs.n, project);
	for (i = 0; i < rs.n; i++) {
		if (rs.v[i].session == NULL)
			continue;
		sbuf_add(b, "---\n\n");
		if (recent_session(sc, b, &rs.v[i], err, errlen) < 0)
			goto out;
		sbuf_add(b, "\n");
	}
	ret = 0;
out:
	rowset_free(&rs);
	return ret;
}
