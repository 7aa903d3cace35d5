/*
 * context.c: /api/context/inject's text, built by memdb_context.c (shared
 * with mem-search's session_start_context).
 */
#include "worker.h"
#include "memdb_context.h"

char *context_text(struct worker *w, json_t *projects, int colors, int full)
{
	return memdb_context_text(store_db(w->store), projects, colors, full);
}

char *context_list(json_t *rows)
{
	return memdb_context_list(rows);
}
