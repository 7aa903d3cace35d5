/*
 * smart.c: claude-mem 13's code tools, smart_search, smart_outline and
 * smart_unfold. 13 parses with tree-sitter in its MCP server; here
 * universal-ctags finds the symbols (smart_ctags.c) and the text is 13's
 * (smart_fmt.c). Paths resolve against the server's working directory and
 * must stay inside it, as 13's do; the walk skips what 13 skips and is
 * bounded in depth, files and bytes so a huge tree cannot hang a call.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "smart.h"

#define ONE_FILE_MAX	(16u << 20)	/* outline/unfold of one file */

json_t *smart_answer(const char *t, int is_error)
{
	json_t *r = json_pack("{s:[{s:s,s:s}]}", "content", "type", "text",
	    "text", t ? t : "out of memory");

	if (r != NULL && (is_error || t == NULL))
		json_object_set_new(r, "isError", json_true());
	return r;
}

json_t *smart_failed(const char *fmt, ...)
{
	struct sbuf b;
	va_list ap;
	char *s, *m;
	json_t *r;

	va_start(ap, fmt);
	if (vasprintf(&m, fmt, ap) < 0)
		m = NULL;
	va_end(ap);
	sbuf_init(&b);
	sbuf_printf(&b, "Tool execution failed: %s", m ? m : "out of memory");
	free(m);
	s = sbuf_take(&b);
	r = smart_answer(s, 1);
	free(s);
	return r;
}

/* node's wording of a file error: "ENOENT: no such file or directory". */
static const char *errname(int e)
{
	switch (e) {
	case ENOENT:	return "ENOENT";
	case EACCES:	return "EACCES";
	case EISDIR:	return "EISDIR";
	case ENOTDIR:	return "ENOTDIR";
	case EFBIG:	return "EFBIG";
	case ELOOP:	return "ELOOP";
	default:	return "EIO";
	}
}

json_t *smart_file_failed(int e, const char *op, const char *path)
{
	char msg[128];

	snprintf(msg, sizeof(msg), "%s", e == EISDIR ?
	    "illegal operation on a directory" : strerror(e));
	msg[0] = (char)tolower((unsigned char)msg[0]);
	return smart_failed("%s: %s, %s '%s'", errname(e), msg, op, path);
}

/* "a/./b/../c" -> "a/c" in place (absolute paths only). */
static void normalize(char *p)
{
	char *out = p, *s = p, *e;
	size_t n;

	while (*s != '\0') {
		while (*s == '/')
			s++;
		e = strchrnul(s, '/');
		n = (size_t)(e - s);
		if (n == 0 || (n == 1 && s[0] == '.')) {
		} else if (n == 2 && s[0] == '.' && s[1] == '.') {
			while (out > p && *--out != '/')
				;
		} else {
			*out++ = '/';
			memmove(out, s, n);
			out += n;
		}
		s = e;
	}
	if (out == p)
		*out++ = '/';
	*out = '\0';
}

/*
 * 13's workspace rule: resolve arg against the working directory (~ is
 * the home), follow links, and refuse what lands outside. NULL with the
 * answer in *err.
 */
char *smart_resolve(struct search_ctx *sc, const char *arg, json_t **err)
{
	char root[PATH_MAX], *p = NULL, *real;
	const char *home = getenv("HOME"), *a = arg;
	size_t rl;

	while (isspace((unsigned char)*a))
		a++;
	if (realpath(sc->cwd, root) == NULL)
		snprintf(root, sizeof(root), "%s", sc->cwd);
	if (home != NULL && a[0] == '~' && (a[1] == '\0' || a[1] == '/')) {
		if (asprintf(&p, "%s/%s", home, a + 1) < 0)
			p = NULL;
	} else if (asprintf(&p, "%s/%s", a[0] == '/' ? "" : root, a) < 0)
		p = NULL;
	if (p == NULL) {
		*err = smart_failed("out of memory");
		return NULL;
	}
	rl = strlen(p);
	while (rl > 0 && isspace((unsigned char)p[rl - 1]))
		p[--rl] = '\0';
	normalize(p);
	if ((real = realpath(p, NULL)) != NULL) {
		free(p);
		p = real;
	}
	rl = strlen(root);
	if (strcmp(p, root) != 0 && !(strncmp(p, root, rl) == 0 &&
	    (p[rl] == '/' || strcmp(root, "/") == 0))) {
		*err = smart_failed("Access denied: \"%s\" resolves outside the "
		    "workspace (%s). MCP file tools can only read files within "
		    "the current project.", arg, root);
		free(p);
		return NULL;
	}
	return p;
}

const char *smart_str(json_t *args, const char *k)
{
	json_t *v = json_object_get(args, k);

	return json_is_string(v) && *json_string_value(v) ?
	    json_string_value(v) : NULL;
}

/* Load and parse one file for outline/unfold; NULL with *err set. */
static int load_one(struct search_ctx *sc, json_t *args,
    struct smart_file *f, json_t **err)
{
	const char *arg = smart_str(args, "file_path");
	char *abs, msg[512];
	json_t *tags;
	int rc = -1;

	if (arg == NULL) {
		*err = smart_failed("file_path is required");
		return -1;
	}
	if ((abs = smart_resolve(sc, arg, err)) == NULL)
		return -1;
	if (smart_file_load(f, abs, abs, ONE_FILE_MAX) < 0) {
		*err = smart_file_failed(errno, "open", abs);
		free(abs);
		return -1;
	}
	if (smart_ctags(&abs, 1, &tags, msg, sizeof(msg)) < 0)
		*err = smart_failed("%s", msg);
	else if (smart_file_symbols(f, tags) < 0)
		*err = smart_failed("out of memory");
	else
		rc = 0;
	json_decref(tags);
	free(abs);
	if (rc < 0)
		smart_file_free(f);
	return rc;
}

static json_t *outline(struct search_ctx *sc, json_t *args)
{
	struct smart_file f;
	struct sbuf b;
	json_t *r;
	char *t;

	if (load_one(sc, args, &f, &r) < 0)
		return r;
	sbuf_init(&b);
	if (f.nsyms > 0)
		smart_fmt_outline(&b, &f);
	else
		sbuf_printf(&b, "Could not parse %s. File may use an "
		    "unsupported language or be empty.",
		    smart_str(args, "file_path"));
	t = sbuf_take(&b);
	r = smart_answer(t, 0);
	free(t);
	smart_file_free(&f);
	return r;
}

static json_t *unfold(struct search_ctx *sc, json_t *args)
{
	const char *name = smart_str(args, "symbol_name");
	struct smart_file f;
	struct sbuf b;
	json_t *r;
	size_t j;
	char *t;
	int i;

	if (name == NULL)
		return smart_failed("symbol_name is required");
	if (load_one(sc, args, &f, &r) < 0)
		return r;
	sbuf_init(&b);
	if ((i = smart_find(&f, name)) >= 0)
		smart_fmt_unfold(&b, &f, i);
	else if (f.nsyms > 0) {
		sbuf_printf(&b, "Symbol \"%s\" not found in %s.\n\n"
		    "Available symbols:", name, smart_str(args, "file_path"));
		for (j = 0; j < f.nsyms; j++)
			if (f.syms[j].parent < 0)
				sbuf_printf(&b, "\n  - %s (%s)", f.syms[j].name,
				    f.syms[j].kind);
	} else
		sbuf_printf(&b, "Could not parse %s. File may be unsupported "
		    "or empty.", smart_str(args, "file_path"));
	t = sbuf_take(&b);
	r = smart_answer(t, 0);
	free(t);
	smart_file_free(&f);
	return r;
}

int smart_call(struct search_ctx *sc, const char *name, json_t *args,
    json_t **result)
{
	if (strcmp(name, "smart_outline") == 0)
		*result = outline(sc, args);
	else if (strcmp(name, "smart_unfold") == 0)
		*result = unfold(sc, args);
	else if (strcmp(name, "smart_search") == 0)
		*result = smart_search(sc, args);
	else
		return -1;
	return 0;
}
