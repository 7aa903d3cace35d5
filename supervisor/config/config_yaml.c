/*
 * config_yaml.c: YAML through libyaml's document loader into the node tree.
 * libyaml resolves aliases to their anchor's node; we add the `<<` merge key
 * (explicit keys win, then the merged maps in order), reject duplicate keys,
 * and guard against alias cycles. An alias shares the converted node, so a
 * "billion laughs" file costs nothing.
 */
#include "config_node.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define MAX_DEPTH 64

struct yconv {
	struct cfg_ctx	 *ctx;
	yaml_document_t	 *doc;
	struct node	**memo;		/* by node index - 1 */
	char		 *busy;		/* converting now: an alias back here is a cycle */
	int		  nnodes;
};

static int convert(struct yconv *, int id, int depth, struct node **out);

static int line_of(const yaml_node_t *n)
{
	return (int)n->start_mark.line + 1;
}

static int col_of(const yaml_node_t *n)
{
	return (int)n->start_mark.column + 1;
}

static int convert_scalar(struct yconv *y, yaml_node_t *yn, struct node **out)
{
	const char *s = (const char *)yn->data.scalar.value;
	size_t len = yn->data.scalar.length;
	enum scalar_type t = SCALAR_STR;

	if (yn->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
		t = node_plain_type(s);
	*out = node_scalar(y->ctx, s, len, t, line_of(yn), col_of(yn));
	return *out == NULL ? -1 : 0;
}

static int convert_seq(struct yconv *y, yaml_node_t *yn, int depth, struct node **out)
{
	struct node *seq = node_new(y->ctx, NODE_SEQ, line_of(yn), col_of(yn));
	yaml_node_item_t *it;

	if (seq == NULL)
		return -1;
	for (it = yn->data.sequence.items.start; it < yn->data.sequence.items.top; it++) {
		struct node *child;
		if (convert(y, *it, depth + 1, &child) == -1 ||
		    node_push(y->ctx, seq, child) == -1)
			return -1;
	}
	*out = seq;
	return 0;
}

static int is_merge_key(yaml_document_t *doc, int id)
{
	yaml_node_t *k = yaml_document_get_node(doc, id);

	return k != NULL && k->type == YAML_SCALAR_NODE &&
	    k->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    strcmp((const char *)k->data.scalar.value, "<<") == 0;
}

/* Appends the pairs of `src` whose key `map` does not hold yet. */
static int merge_from(struct yconv *y, struct node *map, struct node *src,
    const struct node *at)
{
	size_t i;

	if (src->kind != NODE_MAP)
		return cfg_error(y->ctx, at->line, at->column,
		    "'<<' merges a mapping or a list of mappings, not %s",
		    node_type_name(src));
	for (i = 0; i + 1 < src->n; i += 2) {
		if (node_get(map, src->items[i]->str) != NULL)
			continue;
		if (node_push(y->ctx, map, src->items[i]) == -1 ||
		    node_push(y->ctx, map, src->items[i + 1]) == -1)
			return -1;
	}
	return 0;
}

static int add_pair(struct yconv *y, struct node *map, struct node *k, struct node *v)
{
	size_t i;

	if (k->kind != NODE_SCALAR)
		return cfg_error(y->ctx, k->line, k->column, "a key must be a plain value, not %s",
		    node_type_name(k));
	for (i = 0; i + 1 < map->n; i += 2)
		if (strcmp(map->items[i]->str, k->str) == 0)
			return cfg_error(y->ctx, k->line, k->column,
			    "duplicate key '%s' (first at line %d)", k->str,
			    map->items[i]->line);
	if (node_push(y->ctx, map, k) == -1 || node_push(y->ctx, map, v) == -1)
		return -1;
	return 0;
}

static int convert_map(struct yconv *y, yaml_node_t *yn, int depth, struct node **out)
{
	struct node *map = node_new(y->ctx, NODE_MAP, line_of(yn), col_of(yn));
	struct node *merges[32], *mkeys[32], *k, *v;
	size_t nmerges = 0, i, j;
	yaml_node_pair_t *p;

	if (map == NULL)
		return -1;
	for (p = yn->data.mapping.pairs.start; p < yn->data.mapping.pairs.top; p++) {
		if (convert(y, p->key, depth + 1, &k) == -1 ||
		    convert(y, p->value, depth + 1, &v) == -1)
			return -1;
		if (!is_merge_key(y->doc, p->key)) {
			if (add_pair(y, map, k, v) == -1)
				return -1;
			continue;
		}
		if (nmerges == sizeof(merges) / sizeof(merges[0]))
			return cfg_error(y->ctx, k->line, k->column, "too many '<<' merges");
		mkeys[nmerges] = k;
		merges[nmerges++] = v;
	}
	for (i = 0; i < nmerges; i++) {
		v = merges[i];
		if (v->kind != NODE_SEQ) {
			if (merge_from(y, map, v, mkeys[i]) == -1)
				return -1;
			continue;
		}
		for (j = 0; j < v->n; j++)
			if (merge_from(y, map, v->items[j], mkeys[i]) == -1)
				return -1;
	}
	*out = map;
	return 0;
}

static int convert(struct yconv *y, int id, int depth, struct node **out)
{
	yaml_node_t *yn = yaml_document_get_node(y->doc, id);
	int rc;

	if (yn == NULL || id < 1 || id > y->nnodes)
		return cfg_error(y->ctx, 1, 1, "YAML: dangling node");
	if (y->memo[id - 1] != NULL) {
		*out = y->memo[id - 1];
		return 0;
	}
	if (y->busy[id - 1] || depth > MAX_DEPTH)
		return cfg_error(y->ctx, line_of(yn), col_of(yn),
		    depth > MAX_DEPTH ? "nesting too deep" : "an alias refers to itself");
	y->busy[id - 1] = 1;
	switch (yn->type) {
	case YAML_SCALAR_NODE:
		rc = convert_scalar(y, yn, out);
		break;
	case YAML_SEQUENCE_NODE:
		rc = convert_seq(y, yn, depth, out);
		break;
	case YAML_MAPPING_NODE:
		rc = convert_map(y, yn, depth, out);
		break;
	default:
		rc = cfg_error(y->ctx, line_of(yn), col_of(yn), "empty YAML node");
	}
	y->busy[id - 1] = 0;
	if (rc == 0)
		y->memo[id - 1] = *out;
	return rc;
}

static int syntax_error(struct cfg_ctx *ctx, const yaml_parser_t *p)
{
	const yaml_mark_t *m = &p->problem_mark;

	/* Composer errors (undefined alias) mark the context; scanner ones the problem. */
	if (p->problem_mark.line == 0 && p->problem_mark.column == 0 &&
	    p->context_mark.line + p->context_mark.column > 0)
		m = &p->context_mark;
	if (p->context != NULL)
		return cfg_error(ctx, (int)m->line + 1, (int)m->column + 1,
		    "YAML syntax error: %s %s", p->problem ? p->problem : "error",
		    p->context);
	return cfg_error(ctx, (int)m->line + 1, (int)m->column + 1, "YAML syntax error: %s",
	    p->problem ? p->problem : "malformed document");
}

int config_yaml_parse(struct cfg_ctx *ctx, const char *buf, size_t len, struct node **root)
{
	struct yconv y = { .ctx = ctx };
	yaml_parser_t parser;
	yaml_document_t doc;
	int rc = -1;

	*root = NULL;
	if (!yaml_parser_initialize(&parser))
		return cfg_error(ctx, 1, 1, "out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &doc)) {
		syntax_error(ctx, &parser);
		yaml_parser_delete(&parser);
		return -1;
	}
	y.doc = &doc;
	y.nnodes = (int)(doc.nodes.top - doc.nodes.start);
	if (yaml_document_get_root_node(&doc) == NULL) {
		rc = 0;		/* empty file: the caller says there are no apps */
		goto out;
	}
	y.memo = calloc((size_t)y.nnodes, sizeof(*y.memo));
	y.busy = calloc((size_t)y.nnodes, 1);
	if (y.memo == NULL || y.busy == NULL) {
		cfg_error(ctx, 1, 1, "out of memory");
		goto out;
	}
	rc = convert(&y, 1, 0, root);
out:
	free(y.memo);
	free(y.busy);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return rc;
}
