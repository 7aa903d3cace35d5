/*
 * tools13.c: the tools of claude-mem 13's MCP server that the seed-era set
 * lacks, with 13's names, input schemas (as 13.25.3 lists them) and result
 * shapes: important_workflow, get_observations, get_tool_uses,
 * session_start_context, and the code tools smart_search, smart_outline and
 * smart_unfold (smart.c). search and timeline are the seed-era tools, which
 * take 13's arguments too. The SQL here reads only 13's own tables and the
 * rows by id (query.c holds the search SQL).
 */
#include "search.h"
#include "memdb.h"
#include "memdb_context.h"

#include <stdlib.h>
#include <string.h>

#define BATCH_MAX      1000
#define TOOL_USES_MAX  200

static const char tools13_json[] =
	"[{\"name\":\"important_workflow\",\"description\":\"LAYERED WORKFLOW (ALWAYS "
	"FOLLOW):\\n1. search(query) \\u2192 Get index with IDs (~50-100 tokens/r"
	"esult)\\n2. timeline(anchor=ID) \\u2192 Get context around interesting r"
	"esults\\n3. get_observations([IDs]) \\u2192 Fetch full details ONLY for "
	"filtered IDs\\n4. get_tool_uses([IDs]) \\u2192 Raw tool_input/tool_respo"
	"nse, ONLY when the summary is not enough\\nNEVER fetch full details wit"
	"hout filtering first. 10x token savings.\",\"inputSchema\":{\"type\":\"objec"
	"t\",\"properties\":{}}},{\"name\":\"get_observations\",\"description\":\"Step 3:"
	" Fetch full details for filtered IDs. Params: ids (array of observatio"
	"n IDs, required), orderBy, limit, project\",\"inputSchema\":{\"type\":\"obje"
	"ct\",\"properties\":{\"ids\":{\"type\":\"array\",\"items\":{\"type\":\"number\"},\"des"
	"cription\":\"Array of observation IDs to fetch (required)\"}},\"required\":"
	"[\"ids\"],\"additionalProperties\":true}},{\"name\":\"get_tool_uses\",\"descrip"
	"tion\":\"Step 4 (raw tool I/O, rarely needed): fetch the ORIGINAL tool_i"
	"nput/tool_response for tool calls you already identified. Requires ids"
	" \\u2014 run search/timeline/get_observations first and pass only the i"
	"ds you actually need; these payloads are large and unsummarized. ids a"
	"ccept numeric tool_uses ids or tool_use_id strings. Params: ids (requi"
	"red), limit, project, contentSessionId.\",\"inputSchema\":{\"type\":\"object"
	"\",\"properties\":{\"ids\":{\"type\":\"array\",\"items\":{\"type\":[\"number\",\"strin"
	"g\"]},\"description\":\"Tool-use ids to fetch (required). Numeric tool_use"
	"s.id or opaque tool_use_id strings.\"},\"limit\":{\"type\":\"number\",\"descri"
	"ption\":\"Max rows to return\"},\"project\":{\"type\":\"string\",\"description\":"
	"\"Filter by project name\"},\"contentSessionId\":{\"type\":\"string\",\"descrip"
	"tion\":\"Filter to one content session\"}},\"required\":[\"ids\"],\"additional"
	"Properties\":true}},{\"name\":\"session_start_context\",\"description\":\"Rend"
	"er the exact worker-mode SessionStart context for a project. Calls /ap"
	"i/context/inject and returns the same text hooks inject at startup. Pa"
	"rams: project OR projects, platformSource, full, colors.\",\"inputSchema"
	"\":{\"type\":\"object\",\"properties\":{\"project\":{\"type\":\"string\",\"descripti"
	"on\":\"Project name, e.g. claude-mem/night-parsnip\"},\"projects\":{\"oneOf\""
	":[{\"type\":\"array\",\"items\":{\"type\":\"string\"}},{\"type\":\"string\"}],\"descr"
	"iption\":\"Project chain for context injection. Array or comma-separated"
	" string; last project is treated as primary.\"},\"platformSource\":{\"type"
	"\":\"string\",\"description\":\"Optional platform source filter, e.g. claude"
	", codex, cursor\"},\"full\":{\"type\":\"boolean\",\"description\":\"When true, r"
	"equest full context instead of configured limits\"},\"colors\":{\"type\":\"b"
	"oolean\",\"description\":\"When true, request human terminal-color formatt"
	"ing\"}},\"additionalProperties\":false}},{\"name\":\"smart_search\",\"descript"
	"ion\":\"Search codebase for symbols, functions, classes using tree-sitte"
	"r AST parsing. Returns folded structural views with token counts. Use "
	"path parameter to scope the search.\",\"inputSchema\":{\"type\":\"object\",\"p"
	"roperties\":{\"query\":{\"type\":\"string\",\"description\":\"Search term \\u2014"
	" matches against symbol names, file names, and file content\"},\"path\":{"
	"\"type\":\"string\",\"description\":\"Root directory to search (default: curr"
	"ent working directory)\"},\"max_results\":{\"type\":\"number\",\"description\":"
	"\"Maximum results to return (default: 20)\"},\"file_pattern\":{\"type\":\"str"
	"ing\",\"description\":\"Substring filter for file paths (e.g. \\\".ts\\\", \\\"s"
	"rc/services\\\")\"}},\"required\":[\"query\"]}},{\"name\":\"smart_unfold\",\"descr"
	"iption\":\"Expand a specific symbol (function, class, method) from a fil"
	"e. Returns the full source code of just that symbol. Use after smart_s"
	"earch or smart_outline to read specific code.\",\"inputSchema\":{\"type\":\""
	"object\",\"properties\":{\"file_path\":{\"type\":\"string\",\"description\":\"Path"
	" to the source file\"},\"symbol_name\":{\"type\":\"string\",\"description\":\"Na"
	"me of the symbol to unfold (function, class, method, etc.)\"}},\"require"
	"d\":[\"file_path\",\"symbol_name\"]}},{\"name\":\"smart_outline\",\"description\""
	":\"Get structural outline of a file \\u2014 shows all symbols (functions"
	", classes, methods, types) with signatures but bodies folded. Much che"
	"aper than reading the full file.\",\"inputSchema\":{\"type\":\"object\",\"prop"
	"erties\":{\"file_path\":{\"type\":\"string\",\"description\":\"Path to the sourc"
	"e file\"}},\"required\":[\"file_path\"]}},{\"name\":\"build_corpus\",\"descripti"
	"on\":\"Build a knowledge corpus from filtered observations. Creates a qu"
	"eryable knowledge agent. Params: name (required), description, project"
	", types (comma-separated), concepts (comma-separated), files (comma-se"
	"parated), query, dateStart, dateEnd, limit\",\"inputSchema\":{\"type\":\"obj"
	"ect\",\"properties\":{\"name\":{\"type\":\"string\",\"description\":\"Corpus name "
	"(used as filename)\"},\"description\":{\"type\":\"string\",\"description\":\"Wha"
	"t this corpus is about\"},\"project\":{\"type\":\"string\",\"description\":\"Fil"
	"ter by project\"},\"types\":{\"type\":\"string\",\"description\":\"Comma-separat"
	"ed observation types: decision,bugfix,feature,refactor,discovery,chang"
	"e\"},\"concepts\":{\"type\":\"string\",\"description\":\"Comma-separated concept"
	"s to filter by\"},\"files\":{\"type\":\"string\",\"description\":\"Comma-separat"
	"ed file paths to filter by\"},\"query\":{\"type\":\"string\",\"description\":\"S"
	"emantic search query\"},\"dateStart\":{\"type\":\"string\",\"description\":\"Sta"
	"rt date (ISO format)\"},\"dateEnd\":{\"type\":\"string\",\"description\":\"End d"
	"ate (ISO format)\"},\"limit\":{\"type\":\"number\",\"description\":\"Maximum obs"
	"ervations (default 500)\"}},\"required\":[\"name\"],\"additionalProperties\":"
	"true}},{\"name\":\"list_corpora\",\"description\":\"List all knowledge corpor"
	"a with their stats and priming status\",\"inputSchema\":{\"type\":\"object\","
	"\"properties\":{},\"additionalProperties\":true}},{\"name\":\"prime_corpus\",\""
	"description\":\"Prime a knowledge corpus \\u2014 creates an AI session lo"
	"aded with the corpus knowledge. Must be called before query_corpus.\",\""
	"inputSchema\":{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"d"
	"escription\":\"Name of the corpus to prime\"}},\"required\":[\"name\"],\"addit"
	"ionalProperties\":true}},{\"name\":\"query_corpus\",\"description\":\"Ask a qu"
	"estion to a primed knowledge corpus. The corpus must be primed first w"
	"ith prime_corpus.\",\"inputSchema\":{\"type\":\"object\",\"properties\":{\"name\""
	":{\"type\":\"string\",\"description\":\"Name of the corpus to query\"},\"questi"
	"on\":{\"type\":\"string\",\"description\":\"The question to ask\"}},\"required\":"
	"[\"name\",\"question\"],\"additionalProperties\":true}},{\"name\":\"rebuild_cor"
	"pus\",\"description\":\"Rebuild a knowledge corpus from its stored filter "
	"\\u2014 re-runs the search to refresh with new observations. Does not r"
	"e-prime the session.\",\"inputSchema\":{\"type\":\"object\",\"properties\":{\"na"
	"me\":{\"type\":\"string\",\"description\":\"Name of the corpus to rebuild\"}},\""
	"required\":[\"name\"],\"additionalProperties\":true}},{\"name\":\"reprime_corp"
	"us\",\"description\":\"Create a fresh knowledge agent session for a corpus"
	", clearing prior Q&A context. Use when conversation has drifted or aft"
	"er rebuilding.\",\"inputSchema\":{\"type\":\"object\",\"properties\":{\"name\":{\""
	"type\":\"string\",\"description\":\"Name of the corpus to reprime\"}},\"requir"
	"ed\":[\"name\"],\"additionalProperties\":true}}]";

static const char workflow_text[] =
	"# Memory Search Workflow\n\n"
	"**3-Layer Pattern (ALWAYS follow this):**\n\n"
	"1. **Search** - Get index of results with IDs\n"
	"   `search(query=\"...\", limit=20, project=\"...\")`\n"
	"   Returns: Table with IDs, titles, dates (~50-100 tokens/result)\n\n"
	"2. **Timeline** - Get context around interesting results\n"
	"   `timeline(anchor=<ID>, depth_before=3, depth_after=3)`\n"
	"   Returns: Chronological context showing what was happening\n\n"
	"3. **Fetch** - Get full details ONLY for relevant IDs\n"
	"   `get_observations(ids=[...])`  # ALWAYS batch for 2+ items\n"
	"   Returns: Complete details (~500-1000 tokens/result)\n\n"
	"4. **Disclose raw tool I/O** - Last resort, when the observation "
	"summary does not answer the question\n"
	"   `get_tool_uses(ids=[...])`\n"
	"   Returns: The original tool_input / tool_response bodies "
	"(UNSUMMARIZED \xe2\x80\x94 can be thousands of tokens each)\n\n"
	"**Why:** 10x token savings. Never fetch full details without filtering "
	"first, and never reach for layer 4 before layer 3 answered.";

/* The tool definitions, as 13 lists them. */
static json_t *defs(void)
{
	return json_loads(tools13_json, 0, NULL);
}

/* The tools served here; the corpus ones: corpus_tools.c. */
static int served(const char *name)
{
	static const char *const names[] = { "important_workflow",
	    "get_observations", "get_tool_uses", "session_start_context",
	    "smart_search", "smart_unfold", "smart_outline" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0)
			return 1;
	return corpus_tool(name);
}

int tools13_list(json_t *list)
{
	json_t *d = defs(), *t;
	size_t i;

	if (d == NULL)
		return -1;
	json_array_foreach(d, i, t)
		if (served(json_string_value(json_object_get(t, "name"))))
			json_array_append(list, t);
	json_decref(d);
	return 0;
}

json_t *tools13_text(const char *t, int is_error)
{
	json_t *r = json_pack("{s:[{s:s,s:s}]}", "content", "type", "text",
	    "text", t);

	if (r != NULL && is_error)
		json_object_set_new(r, "isError", json_true());
	return r;
}

/* 13's POST tools answer JSON.stringify(answer, null, 2). */
static json_t *json_text(json_t *answer)
{
	char *s = json_dumps(answer, JSON_INDENT(2) | JSON_ENCODE_ANY);
	json_t *r = s ? tools13_text(s, 0) : tools13_text("out of memory", 1);

	free(s);
	return r;
}

/* Every row of sql with ?1 = ids (JSON), ?2 = project, ?3 = limit,
 * ?4 = session; NULL with err on a store error. */
static json_t *rows(struct search_ctx *sc, const char *sql, json_t *ids,
    const char *project, int limit, const char *session, char *err,
    size_t errlen)
{
	char *j = json_dumps(ids, JSON_COMPACT);
	sqlite3_stmt *st = NULL;
	json_t *a = json_array();
	int rc;

	if (j == NULL || a == NULL ||
	    sqlite3_prepare_v2(sc->db, sql, -1, &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_text(st, 1, j, -1, SQLITE_TRANSIENT);
	if (project != NULL)
		sqlite3_bind_text(st, 2, project, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 3, limit);
	if (session != NULL)
		sqlite3_bind_text(st, 4, session, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(a, memdb_row_json(st));
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	free(j);
	return a;
fail:
	snprintf(err, errlen, "%s", sc->db ? sqlite3_errmsg(sc->db) :
	    "out of memory");
	sqlite3_finalize(st);
	free(j);
	json_decref(a);
	return NULL;
}

static const char *str_arg(json_t *args, const char *k)
{
	json_t *v = json_object_get(args, k);

	return json_is_string(v) && *json_string_value(v) ?
	    json_string_value(v) : NULL;
}

static int int_arg(json_t *args, const char *k, int def, int max)
{
	json_t *v = json_object_get(args, k);
	double d;

	if (!json_is_number(v))
		return def;
	d = json_number_value(v);
	if (d < 1)
		return def;
	return d > max ? max : (int)d;
}

/* ids: numbers (or numeric strings); with strings_ok other strings stay. */
static json_t *ids_arg(json_t *args, int strings_ok)
{
	json_t *v = json_object_get(args, "ids"), *out, *x;
	char *end;
	long long n;
	size_t i;

	if (!json_is_array(v) || (out = json_array()) == NULL)
		return NULL;
	json_array_foreach(v, i, x) {
		if (json_is_integer(x))
			json_array_append(out, x);
		else if (json_is_real(x))
			json_array_append_new(out, json_integer(
			    (json_int_t)json_real_value(x)));
		else if (json_is_string(x)) {
			n = strtoll(json_string_value(x), &end, 10);
			if (*json_string_value(x) != '\0' && *end == '\0')
				json_array_append_new(out, json_integer(n));
			else if (strings_ok)
				json_array_append(out, x);
		}
	}
	return out;
}

static json_t *get_observations(struct search_ctx *sc, json_t *args)
{
	const char *order = str_arg(args, "orderBy");
	json_t *ids = ids_arg(args, 0), *a, *r;
	char err[256];

	if (ids == NULL)
		return tools13_text("get_observations: \"ids\" (an array of "
		    "observation IDs) is required", 1);
	a = rows(sc, order && strcmp(order, "date_asc") == 0 ?
	    "SELECT * FROM observations WHERE id IN (SELECT value FROM "
	    "json_each(?1)) AND (?2 IS NULL OR project = ?2) "
	    "ORDER BY created_at_epoch ASC, id ASC LIMIT ?3" :
	    "SELECT * FROM observations WHERE id IN (SELECT value FROM "
	    "json_each(?1)) AND (?2 IS NULL OR project = ?2) "
	    "ORDER BY created_at_epoch DESC, id DESC LIMIT ?3",
	    ids, str_arg(args, "project"), int_arg(args, "limit", BATCH_MAX,
	    BATCH_MAX), NULL, err, sizeof(err));
	json_decref(ids);
	if (a == NULL)
		return tools13_text(err, 1);
	r = json_text(a);
	json_decref(a);
	return r;
}

static json_t *get_tool_uses(struct search_ctx *sc, json_t *args)
{
	json_t *ids = ids_arg(args, 1), *a, *r;
	char err[256];
	sqlite3_stmt *st = NULL;
	int has;

	if (ids == NULL)
		return tools13_text("get_tool_uses: \"ids\" (an array) is "
		    "required", 1);
	/* A store no claude-mem 13 client has written yet has no tool uses. */
	has = sqlite3_prepare_v2(sc->db, "SELECT 1 FROM tool_uses LIMIT 0", -1,
	    &st, NULL) == SQLITE_OK;
	sqlite3_finalize(st);
	a = !has ? json_array() : rows(sc,
	    "SELECT * FROM tool_uses WHERE (id IN (SELECT value FROM "
	    "json_each(?1) WHERE type = 'integer') OR tool_use_id IN (SELECT "
	    "value FROM json_each(?1) WHERE type = 'text')) "
	    "AND (?2 IS NULL OR project = ?2) "
	    "AND (?4 IS NULL OR content_session_id = ?4) "
	    "ORDER BY created_at_epoch ASC, id ASC LIMIT ?3",
	    ids, str_arg(args, "project"), int_arg(args, "limit",
	    TOOL_USES_MAX, TOOL_USES_MAX), str_arg(args, "contentSessionId"),
	    err, sizeof(err));
	json_decref(ids);
	if (a == NULL)
		return tools13_text(err, 1);
	r = json_text(a);
	json_decref(a);
	return r;
}

/* projects: an array or CSV (last = primary), else project. */
static json_t *projects_arg(json_t *args)
{
	json_t *p = json_object_get(args, "projects"), *out = json_array(), *x;
	const char *s;
	size_t i;

	if (json_is_array(p)) {
		json_array_foreach(p, i, x)
			if (json_is_string(x) && *json_string_value(x))
				json_array_append(out, x);
		return out;
	}
	s = json_is_string(p) ? json_string_value(p) : str_arg(args, "project");
	memdb_csv_append(out, s);
	return out;
}

static json_t *session_start_context(struct search_ctx *sc, json_t *args)
{
	json_t *projects = projects_arg(args), *r;
	char *t;

	if (json_array_size(projects) == 0) {
		json_decref(projects);
		return tools13_text("session_start_context: \"project\" or "
		    "\"projects\" is required", 1);
	}
	t = memdb_context_text(sc->db, projects,
	    json_is_true(json_object_get(args, "colors")),
	    json_is_true(json_object_get(args, "full")));
	json_decref(projects);
	r = t ? tools13_text(t, 0) : tools13_text(sqlite3_errmsg(sc->db), 1);
	free(t);
	return r;
}

int tools13_call(struct search_ctx *sc, const char *name, json_t *args,
    json_t **result)
{
	char err[512];

	if (strcmp(name, "important_workflow") == 0) {
		*result = tools13_text(workflow_text, 0);
		return 0;
	}
	if (!served(name))
		return -1;
	if (corpus_tool(name)) {
		*result = corpus_tool_call(sc, name, args);
		return 0;
	}
	if (smart_call(sc, name, args, result) == 0)
		return 0;	/* the code tools read files, not the store */
	if (search_open(sc, err, sizeof(err)) < 0) {
		char msg[600];

		snprintf(msg, sizeof(msg), "Search failed: %s", err);
		*result = tools13_text(msg, 1);
		return 0;
	}
	if (strcmp(name, "get_observations") == 0)
		*result = get_observations(sc, args);
	else if (strcmp(name, "get_tool_uses") == 0)
		*result = get_tool_uses(sc, args);
	else
		*result = session_start_context(sc, args);
	return 0;
}
