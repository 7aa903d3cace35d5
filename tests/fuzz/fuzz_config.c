/*
 * fuzz_config: the ecosystem parser (config_load) on arbitrary bytes, read
 * both as YAML and as PM2-style JSON. The input is written to a per-process
 * directory under /tmp (config_load takes a path; the extension picks the
 * reader). Every resolved app also goes through the daemon's interchange
 * form: to_json, from_json, and the copy must equal the original.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

static char dir[PATH_MAX], yaml_path[PATH_MAX + 32], json_path[PATH_MAX + 32];

static void cleanup(void)
{
	unlink(yaml_path);
	unlink(json_path);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");

	/* run-fuzzer.sh points TMPDIR into the build tree: a crash leaves nothing in /tmp. */
	snprintf(dir, sizeof(dir), "%s/csup-fuzz-config.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		abort();
	}
	snprintf(yaml_path, sizeof(yaml_path), "%s/ecosystem.yaml", dir);
	snprintf(json_path, sizeof(json_path), "%s/ecosystem.json", dir);
	atexit(cleanup);
	return 0;
}

static void put(const char *path, const uint8_t *data, size_t size)
{
	FILE *f = fopen(path, "we");

	if (f == NULL || (size > 0 && fwrite(data, 1, size, f) != size)) {
		perror(path);
		abort();
	}
	if (fclose(f) != 0)
		abort();
}

/* The daemon receives apps as JSON: the round trip must be exact. */
static void roundtrip(const struct app_config *a)
{
	struct app_config b, c;
	char err[256];
	json_t *j;

	if (!config_name_valid(a->name))
		abort();	/* the parser let a bad name through */
	if ((j = config_app_to_json(a)) == NULL)
		abort();
	if (config_app_from_json(j, &b, err, sizeof(err)) == -1) {
		fprintf(stderr, "round trip of '%s' failed: %s\n", a->name, err);
		abort();
	}
	json_decref(j);
	if (!config_app_equal(a, &b))
		abort();
	if (config_app_copy(&b, &c) == -1)
		abort();
	if (!config_app_equal(&b, &c))
		abort();
	config_app_free(&b);
	config_app_free(&c);
}

static void load(const char *path, bool strict)
{
	struct config_options opt = { .env_name = "production", .strict = strict };
	struct app_list list;
	struct config_error err;
	size_t i;

	memset(&list, 0, sizeof(list));
	memset(&err, 0, sizeof(err));
	if (config_load(path, &opt, &list, &err) == -1) {
		if (err.msg[0] == '\0' || err.line < 0 || err.column < 0)
			abort();	/* an error must say what and where */
		return;
	}
	for (i = 0; i < list.n; i++)
		roundtrip(&list.apps[i]);
	config_app_list_free(&list);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	put(yaml_path, data, size);
	load(yaml_path, size & 1);
	put(json_path, data, size);
	load(json_path, false);
	return 0;
}
