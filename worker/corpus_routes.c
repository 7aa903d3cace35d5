/*
 * corpus_routes.c: claude-mem 13's /api/corpus routes over common/corpus.c.
 *
 *   GET    /api/corpus               {content:[{type:text, text:JSON list}]}
 *   POST   /api/corpus               build: the corpus without observations
 *   GET    /api/corpus/NAME          the corpus without observations
 *   DELETE /api/corpus/NAME          {success:true}
 *   POST   /api/corpus/NAME/rebuild  as build (keeps created_at, session_id)
 *   POST   /api/corpus/NAME/prime    {session_id, name}; reprime the same
 *   POST   /api/corpus/NAME/query    {question*} -> {answer, session_id}
 *
 * An unknown corpus is 404 {error, fix, available}; a bad name 400
 * {error, code:"INVALID_CORPUS_NAME"}; a bad body 400 ValidationError.
 * A query runs $CLAUDE_MEM_CORPUS_AGENT_CMD when set, asynchronously: the
 * connection is suspended while the agent (its own process group, bounded)
 * works, the loop polls its pipes; without one the answer is the built-in
 * retrieval (corpus_answer.c).
 */
#include "worker.h"
#include "corpus.h"
#include "log.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

struct corpus_call {             /* one query waiting for its agent */
	struct corpus_call *next;
	struct MHD_Connection *conn;
	struct corpus_run *run;
	char *name;
	json_t *session_id;
	int suspended, done;
	unsigned status;
	json_t *reply;
};

static int bad_name(struct MHD_Connection *c)
{
	return http_reply(c, 400, json_pack("{s:s, s:s}", "error",
	    corpus_bad_name, "code", "INVALID_CORPUS_NAME"));
}

static int fail(struct MHD_Connection *c, unsigned status, const char *err)
{
	return http_reply(c, status, json_pack("{s:s}", "error", err));
}

/* Read NAME; 1 with *out, else the reply (400/404/500) is sent, *rc set. */
static int load(struct MHD_Connection *c, const char *dir, const char *raw,
    char *name, json_t **out, int *rc)
{
	char err[512];
	int r;

	if (corpus_name_clean(raw, name, CORPUS_NAME_MAX + 1) < 0) {
		*rc = bad_name(c);
		return 0;
	}
	r = corpus_read(dir, name, out, err, sizeof(err));
	if (r < 0)
		*rc = fail(c, 500, err);
	else if (r == 0)
		*rc = http_reply(c, 404, corpus_not_found(dir, name));
	return r == 1;
}

static int r_list(struct worker *w, struct MHD_Connection *c, const char *dir)
{
	json_t *list = corpus_list(dir);
	char *text = json_dumps(list, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	int rc;

	json_decref(list);
	if (text == NULL)
		return fail(c, 500, "Out of memory");
	rc = http_reply(c, 200, json_pack("{s:[{s:s, s:s}]}", "content", "type",
	    "text", "text", text));
	free(text);
	return rc;
}

/* Write the corpus and answer it without its observations. */
static int save_reply(struct MHD_Connection *c, const char *dir, json_t *cp,
    const char *err)
{
	char werr[512];

	if (cp == NULL)
		return fail(c, 500, err);
	if (corpus_write(dir, cp, werr, sizeof(werr)) < 0) {
		json_decref(cp);
		return fail(c, 500, werr);
	}
	return http_reply(c, 200, corpus_summary(cp));
}

static int r_build(struct worker *w, struct MHD_Connection *c,
    struct http_req *rq, const char *dir)
{
	int rc = MHD_NO;
	json_t *b = http_body13(c, rq, &rc), *f, *nm;
	char field[32], msg[256], err[512];
	const char *name, *desc;

	if (b == NULL)
		return rc;
	nm = json_object_get(b, "name");
	name = json_string_value(nm);
	if (name == NULL || *name == '\0')
		rc = http_invalid(c, "name", nm == NULL ? "Required" :
		    "Expected a non-empty string");
	else if (!corpus_name_valid(name))
		rc = http_invalid(c, "name", corpus_bad_name);
	else if ((f = corpus_filter_from(b, field, sizeof(field), msg,
	    sizeof(msg))) == NULL)
		rc = http_invalid(c, field, msg);
	else {
		desc = json_string_value(json_object_get(b, "description"));
		log_info("corpus %s: building", name);
		rc = save_reply(c, dir, corpus_build(store_db(w->store), name,
		    desc, f, err, sizeof(err)), err);
		json_decref(f);
	}
	json_decref(b);
	return rc;
}

static int r_prime(struct MHD_Connection *c, const char *dir, json_t *cp)
{
	char err[512];

	if (corpus_prime(dir, cp, err, sizeof(err)) < 0)
		return fail(c, 500, err);
	log_info("corpus %s: primed, session %s", json_string_value(
	    json_object_get(cp, "name")), json_string_value(json_object_get(cp,
	    "session_id")));
	return http_reply(c, 200, json_pack("{s:O, s:O}", "session_id",
	    json_object_get(cp, "session_id"), "name", json_object_get(cp,
	    "name")));
}

/* ---- query: the agent, asynchronously ------------------------------------ */

static void call_finish(struct corpus_call *q, unsigned status, json_t *reply)
{
	q->status = status;
	q->reply = reply;
	q->done = 1;
	if (q->suspended) {
		q->suspended = 0;
		MHD_resume_connection(q->conn);
	}
}

static int send_call(struct MHD_Connection *c, struct corpus_call *q)
{
	json_t *reply = q->reply;

	q->reply = NULL;
	return http_reply(c, q->status, reply);
}

static int start_agent(struct worker *w, struct MHD_Connection *c,
    json_t *cp, const char *question, struct corpus_call **slot)
{
	struct corpus_call *q = calloc(1, sizeof(*q));
	char err[512], *input = corpus_agent_input(cp, question);

	if (q == NULL || input == NULL) {
		free(q);
		free(input);
		return fail(c, 500, "Out of memory");
	}
	q->run = corpus_run_start(corpus_agent_cmd(), input, cp,
	    corpus_agent_timeout_ms(), err, sizeof(err));
	free(input);
	if (q->run == NULL) {
		free(q);
		return fail(c, 500, err);
	}
	q->conn = c;
	q->name = strdup(json_string_value(json_object_get(cp, "name")));
	q->session_id = json_incref(json_object_get(cp, "session_id"));
	q->next = w->corpus_calls;
	w->corpus_calls = q;
	*slot = q;
	q->suspended = 1;
	MHD_suspend_connection(c);
	log_info("corpus %s: query handed to the agent", q->name ? q->name : "?");
	return MHD_YES;
}

static int r_query(struct worker *w, struct MHD_Connection *c,
    struct http_req *rq, const char *dir, const char *raw)
{
	struct corpus_call **slot = http_req_corpus(rq);
	int rc = MHD_NO;
	json_t *b, *cp = NULL, *qv;
	char name[CORPUS_NAME_MAX + 1], msg[CORPUS_NAME_MAX + 64], *ans;
	const char *question, *p;

	if (*slot != NULL)              /* resumed: the agent is done */
		return (*slot)->done ? send_call(c, *slot) : MHD_YES;
	if ((b = http_body13(c, rq, &rc)) == NULL)
		return rc;
	qv = json_object_get(b, "question");
	question = json_string_value(qv);
	for (p = question; p != NULL && (*p == ' ' || *p == '\t' ||
	    *p == '\n' || *p == '\r'); p++)
		;
	if (question == NULL)
		rc = http_invalid(c, "question",
		    qv ? "Expected string" : "Required");
	else if (*p == '\0')
		rc = http_invalid(c, "question", "String must contain at least "
		    "1 character(s)");
	else if (load(c, dir, raw, name, &cp, &rc)) {
		if (!json_is_string(json_object_get(cp, "session_id"))) {
			corpus_unprimed(cp, msg, sizeof(msg));
			rc = fail(c, 500, msg);
		} else if (corpus_agent_cmd() != NULL)
			rc = start_agent(w, c, cp, question, slot);
		else if ((ans = corpus_retrieval_answer(cp, question)) == NULL)
			rc = fail(c, 500, "Out of memory");
		else {
			rc = http_reply(c, 200, json_pack("{s:s, s:O}", "answer",
			    ans, "session_id", json_object_get(cp, "session_id")));
			free(ans);
		}
	}
	json_decref(cp);
	json_decref(b);
	return rc;
}

int corpus_calls_pollfds(struct worker *w, struct pollfd *p, int max)
{
	struct corpus_call *q;
	int n = 0;

	for (q = w->corpus_calls; q != NULL && n + 2 <= max; q = q->next) {
		if (q->done)
			continue;
		if (corpus_run_in_fd(q->run) >= 0) {
			p[n].fd = corpus_run_in_fd(q->run);
			p[n++].events = POLLOUT;
		}
		if (corpus_run_out_fd(q->run) >= 0) {
			p[n].fd = corpus_run_out_fd(q->run);
			p[n++].events = POLLIN;
		}
	}
	return n;
}

int64_t corpus_calls_timeout_ms(struct worker *w)
{
	struct corpus_call *q;
	int64_t t = -1, left;

	for (q = w->corpus_calls; q != NULL; q = q->next) {
		if (q->done)
			continue;
		left = corpus_run_left_ms(q->run);
		/* Output closed, not reaped yet: look again soon. */
		if (corpus_run_out_fd(q->run) < 0 && left > 10)
			left = 10;
		if (t < 0 || left < t)
			t = left;
	}
	return t;
}

void corpus_calls_pump(struct worker *w)
{
	struct corpus_call *q;
	char err[512], *ans;

	for (q = w->corpus_calls; q != NULL; q = q->next) {
		if (q->done || !corpus_run_pump(q->run))
			continue;
		if (corpus_run_result(q->run, &ans, err, sizeof(err)) < 0) {
			log_warnx("corpus %s: %s", q->name ? q->name : "?", err);
			call_finish(q, 500, json_pack("{s:s}", "error", err));
		} else {
			call_finish(q, 200, json_pack("{s:s, s:O}", "answer", ans,
			    "session_id", q->session_id));
			free(ans);
		}
		corpus_run_free(q->run);
		q->run = NULL;
	}
}

int corpus_calls_abort(struct worker *w)
{
	struct corpus_call *q;
	int n = 0;

	for (q = w->corpus_calls; q != NULL; q = q->next) {
		if (q->done)
			continue;
		corpus_run_free(q->run);        /* SIGKILL the group, reaped */
		q->run = NULL;
		call_finish(q, 503, json_pack("{s:s}", "error", "Shutting down"));
		n++;
	}
	return n;
}

void corpus_call_free(struct worker *w, struct corpus_call *q)
{
	struct corpus_call **pp;

	if (q == NULL)
		return;
	for (pp = &w->corpus_calls; *pp != NULL; pp = &(*pp)->next)
		if (*pp == q) {
			*pp = q->next;
			break;
		}
	corpus_run_free(q->run);
	json_decref(q->reply);
	json_decref(q->session_id);
	free(q->name);
	free(q);
}

/* ---- dispatch --------------------------------------------------------------- */

int corpus_route(struct worker *w, struct MHD_Connection *c,
    const char *method, const char *url, struct http_req *rq, int *handled)
{
	static const char base[] = "/api/corpus";
	char dir[4096], seg[CORPUS_NAME_MAX * 3 + 2], name[CORPUS_NAME_MAX + 1];
	const char *rest, *action, *slash;
	json_t *cp = NULL;
	int rc = MHD_NO, get = !strcmp(method, "GET"), post = !strcmp(method,
	    "POST"), del = !strcmp(method, "DELETE");
	size_t n;

	*handled = 0;
	if (strncmp(url, base, sizeof(base) - 1) != 0 ||
	    (url[sizeof(base) - 1] != '\0' && url[sizeof(base) - 1] != '/'))
		return MHD_NO;
	rest = url + sizeof(base) - 1;
	if (*rest == '/')
		rest++;
	slash = strchr(rest, '/');
	action = slash ? slash + 1 : "";
	n = slash ? (size_t)(slash - rest) : strlen(rest);
	if (*rest == '\0' ? !(get || post) : *action == '\0' ? !(get || del) :
	    !post || (strcmp(action, "rebuild") && strcmp(action, "prime") &&
	    strcmp(action, "reprime") && strcmp(action, "query") &&
	    strcmp(action, "query/") && strcmp(action, "prime/") &&
	    strcmp(action, "reprime/") && strcmp(action, "rebuild/")))
		return MHD_NO;
	*handled = 1;
	if (api13_ensure(w) < 0)
		return http_reply(c, 503, json_pack("{s:s, s:s}", "status",
		    "initializing", "error",
		    "the claude-mem 13 schema could not be applied"));
	if (corpus_dir(dir, sizeof(dir)) < 0)
		return fail(c, 500, "cannot form the data directory");
	if (*rest == '\0')
		return get ? r_list(w, c, dir) : r_build(w, c, rq, dir);
	if (n >= sizeof(seg))
		return bad_name(c);
	memcpy(seg, rest, n);
	seg[n] = '\0';
	if (!strncmp(action, "query", 5))
		return r_query(w, c, rq, dir, seg);
	if (del) {
		char err[512];
		int r;

		if (corpus_name_clean(seg, name, sizeof(name)) < 0)
			return bad_name(c);
		r = corpus_delete(dir, name, err, sizeof(err));
		if (r < 0)
			return fail(c, 500, err);
		if (r == 0)
			return http_reply(c, 404, corpus_not_found(dir, name));
		log_info("corpus %s: deleted", name);
		return http_reply(c, 200, json_pack("{s:b}", "success", 1));
	}
	if (!load(c, dir, seg, name, &cp, &rc))
		return rc;
	if (*action == '\0')
		rc = http_reply(c, 200, corpus_summary(cp));
	else if (!strncmp(action, "rebuild", 7)) {
		char err[512];

		log_info("corpus %s: rebuilding", name);
		rc = save_reply(c, dir, corpus_rebuild(store_db(w->store), cp,
		    err, sizeof(err)), err);
		json_decref(cp);
	} else {
		rc = r_prime(c, dir, cp);
		json_decref(cp);
	}
	return rc;
}
