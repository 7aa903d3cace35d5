/*
 * config_json5.c: PM2's .json process files, read as PM2 reads them (it
 * evaluates them as JavaScript): comments, trailing commas, unquoted keys,
 * single-quoted strings and a leading BOM are accepted. Anything that would
 * need evaluating (process.env.X, "a" + "b") is an error that says so.
 * Columns count characters (UTF-8 aware), like libyaml's.
 */
#include "config_node.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64

struct rd {
	struct cfg_ctx	*ctx;
	const char	*s, *end;
	int		 line, col;
};

static int value(struct rd *, int depth, struct node **out);

static void adv(struct rd *r)
{
	if (*r->s == '\n') {
		r->line++;
		r->col = 1;
	} else if (((unsigned char)*r->s & 0xC0) != 0x80) {
		r->col++;
	}
	r->s++;
	/* A UTF-8 continuation byte belongs to the character already counted. */
	while (r->s < r->end && ((unsigned char)*r->s & 0xC0) == 0x80)
		r->s++;
}

static int peek(const struct rd *r)
{
	return r->s < r->end ? (unsigned char)*r->s : -1;
}

static int skip_space(struct rd *r)
{
	while (r->s < r->end) {
		if (isspace((unsigned char)*r->s)) {
			adv(r);
		} else if (r->s + 1 < r->end && r->s[0] == '/' && r->s[1] == '/') {
			while (r->s < r->end && *r->s != '\n')
				adv(r);
		} else if (r->s + 1 < r->end && r->s[0] == '/' && r->s[1] == '*') {
			int l = r->line, c = r->col;
			adv(r);
			adv(r);
			while (r->s + 1 < r->end && !(r->s[0] == '*' && r->s[1] == '/'))
				adv(r);
			if (r->s + 1 >= r->end)
				return cfg_error(r->ctx, l, c, "unterminated /* comment");
			adv(r);
			adv(r);
		} else {
			break;
		}
	}
	return 0;
}

static bool ident_start(int c)
{
	return c == '_' || c == '$' || isalpha(c);
}

static bool ident_char(int c)
{
	return c == '_' || c == '$' || isalnum(c);
}

static int unexpected(struct rd *r, const char *wanted)
{
	int c = peek(r);

	if (c == -1)
		return cfg_error(r->ctx, r->line, r->col, "unexpected end of file, expected %s",
		    wanted);
	if (strchr("+-*/%?.(|&`[<>=!", c) != NULL)
		return cfg_error(r->ctx, r->line, r->col,
		    "a JavaScript expression ('%c') is not supported: csup reads .json "
		    "files as data, write the value itself", c);
	if (c < 0x20 || c >= 0x7f)
		return cfg_error(r->ctx, r->line, r->col, "unexpected byte 0x%02x, expected %s",
		    c, wanted);
	return cfg_error(r->ctx, r->line, r->col, "unexpected '%c', expected %s", c, wanted);
}

static int put_utf8(char *o, unsigned long cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

static int hex4(struct rd *r, unsigned long *cp)
{
	char buf[5];

	if (r->end - r->s < 4)
		return -1;
	memcpy(buf, r->s, 4);
	buf[4] = '\0';
	if (strspn(buf, "0123456789abcdefABCDEF") != 4)
		return -1;
	*cp = strtoul(buf, NULL, 16);
	for (int i = 0; i < 4; i++)
		adv(r);
	return 0;
}

/* One escape after the backslash, written to o; returns bytes written or -1. */
static int escape(struct rd *r, char *o)
{
	int c = peek(r);
	unsigned long cp, lo;

	if (c == -1)
		return -1;
	if (c == 'u') {
		adv(r);
		if (hex4(r, &cp) == -1)
			return -1;
		if (cp >= 0xD800 && cp < 0xDC00 && r->end - r->s >= 6 &&
		    r->s[0] == '\\' && r->s[1] == 'u') {
			adv(r);
			adv(r);
			if (hex4(r, &lo) == -1 || lo < 0xDC00 || lo > 0xDFFF)
				return -1;
			cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
		}
		return put_utf8(o, cp);
	}
	adv(r);
	switch (c) {
	case '\n':
		return 0;		/* line continuation */
	case 'b': *o = '\b'; break;
	case 'f': *o = '\f'; break;
	case 'n': *o = '\n'; break;
	case 'r': *o = '\r'; break;
	case 't': *o = '\t'; break;
	case 'v': *o = '\v'; break;
	case '0': *o = '\0'; break;
	default: *o = (char)c;		/* \" \' \\ \/ and any other char as itself */
	}
	return 1;
}

/* Strict UTF-8 (no overlong forms, surrogates or code points past U+10FFFF), as libyaml reads YAML. */
static bool utf8_valid(const unsigned char *p, size_t n)
{
	size_t i = 0, k, len;
	unsigned long cp;

	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if (p[i] >= 0xC2 && p[i] <= 0xDF)
			len = 2, cp = p[i] & 0x1F;
		else if (p[i] >= 0xE0 && p[i] <= 0xEF)
			len = 3, cp = p[i] & 0x0F;
		else if (p[i] >= 0xF0 && p[i] <= 0xF4)
			len = 4, cp = p[i] & 0x07;
		else
			return false;
		if (n - i < len)
			return false;
		for (k = 1; k < len; k++) {
			if ((p[i + k] & 0xC0) != 0x80)
				return false;
			cp = cp << 6 | (p[i + k] & 0x3F);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
			return false;
		i += len;
	}
	return true;
}

static int string(struct rd *r, struct node **out)
{
	int line = r->line, col = r->col, q = peek(r), n;
	char *buf = malloc((size_t)(r->end - r->s) + 4);	/* escapes never grow */
	size_t len = 0;

	if (buf == NULL)
		return cfg_error(r->ctx, line, col, "out of memory");
	adv(r);
	while (peek(r) != q) {
		const char *start = r->s;
		if (peek(r) == -1 || peek(r) == '\n') {
			free(buf);
			return cfg_error(r->ctx, line, col, "unterminated string");
		}
		if (peek(r) == '\\') {
			adv(r);
			if ((n = escape(r, buf + len)) == -1) {
				free(buf);
				return cfg_error(r->ctx, r->line, r->col, "bad escape in string");
			}
			len += (size_t)n;
			continue;
		}
		adv(r);
		memcpy(buf + len, start, (size_t)(r->s - start));
		len += (size_t)(r->s - start);
	}
	adv(r);
	if (!utf8_valid((const unsigned char *)buf, len)) {
		free(buf);
		return cfg_error(r->ctx, line, col, "invalid UTF-8 in string");
	}
	*out = node_scalar(r->ctx, buf, len, SCALAR_STR, line, col);
	free(buf);
	return *out == NULL ? -1 : 0;
}

/* A bare word: a key, a literal, a number, or JavaScript we refuse. */
static int bare(struct rd *r, bool is_key, struct node **out)
{
	int line = r->line, col = r->col;
	const char *start = r->s;
	enum scalar_type t;
	char word[128];
	size_t len;

	if (ident_start(peek(r))) {
		while (ident_char(peek(r)))
			adv(r);
		/* process.env.HOME: take the whole member chain for the message */
		while (!is_key && peek(r) == '.' && r->s + 1 < r->end &&
		    ident_start((unsigned char)r->s[1])) {
			adv(r);
			while (ident_char(peek(r)))
				adv(r);
		}
	} else {
		if (peek(r) == '+' || peek(r) == '-')
			adv(r);
		while (isalnum(peek(r)) || peek(r) == '.' ||
		    ((peek(r) == '+' || peek(r) == '-') && strchr("eE", r->s[-1]) &&
		    !(r->s - start > 1 && start[0] == '0' && (start[1] | 0x20) == 'x')))
			adv(r);
	}
	len = (size_t)(r->s - start);
	snprintf(word, sizeof(word), "%.*s", (int)(len < 100 ? len : 100), start);
	if (len == 0)
		return unexpected(r, is_key ? "a key" : "a value");
	if (!is_key && memchr(start, '.', len) != NULL && ident_start((unsigned char)*start))
		return cfg_error(r->ctx, line, col, "'%s' is a JavaScript expression, not a "
		    "value: csup reads .json files as data (export the evaluated file as JSON "
		    "or YAML)", word);
	if (is_key && ident_start((unsigned char)*start))
		t = SCALAR_STR;
	else if (strcmp(word, "true") == 0 || strcmp(word, "false") == 0)
		t = SCALAR_BOOL;
	else if (strcmp(word, "null") == 0)
		t = SCALAR_NULL;
	else if (strcmp(word, "Infinity") == 0 || strcmp(word, "NaN") == 0)
		t = SCALAR_FLOAT;
	else if ((t = node_plain_type(word)) != SCALAR_INT && t != SCALAR_FLOAT)
		return cfg_error(r->ctx, line, col, ident_start((unsigned char)*start) ?
		    "'%s' is JavaScript, not a value: csup reads .json files as data "
		    "(export the evaluated file as JSON or YAML)" : "malformed number '%s'",
		    word);
	*out = node_scalar(r->ctx, start, len, t, line, col);
	return *out == NULL ? -1 : 0;
}

static int key(struct rd *r, struct node **out)
{
	int c = peek(r);

	if (c == '"' || c == '\'')
		return string(r, out);
	if (c == -1 || !(ident_start(c) || isdigit(c)))
		return unexpected(r, "a key");
	return bare(r, true, out);
}

static int member(struct rd *r, struct node *obj, int depth)
{
	struct node *k, *v;
	size_t i;

	if (key(r, &k) == -1 || skip_space(r) == -1)
		return -1;
	if (peek(r) != ':')
		return unexpected(r, "':'");
	adv(r);
	if (skip_space(r) == -1 || value(r, depth + 1, &v) == -1)
		return -1;
	for (i = 0; i + 1 < obj->n; i += 2) {
		if (strcmp(obj->items[i]->str, k->str) != 0)
			continue;
		if (cfg_warn(r->ctx, k->line, k->column,
		    "duplicate key '%s' (first at line %d): the last one wins", k->str,
		    obj->items[i]->line) == -1)
			return -1;
		obj->items[i] = k;
		obj->items[i + 1] = v;
		return 0;
	}
	if (node_push(r->ctx, obj, k) == -1 || node_push(r->ctx, obj, v) == -1)
		return -1;
	return 0;
}

/* An object or an array: items separated by commas, a trailing comma allowed. */
static int container(struct rd *r, int depth, struct node **out)
{
	bool is_map = peek(r) == '{';
	int close = is_map ? '}' : ']';
	struct node *n = node_new(r->ctx, is_map ? NODE_MAP : NODE_SEQ, r->line, r->col);
	struct node *v;

	if (n == NULL)
		return -1;
	if (depth > MAX_DEPTH)
		return cfg_error(r->ctx, r->line, r->col, "nesting too deep");
	adv(r);
	for (;;) {
		if (skip_space(r) == -1)
			return -1;
		if (peek(r) == close)
			break;
		if (is_map) {
			if (member(r, n, depth) == -1)
				return -1;
		} else if (value(r, depth + 1, &v) == -1 || node_push(r->ctx, n, v) == -1) {
			return -1;
		}
		if (skip_space(r) == -1)
			return -1;
		if (peek(r) == ',') {
			adv(r);
			continue;
		}
		if (peek(r) != close)
			return unexpected(r, is_map ? "',' or '}'" : "',' or ']'");
	}
	adv(r);
	*out = n;
	return 0;
}

static int value(struct rd *r, int depth, struct node **out)
{
	int c = peek(r);

	if (c == '{' || c == '[')
		return container(r, depth, out);
	if (c == '"' || c == '\'')
		return string(r, out);
	if (c == '`')
		return cfg_error(r->ctx, r->line, r->col, "a JavaScript template string is not "
		    "supported: csup reads .json files as data, write the value itself");
	if (c == -1)
		return unexpected(r, "a value");
	if (ident_start(c) || isdigit(c) || c == '-' || c == '+' || c == '.')
		return bare(r, false, out);
	return unexpected(r, "a value");
}

int config_json5_parse(struct cfg_ctx *ctx, const char *buf, size_t len, struct node **root)
{
	struct rd r = { .ctx = ctx, .s = buf, .end = buf + len, .line = 1, .col = 1 };

	*root = NULL;
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		r.s += 3;
	if (skip_space(&r) == -1)
		return -1;
	if (peek(&r) == -1)
		return 0;	/* empty: the caller says there are no apps */
	if (value(&r, 0, root) == -1 || skip_space(&r) == -1)
		return -1;
	if (peek(&r) != -1)
		return unexpected(&r, "the end of the file");
	return 0;
}
