/*
 * smart_search.c: claude-mem 13's smart_search. Walk the root as 13 does
 * (names sorted as node's readdir gives them, hidden names and 13's build
 * and dependency folders skipped, 13's source extensions only, files over
 * 512 KiB, empty or binary skipped), parse the files with ctags in
 * batches, score every symbol by 13's rules (name terms x3, the whole
 * query in the signature +2, in the doc +1), and print 13's report. The
 * walk stops at MAX_FILES files or MAX_BYTES bytes and says so.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "smart.h"

#define MAX_DEPTH	20		/* 13's walk depth */
#define MAX_FILE	(512u << 10)	/* 13 skips bigger files */
#define MAX_FILES	5000		/* files parsed by one search */
#define MAX_BYTES	(64u << 20)	/* bytes read by one search */
#define MAX_ENTRIES	200000		/* directory entries looked at */
#define CTAGS_BATCH	256		/* files a ctags run */
#define DEF_RESULTS	20

static const char *const skip_dirs[] = { "node_modules", ".git", "dist",
	"build", ".next", "__pycache__", ".venv", "venv", "env", ".env",
	"target", "vendor", ".cache", ".turbo", "coverage", ".nyc_output",
	".claude", ".smart-file-read" };

static const char *const exts[] = { ".js", ".jsx", ".ts", ".tsx", ".mjs",
	".cjs", ".py", ".pyw", ".go", ".rs", ".rb", ".java", ".cs", ".cpp",
	".cc", ".cxx", ".c", ".h", ".hpp", ".hh", ".swift", ".kt", ".kts",
	".php", ".vue", ".svelte", ".lua", ".scala", ".sc", ".sh", ".bash",
	".zsh", ".hs", ".zig", ".css", ".scss", ".toml", ".yml", ".yaml",
	".sql", ".md", ".mdx" };

struct walk {
	const char		*root;
	char			*pattern;	/* lower case, or NULL */
	struct smart_file	*files;
	size_t			 n, cap;
	size_t			 entries, bytes;
	int			 truncated;
};

struct match {
	size_t	 file;
	int	 sym;
	int	 key;		/* 13 sorts by the name's term score */
	size_t	 order;
	char	*name;		/* Parent.name */
};

static int in_set(const char *s, const char *const *set, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(s, set[i]) == 0)
			return 1;
	return 0;
}

static void lower(char *s)
{
	for (; *s != '\0'; s++)
		*s = (char)tolower((unsigned char)*s);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Room in w->files for one more file: -1 when out of memory. */
static int room_for_one(struct walk *w)
{
	size_t cap = w->cap ? w->cap * 2 : 64;
	struct smart_file *v;

	if (w->n < w->cap)
		return 0;
	if ((v = realloc(w->files, cap * sizeof(*v))) == NULL)
		return -1;
	w->files = v;
	w->cap = cap;
	return 0;
}

/* Add the file at abs when it is one 13 would read. */
static void take_file(struct walk *w, const char *abs, const char *rel)
{
	const char *dot = strrchr(rel, '/');
	struct smart_file f;
	char *lrel;
	size_t k;

	dot = strrchr(dot ? dot + 1 : rel, '.');
	if (dot == NULL || !in_set(dot, exts, sizeof(exts) / sizeof(*exts)))
		return;
	if (w->pattern != NULL) {
		if ((lrel = strdup(rel)) == NULL)
			return;
		lower(lrel);
		k = strstr(lrel, w->pattern) != NULL;
		free(lrel);
		if (!k)
			return;
	}
	if (w->n >= MAX_FILES || w->bytes >= MAX_BYTES) {
		w->truncated = 1;
		return;
	}
	if (smart_file_load(&f, abs, rel, MAX_FILE) < 0)
		return;
	if (f.size == 0 || f.binary || room_for_one(w) == -1) {
		smart_file_free(&f);
		return;
	}
	w->bytes += f.size;
	w->files[w->n++] = f;
}

static void walk_dir(struct walk *w, const char *dir, int depth);

static void walk_entry(struct walk *w, const char *dir, const char *name,
    int depth)
{
	struct stat st;
	char *abs;
	size_t rl = strlen(w->root);

	if (asprintf(&abs, "%s/%s", strcmp(dir, "/") ? dir : "", name) < 0)
		return;
	if (lstat(abs, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			walk_dir(w, abs, depth - 1);
		else if (S_ISREG(st.st_mode))
			take_file(w, abs, abs + rl + (strcmp(w->root, "/") != 0));
	}
	free(abs);
}

static void walk_dir(struct walk *w, const char *dir, int depth)
{
	char **names = NULL, **v;
	size_t n = 0, i;
	struct dirent *d;
	DIR *dp;
	int fd;

	if (depth <= 0 || w->truncated)
		return;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || (dp = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((d = readdir(dp)) != NULL) {
		if (++w->entries > MAX_ENTRIES) {
			w->truncated = 1;
			break;
		}
		if (d->d_name[0] == '.' || in_set(d->d_name, skip_dirs,
		    sizeof(skip_dirs) / sizeof(*skip_dirs)))
			continue;
		if ((v = realloc(names, (n + 1) * sizeof(*v))) == NULL)
			break;
		names = v;
		if ((names[n] = strdup(d->d_name)) == NULL)
			break;
		n++;
	}
	closedir(dp);
	qsort(names, n, sizeof(*names), by_name);
	for (i = 0; i < n; i++) {
		walk_entry(w, dir, names[i], depth);
		free(names[i]);
	}
	free(names);
}

/* 13 parses a language's files together: files grouped by language in
 * the order each language first appears, the walk's order within. */
static void group_by_language(struct walk *w)
{
	struct smart_file *out = calloc(w->n ? w->n : 1, sizeof(*out));
	size_t i, j, k = 0;
	char *done;

	if (out == NULL || (done = calloc(w->n ? w->n : 1, 1)) == NULL) {
		free(out);
		return;
	}
	for (i = 0; i < w->n; i++) {
		const char *li = smart_language(w->files[i].abs);

		for (j = i; j < w->n && !done[i]; j++) {
			const char *lj = smart_language(w->files[j].abs);

			if (!done[j] && (li == lj || (li && lj &&
			    strcmp(li, lj) == 0))) {
				out[k++] = w->files[j];
				done[j] = 1;
			}
		}
	}
	free(w->files);
	free(done);
	w->files = out;
	w->cap = w->n;
}

static int parse_all(struct walk *w, char *err, size_t errlen)
{
	char **paths = calloc(CTAGS_BATCH, sizeof(*paths));
	size_t i, j, n;
	json_t *tags;
	int rc = 0;

	if (paths == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < w->n && rc == 0; i += n) {
		n = w->n - i < CTAGS_BATCH ? w->n - i : CTAGS_BATCH;
		for (j = 0; j < n; j++)
			paths[j] = w->files[i + j].abs;
		if (smart_ctags(paths, n, &tags, err, errlen) < 0) {
			rc = -1;
			break;
		}
		for (j = 0; j < n && rc == 0; j++)
			if (smart_file_symbols(&w->files[i + j], tags) < 0) {
				snprintf(err, errlen, "out of memory");
				rc = -1;
			}
		json_decref(tags);
	}
	free(paths);
	return rc;
}

/* 13's term score: a term equal to the name 10, inside it 5, its letters
 * in order 1. */
static int term_score(const char *name, char **terms, size_t nt)
{
	const char *p;
	size_t i, k;
	int r = 0;

	for (i = 0; i < nt; i++) {
		if (strcmp(name, terms[i]) == 0)
			r += 10;
		else if (strstr(name, terms[i]) != NULL)
			r += 5;
		else {
			for (p = name, k = 0; terms[i][k] != '\0'; k++) {
				const char *q = strchr(p, terms[i][k]);

				if (q == NULL)
					break;
				p = q + 1;
			}
			r += terms[i][k] == '\0';
		}
	}
	return r;
}

static int contains_lower(const char *s, const char *q)
{
	char *l = s ? strdup(s) : NULL;
	int r;

	if (l == NULL)
		return 0;
	lower(l);
	r = strstr(l, q) != NULL;
	free(l);
	return r;
}

static int by_key(const void *a, const void *b)
{
	const struct match *x = a, *y = b;

	if (x->key != y->key)
		return x->key > y->key ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

struct query {
	char	*q;		/* lower case */
	char	*terms[64];
	size_t	 nt;
};

static void query_terms(struct query *qy, const char *query)
{
	char *s, *save = NULL, *t;

	memset(qy, 0, sizeof(*qy));
	if ((qy->q = strdup(query)) == NULL || (s = strdup(query)) == NULL)
		return;
	lower(qy->q);
	lower(s);
	for (t = strtok_r(s, " \t\n\r\f\v_-./", &save); t != NULL &&
	    qy->nt < sizeof(qy->terms) / sizeof(*qy->terms);
	    t = strtok_r(NULL, " \t\n\r\f\v_-./", &save))
		qy->terms[qy->nt++] = strdup(t);
	free(s);
}

static void query_free(struct query *qy)
{
	size_t i;

	for (i = 0; i < qy->nt; i++)
		free(qy->terms[i]);
	free(qy->q);
}

/* Every symbol scoring above 0, in 13's order; *n set. */
static struct match *matches(struct walk *w, struct query *qy, size_t *n)
{
	struct match *m = NULL, *v;
	size_t i, j, cap = 0;
	char *ln;
	int sc;

	*n = 0;
	for (i = 0; i < w->n; i++)
		for (j = 0; j < w->files[i].nsyms; j++) {
			const struct smart_sym *s = &w->files[i].syms[j];

			if ((ln = strdup(s->name)) == NULL)
				continue;
			lower(ln);
			sc = term_score(ln, qy->terms, qy->nt) * 3;
			free(ln);
			sc += contains_lower(s->signature, qy->q) ? 2 : 0;
			sc += contains_lower(s->doc, qy->q) ? 1 : 0;
			if (sc <= 0)
				continue;
			if (*n == cap) {
				if ((v = realloc(m, (cap ? cap * 2 : 64) *
				    sizeof(*v))) == NULL)
					break;
				m = v;
				cap = cap ? cap * 2 : 64;
			}
			v = &m[*n];
			v->file = i;
			v->sym = (int)j;
			v->order = *n;
			if (s->parent >= 0) {
				if (asprintf(&v->name, "%s.%s",
				    w->files[i].syms[s->parent].name, s->name) < 0)
					continue;
			} else if ((v->name = strdup(s->name)) == NULL)
				continue;
			if ((ln = strdup(v->name)) == NULL) {
				free(v->name);
				continue;
			}
			lower(ln);
			v->key = term_score(ln, qy->terms, qy->nt);
			free(ln);
			(*n)++;
		}
	if (m != NULL)
		qsort(m, *n, sizeof(*m), by_key);
	return m;
}

/* The files whose symbols are listed (at most max), marked in fold;
 * 13's token estimate of their folded views, *nfold set. */
static size_t folded(struct walk *w, const struct match *m, size_t shown,
    size_t max, char *fold, size_t *nfold)
{
	size_t i, tokens = 0;
	struct sbuf o;

	*nfold = 0;
	for (i = 0; i < shown; i++)
		fold[m[i].file] = 1;
	for (i = 0; i < w->n; i++) {
		if (!fold[i] || *nfold >= max) {
			fold[i] = 0;
			continue;
		}
		(*nfold)++;
		sbuf_init(&o);
		smart_fmt_outline(&o, &w->files[i]);
		tokens += (smart_js_len(o.s ? o.s : "") + 3) / 4;
		sbuf_free(&o);
	}
	return tokens;
}

static void list_symbols(struct sbuf *b, struct walk *w,
    const struct match *m, size_t shown)
{
	size_t i;
	char *doc;

	sbuf_add(b, "\xe2\x94\x80\xe2\x94\x80 Matching Symbols "
	    "\xe2\x94\x80\xe2\x94\x80\n\n");
	for (i = 0; i < shown; i++) {
		const struct smart_sym *s = &w->files[m[i].file].syms[m[i].sym];

		sbuf_printf(b, "  %s %s (%s:%d)\n    %s\n", s->kind, m[i].name,
		    w->files[m[i].file].path, s->start + 1, s->signature);
		if (s->doc != NULL && (doc = smart_doc_line(s->doc, 0)) != NULL) {
			sbuf_printf(b, "    \xf0\x9f\x92\xac %s\n", doc);
			free(doc);
		}
		sbuf_add(b, "\n");
	}
}

static void report(struct sbuf *b, struct walk *w, const char *query,
    struct match *m, size_t nm, size_t max)
{
	size_t i, total = 0, tokens, nfold = 0, shown = nm < max ? nm : max;
	char *fold = calloc(w->n ? w->n : 1, 1), *t;
	struct sbuf o;

	if (fold == NULL) {
		b->oom = 1;
		return;
	}
	for (i = 0; i < w->n; i++)
		total += w->files[i].nsyms;
	tokens = folded(w, m, shown, max, fold, &nfold);
	sbuf_printf(b, "\xf0\x9f\x94\x8d Smart Search: \"%s\"\n"
	    "   Scanned %zu files, found %zu symbols\n", query, w->n, total);
	if (w->truncated)
		sbuf_printf(b, "   (the walk stopped at its limit: %d files, "
		    "%u MiB, %d entries)\n", MAX_FILES, MAX_BYTES >> 20,
		    MAX_ENTRIES);
	sbuf_printf(b, "   %zu matches across %zu files (~%zu tokens for "
	    "folded view)\n\n", shown, nfold, tokens);
	if (shown == 0)
		sbuf_add(b, "   No matching symbols found.");
	else {
		list_symbols(b, w, m, shown);
		sbuf_add(b, "\xe2\x94\x80\xe2\x94\x80 Folded File Views "
		    "\xe2\x94\x80\xe2\x94\x80\n\n");
		for (i = 0; i < w->n; i++)
			if (fold[i]) {
				sbuf_init(&o);
				smart_fmt_outline(&o, &w->files[i]);
				t = sbuf_take(&o);
				sbuf_printf(b, "%s\n\n", t ? t : "");
				free(t);
			}
		sbuf_add(b, "\xe2\x94\x80\xe2\x94\x80 Actions "
		    "\xe2\x94\x80\xe2\x94\x80\n  To see full implementation: "
		    "use smart_unfold with file path and symbol name");
	}
	free(fold);
}

static size_t max_results(json_t *args)
{
	json_t *v = json_object_get(args, "max_results");
	double d = json_is_number(v) ? json_number_value(v) : 0;

	/* 13 slices with whatever it got: "5" works there as 5. */
	if (json_is_string(v))
		d = strtod(json_string_value(v), NULL);

	return d >= 1 && d < 1e6 ? (size_t)d : DEF_RESULTS;
}

json_t *smart_search(struct search_ctx *sc, json_t *args)
{
	const char *query = smart_str(args, "query");
	const char *pat = smart_str(args, "file_pattern");
	const char *path = smart_str(args, "path");
	struct walk w = { 0 };
	struct query qy;
	struct match *m;
	struct stat st;
	char err[512], *t, *root;
	struct sbuf b;
	json_t *r;
	size_t nm = 0, i;

	if (query == NULL)
		return smart_failed("query is required");
	if ((root = smart_resolve(sc, path ? path : sc->cwd, &r)) == NULL)
		return r;
	if (stat(root, &st) < 0 || (!S_ISDIR(st.st_mode) && (errno = ENOTDIR))) {
		r = smart_file_failed(errno, "scandir", root);
		free(root);
		return r;
	}
	w.root = root;
	if (pat != NULL && (w.pattern = strdup(pat)) != NULL)
		lower(w.pattern);
	walk_dir(&w, root, MAX_DEPTH);
	group_by_language(&w);
	query_terms(&qy, query);
	if (parse_all(&w, err, sizeof(err)) < 0)
		r = smart_failed("%s", err);
	else {
		m = matches(&w, &qy, &nm);
		sbuf_init(&b);
		report(&b, &w, query, m, nm, max_results(args));
		for (i = 0; i < nm; i++)
			free(m[i].name);
		free(m);
		t = sbuf_take(&b);
		r = smart_answer(t, 0);
		free(t);
	}
	query_free(&qy);
	for (i = 0; i < w.n; i++)
		smart_file_free(&w.files[i]);
	free(w.files);
	free(w.pattern);
	free(root);
	return r;
}
