/*
 * fuzz_mcp: mem-search's MCP message handling, mcp_handle_text(): one
 * JSON-RPC message in, one reply (or none) out, on a real store built at
 * start-up from the search fixture (tests/fixtures/search/fixture.sql,
 * through memdb: the real schema and FTS triggers) in a per-process
 * directory under /tmp. Every reply must be a JSON-RPC 2.0 object with
 * either a result or an error.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "log.h"
#include "memdb.h"
#include "search.h"

#ifndef FUZZ_SRC_DIR
#define FUZZ_SRC_DIR "."
#endif

static struct search_ctx sc;
static struct mcp_server m;
static char dir[PATH_MAX];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	char *s = NULL;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (s = malloc((size_t)n + 1)) != NULL &&
	    fread(s, 1, (size_t)n, f) == (size_t)n)
		s[n] = '\0';
	else {
		free(s);
		s = NULL;
	}
	fclose(f);
	return s;
}

static void make_db(void)
{
	const char *src = getenv("CSUP_SRC_DIR");
	char path[4096], err[256], *sql, *msg = NULL;
	sqlite3 *h;

	snprintf(path, sizeof(path), "%s/tests/fixtures/search/fixture.sql",
	    src && *src ? src : FUZZ_SRC_DIR);
	if (memdb_open(sc.db_path, 0, &h, err, sizeof(err)) < 0) {
		fprintf(stderr, "memdb_open: %s\n", err);
		abort();
	}
	if ((sql = slurp(path)) == NULL) {
		fprintf(stderr, "%s: cannot read; fuzzing on an empty store\n", path);
	} else if (sqlite3_exec(h, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", path, msg);
		abort();
	}
	free(sql);
	memdb_close(h);
}

static void rm_rf(const char *d)
{
	char cmd[PATH_MAX + 32];

	/* Our own mkdtemp directory: the store, its WAL and the vector index. */
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", d);
}

static void cleanup(void)
{
	search_close(&sc);
	rm_rf(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256];

	log_init("fuzz_mcp", open("/dev/null", O_WRONLY | O_CLOEXEC), 0);
	const char *tmp = getenv("TMPDIR");

	/* run-fuzzer.sh points TMPDIR into the build tree: a crash leaves nothing in /tmp. */
	snprintf(dir, sizeof(dir), "%s/csup-fuzz-mcp.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		abort();
	}
	memset(&sc, 0, sizeof(sc));
	snprintf(sc.data_dir, sizeof(sc.data_dir), "%s", dir);
	snprintf(sc.db_path, sizeof(sc.db_path), "%s/claude-mem.db", dir);
	snprintf(sc.cwd, sizeof(sc.cwd), "/home/u/csup");
	make_db();
	if (search_open(&sc, err, sizeof(err)) < 0) {
		fprintf(stderr, "search_open: %s\n", err);
		abort();
	}
	mcp_init(&m, &sc);
	atexit(cleanup);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *r, *ver;
	json_error_t e;
	char *out;
	int is_request;

	out = mcp_handle_text(&m, (const char *)data, size, &is_request);
	if (out == NULL) {
		if (is_request)
			abort();	/* a request always gets an answer */
		return 0;
	}
	if ((r = json_loads(out, 0, &e)) == NULL || !json_is_object(r)) {
		fprintf(stderr, "reply is not a JSON object: %s\n", out);
		abort();
	}
	ver = json_object_get(r, "jsonrpc");
	if (!json_is_string(ver) || strcmp(json_string_value(ver), "2.0") != 0 ||
	    (json_object_get(r, "result") == NULL) == (json_object_get(r, "error") == NULL))
		abort();
	json_decref(r);
	free(out);
	return 0;
}
