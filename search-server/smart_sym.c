/*
 * smart_sym.c: a file's lines and ctags' tags made into the symbols of
 * claude-mem 13's code tools. 13 asks tree-sitter queries for functions,
 * classes, methods, interfaces, types, enums, structs, traits and impls;
 * here ctags' kinds are mapped onto those and every other kind (variables,
 * fields, macros, prototypes) is left out, as 13's queries leave them out.
 * The rest is 13's rules: the signature is the first line (or the text up
 * to the first '{' within ten lines), the doc is the comment block right
 * above (or a Python docstring), a symbol inside a class, struct, impl or
 * trait is its child (a function there becomes a method).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "smart.h"

#define SIG_MAX 200	/* 13 cuts signatures to 200 characters */

static int is_lang(const struct smart_file *f, const char *l)
{
	return f->language != NULL && strcmp(f->language, l) == 0;
}

static int is_js(const struct smart_file *f)
{
	return is_lang(f, "javascript") || is_lang(f, "typescript") ||
	    is_lang(f, "tsx");
}

static const char *line(const struct smart_file *f, int i)
{
	return i >= 0 && (size_t)i < f->nlines ? f->lines[i] : "";
}

static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static int starts(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/* Is the value of the declaration at start an arrow function or a
 * function expression (its parameters may span lines)? */
static int js_function(const struct smart_file *f, int start)
{
	const char *l;
	int i;

	for (i = start; i < start + 4 && (size_t)i < f->nlines; i++) {
		l = f->lines[i];
		if (strstr(l, "=>") != NULL || strstr(l, "function") != NULL)
			return 1;
		if (strchr(l, ';') != NULL || strchr(l, '{') != NULL)
			return 0;
	}
	return 0;
}

/* 13's kind of a ctags tag; NULL: not a symbol 13 lists. */
static const char *kind_of(const struct smart_file *f, json_t *tag,
    int start)
{
	static const char *const map[][2] = {
		{ "function", "function" }, { "func", "function" },
		{ "subroutine", "function" }, { "procedure", "function" },
		{ "generator", "function" }, { "singletonMethod", "function" },
		{ "method", "method" }, { "getter", "method" },
		{ "setter", "method" }, { "class", "class" },
		{ "module", "class" }, { "object", "class" },
		{ "struct", "struct" }, { "interface", "interface" },
		{ "protocol", "interface" }, { "typedef", "type" },
		{ "alias", "type" }, { "type", "type" }, { "enum", "enum" },
		{ "trait", "trait" }, { "implementation", "impl" },
		{ "mixin", "mixin" }, { "chapter", "section" },
		{ "section", "section" }, { "subsection", "section" },
		{ "subsubsection", "section" }, { "l4subsection", "section" },
		{ "l5subsection", "section" },
	};
	const char *k = json_string_value(json_object_get(tag, "kind"));
	const char *l = line(f, start);
	size_t i;

	if (k == NULL)
		return NULL;
	/* Python's methods are ctags' members; C's members are fields. */
	if (strcmp(k, "member") == 0)
		return json_object_get(tag, "signature") ? "method" : NULL;
	/* 13 lists `const f = () => ...` and function expressions. */
	if ((strcmp(k, "constant") == 0 || strcmp(k, "variable") == 0) &&
	    is_js(f))
		return js_function(f, start) ? "function" : NULL;
	if (is_lang(f, "rust") && strcmp(k, "interface") == 0)
		return "trait";
	/* Go: 13 sees method declarations and type declarations. */
	if (is_lang(f, "go") && strcmp(k, "func") == 0)
		return starts(skip_ws(l), "func (") ? "method" : "function";
	if (is_lang(f, "go") && (strcmp(k, "struct") == 0 ||
	    strcmp(k, "interface") == 0))
		return "type";
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(k, map[i][0]) == 0)
			return map[i][1];
	return NULL;
}

/* Skip a string or comment starting at s; the next char to look at. */
static const char *skip_lexeme(const char *s, int *in_comment)
{
	char q;

	if (*in_comment) {
		const char *e = strstr(s, "*/");

		if (e == NULL)
			return s + strlen(s);
		*in_comment = 0;
		return e + 2;
	}
	if (s[0] == '/' && s[1] == '/')
		return s + strlen(s);
	if (s[0] == '/' && s[1] == '*') {
		*in_comment = 1;
		return s + 2;
	}
	if (*s == '"' || *s == '\'' || *s == '`') {
		q = *s++;
		while (*s != '\0' && *s != q)
			s += s[0] == '\\' && s[1] != '\0' ? 2 : 1;
		return *s ? s + 1 : s;
	}
	return NULL;
}

/* The line where the braces opened by the definition at start close;
 * -1 when a ';' ends it first or no '{' comes within ten lines. */
static int brace_end(const struct smart_file *f, int start)
{
	int depth = 0, opened = 0, cm = 0, i;
	const char *s, *n;

	for (i = start; (size_t)i < f->nlines; i++) {
		if (!opened && i >= start + 10)
			return -1;
		for (s = f->lines[i]; *s != '\0';) {
			if ((n = skip_lexeme(s, &cm)) != NULL) {
				s = n;
				continue;
			}
			if (*s == '{') {
				depth++;
				opened = 1;
			} else if (*s == '}' && --depth <= 0 && opened)
				return i;
			else if (*s == ';' && !opened)
				return i;
			s++;
		}
	}
	return opened ? (int)f->nlines - 1 : -1;
}

static size_t indent_of(const char *s)
{
	return (size_t)(skip_ws(s) - s);
}

/* The last line indented deeper than start's before one that is not. */
static int indent_end(const struct smart_file *f, int start)
{
	size_t in = indent_of(line(f, start));
	int i, last = start;

	for (i = start + 1; (size_t)i < f->nlines; i++) {
		if (*skip_ws(f->lines[i]) == '\0')
			continue;
		if (indent_of(f->lines[i]) <= in)
			break;
		last = i;
	}
	return last;
}

/* ctags gives end lines for some languages; guess the others. */
static int end_of(const struct smart_file *f, json_t *tag, int start)
{
	json_t *e = json_object_get(tag, "end");
	int end;

	if (json_is_integer(e) && json_integer_value(e) - 1 >= start)
		end = (int)json_integer_value(e) - 1;
	else if ((end = brace_end(f, start)) < 0)
		end = indent_end(f, start);
	return (size_t)end < f->nlines ? end : (int)f->nlines - 1;
}

static char *collapse(const char *s, size_t n)
{
	char *out = malloc(n + 1), *o = out;
	size_t i;

	if (out == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (isspace((unsigned char)s[i])) {
			if (o > out && o[-1] != ' ')
				*o++ = ' ';
		} else
			*o++ = s[i];
	}
	*o = '\0';
	return out;
}

static void trim(char *s)
{
	size_t n = strlen(s), k = (size_t)(skip_ws(s) - s);

	while (k < n && isspace((unsigned char)s[k]))
		k++;
	memmove(s, s + k, n - k + 1);
	n -= k;
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

/* 13's signature: the line, or the text before '{' within ten lines;
 * a trailing '{' or ':' dropped; at most 200 characters. */
static char *signature(const struct smart_file *f, int start, int end)
{
	const char *l = line(f, start);
	struct sbuf b;
	char *s, *brace;
	size_t n = strlen(l);
	int i;

	while (n > 0 && isspace((unsigned char)l[n - 1]))
		n--;
	if (n > 0 && (l[n - 1] == '{' || l[n - 1] == ':'))
		s = strdup(l);
	else {
		sbuf_init(&b);
		for (i = start; i < start + 10 && i <= end; i++)
			sbuf_printf(&b, "%s%s", i > start ? "\n" : "",
			    line(f, i));
		s = sbuf_take(&b);
		if (s != NULL && (brace = strchr(s, '{')) != NULL &&
		    brace - s < 500) {
			char *c = collapse(s, (size_t)(brace - s));

			free(s);
			s = c;
		} else if (s != NULL) {
			free(s);
			s = strdup(l);
		}
	}
	if (s == NULL)
		return NULL;
	trim(s);
	n = strlen(s);
	if (n > 0 && (s[n - 1] == '{' || s[n - 1] == ':'))
		s[--n] = '\0';
	trim(s);
	if (smart_js_len(s) > SIG_MAX) {
		n = SIG_MAX - 3;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
		strcpy(s + n, "...");
	}
	return s;
}

/* 13's comment lines; in C and C++ a '#' line is the preprocessor (13
 * parses neither, so there is no 13 behaviour to keep for them). */
static int doc_line(const struct smart_file *f, const char *t)
{
	static const char *const p[] = { "/**", "*", "*/", "//", "#", "@" };
	size_t i;

	if (t[0] == '#' && (is_lang(f, "c") || is_lang(f, "cpp")))
		return 0;
	for (i = 0; i < sizeof(p) / sizeof(p[0]); i++)
		if (starts(t, p[i]))
			return 1;
	return 0;
}

/* 13's doc: the comment lines right above start (blank lines between
 * allowed), else a docstring in Python's next three lines. */
static char *doc_of(const struct smart_file *f, int start, int end)
{
	int i, top = -1, found = 0;
	const char *t;
	struct sbuf b;
	char *s;

	for (i = start - 1; i >= 0; i--) {
		t = skip_ws(f->lines[i]);
		if (*t == '\0') {
			if (found)
				break;
			continue;
		}
		if (!doc_line(f, t))
			break;
		top = i;
		found = 1;
	}
	if (found) {
		sbuf_init(&b);
		for (i = top; i < start; i++) {
			t = skip_ws(f->lines[i]);
			if (*t == '\0' && i > top)
				continue;	/* 13 keeps only comment lines */
			sbuf_printf(&b, "%s%s", b.len ? "\n" : "", f->lines[i]);
		}
		s = sbuf_take(&b);
		if (s != NULL)
			trim(s);
		return s;
	}
	if (!is_lang(f, "python"))
		return NULL;
	for (i = start + 1; i <= start + 3 && i <= end; i++) {
		t = skip_ws(line(f, i));
		if (*t == '\0')
			continue;
		if (starts(t, "\"\"\"") || starts(t, "'''")) {
			s = strdup(t);
			if (s != NULL)
				trim(s);
			return s;
		}
		break;
	}
	return NULL;
}

static int exported(const struct smart_file *f, const char *name,
    json_t *tag, int start)
{
	const char *l = skip_ws(line(f, start));

	if (is_lang(f, "python"))
		return name[0] != '_';
	if (is_lang(f, "go"))
		return isupper((unsigned char)name[0]);
	if (is_lang(f, "rust"))
		return starts(l, "pub");
	if (is_lang(f, "c") || is_lang(f, "cpp"))	/* not static */
		return !json_is_true(json_object_get(tag, "file"));
	return 1;	/* JavaScript: settled by export ranges below */
}

/* Markdown: "## Name" by the heading's level, as 13 shows sections. */
static char *section_sig(const struct smart_file *f, const char *name,
    int start)
{
	const char *l = line(f, start);
	struct sbuf b;
	int lv = 0;

	while (l[lv] == '#' && lv < 6)
		lv++;
	sbuf_init(&b);
	sbuf_printf(&b, "%.*s %s", lv ? lv : 1, "######", name);
	return sbuf_take(&b);
}

static int add_sym(struct smart_file *f, json_t *tag, size_t *cap)
{
	const char *name = json_string_value(json_object_get(tag, "name"));
	json_t *ln = json_object_get(tag, "line");
	struct smart_sym *s, *v;
	const char *kind;
	int start;

	if (!json_is_integer(ln) || json_integer_value(ln) < 1 ||
	    (size_t)json_integer_value(ln) > f->nlines)
		return 0;
	start = (int)json_integer_value(ln) - 1;
	if ((kind = kind_of(f, tag, start)) == NULL)
		return 0;
	if (f->nsyms == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		if ((v = realloc(f->syms, *cap * sizeof(*v))) == NULL)
			return -1;
		f->syms = v;
	}
	s = &f->syms[f->nsyms];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->start = start;
	s->parent = -1;
	s->name = strdup(name);
	if (strcmp(kind, "section") == 0) {
		s->end = start;	/* 13's unfold finds a section's end itself */
		s->signature = section_sig(f, name, start);
	} else {
		s->end = end_of(f, tag, start);
		s->signature = signature(f, start, s->end);
		s->doc = doc_of(f, start, s->end);
	}
	s->exported = exported(f, name, tag, start);
	f->nsyms++;
	if (s->name == NULL || s->signature == NULL)
		return -1;
	return 0;
}

static int container(const char *kind)
{
	return strcmp(kind, "class") == 0 || strcmp(kind, "struct") == 0 ||
	    strcmp(kind, "impl") == 0 || strcmp(kind, "trait") == 0;
}

static int by_start(const void *a, const void *b)
{
	const struct smart_sym *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end > y->end ? -1 : 1;
	return strcmp(x->name ? x->name : "", y->name ? y->name : "");
}

/* Each symbol's innermost container; JavaScript's export ranges. */
static void nest(struct smart_file *f)
{
	size_t i, j;

	for (i = 0; i < f->nsyms; i++) {
		struct smart_sym *s = &f->syms[i];

		for (j = 0; j < f->nsyms; j++) {
			const struct smart_sym *c = &f->syms[j];

			if (j != i && container(c->kind) &&
			    s->start > c->start && s->end <= c->end &&
			    (s->parent < 0 || c->start > f->syms[s->parent].start))
				s->parent = (int)j;
		}
		if (s->parent >= 0 && strcmp(s->kind, "function") == 0)
			s->kind = "method";
	}
	if (!is_js(f))
		return;
	for (i = 0; i < f->nsyms; i++) {
		f->syms[i].exported = 0;
		for (j = 0; j < f->nsyms; j++)
			if (starts(skip_ws(line(f, f->syms[j].start)),
			    "export") && f->syms[i].start >= f->syms[j].start &&
			    f->syms[i].end <= f->syms[j].end)
				f->syms[i].exported = 1;
	}
}

/* Import lines, by the statement each language starts them with. */
static int imports(struct smart_file *f)
{
	static const char *const by_lang[][3] = {
		{ "javascript", "import ", NULL }, { "typescript", "import ",
		NULL }, { "tsx", "import ", NULL }, { "python", "import ",
		"from " }, { "go", "import", NULL }, { "rust", "use ", NULL },
		{ "java", "import ", NULL }, { "kotlin", "import ", NULL },
		{ "swift", "import ", NULL }, { "scala", "import ", NULL },
		{ "php", "use ", NULL }, { "c", "#include", NULL },
		{ "cpp", "#include", NULL }, { "haskell", "import ", NULL },
	};
	const char *const *p = NULL;
	const char *t;
	char **v;
	size_t i, k;

	for (i = 0; i < sizeof(by_lang) / sizeof(by_lang[0]); i++)
		if (is_lang(f, by_lang[i][0]))
			p = &by_lang[i][1];
	for (i = 0; p != NULL && i < f->nlines; i++) {
		t = skip_ws(f->lines[i]);
		for (k = 0; k < 2 && p[k] != NULL && !starts(t, p[k]); k++)
			;
		if (k == 2 || p[k] == NULL || (k == 1 && !strstr(t, " import")))
			continue;
		if ((v = realloc(f->imports, (f->nimports + 1) *
		    sizeof(*v))) == NULL)
			return -1;
		f->imports = v;
		if ((v[f->nimports] = strdup(t)) == NULL)
			return -1;
		trim(v[f->nimports++]);
	}
	return 0;
}

int smart_file_symbols(struct smart_file *f, json_t *tags)
{
	const char *lang = NULL, *p;
	size_t i, cap = 0;
	json_t *t;
	char *q;

	json_array_foreach(tags, i, t) {
		p = json_string_value(json_object_get(t, "path"));
		if (p == NULL || strcmp(p, f->abs) != 0)
			continue;
		if (lang == NULL)
			lang = json_string_value(json_object_get(t, "language"));
	}
	if (f->language == NULL) {
		p = smart_language(f->abs);
		f->language = strdup(p ? p : lang ? lang : "unknown");
		if (f->language == NULL)
			return -1;
		for (q = f->language; *q != '\0'; q++)
			*q = (char)tolower((unsigned char)*q);
	}
	json_array_foreach(tags, i, t) {
		p = json_string_value(json_object_get(t, "path"));
		if (p != NULL && strcmp(p, f->abs) == 0 &&
		    add_sym(f, t, &cap) < 0)
			return -1;
	}
	qsort(f->syms, f->nsyms, sizeof(*f->syms), by_start);
	nest(f);
	return imports(f);
}
