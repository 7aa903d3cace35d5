/*
 * corpus.h: claude-mem 13's knowledge corpora, shared by mem-worker (the
 * /api/corpus routes) and mem-search (the corpus tools).
 *
 * A corpus is a file <data dir>/corpora/NAME.corpus.json:
 *   {version:1, name, description, created_at, updated_at, filter, stats,
 *    system_prompt, session_id, observations}
 * filter:  what was asked (only the keys given): project, types[],
 *          concepts[], files[], query, date_start, date_end, limit
 * stats:   {observation_count, token_estimate, date_range:{earliest,latest},
 *          type_breakdown:{TYPE:n}}, as 13 computes them
 * observations: {id,type,title,subtitle,narrative,facts[],concepts[],
 *          files_read[],files_modified[],project,created_at,created_at_epoch}
 *
 * corpus.c        names, the filter, the selection over the observations
 *                 table, stats, the rendering and system prompt, the files
 * corpus_answer.c the built-in retrieval answer (no agent configured)
 * corpus_agent.c  the agent child: the corpus and question on its stdin,
 *                 its stdout the answer; own process group, bounded
 *
 * Errors: 0 success, -1 failure with one line in err (when given).
 */
#ifndef CSUP_CORPUS_H
#define CSUP_CORPUS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>
#include <sqlite3.h>

#define CORPUS_NAME_MAX      200      /* bytes; NAME.corpus.json fits NAME_MAX */
#define CORPUS_DEFAULT_LIMIT 20       /* 13's search default when no limit */
#define CORPUS_AGENT_ENV     "CLAUDE_MEM_CORPUS_AGENT_CMD"
#define CORPUS_TIMEOUT_ENV   "CLAUDE_MEM_CORPUS_AGENT_TIMEOUT_MS"
#define CORPUS_TIMEOUT_MS    60000    /* default agent bound */
#define CORPUS_ANSWER_MAX    (1024 * 1024)

extern const char corpus_bad_name[];  /* 13's message for a bad name */

/* 1 when name is ^[A-Za-z0-9._-]+$, not "." or "..", and not too long. */
int	 corpus_name_valid(const char *name);
/* A name as 13 takes it from a path: trimmed; -1 when not valid. */
int	 corpus_name_clean(const char *in, char *out, size_t outlen);

/*
 * The filter of a build request body (13's POST /api/corpus schema): name
 * is checked by the caller. types, concepts, files: an array, a JSON array
 * in a string or CSV; types only of the nine; limit a positive integer
 * (or numeric string); the others strings; date_start/date_end dates.
 * NULL on bad input with the field and message set (a ValidationError).
 */
json_t	*corpus_filter_from(json_t *body, char *field, size_t flen,
	    char *msg, size_t mlen);

/*
 * Build a corpus from the store: the filter's observations (the latest
 * `limit` that match, oldest first), stats, system prompt; session_id
 * null, created_at = updated_at = now. NULL with err on a store error.
 */
json_t	*corpus_build(sqlite3 *db, const char *name, const char *description,
	    json_t *filter, char *err, size_t errlen);
/* Re-run the stored filter; keeps created_at and session_id. */
json_t	*corpus_rebuild(sqlite3 *db, json_t *old, char *err, size_t errlen);

/* The corpus without its observations (what the routes answer): removed
 * in place, c returned. */
json_t	*corpus_summary(json_t *corpus);
/* The markdown 13 hands its agent (renderCorpus). */
char	*corpus_render(json_t *corpus);
/* The agent's stdin: system prompt, the corpus, the question. */
char	*corpus_agent_input(json_t *corpus, const char *question);

/* ---- files: <dir> = <data dir>/corpora --------------------------------- */
int	 corpus_dir(char *buf, size_t len);
/* Atomically (temporary file + rename); creates dir if needed. */
int	 corpus_write(const char *dir, json_t *corpus, char *err, size_t errlen);
/* 1 read (*out set), 0 no such corpus, -1 unreadable (err). */
int	 corpus_read(const char *dir, const char *name, json_t **out,
	    char *err, size_t errlen);
/* 1 removed, 0 no such corpus, -1 error. */
int	 corpus_delete(const char *dir, const char *name, char *err,
	    size_t errlen);
/* [{name, description, stats, session_id}], by file name. */
json_t	*corpus_list(const char *dir);
/* 13's 404 body {error, fix, available:[names]}. */
json_t	*corpus_not_found(const char *dir, const char *name);
/* prime/reprime: a new session id, written to the file. */
int	 corpus_prime(const char *dir, json_t *corpus, char *err,
	    size_t errlen);
/* 13's error for a query on a corpus never primed. */
void	 corpus_unprimed(json_t *corpus, char *msg, size_t len);

/* ---- corpus_answer.c --------------------------------------------------- */
/* The observations that best match the question's terms, cited by id. */
char	*corpus_retrieval_answer(json_t *corpus, const char *question);

/* ---- corpus_agent.c ---------------------------------------------------- */
struct corpus_run;

/* The agent command ($CLAUDE_MEM_CORPUS_AGENT_CMD) or NULL. */
const char *corpus_agent_cmd(void);
/* Its bound in ms ($CLAUDE_MEM_CORPUS_AGENT_TIMEOUT_MS). */
int	 corpus_agent_timeout_ms(void);
/*
 * Start `sh -c CMD` in a process group of its own, input on its stdin,
 * CLAUDE_MEM_CORPUS_NAME and CLAUDE_MEM_CORPUS_SESSION_ID in its
 * environment. Nonblocking pipes (O_CLOEXEC); deadline = now + timeout_ms.
 */
struct corpus_run *corpus_run_start(const char *cmd, const char *input,
	    json_t *corpus, int timeout_ms, char *err, size_t errlen);
/* The fds to poll: its stdin (POLLOUT, -1 once written) and stdout. */
int	 corpus_run_in_fd(const struct corpus_run *);
int	 corpus_run_out_fd(const struct corpus_run *);
/* Milliseconds until its deadline (0 when past). */
int64_t	 corpus_run_left_ms(const struct corpus_run *);
/* Move bytes without blocking; 1 when finished (exited, or killed at its
 * deadline), 0 while it runs. */
int	 corpus_run_pump(struct corpus_run *);
/* After pump said 1: 0 with *answer (caller frees), -1 with err. */
int	 corpus_run_result(struct corpus_run *, char **answer, char *err,
	    size_t errlen);
/* SIGKILL its process group and reap it; then free. NULL is a no-op. */
void	 corpus_run_free(struct corpus_run *);
/* Start, pump until done (poll), result, free: for mem-search. */
int	 corpus_run_sync(const char *cmd, const char *input, json_t *corpus,
	    int timeout_ms, char **answer, char *err, size_t errlen);

#endif
