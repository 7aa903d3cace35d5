/*
 * settings.c: the settings file mem-worker shares with the claude-mem 13
 * client, <data dir>/settings.json: flat JSON of strings (a legacy
 * {"env":{...}} is read flattened). An environment variable of the same
 * name wins over the file. The port the client computes when nothing is
 * set, 37700 + uid % 100, is ours too, so both sides meet without
 * configuration; a missing file is written with the host and port we
 * listen on, which is what the client then reads.
 */
#include "worker.h"
#include "log.h"
#include "memdb.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int settings_path(char *buf, size_t len)
{
	char dir[4096];
	int n;

	if (memdb_data_dir(dir, sizeof(dir)) < 0)
		return -1;
	n = snprintf(buf, len, "%s/settings.json", dir);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

json_t *settings_load(void)
{
	char path[4200];
	json_error_t e;
	json_t *j, *env;

	if (settings_path(path, sizeof(path)) < 0)
		return json_object();
	j = json_load_file(path, 0, &e);
	if (!json_is_object(j)) {
		if (j != NULL || access(path, F_OK) == 0)
			log_warnx("%s: not a JSON object (%s); ignored", path,
			    j ? "wrong type" : e.text);
		json_decref(j);
		return json_object();
	}
	env = json_object_get(j, "env");
	if (json_is_object(env) && json_object_size(j) == 1) {
		json_incref(env);
		json_decref(j);
		return env;
	}
	return j;
}

const char *settings_get(json_t *settings, const char *key)
{
	const char *v = getenv(key);
	json_t *s;

	if (v != NULL && *v != '\0')
		return v;
	s = json_object_get(settings, key);
	if (json_is_string(s) && *json_string_value(s) != '\0')
		return json_string_value(s);
	return NULL;
}

int settings_default_port(void)
{
	return 37700 + (int)(getuid() % 100);
}

/* Write the file when it is missing (never over a user's file). */
int settings_write_if_missing(const char *host, int port)
{
	char path[4200], tmp[4300], portstr[16];
	json_t *j;
	int fd, rc = -1;

	if (settings_path(path, sizeof(path)) < 0 || access(path, F_OK) == 0)
		return 0;
	snprintf(portstr, sizeof(portstr), "%d", port);
	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
	j = json_pack("{s:s, s:s}", "CLAUDE_MEM_WORKER_PORT", portstr,
	    "CLAUDE_MEM_WORKER_HOST", host);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || j == NULL)
		goto out;
	if (json_dumpfd(j, fd, JSON_INDENT(2)) < 0 || write(fd, "\n", 1) != 1 ||
	    fsync(fd) < 0)
		goto out;
	if (close(fd) < 0) {
		fd = -1;
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) < 0)
		goto out;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (rc < 0) {
		log_warnx("%s: cannot write: %s", path, strerror(errno));
		unlink(tmp);
	}
	json_decref(j);
	return rc;
}

int settings_update(json_t *obj, char *err, size_t errlen)
{
	char path[4200], tmp[4300];
	json_t *cur = settings_load();
	int fd = -1, rc = -1;

	if (settings_path(path, sizeof(path)) < 0) {
		snprintf(err, errlen, "no data directory");
		goto out;
	}
	json_object_update(cur, obj);
	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || json_dumpfd(cur, fd, JSON_INDENT(2)) < 0 ||
	    write(fd, "\n", 1) != 1 || fsync(fd) < 0)
		goto fail;
	rc = close(fd);
	fd = -1;
	if (rc < 0 || (rc = rename(tmp, path)) < 0)
		goto fail;
	goto out;
fail:
	snprintf(err, errlen, "%s: %s", path, strerror(errno));
	unlink(tmp);
	rc = -1;
out:
	if (fd >= 0)
		close(fd);
	json_decref(cur);
	return rc;
}
