/*
 * config_js.c: JavaScript ecosystem files (.js, .cjs, .mjs), evaluated as
 * PM2 evaluates them: by node ($CSUP_NODE, else node on PATH) in a
 * short-lived child of the client: its own process group, cwd the file's
 * folder, the client's environment, 10 s at most, then killed with its
 * group. A small helper program, given to node with -e, imports the file
 * (CommonJS or ESM alike), and writes on fd 3 either "V" and the exported
 * value (module.exports, or export default) as JSON, or "E" and a JSON
 * {line, column, message} taken from node's stack. The value then goes
 * through the same parser as a .json file.
 *
 * The file's own stdout and stderr go nowhere near ours: stdout is
 * discarded (a console.log must not become `check --json` output), stderr
 * is kept to explain a node that died without an answer.
 */
#include "config_node.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define JS_TIMEOUT_MS	10000
#define JS_MAX_OUTPUT	(16 << 20)

extern char **environ;

/*
 * The helper. A SyntaxError carries no position in its stack for ESM, so
 * `node --check` is asked for it (its first lines are FILE:LINE, the
 * source line and a caret line).
 */
static const char helper[] =
"const fs = require('fs'), { pathToFileURL } = require('url');\n"
"const file = process.argv[1];\n"
"function put(s) { fs.writeSync(3, s); process.exit(0); }\n"
"function esc(s) { return s.replace(/[.*+?^${}()|[\\]\\\\]/g, '\\\\$&'); }\n"
"function where(e) {\n"
"  const stack = String(e && e.stack || '');\n"
"  const re = new RegExp('(?:file://)?' + esc(file) + ':(\\\\d+)(?::(\\\\d+))?');\n"
"  let m = stack.match(re);\n"
"  if (e instanceof SyntaxError) {\n"
"    const r = require('child_process').spawnSync(process.execPath, ['--check', file],\n"
"      { encoding: 'utf8', timeout: 5000 });\n"
"    const lines = String(r.stderr || '').split('\\n');\n"
"    const first = lines[0].match(/:(\\d+)$/);\n"
"    if (first && lines[2] !== undefined && lines[2].indexOf('^') >= 0)\n"
"      return [+first[1], lines[2].indexOf('^') + 1];\n"
"    if (first) return [+first[1], 1];\n"
"  }\n"
"  return m ? [+m[1], m[2] ? +m[2] : 1] : [1, 1];\n"
"}\n"
"function fail(e) {\n"
"  const [line, column] = where(e);\n"
"  let msg = e instanceof Error ? e.name + ': ' + e.message : 'uncaught ' + String(e);\n"
"  put('E' + JSON.stringify({ line, column, message: msg.split('\\n')[0] }));\n"
"}\n"
"import(pathToFileURL(file).href).then((ns) => {\n"
"  let v = ns && 'default' in ns ? ns.default : ns && { ...ns };\n"
"  let s;\n"
"  try { s = JSON.stringify(v === undefined ? null : v, null, 2); } catch (e) { fail(e); }\n"
"  put('V' + (s === undefined ? 'null' : s));\n"
"}, fail);\n";

/* node: $CSUP_NODE, else the first executable `node` on PATH; NULL when none. */
static char *find_node(void)
{
	const char *env = getenv("CSUP_NODE"), *path = getenv("PATH"), *p;
	char buf[PATH_MAX];
	size_t n;

	if (env != NULL && *env != '\0')
		return access(env, X_OK) == 0 ? strdup(env) : NULL;
	for (p = path ? path : "/usr/local/bin:/usr/bin:/bin"; *p != '\0'; p += n + (p[n] == ':')) {
		n = strcspn(p, ":");
		if (n == 0 || n + 6 >= sizeof(buf))
			continue;
		snprintf(buf, sizeof(buf), "%.*s/node", (int)n, p);
		if (access(buf, X_OK) == 0)
			return strdup(buf);
	}
	return NULL;
}

struct js_child {
	pid_t	 pid;
	int	 result;	/* read end of fd 3 */
	int	 err;		/* read end of the child's stderr */
};

static void child_exec(const char *node, const char *abs, const char *dir, int res_w,
    int err_w)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	setpgid(0, 0);
	if (null == -1 || dup2(null, 0) == -1 || dup2(null, 1) == -1 ||
	    dup2(err_w, 2) == -1 || dup2(res_w, 3) == -1 || chdir(dir) == -1)
		_exit(126);
	execle(node, node, "-e", helper, abs, (char *)NULL, environ);
	_exit(127);
}

static int spawn_node(const char *node, const char *abs, const char *dir, struct js_child *c)
{
	int res[2] = { -1, -1 }, err[2] = { -1, -1 };

	if (pipe2(res, O_CLOEXEC) == -1 || pipe2(err, O_CLOEXEC) == -1)
		goto fail;
	if ((c->pid = fork()) == -1)
		goto fail;
	if (c->pid == 0)
		child_exec(node, abs, dir, res[1], err[1]);
	(void)setpgid(c->pid, c->pid);	/* either side may win the race */
	close(res[1]);
	close(err[1]);
	c->result = res[0];
	c->err = err[0];
	return 0;
fail:
	for (int i = 0; i < 2; i++) {
		if (res[i] != -1)
			close(res[i]);
		if (err[i] != -1)
			close(err[i]);
	}
	return -1;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct buf {
	char	*p;
	size_t	 len, cap;
};

/* Appends what fd has; 0 at EOF, 1 when more may come, -1 on error. */
static int drain(int fd, struct buf *b)
{
	char tmp[8192], *np;
	ssize_t n = read(fd, tmp, sizeof(tmp));

	if (n == -1)
		return errno == EINTR || errno == EAGAIN ? 1 : -1;
	if (n == 0)
		return 0;
	if (b->len + (size_t)n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 16384;
		while (cap < b->len + (size_t)n + 1)
			cap *= 2;
		if (cap > JS_MAX_OUTPUT || (np = realloc(b->p, cap)) == NULL)
			return -1;
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, tmp, (size_t)n);
	b->len += (size_t)n;
	b->p[b->len] = '\0';
	return 1;
}

/* Reads both pipes until the result pipe closes or the deadline; 1 on timeout. */
static int collect(struct js_child *c, struct buf *res, struct buf *err)
{
	struct pollfd pf[2] = { { c->result, POLLIN, 0 }, { c->err, POLLIN, 0 } };
	int64_t deadline = now_ms() + JS_TIMEOUT_MS, left;
	int rc;

	while (pf[0].fd != -1) {
		if ((left = deadline - now_ms()) <= 0)
			return 1;
		if ((rc = poll(pf, 2, (int)left)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (int i = 0; i < 2; i++) {
			if (pf[i].fd == -1 || pf[i].revents == 0)
				continue;
			if ((rc = drain(pf[i].fd, i == 0 ? res : err)) == -1)
				return -1;
			if (rc == 0)
				pf[i].fd = -1;
		}
	}
	return 0;
}

/* Ends the child's whole group and reaps node. */
static int finish_child(struct js_child *c)
{
	int status = 0;

	(void)kill(-c->pid, SIGKILL);
	while (waitpid(c->pid, &status, 0) == -1 && errno == EINTR)
		;
	close(c->result);
	close(c->err);
	return status;
}

/* The last non-empty line of node's stderr, for a node that gave no answer. */
static const char *last_line(struct buf *b)
{
	char *end, *start;

	if (b->p == NULL)
		return "";
	end = b->p + b->len;
	while (end > b->p && (end[-1] == '\n' || end[-1] == ' '))
		*--end = '\0';
	start = end;
	while (start > b->p && start[-1] != '\n')
		start--;
	return start;
}

static int js_error(struct cfg_ctx *ctx, const char *text)
{
	json_t *j = json_loads(text, 0, NULL);
	json_int_t line = json_integer_value(json_object_get(j, "line"));
	json_int_t col = json_integer_value(json_object_get(j, "column"));
	const char *msg = json_string_value(json_object_get(j, "message"));
	int rc;

	rc = cfg_error(ctx, line > 0 && line < INT_MAX ? (int)line : 1,
	    col > 0 && col < INT_MAX ? (int)col : 1, "%s", msg ? msg : "JavaScript error");
	json_decref(j);
	return rc;
}

static int answer(struct cfg_ctx *ctx, int timeout, int status, struct buf *res,
    struct buf *err, char **out, size_t *len)
{
	if (timeout)
		return cfg_error(ctx, 1, 1, "node did not finish evaluating the file within "
		    "%d s (killed)", JS_TIMEOUT_MS / 1000);
	if (res->len > 0 && res->p[0] == 'E')
		return js_error(ctx, res->p + 1);
	if (res->len > 0 && res->p[0] == 'V') {
		memmove(res->p, res->p + 1, res->len);	/* the NUL too */
		*len = --res->len;
		*out = res->p;
		res->p = NULL;
		return 0;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return cfg_error(ctx, 1, 1, "cannot run node");
	if (*last_line(err) != '\0')
		return cfg_error(ctx, 1, 1, "node gave no value: %s", last_line(err));
	return cfg_error(ctx, 1, 1, "node exited (%s %d) before the file exported a value "
	    "(process.exit, or a top-level await that never settles?)",
	    WIFSIGNALED(status) ? "signal" : "status",
	    WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
}

int config_js_eval(struct cfg_ctx *ctx, const char *path, const char *dir, char **out,
    size_t *len)
{
	struct buf res = { 0 }, err = { 0 };
	struct js_child c = { .pid = -1 };
	char *node = find_node(), *abs = NULL;
	int rc = -1, timeout, status;

	if (node == NULL)
		return cfg_error(ctx, 1, 1, "node is needed to read this JavaScript file "
		    "(%s; set CSUP_NODE or install node); YAML or JSON ecosystem files work "
		    "without it", getenv("CSUP_NODE") && *getenv("CSUP_NODE") ?
		    "CSUP_NODE is not executable" : "no node on PATH");
	if ((abs = realpath(path, NULL)) == NULL) {
		cfg_error(ctx, 0, 0, "cannot open: %s", strerror(errno));
		goto out;
	}
	if (spawn_node(node, abs, dir, &c) == -1) {
		cfg_error(ctx, 1, 1, "cannot start node: %s", strerror(errno));
		goto out;
	}
	timeout = collect(&c, &res, &err);
	status = finish_child(&c);
	if (timeout == -1)
		cfg_error(ctx, 1, 1, "reading node's answer: %s", strerror(errno ? errno : EIO));
	else
		rc = answer(ctx, timeout, status, &res, &err, out, len);
out:
	free(res.p);
	free(err.p);
	free(abs);
	free(node);
	return rc;
}

static bool ident(char c)
{
	return c == '_' || c == '$' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z');
}

/* The quoted word at the start of s (after blanks) into buf: a key or a string. */
static bool quoted_word(const char *s, char *buf, size_t len)
{
	size_t n = 0;

	s += strspn(s, " \t{[");
	if (*s++ != '"')
		return false;
	for (; *s != '\0' && *s != '"' && *s != '\n' && n + 1 < len; s++) {
		if (*s == '\\')
			return false;	/* an escaped text is not written that way in JS */
		buf[n++] = *s;
	}
	buf[n] = '\0';
	return *s == '"' && n > 0;
}

/* Occurrences of "w": (a key) in json before p. */
static int key_rank(const char *json, const char *p, const char *w)
{
	size_t n = strlen(w);
	const char *q;
	int k = 0;

	for (q = strstr(json, w); q != NULL && q < p; q = strstr(q + 1, w))
		if (q > json && q[-1] == '"' && q[n] == '"' && q[n + 1] == ':')
			k++;
	return k;
}

/*
 * Line and column (characters) of the whole word `w` in src: its (rank+1)th
 * key-like occurrence (followed by ':'), else its first occurrence.
 */
static bool find_word(const char *src, const char *w, int rank, int *line, int *col)
{
	size_t n = strlen(w);
	const char *p, *best = NULL, *any = NULL, *q;
	int l = 1, c = 1;

	for (p = strstr(src, w); p != NULL; p = strstr(p + 1, w)) {
		if ((p > src && ident(p[-1])) || ident(p[n]))
			continue;
		q = p + n;
		q += (*q == '"' || *q == '\'');
		q += strspn(q, " \t");
		if (any == NULL)
			any = p;
		if (*q == ':' && (best == NULL || rank-- > 0))
			best = p;
		if (*q == ':' && rank < 0)
			break;
	}
	if (best == NULL)
		best = any;
	if (best == NULL)
		return false;
	for (p = src; p < best; p++) {
		if (*p == '\n') {
			l++;
			c = 1;
		} else if (((unsigned char)*p & 0xC0) != 0x80) {
			c++;
		}
	}
	*line = l;
	*col = c;
	return true;
}

/*
 * A position in the JSON node handed back (one key a line) as the place in
 * the JavaScript source where that key is written: its Nth occurrence there
 * for the Nth in the JSON (apps written in order), else its first; the first
 * key inside a mapping or list stands for it. 1:1 when not found.
 */
void config_js_remap(const char *js, const char *json, int *line, int *col)
{
	const char *p = json;
	char word[256];
	int i;

	for (i = 1; i < *line && p != NULL; i++)
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	for (i = 0; p != NULL && i < 3; i++) {
		if (quoted_word(p, word, sizeof(word)) &&
		    find_word(js, word, key_rank(json, p, word), line, col))
			return;
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	*line = 1;
	*col = 1;
}
