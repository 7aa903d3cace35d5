/*
 * ui13.c: claude-mem 13's own viewer served by mem-worker. When the
 * plugin's ui directory is found at start-up (CLAUDE_MEM_UI_DIR, else the
 * installed plugin where Claude Code keeps it), GET / is its viewer.html
 * and its other files (bundle, logos, fonts) are served beside the routes,
 * as 13's worker does; else GET / stays mem-worker's own page. Also the
 * viewer's console (/api/logs, from the in-memory log ring) and its "How
 * it works" link (/api/onboarding/explainer).
 *
 * A file is served only from inside the directory: every segment must be
 * a plain name (no "..", no dot file, no backslash), the resolved path
 * (symlinks followed) must stay under the resolved directory, and it must
 * be a regular file. An encoded separator in the raw path is refused
 * earlier, in http.c.
 */
#include "worker.h"
#include "log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <microhttpd.h>

#define EXPLAINER_MAX   (1024 * 1024)
#define LOGS_DEFAULT    1000
#define LOGS_MAX        10000

static const char builtin_explainer[] =
"# How claude-mem works (with mem-worker)\n"
"\n"
"## What it does\n"
"\n"
"Every Read, Edit and Bash that Claude makes is sent by the claude-mem hooks\n"
"to mem-worker, which turns it into an observation (a title, facts, the files\n"
"read and modified). A summary is written when the session stops. The next\n"
"session in the same project starts with the recent observations and the last\n"
"summary injected as context.\n"
"\n"
"## Where it lives\n"
"\n"
"Everything is stored locally in `~/.claude-mem/claude-mem.db` (SQLite, with\n"
"full-text search). Nothing leaves the machine unless an agent command is\n"
"configured.\n"
"\n"
"## Searching\n"
"\n"
"The `search`, `timeline` and `get_observations` tools of the MCP server find\n"
"past work by words, by time around an observation, or by id.\n"
"\n"
"## This viewer\n"
"\n"
"New observations, summaries and prompts appear here live.\n";

/* ---- finding the plugin's ui directory --------------------------------- */

/* snprintf into a path buffer; -1 when it does not fit. */
static int pathf(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int pathf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* A resolved copy of dir when it holds a regular viewer.html. */
static char *ui_dir_ok(const char *dir)
{
	char path[PATH_MAX], *real;
	struct stat st;

	if (pathf(path, sizeof(path), "%s/viewer.html", dir) < 0 ||
	    stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return NULL;
	real = realpath(dir, NULL);
	return real;
}

/* The highest version under the plugin cache with a ui/viewer.html. */
static char *newest_cached(const char *cache)
{
	char best[NAME_MAX + 1] = "", path[PATH_MAX];
	struct dirent *e;
	char *found;
	DIR *d;

	if (pathf(path, sizeof(path), "%s/%s/ui", cache, MEM13_VERSION) == 0 &&
	    (found = ui_dir_ok(path)) != NULL)
		return found;
	if ((d = opendir(cache)) == NULL)
		return NULL;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (pathf(path, sizeof(path), "%s/%s/ui", cache, e->d_name) < 0 ||
		    (found = ui_dir_ok(path)) == NULL)
			continue;
		free(found);
		if (best[0] == '\0' || strverscmp(e->d_name, best) > 0)
			snprintf(best, sizeof(best), "%s", e->d_name);
	}
	closedir(d);
	if (best[0] == '\0' ||
	    pathf(path, sizeof(path), "%s/%s/ui", cache, best) < 0)
		return NULL;
	return ui_dir_ok(path);
}

char *ui13_find_dir(void)
{
	const char *env = getenv("CLAUDE_MEM_UI_DIR");
	const char *cfg = getenv("CLAUDE_CONFIG_DIR"), *home = getenv("HOME");
	char base[PATH_MAX], path[PATH_MAX];
	char *dir;

	if (env != NULL && *env != '\0') {
		if ((dir = ui_dir_ok(env)) == NULL)
			log_warnx("CLAUDE_MEM_UI_DIR=%s has no viewer.html: "
			    "serving mem-worker's own viewer", env);
		return dir;
	}
	if (cfg != NULL && *cfg != '\0') {
		if (pathf(base, sizeof(base), "%s", cfg) < 0)
			return NULL;
	} else if (home == NULL || *home == '\0' ||
	    pathf(base, sizeof(base), "%s/.claude", home) < 0)
		return NULL;
	if (pathf(path, sizeof(path), "%s/plugins/cache/thedotmack/claude-mem",
	    base) == 0 && (dir = newest_cached(path)) != NULL)
		return dir;
	if (pathf(path, sizeof(path), "%s/plugins/marketplaces/thedotmack/"
	    "plugin/ui", base) < 0)
		return NULL;
	return ui_dir_ok(path);
}

/* ---- serving a file ------------------------------------------------------ */

static const char *content_type(const char *name)
{
	static const struct { const char *ext, *type; } types[] = {
		{ ".html", "text/html; charset=utf-8" },
		{ ".js", "application/javascript; charset=utf-8" },
		{ ".css", "text/css; charset=utf-8" },
		{ ".json", "application/json; charset=utf-8" },
		{ ".map", "application/json; charset=utf-8" },
		{ ".md", "text/markdown; charset=utf-8" },
		{ ".txt", "text/plain; charset=utf-8" },
		{ ".svg", "image/svg+xml" },
		{ ".png", "image/png" },
		{ ".jpg", "image/jpeg" },
		{ ".jpeg", "image/jpeg" },
		{ ".gif", "image/gif" },
		{ ".webp", "image/webp" },
		{ ".ico", "image/x-icon" },
		{ ".woff", "font/woff" },
		{ ".woff2", "font/woff2" },
		{ ".ttf", "font/ttf" },
		{ ".eot", "application/vnd.ms-fontobject" },
	};
	const char *dot = strrchr(name, '.');
	size_t i;

	if (dot != NULL && strchr(dot, '/') == NULL)
		for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			if (strcasecmp(dot, types[i].ext) == 0)
				return types[i].type;
	return "application/octet-stream";
}

/* 1 when rel ("a/b.js", no leading slash) is a plain relative path. */
static int plain_path(const char *rel)
{
	const char *seg = rel;

	if (*rel == '\0')
		return 0;
	for (;;) {
		size_t n = strcspn(seg, "/");

		if (n == 0 || seg[0] == '.' || memchr(seg, '\\', n) != NULL)
			return 0;
		if (seg[n] == '\0')
			return 1;
		seg += n + 1;
	}
}

/* An open fd of root/rel if it is a regular file inside root; -1 else. */
static int open_inside(const char *root, const char *rel, struct stat *st)
{
	char path[PATH_MAX], *real;
	size_t n = strlen(root);
	int fd = -1;

	if (!plain_path(rel) ||
	    pathf(path, sizeof(path), "%s/%s", root, rel) < 0)
		return -1;
	if ((real = realpath(path, NULL)) == NULL)
		return -1;
	if (strncmp(real, root, n) == 0 && real[n] == '/')
		fd = open(real, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	free(real);
	if (fd >= 0 && (fstat(fd, st) < 0 || !S_ISREG(st->st_mode))) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* MHD_YES/MHD_NO when served, -2 when there is no such file. */
static int send_file(struct MHD_Connection *c, const char *root,
    const char *rel)
{
	struct MHD_Response *r;
	struct stat st;
	int fd = open_inside(root, rel, &st);

	if (fd < 0)
		return -2;
	/* MHD owns fd from here, on failure too. */
	r = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", content_type(rel));
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Cache-Control", "no-cache");
	return http_queue(c, MHD_HTTP_OK, r);
}

int ui13_viewer(struct worker *w, struct MHD_Connection *c)
{
	if (w->ui_dir == NULL)
		return -2;
	return send_file(c, w->ui_dir, "viewer.html");
}

int ui13_static(struct worker *w, struct MHD_Connection *c, const char *url)
{
	if (w->ui_dir == NULL || url[0] != '/')
		return -2;
	if (strcmp(url, "/tv") == 0)
		url = "/tv.html";
	return send_file(c, w->ui_dir, url + 1);
}

/* ---- the viewer's console and explainer ---------------------------------- */

int api_logs(struct worker *w, struct MHD_Connection *c,
    struct http_req *rq, const char *id)
{
	const char *s = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND,
	    "lines");
	long long want = LOGS_DEFAULT;
	size_t returned = 0;
	char *end, *text;
	json_t *j;

	if (s != NULL && *s != '\0') {
		errno = 0;
		want = strtoll(s, &end, 10);
		if (errno != 0 || *end != '\0' || want < 0)
			return http_reply_error(c, 400, "lines must be a "
			    "non-negative integer");
		if (want > LOGS_MAX)
			want = LOGS_MAX;
	}
	if ((text = logring_tail(w->logs, (size_t)want, &returned)) == NULL)
		return http_reply_error(c, 500, "Out of memory");
	j = json_pack("{s:s, s:n, s:b, s:I, s:I}", "logs", text, "path",
	    "exists", 1, "totalLines", (json_int_t)logring_count(w->logs),
	    "returnedLines", (json_int_t)returned);
	free(text);
	return http_reply(c, 200, j);
}

int api_logs_clear(struct worker *w, struct MHD_Connection *c,
    struct http_req *rq, const char *id)
{
	logring_clear(w->logs);
	log_info("log buffer cleared via the viewer");
	return http_reply(c, 200, json_pack("{s:b, s:s, s:n}", "success", 1,
	    "message", "Log buffer cleared", "path"));
}

/* The plugin's explainer (ui/../skills/how-it-works/), malloc'd; NULL. */
static char *plugin_explainer(const char *ui_dir)
{
	char path[PATH_MAX], *buf = NULL;
	struct stat st;
	ssize_t n;
	size_t got = 0;
	int fd;

	if (pathf(path, sizeof(path), "%s/../skills/how-it-works/"
	    "onboarding-explainer.md", ui_dir) < 0 ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > EXPLAINER_MAX ||
	    (buf = malloc((size_t)st.st_size + 1)) == NULL)
		goto fail;
	while (got < (size_t)st.st_size) {
		n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	close(fd);
	return buf;
fail:
	free(buf);
	close(fd);
	return NULL;
}

int api_explainer(struct worker *w, struct MHD_Connection *c,
    struct http_req *rq, const char *id)
{
	char *text = w->ui_dir ? plugin_explainer(w->ui_dir) : NULL;
	int rc;

	rc = http_reply_text(c, 200, "text/markdown; charset=utf-8",
	    text ? text : builtin_explainer);
	free(text);
	return rc;
}
