/*
 * corpus_tools.c: claude-mem 13's corpus tools (build_corpus, list_corpora,
 * prime_corpus, query_corpus, rebuild_corpus, reprime_corpus) run here on
 * the store (read-only) and <data dir>/corpora through common/corpus.c, with
 * the results 13's MCP server gives: list_corpora the worker's
 * {content:[{type:text,text}]} as is, the others the answer as indented
 * JSON text, a refusal as 13 reports a worker error ("Error calling Worker
 * API: Worker API error (STATUS): BODY", isError). A query runs the corpus
 * agent ($CLAUDE_MEM_CORPUS_AGENT_CMD) to its bound, else answers with the
 * built-in retrieval.
 */
#include "search.h"
#include "corpus.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The answer (stolen) as 13's POST tools give it. */
static json_t *answer(json_t *a)
{
	char *s = a ? json_dumps(a, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	json_t *r = s ? tools13_text(s, 0) : tools13_text("out of memory", 1);

	free(s);
	json_decref(a);
	return r;
}

/* A refusal (body stolen) as 13's MCP server reports a worker's. */
static json_t *refused(int status, json_t *body)
{
	char *s = body ? json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER) :
	    NULL, *msg = NULL;
	json_t *r;

	if (asprintf(&msg, "Error calling Worker API: Worker API error (%d): %s",
	    status, s ? s : "{}") < 0)
		msg = NULL;
	r = tools13_text(msg ? msg : "out of memory", 1);
	free(msg);
	free(s);
	json_decref(body);
	return r;
}

static json_t *error(int status, const char *msg)
{
	return refused(status, json_pack("{s:s}", "error", msg));
}

static json_t *invalid(const char *field, const char *msg)
{
	return refused(400, json_pack("{s:s, s:[{s:[s], s:s}]}", "error",
	    "ValidationError", "issues", "path", field, "message", msg));
}

/* 13's MCP server checks name itself for the NAME tools. */
static int name_arg(json_t *args, const char *dir, char *name, json_t **cp,
    json_t **res)
{
	const char *raw = json_string_value(json_object_get(args, "name"));
	char err[512];
	int r;

	*cp = NULL;
	if (raw == NULL || raw[strspn(raw, " \t\r\n")] == '\0') {
		*res = tools13_text("Tool execution failed: Missing required "
		    "argument: name", 1);
		return 0;
	}
	if (corpus_name_clean(raw, name, CORPUS_NAME_MAX + 1) < 0) {
		*res = refused(400, json_pack("{s:s, s:s}", "error",
		    corpus_bad_name, "code", "INVALID_CORPUS_NAME"));
		return 0;
	}
	r = corpus_read(dir, name, cp, err, sizeof(err));
	if (r < 0)
		*res = error(500, err);
	else if (r == 0)
		*res = refused(404, corpus_not_found(dir, name));
	return r == 1;
}

/* Write and answer without observations. */
static json_t *saved(const char *dir, json_t *cp, const char *err)
{
	char werr[512];

	if (cp == NULL)
		return error(500, err);
	if (corpus_write(dir, cp, werr, sizeof(werr)) < 0) {
		json_decref(cp);
		return error(500, werr);
	}
	return answer(corpus_summary(cp));
}

static json_t *build(struct search_ctx *sc, const char *dir, json_t *args)
{
	json_t *nm = json_object_get(args, "name"), *f, *r;
	const char *name = json_string_value(nm);
	char field[32], msg[256], err[512];

	if (name == NULL || *name == '\0')
		return invalid("name", nm == NULL ? "Required" :
		    "Expected a non-empty string");
	if (!corpus_name_valid(name))
		return invalid("name", corpus_bad_name);
	if ((f = corpus_filter_from(args, field, sizeof(field), msg,
	    sizeof(msg))) == NULL)
		return invalid(field, msg);
	r = saved(dir, corpus_build(sc->db, name, json_string_value(
	    json_object_get(args, "description")), f, err, sizeof(err)), err);
	json_decref(f);
	return r;
}

static json_t *list(const char *dir)
{
	json_t *l = corpus_list(dir);
	char *s = json_dumps(l, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_t *r = s ? tools13_text(s, 0) : tools13_text("out of memory", 1);

	free(s);
	json_decref(l);
	return r;
}

static json_t *query(const char *dir, json_t *cp, json_t *args)
{
	const char *q = json_string_value(json_object_get(args, "question"));
	char msg[CORPUS_NAME_MAX + 64], err[512], *ans = NULL, *input;
	json_t *r;

	if (q == NULL)
		return invalid("question", json_object_get(args, "question") ?
		    "Expected string" : "Required");
	if (q[strspn(q, " \t\r\n")] == '\0')
		return invalid("question", "String must contain at least 1 "
		    "character(s)");
	if (!json_is_string(json_object_get(cp, "session_id"))) {
		corpus_unprimed(cp, msg, sizeof(msg));
		return error(500, msg);
	}
	if (corpus_agent_cmd() != NULL) {
		if ((input = corpus_agent_input(cp, q)) == NULL)
			return error(500, "out of memory");
		if (corpus_run_sync(corpus_agent_cmd(), input, cp,
		    corpus_agent_timeout_ms(), &ans, err, sizeof(err)) < 0) {
			free(input);
			return error(500, err);
		}
		free(input);
	} else if ((ans = corpus_retrieval_answer(cp, q)) == NULL)
		return error(500, "out of memory");
	r = answer(json_pack("{s:s, s:O}", "answer", ans, "session_id",
	    json_object_get(cp, "session_id")));
	free(ans);
	return r;
}

static json_t *prime(const char *dir, json_t *cp)
{
	char err[512];

	if (corpus_prime(dir, cp, err, sizeof(err)) < 0)
		return error(500, err);
	return answer(json_pack("{s:O, s:O}", "session_id", json_object_get(cp,
	    "session_id"), "name", json_object_get(cp, "name")));
}

int corpus_tool(const char *name)
{
	static const char *const names[] = { "build_corpus", "list_corpora",
	    "prime_corpus", "query_corpus", "rebuild_corpus", "reprime_corpus" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0)
			return 1;
	return 0;
}

json_t *corpus_tool_call(struct search_ctx *sc, const char *tool,
    json_t *args)
{
	char dir[PATH_MAX + 16], name[CORPUS_NAME_MAX + 1], err[512];
	json_t *cp, *res = NULL;

	snprintf(dir, sizeof(dir), "%s/corpora", sc->data_dir);
	if (strcmp(tool, "list_corpora") == 0)
		return list(dir);
	if (search_open(sc, err, sizeof(err)) < 0 &&
	    (!strcmp(tool, "build_corpus") || !strcmp(tool, "rebuild_corpus")))
		return error(500, err);
	if (strcmp(tool, "build_corpus") == 0)
		return build(sc, dir, args);
	if (!name_arg(args, dir, name, &cp, &res))
		return res;
	if (strcmp(tool, "rebuild_corpus") == 0)
		res = saved(dir, corpus_rebuild(sc->db, cp, err, sizeof(err)), err);
	else if (strcmp(tool, "query_corpus") == 0)
		res = query(dir, cp, args);
	else
		res = prime(dir, cp);
	json_decref(cp);
	return res;
}
