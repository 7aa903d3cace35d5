/*
 * cli_pm2.c: the client side of the commands PM2 users type: save, flush,
 * reset, signal, scale, jlist/prettylist, pid, env, init, startOrRestart
 * and startOrReload.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "paths.h"

int cli_save(const char *cmd, const struct opts *o)
{
	json_t *reply;
	int rc;

	if (o->npos > 0)
		return cli_usage_error(cmd, "no argument expected");
	reply = client_request(true, json_pack("{s:s}", "cmd", "save"));
	if ((rc = cli_results(reply)) == 0)
		printf("csup: saved the apps that should run; `csup resurrect` brings them "
		    "back\n");
	json_decref(reply);
	return rc;
}

/* Empties path in place: the logger's O_APPEND writes go on at the new end. */
static int empty_file(const char *path)
{
	int fd;

	if (path == NULL)
		return 0;
	if ((fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return errno == ENOENT ? 0 : -1;
	close(fd);
	return 0;
}

int cli_flush(const char *cmd, const struct opts *o)
{
	json_t *req = json_pack("{s:s}", "cmd", "logs"), *reply, *targets, *f;
	static const char *const keys[] = { "out", "err", "combined" };
	int rc, n = 0;
	size_t i;

	if (o->npos > 0) {
		if ((targets = cli_targets(o, 0)) == NULL) {
			json_decref(req);
			return CSUP_EXIT_USAGE;
		}
		json_object_set_new(req, "targets", targets);
	}
	reply = client_request(true, req);
	if ((rc = cli_results(reply)) != 0) {
		json_decref(reply);
		return rc;
	}
	json_array_foreach(json_object_get(reply, "files"), i, f) {
		for (size_t k = 0; k < 3; k++) {
			const char *path = json_string_value(json_object_get(f, keys[k]));

			if (empty_file(path) == -1) {
				fprintf(stderr, "csup flush: %s: %s\n", path, strerror(errno));
				rc = CSUP_EXIT_FAIL;
			}
		}
		n++;
	}
	if (rc == 0)
		printf("csup: flushed the logs of %d app%s\n", n, n == 1 ? "" : "s");
	json_decref(reply);
	return rc;
}

int cli_reset(const char *cmd, const struct opts *o)
{
	json_t *targets, *reply, *name;
	size_t i;
	int rc;

	if (o->npos < 1)
		return cli_usage_error(cmd, "a TARGET is needed");
	if ((targets = cli_targets(o, 0)) == NULL)
		return CSUP_EXIT_USAGE;
	reply = client_request(true, json_pack("{s:s,s:o}", "cmd", "reset", "targets",
	    targets));
	rc = cli_results(reply);
	json_array_foreach(reply ? json_object_get(reply, "names") : NULL, i, name)
		printf("csup: app '%s': restart counters reset\n", json_string_value(name));
	json_decref(reply);
	return rc;
}

int cli_signal(const char *cmd, const struct opts *o)
{
	json_t *targets, *reply, *it;
	size_t i;
	int rc;

	if (o->npos < 2)
		return cli_usage_error(cmd, "a SIGNAL and a TARGET are needed");
	if ((targets = cli_targets(o, 1)) == NULL)
		return CSUP_EXIT_USAGE;
	reply = client_request(true, json_pack("{s:s,s:s,s:o}", "cmd", "signal", "signal",
	    o->pos[0], "targets", targets));
	rc = cli_results(reply);
	json_array_foreach(reply ? json_object_get(reply, "results") : NULL, i, it)
		if (json_object_get(it, "pid"))
			printf("csup: %s sent to app '%s' (pid %d)\n", o->pos[0],
			    json_string_value(json_object_get(it, "name")),
			    (int)json_integer_value(json_object_get(it, "pid")));
	json_decref(reply);
	return rc;
}

int cli_scale(const char *cmd, const struct opts *o)
{
	const char *n;
	char *end;
	long count;

	if (o->npos != 2)
		return cli_usage_error(cmd, "scale NAME N (or +K)");
	n = o->pos[1];
	count = strtol(n[0] == '+' ? n + 1 : n, &end, 10);
	if (*end || end == n || (n[0] == '+' && end == n + 1) || count < 0 || count > 4096)
		return cli_usage_error(cmd, "N must be a number of copies, or +K");
	return cli_act_and_show(json_pack("{s:s,s:s,s:I,s:b}", "cmd", "scale", "name",
	    o->pos[0], "count", (json_int_t)count, "relative", n[0] == '+'));
}

int cli_jlist(const char *cmd, const struct opts *o)
{
	json_t *reply;
	int rc;

	if (o->npos > 0)
		return cli_usage_error(cmd, "no argument expected");
	reply = client_request(true, json_pack("{s:s}", "cmd", "status"));
	if ((rc = cli_results(reply)) == 0) {
		json_dumpf(json_object_get(reply, "apps"), stdout,
		    strcmp(cmd, "jlist") == 0 ? JSON_COMPACT : JSON_INDENT(2));
		putchar('\n');
	}
	json_decref(reply);
	return rc;
}

int cli_pid(const char *cmd, const struct opts *o)
{
	json_t *targets, *apps, *a;
	size_t i;

	if (o->npos < 1)
		return cli_usage_error(cmd, "a TARGET is needed");
	if ((targets = cli_targets(o, 0)) == NULL)
		return CSUP_EXIT_USAGE;
	if ((apps = cli_select(targets, false)) == NULL)
		return CSUP_EXIT_FAIL;
	json_array_foreach(apps, i, a)
		printf("%d\n", (int)json_integer_value(json_object_get(a, "pid")));
	json_decref(apps);
	return CSUP_EXIT_OK;
}

int cli_env(const char *cmd, const struct opts *o)
{
	json_t *targets, *reply, *v;
	size_t i;
	int rc;

	if (o->npos != 1)
		return cli_usage_error(cmd, "one TARGET (an id or a NAME) is needed");
	if ((targets = cli_targets(o, 0)) == NULL)
		return CSUP_EXIT_USAGE;
	reply = client_request(true, json_pack("{s:s,s:o}", "cmd", "env", "targets",
	    targets));
	if ((rc = cli_results(reply)) == 0)
		json_array_foreach(json_object_get(reply, "env"), i, v)
			printf("%s\n", json_string_value(v));
	json_decref(reply);
	return rc;
}

static const char template[] =
"# ecosystem.yaml: the apps csup runs (`csup start ecosystem.yaml`).\n"
"# Field names are PM2's; durations are ms or 500ms/5s/2m/1h, sizes 300M/1G.\n"
"# Check it without starting anything: `csup check ecosystem.yaml`.\n"
"apps:\n"
"  - name: app                  # unique: letters, digits, '.', '_', '-'\n"
"    script: ./app.js           # a path relative to cwd, or a command in PATH\n"
"    # args: [--port, \"3000\"]\n"
"    # interpreter: node        # .js/.py/.sh/... pick theirs by default\n"
"    # cwd: .                   # default: this file's folder\n"
"    # instances: 1             # N copies (NAME-0 ...), `max`: one a CPU\n"
"    # watch: false             # true, or a list of paths: restart on change\n"
"    # ignore_watch: [tmp]\n"
"    # max_memory_restart: 300M # restart past this RSS of the whole tree\n"
"    # kill_signal: SIGINT      # then SIGKILL after kill_timeout\n"
"    # kill_timeout: 1600\n"
"    # wait_ready: false        # online only after READY=1 on $NOTIFY_SOCKET\n"
"    # listen_timeout: 3000\n"
"    # autorestart: true\n"
"    # max_restarts: 16\n"
"    # restart_delay: 0\n"
"    # cron_restart: \"0 3 * * *\"\n"
"    # out_file: ./logs/app-out.log\n"
"    # error_file: ./logs/app-err.log\n"
"    # env_file: .env\n"
"    env:\n"
"      NODE_ENV: development\n"
"    env_production:             # with `csup start ecosystem.yaml --env production`\n"
"      NODE_ENV: production\n";

int cli_init(const char *cmd, const struct opts *o)
{
	const char *path = "ecosystem.yaml";
	size_t len = sizeof(template) - 1;
	ssize_t n;
	int fd;

	if (o->npos > 0)
		return cli_usage_error(cmd, "no argument expected");
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) == -1) {
		if (errno == EEXIST)
			fprintf(stderr, "csup %s: %s already exists: left as it is\n", cmd, path);
		else
			fprintf(stderr, "csup %s: %s: %s\n", cmd, path, strerror(errno));
		return CSUP_EXIT_FAIL;
	}
	while ((n = write(fd, template, len)) != (ssize_t)len) {
		if (n == -1 && errno == EINTR)
			continue;
		fprintf(stderr, "csup %s: %s: %s\n", cmd, path,
		    n == -1 ? strerror(errno) : "short write");
		close(fd);
		unlink(path);
		return CSUP_EXIT_FAIL;
	}
	if (close(fd) == -1) {
		fprintf(stderr, "csup %s: %s: %s\n", cmd, path, strerror(errno));
		return CSUP_EXIT_FAIL;
	}
	printf("csup: wrote %s; start it with `csup start %s`\n", path, path);
	return CSUP_EXIT_OK;
}

int cli_start_or(const char *cmd, const struct opts *o)
{
	char real[PATH_MAX];
	json_t *apps, *req;

	if (o->npos != 1 || !cli_is_file(o->pos[0]))
		return cli_usage_error(cmd, "an ecosystem FILE is needed");
	if ((apps = cli_load_file(o->pos[0], o, true)) == NULL)
		return CSUP_EXIT_USAGE;
	req = json_pack("{s:s,s:o,s:o,s:s}", "cmd", "start", "apps", apps, "env",
	    cli_env_json(), "or", strcmp(cmd, "startOrReload") == 0 ? "reload" : "restart");
	if (realpath(o->pos[0], real))
		json_object_set_new(req, "source", json_string(real));
	return cli_act_and_show(req);
}
