/*
 * memdb_context.h: the SessionStart context text of claude-mem 13, built
 * from the store (shared by mem-worker and mem-search).
 */
#ifndef CSUP_MEMDB_CONTEXT_H
#define CSUP_MEMDB_CONTEXT_H

#include <jansson.h>
#include <sqlite3.h>

/* Recent observations and the last summary of the projects (a JSON array
 * of names, last = primary; all projects when empty), malloc'd; NULL on a
 * store error. colors: ANSI for a terminal; full: with narratives. */
char *memdb_context_text(sqlite3 *db, json_t *projects, int colors, int full);

/* One line an observation row: "#ID date [type] title"; malloc'd. */
char *memdb_context_list(json_t *rows);

#endif
