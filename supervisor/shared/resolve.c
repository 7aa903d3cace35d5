/*
 * resolve.c: the program an app runs, as the daemon executes it and as
 * `csup export` writes it: argv[0] against the app's cwd, then PATH.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "resolve.h"

static int check_exec(const char *path, char *err, size_t errlen, const char *name)
{
	struct stat st;

	if (stat(path, &st) == -1) {
		snprintf(err, errlen, "app '%s': script '%s' not found", name, path);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || access(path, X_OK) == -1) {
		snprintf(err, errlen, "app '%s': script '%s' is not executable", name, path);
		return -1;
	}
	return 0;
}

static const char *env_get(char *const *env, const char *key)
{
	size_t n = strlen(key);

	for (; env && *env; env++)
		if (strncmp(*env, key, n) == 0 && (*env)[n] == '=')
			return *env + n + 1;
	return NULL;
}

/*
 * Walks PATH in place: a copy of it to cut up would cost the daemon 16 KiB
 * of stack on every spawn (its deepest call). Empty entries are skipped.
 */
static int path_lookup(const char *cmd, const char *pathvar, char *out, size_t outlen)
{
	const char *dir;
	size_t len;

	for (dir = pathvar; *dir != '\0'; dir += len + (dir[len] == ':')) {
		len = strcspn(dir, ":");
		if (len == 0 || len > INT_MAX)
			continue;
		if (snprintf(out, outlen, "%.*s/%s", (int)len, dir, cmd) < (int)outlen &&
		    access(out, X_OK) == 0)
			return 0;
	}
	return -1;
}

static int join_cwd(const char *cwd, const char *p, char *out, size_t outlen)
{
	if (p[0] == '/')
		return snprintf(out, outlen, "%s", p) >= (int)outlen ? -1 : 0;
	return snprintf(out, outlen, "%s/%s", cwd, p) >= (int)outlen ? -1 : 0;
}

int spawn_resolve(const struct app_config *c, char *const *env, char *out,
    size_t outlen, char *err, size_t errlen)
{
	const char *a0 = c->exec_argv && c->exec_argv[0] ? c->exec_argv[0] : NULL;
	const char *pathvar = env_get(env, "PATH");
	char script[PATH_MAX];
	struct stat st;

	if (a0 == NULL) {
		snprintf(err, errlen, "app '%s': nothing to run", c->name);
		return -1;
	}
	/* With an interpreter, the script itself must be there (PM2 says so too). */
	if (c->interpreter && c->exec_argv[1] && c->script &&
	    strcmp(c->exec_argv[1], c->script) == 0) {
		if (join_cwd(c->cwd, c->script, script, sizeof(script)) == -1 ||
		    stat(script, &st) == -1) {
			snprintf(err, errlen, "app '%s': script '%s' not found", c->name,
			    script);
			return -1;
		}
	}
	if (strchr(a0, '/')) {
		if (join_cwd(c->cwd, a0, out, outlen) == -1) {
			snprintf(err, errlen, "app '%s': path too long", c->name);
			return -1;
		}
		return check_exec(out, err, errlen, c->name);
	}
	if (join_cwd(c->cwd, a0, out, outlen) == 0 && stat(out, &st) == 0)
		return check_exec(out, err, errlen, c->name);
	if (path_lookup(a0, pathvar ? pathvar : "/usr/local/bin:/usr/bin:/bin",
	    out, outlen) == 0)
		return 0;
	snprintf(err, errlen, "app '%s': script '%s' not found (in '%s' or PATH)",
	    c->name, a0, c->cwd);
	return -1;
}
