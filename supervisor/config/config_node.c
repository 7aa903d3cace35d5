/* config_node.c: the parser's node tree, its arena, and the error/warning sink. */
#include "config_node.h"

#include <errno.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A message is one line: control characters from the file become '?'. */
static void one_line(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

int cfg_error(struct cfg_ctx *ctx, int line, int column, const char *fmt, ...)
{
	va_list ap;

	ctx->err->line = line;
	ctx->err->column = column;
	va_start(ap, fmt);
	vsnprintf(ctx->err->msg, sizeof(ctx->err->msg), fmt, ap);
	va_end(ap);
	one_line(ctx->err->msg);
	return -1;
}

int cfg_warn(struct cfg_ctx *ctx, int line, int column, const char *fmt, ...)
{
	struct app_list *l = ctx->list;
	struct config_warning *w;
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	one_line(buf);
	w = realloc(l->warnings, (l->nwarnings + 1) * sizeof(*w));
	if (w == NULL)
		return cfg_error(ctx, line, column, "out of memory");
	l->warnings = w;
	w = &l->warnings[l->nwarnings];
	if ((w->msg = strdup(buf)) == NULL)
		return cfg_error(ctx, line, column, "out of memory");
	w->line = line;
	w->column = column;
	l->nwarnings++;
	return 0;
}

struct node *node_new(struct cfg_ctx *ctx, enum node_kind kind, int line, int column)
{
	struct node *n = calloc(1, sizeof(*n));

	if (n == NULL) {
		cfg_error(ctx, line, column, "out of memory");
		return NULL;
	}
	n->kind = kind;
	n->line = line;
	n->column = column;
	n->arena_next = ctx->arena;
	ctx->arena = n;
	return n;
}

struct node *node_scalar(struct cfg_ctx *ctx, const char *s, size_t len,
    enum scalar_type type, int line, int column)
{
	struct node *n = node_new(ctx, NODE_SCALAR, line, column);

	if (n == NULL)
		return NULL;
	if ((n->str = strndup(s, len)) == NULL) {
		cfg_error(ctx, line, column, "out of memory");
		return NULL;
	}
	n->type = type;
	if (type == SCALAR_BOOL)
		n->bval = (n->str[0] == 't' || n->str[0] == 'T');
	return n;
}

int node_push(struct cfg_ctx *ctx, struct node *parent, struct node *child)
{
	if (parent->n == parent->cap) {
		size_t cap = parent->cap ? parent->cap * 2 : 8;
		struct node **items = realloc(parent->items, cap * sizeof(*items));
		if (items == NULL)
			return cfg_error(ctx, child->line, child->column, "out of memory");
		parent->items = items;
		parent->cap = cap;
	}
	parent->items[parent->n++] = child;
	return 0;
}

void node_free_all(struct cfg_ctx *ctx)
{
	struct node *n, *next;

	for (n = ctx->arena; n != NULL; n = next) {
		next = n->arena_next;
		free(n->str);
		free(n->items);
		free(n);
	}
	ctx->arena = NULL;
}

static bool matches(const char *s, const char *pattern)
{
	regex_t re;
	bool ok;

	if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
		return false;
	ok = regexec(&re, s, 0, NULL, 0) == 0;
	regfree(&re);
	return ok;
}

enum scalar_type node_plain_type(const char *s)
{
	if (*s == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	    strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0)
		return SCALAR_NULL;
	if (matches(s, "^(true|True|TRUE|false|False|FALSE)$"))
		return SCALAR_BOOL;
	if (matches(s, "^([-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"))
		return SCALAR_INT;
	if (matches(s, "^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$") ||
	    matches(s, "^([-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN))$"))
		return SCALAR_FLOAT;
	return SCALAR_STR;
}

const char *node_type_name(const struct node *n)
{
	if (n->kind == NODE_SEQ)
		return "a list";
	if (n->kind == NODE_MAP)
		return "a mapping";
	switch (n->type) {
	case SCALAR_INT:
	case SCALAR_FLOAT:
		return "a number";
	case SCALAR_BOOL:
		return "a boolean";
	case SCALAR_NULL:
		return "null";
	default:
		return "a string";
	}
}

struct node *node_get(const struct node *map, const char *key)
{
	size_t i;

	if (map == NULL || map->kind != NODE_MAP)
		return NULL;
	for (i = 0; i + 1 < map->n; i += 2)
		if (strcmp(map->items[i]->str, key) == 0)
			return map->items[i + 1];
	return NULL;
}
