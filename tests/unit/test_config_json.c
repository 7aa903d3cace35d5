/*
 * test_config_json.c: config_app_to_json / config_app_from_json round trip,
 * config_app_equal, config_app_defaults and config_name_valid.
 */
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"

static const char rich[] =
    "apps:\n"
    "  - name: api\n"
    "    script: server.js\n"
    "    args: \"--port 3000 'a b'\"\n"
    "    cwd: /srv/api\n"
    "    env: {PORT: 3000, DEBUG: true}\n"
    "    env_production: {NODE_ENV: production}\n"
    "    autorestart: false\n"
    "    max_restarts: 3\n"
    "    min_uptime: 5s\n"
    "    restart_delay: 100\n"
    "    exp_backoff_restart_delay: 200ms\n"
    "    kill_timeout: 3s\n"
    "    kill_signal: SIGTERM\n"
    "    kill_mode: main\n"
    "    watch: [src]\n"
    "    ignore_watch: [tmp]\n"
    "    watch_delay: 1s\n"
    "    max_memory_restart: 300M\n"
    "    max_processes: 40\n"
    "    out_file: logs/out.log\n"
    "    error_file: /var/log/err.log\n"
    "    log: logs/all.log\n"
    "    merge_logs: true\n"
    "    log_max_size: 10M\n"
    "    log_max_files: 2\n"
    "    log_date_format: YYYY-MM-DD HH:mm:ss\n"
    "    wait_ready: true\n"
    "    listen_timeout: 8s\n"
    "    alert: echo alert\n"
    "    health: {url: 'http://127.0.0.1:3000/health', interval: 5s, timeout: 1s, retries: 2}\n"
    "    instances: 2\n"
    "    cron_restart: '0 3 * * *'\n"
    "  - name: tcp\n"
    "    script: redis-server --port 6380\n"
    "    health: {tcp: '127.0.0.1:6380'}\n";

struct fx {
	char		 dir[PATH_MAX];
	char		*path;
	struct app_list	 list;
};

static int setup(void **state)
{
	struct config_options opt = { .env_name = "production" };
	struct config_error err;
	struct fx *fx = calloc(1, sizeof(*fx));
	char tmpl[] = "/tmp/csup-json-XXXXXX";
	FILE *f;

	if (fx == NULL || mkdtemp(tmpl) == NULL)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "%s", tmpl);
	if (asprintf(&fx->path, "%s/eco.yaml", fx->dir) == -1 || !(f = fopen(fx->path, "w")))
		return -1;
	fputs(rich, f);
	fclose(f);
	if (config_load(fx->path, &opt, &fx->list, &err) != 0) {
		fprintf(stderr, "%d:%d: %s\n", err.line, err.column, err.msg);
		return -1;
	}
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	config_app_list_free(&fx->list);
	unlink(fx->path);
	rmdir(fx->dir);
	free(fx->path);
	free(fx);
	return 0;
}

static void test_roundtrip(void **state)
{
	struct fx *fx = *state;
	struct app_config back;
	char errbuf[128];
	size_t i;

	assert_int_equal(fx->list.n, 3);
	for (i = 0; i < fx->list.n; i++) {
		json_t *j = config_app_to_json(&fx->list.apps[i]), *j2;
		if (config_app_from_json(j, &back, errbuf, sizeof(errbuf)) != 0)
			fail_msg("app %zu: %s", i, errbuf);
		j2 = config_app_to_json(&back);
		assert_true(json_equal(j, j2));
		assert_true(config_app_equal(&fx->list.apps[i], &back));
		assert_int_equal(back.kill_signal, fx->list.apps[i].kill_signal);
		assert_int_equal(back.cron.set, fx->list.apps[i].cron.set);
		assert_true(back.cron.hours == fx->list.apps[i].cron.hours);
		json_decref(j);
		json_decref(j2);
		config_app_free(&back);
	}
}

static void test_json_shape(void **state)
{
	struct fx *fx = *state;
	json_t *j = config_app_to_json(&fx->list.apps[1]);
	json_t *want = json_pack("{s:s, s:s, s:s, s:[s,s,s], s:[s,s,s,s,s], s:I, s:I, s:s, s:s,"
	    " s:b, s:{s:s, s:s, s:s, s:s}, s:[s], s:s, s:s, s:s, s:I, s:i, s:i}",
	    "name", "api-1", "group", "api", "interpreter", "node",
	    "args", "--port", "3000", "a b",
	    "exec_argv", "node", "server.js", "--port", "3000", "a b",
	    "min_uptime", (json_int_t)5000, "max_memory_restart", (json_int_t)314572800,
	    "kill_signal", "SIGTERM", "kill_mode", "main", "watch", 1,
	    "env", "PORT", "3000", "DEBUG", "true", "NODE_ENV", "production",
	    "NODE_APP_INSTANCE", "1",
	    "watch_paths", "/srv/api/src", "out_file", "/srv/api/logs/out.log",
	    "log_file", "/srv/api/logs/all.log", "error_file", "/var/log/err.log",
	    "log_max_size", (json_int_t)10485760, "instances", 2, "instance", 1);
	const char *key;
	json_t *v;

	assert_non_null(want);
	json_object_foreach(want, key, v) {
		if (!json_equal(json_object_get(j, key), v))
			fail_msg("key %s differs", key);
	}
	assert_true(json_is_object(json_object_get(j, "health")));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "health"),
	    "interval")), 5000);
	json_decref(want);
	json_decref(j);
}

static void test_equal(void **state)
{
	struct fx *fx = *state;
	struct app_config c;

	assert_int_equal(config_app_copy(&fx->list.apps[0], &c), 0);
	assert_true(config_app_equal(&fx->list.apps[0], &c));
	c.instances = 5;		/* the copy count alone changes nothing */
	assert_true(config_app_equal(&fx->list.apps[0], &c));
	c.kill_timeout_ms++;
	assert_false(config_app_equal(&fx->list.apps[0], &c));
	config_app_free(&c);
	assert_false(config_app_equal(&fx->list.apps[0], &fx->list.apps[1]));
	assert_false(config_app_equal(&fx->list.apps[0], &fx->list.apps[2]));
}

static void test_from_json_errors(void **state)
{
	static const struct {
		const char *json, *err;
	} cases[] = {
		{ "[]", "JSON object" },
		{ "{\"script\": \"a\", \"exec_argv\": [\"a\"], \"cwd\": \"/\"}", "missing 'name'" },
		{ "{\"name\": \"a\", \"script\": \"a\", \"exec_argv\": [\"a\"], \"cwd\": null}",
		  "bad 'cwd'" },
		{ "{\"name\": \"a\", \"script\": \"a\", \"exec_argv\": [\"a\"], \"cwd\": \"/\","
		  " \"kill_signal\": \"SIGNOPE\"}", "bad 'kill_signal'" },
		{ "{\"name\": \"a\", \"script\": \"a\", \"exec_argv\": [1], \"cwd\": \"/\"}",
		  "bad 'exec_argv'" },
		{ "{\"name\": \"a\", \"script\": \"a\", \"exec_argv\": [\"a\"], \"cwd\": \"/\","
		  " \"min_uptime\": -1}", "bad 'min_uptime'" },
		{ "{\"name\": \"a\", \"script\": \"a\", \"exec_argv\": [\"a\"], \"cwd\": \"/\","
		  " \"cron_restart\": \"99 * * * *\"}", "bad cron minute" },
	};
	struct app_config a;
	char errbuf[200];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *j = json_loads(cases[i].json, JSON_DECODE_ANY, NULL);
		assert_non_null(j);
		assert_int_equal(config_app_from_json(j, &a, errbuf, sizeof(errbuf)), -1);
		if (strstr(errbuf, cases[i].err) == NULL)
			fail_msg("'%s': '%s', want '%s'", cases[i].json, errbuf, cases[i].err);
		json_decref(j);
	}
}

static void test_defaults_and_names(void **state)
{
	static const struct {
		const char *name;
		bool ok;
	} names[] = {
		{ "api", true }, { "a.b_c-1", true }, { "A", true }, { "", false },
		{ ".", false }, { "..", false }, { "all", false }, { "a b", false },
		{ "a/b", false }, { "caf\xC3\xA9", false }, { NULL, false },
		{ "x234567890123456789012345678901234567890123456789012345678901234", true },
		{ "x2345678901234567890123456789012345678901234567890123456789012345", false },
	};
	struct app_config a;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (config_name_valid(names[i].name) != names[i].ok)
			fail_msg("name '%s'", names[i].name ? names[i].name : "NULL");
	config_app_defaults(&a);
	assert_null(a.name);
	assert_true(a.autorestart);
	assert_int_equal(a.max_restarts, 16);
	assert_int_equal(a.kill_timeout_ms, 1600);
	assert_int_equal(a.kill_signal, SIGINT);
	assert_int_equal(a.log_max_size, 50 * 1024 * 1024);
	assert_int_equal(a.health.retries, 3);
	assert_string_equal(a.instance_var, "NODE_APP_INSTANCE");
	assert_string_equal(a.ignore_watch[3], "*.log");
	assert_null(a.args[0]);
	config_app_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_json_shape),
		cmocka_unit_test(test_equal),
		cmocka_unit_test(test_from_json_errors),
		cmocka_unit_test(test_defaults_and_names),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
