/*
 * config_override.c: a `csup start` flag's value as a parser node, so a
 * flag goes through the same field checks as the same field in a file.
 */
#include <stdio.h>
#include <string.h>

#include "config_node.h"

struct node *config_override_node(struct cfg_ctx *ctx, const json_t *val)
{
	char buf[64];
	struct node *seq, *item;
	size_t i;
	json_t *it;

	if (json_is_string(val))
		return node_scalar(ctx, json_string_value(val), json_string_length(val),
		    SCALAR_STR, 0, 0);
	if (json_is_integer(val)) {
		snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(val));
		return node_scalar(ctx, buf, strlen(buf), SCALAR_INT, 0, 0);
	}
	if (json_is_boolean(val))
		return node_scalar(ctx, json_is_true(val) ? "true" : "false",
		    json_is_true(val) ? 4 : 5, SCALAR_BOOL, 0, 0);
	if (!json_is_array(val) || (seq = node_new(ctx, NODE_SEQ, 0, 0)) == NULL)
		return NULL;
	json_array_foreach(val, i, it) {
		if (!json_is_string(it) || (item = node_scalar(ctx, json_string_value(it),
		    json_string_length(it), SCALAR_STR, 0, 0)) == NULL ||
		    node_push(ctx, seq, item) == -1)
			return NULL;
	}
	return seq;
}
