/*
 * smart_fmt.c: the text of claude-mem 13's code tools, as 13.25.3 prints
 * it: the folded view of a file (icons, line ranges, signatures, the first
 * doc line, children indented) and the source of one symbol.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "smart.h"

#define MD_PAD 56	/* 13 pads a markdown outline's names to 56 */

size_t smart_js_len(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;

	for (; *p != '\0'; p++)
		if ((*p & 0xc0) != 0x80)
			n += *p >= 0xf0 ? 2 : 1;
	return n;
}

static const char *icon(const char *kind)
{
	static const char *const icons[][2] = {
		{ "function", "\xc6\x92" }, { "method", "\xc6\x92" },
		{ "class", "\xe2\x97\x86" }, { "interface", "\xe2\x97\x87" },
		{ "type", "\xe2\x97\x87" }, { "const", "\xe2\x97\x8f" },
		{ "variable", "\xe2\x97\x8b" }, { "export", "\xe2\x86\x92" },
		{ "struct", "\xe2\x97\x86" }, { "enum", "\xe2\x96\xa3" },
		{ "trait", "\xe2\x97\x87" }, { "impl", "\xe2\x97\x88" },
		{ "property", "\xe2\x97\x8b" }, { "getter", "\xe2\x87\xa2" },
		{ "setter", "\xe2\x87\xa0" }, { "mixin", "\xe2\x97\x88" },
		{ "section", "\xc2\xa7" }, { "code", "\xe2\x8c\x98" },
		{ "metadata", "\xe2\x97\x8a" }, { "reference", "\xe2\x86\x97" },
	};
	size_t i;

	for (i = 0; i < sizeof(icons) / sizeof(icons[0]); i++)
		if (strcmp(kind, icons[i][0]) == 0)
			return icons[i][1];
	return "\xc2\xb7";
}

static const char *strip_lead(const char *s)
{
	while (*s == '*' || *s == '/' || isspace((unsigned char)*s))
		s++;
	return s;
}

static int triple_quote(const char *s)
{
	return strchr("'\"`", s[0]) && s[0] != '\0' && s[1] != '\0' &&
	    strchr("'\"`", s[1]) && s[2] != '\0' && strchr("'\"`", s[2]);
}

/* t without leading/trailing blanks (and 13's quotes): a new string. */
static char *clean(const char *l, size_t n, int outline)
{
	const char *s = strip_lead(l), *e = l + n;
	char *out;

	if (s > e)
		s = e;
	if (outline && e - s >= 3 && triple_quote(s))
		s += 3;
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	if (outline && e - s >= 3 && triple_quote(e - 3))
		e -= 3;
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	out = malloc((size_t)(e - s) + 1);
	if (out != NULL) {
		memcpy(out, s, (size_t)(e - s));
		out[e - s] = '\0';
	}
	return out;
}

char *smart_doc_line(const char *doc, int outline)
{
	const char *l = doc, *nl;
	char *c;
	size_t n;

	while (l != NULL) {
		nl = strchr(l, '\n');
		n = nl ? (size_t)(nl - l) : strlen(l);
		c = clean(l, n, outline);
		if (c == NULL || *c != '\0')
			return c;
		free(c);
		l = nl ? nl + 1 : NULL;
	}
	return NULL;
}

static void range(struct sbuf *b, int start, int end)
{
	if (start == end)
		sbuf_printf(b, "L%d", start + 1);
	else
		sbuf_printf(b, "L%d-%d", start + 1, end + 1);
}

static void sym(struct sbuf *b, const struct smart_file *f, int i,
    int depth)
{
	const struct smart_sym *s = &f->syms[i];
	char *doc = s->doc ? smart_doc_line(s->doc, 1) : NULL;
	int j;

	sbuf_printf(b, "\n%*s%s %s%s (", depth * 2, "", icon(s->kind),
	    s->name, s->exported ? " [exported]" : "");
	range(b, s->start, s->end);
	sbuf_printf(b, ")\n%*s  %s", depth * 2, "", s->signature);
	if (doc != NULL && *doc != '\0')
		sbuf_printf(b, "\n%*s  \xf0\x9f\x92\xac %s", depth * 2, "", doc);
	free(doc);
	for (j = i + 1; (size_t)j < f->nsyms && f->syms[j].start <= s->end; j++)
		if (f->syms[j].parent == i)
			sym(b, f, j, depth + 1);
}

static int heading_level(const char *sig)
{
	int n = 0;

	while (sig[n] == '#' && n < 6)
		n++;
	return n > 0 && sig[n] == ' ' ? n : 1;
}

static void outline_md(struct sbuf *b, const struct smart_file *f)
{
	size_t i, w;
	int lv;

	sbuf_printf(b, "\xf0\x9f\x93\x84 %s (%s, %zu lines)", f->path,
	    f->language, f->nlines);
	for (i = 0; i < f->nsyms; i++) {
		if (strcmp(f->syms[i].kind, "section") != 0)
			continue;
		lv = heading_level(f->syms[i].signature);
		w = (size_t)lv * 2 + smart_js_len(f->syms[i].signature);
		sbuf_printf(b, "\n%*s%s%*sL%d", lv * 2, "",
		    f->syms[i].signature, w < MD_PAD ? (int)(MD_PAD - w) : 0,
		    "", f->syms[i].start + 1);
	}
}

void smart_fmt_outline(struct sbuf *b, const struct smart_file *f)
{
	size_t i;

	if (strcmp(f->language, "markdown") == 0) {
		outline_md(b, f);
		return;
	}
	sbuf_printf(b, "\xf0\x9f\x93\x81 %s (%s, %zu lines)\n", f->path,
	    f->language, f->nlines);
	if (f->nimports > 0) {
		sbuf_printf(b, "\n  \xf0\x9f\x93\xa6 Imports: %zu statements",
		    f->nimports);
		for (i = 0; i < f->nimports && i < 10; i++)
			sbuf_printf(b, "\n    %s", f->imports[i]);
		if (f->nimports > 10)
			sbuf_printf(b, "\n    ... +%zu more", f->nimports - 10);
		sbuf_add(b, "\n");
	}
	for (i = 0; i < f->nsyms; i++)
		if (f->syms[i].parent < 0)
			sym(b, f, (int)i, 1);
}

int smart_find(const struct smart_file *f, const char *name)
{
	size_t i;

	/* Sorted by start, nested ranges: index order is 13's depth first. */
	for (i = 0; i < f->nsyms; i++)
		if (strcmp(f->syms[i].name, name) == 0)
			return (int)i;
	return -1;
}

static void lines(struct sbuf *b, const struct smart_file *f, int from,
    int to)
{
	int i;

	for (i = from; i <= to; i++)
		sbuf_printf(b, "%s%s", i > from ? "\n" : "", f->lines[i]);
}

static int blank(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return *s == '\0';
}

/* A section runs to the next heading of its level or higher. */
static void unfold_md(struct sbuf *b, const struct smart_file *f, int i)
{
	int lv = heading_level(f->syms[i].signature), d = f->syms[i].start;
	int e = (int)f->nlines - 1;
	size_t j;

	for (j = 0; j < f->nsyms; j++) {
		const struct smart_sym *m = &f->syms[j];

		if (strcmp(m->kind, "section") != 0 || m->start <= d ||
		    heading_level(m->signature) > lv)
			continue;
		for (e = m->start - 1; e > d && blank(f->lines[e]);)
			e--;
		break;
	}
	sbuf_printf(b, "<!-- \xf0\x9f\x93\x8d %s L%d-%d -->\n", f->path,
	    d + 1, e + 1);
	lines(b, f, d, e);
}

static int lead_line(const struct smart_file *f, const char *s)
{
	int cpp = strcmp(f->language, "c") == 0 ||
	    strcmp(f->language, "cpp") == 0;

	while (isspace((unsigned char)*s))
		s++;
	return *s == '\0' || *s == '*' || (*s == '#' && !cpp) || *s == '@' ||
	    strncmp(s, "/**", 3) == 0 || strncmp(s, "//", 2) == 0;
}

void smart_fmt_unfold(struct sbuf *b, const struct smart_file *f, int i)
{
	const struct smart_sym *s = &f->syms[i];
	int a = s->start;

	if (strcmp(f->language, "markdown") == 0 &&
	    strcmp(s->kind, "section") == 0) {
		unfold_md(b, f, i);
		return;
	}
	/* 13 takes the comments, decorators and blank lines above along;
	 * blank lines before all of them are not the symbol's, left out. */
	while (a > 0 && lead_line(f, f->lines[a - 1]))
		a--;
	while (a < s->start && blank(f->lines[a]))
		a++;
	sbuf_printf(b, "// \xf0\x9f\x93\x8d %s L%d-%d\n", f->path, a + 1,
	    s->end + 1);
	lines(b, f, a, s->end);
}
