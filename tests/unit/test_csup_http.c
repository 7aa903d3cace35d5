/*
 * test_csup_http.c: the HTTP module on a libev loop with fake callbacks,
 * queried with libcurl from a second thread (the server side stays on the
 * loop's thread: checked in every callback).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <ev.h>
#include <jansson.h>

#include "http.h"

#define NREQ 32

static const char apps_json[] =
    "[{\"name\":\"web\",\"state\":\"online\",\"pid\":4242,\"restarts\":1,"
    "\"procs\":3,\"memory_bytes\":1048576,\"cpu_seconds\":2.5,\"cpu_percent\":1.5},"
    "{\"name\":\"claude-mem-worker\",\"state\":\"stopped\",\"pid\":0,\"restarts\":0,"
    "\"procs\":0,\"memory_bytes\":0,\"cpu_seconds\":0,\"cpu_percent\":0}]";

static pthread_t loop_thread;
static int wrong_thread;

static void check_thread(void)
{
	if (!pthread_equal(pthread_self(), loop_thread))
		wrong_thread++;
}

static json_t *fake_apps(void *arg)
{
	check_thread();
	return json_loads(apps_json, 0, NULL);
}

static json_t *fake_app(void *arg, const char *name)
{
	json_t *apps = fake_apps(arg), *a, *found = NULL;
	size_t i;

	json_array_foreach(apps, i, a)
		if (strcmp(json_string_value(json_object_get(a, "name")), name) == 0)
			found = json_incref(a);
	json_decref(apps);
	if (found != NULL)
		json_object_set_new(found, "events", json_array());
	return found;
}

static json_t *fake_samples(void *arg, const char *name, int64_t since)
{
	json_t *a = json_array();
	int64_t t;

	check_thread();
	if (strcmp(name, "web") != 0) {
		json_decref(a);
		return NULL;
	}
	for (t = 1000; t <= 5000; t += 1000)
		if (t >= since)
			json_array_append_new(a, json_pack("{s:I,s:i,s:I,s:f}", "t",
			    (json_int_t)t, "procs", (int)(t / 1000), "memory_bytes",
			    (json_int_t)t * 1024, "cpu_percent", 0.5));
	return a;
}

static void fake_counters(void *arg, struct metrics_counters *c)
{
	check_thread();
	c->orphans_killed = 3;
	c->leak_restarts = 2;
}

static json_t *fake_ready(void *arg)
{
	check_thread();
	return json_pack("{s:s}", "web", "launching: waiting for READY=1");
}

/* csup-http asks the daemon (/healthz): a daemon that does not answer is not alive. */
static bool daemon_alive = true;

static bool fake_alive(void *arg)
{
	check_thread();
	return daemon_alive;
}

static const struct http_callbacks fake_cb = {
	fake_apps, fake_app, fake_samples, fake_counters, NULL, fake_ready, fake_alive
};

/* ---- the client thread -------------------------------------------------- */

struct req {
	const char	*method, *path;
	long		 status;
	char		 ctype[96], allow[64];
	char		*body;
	size_t		 len;
	double		 clen;		/* Content-Length header, -1 when none */
};

struct client {
	int		 port;
	struct req	 reqs[NREQ];
	int		 n;
	ev_async	 done;
	struct ev_loop	*loop;
};

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
	struct req *r = arg;
	char *nb = realloc(r->body, r->len + size * n + 1);

	if (nb == NULL)
		return 0;
	memcpy(nb + r->len, p, size * n);
	r->len += size * n;
	nb[r->len] = '\0';
	r->body = nb;
	return size * n;
}

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
	struct req *r = arg;
	size_t len = size * n;

	if (len > 7 && strncasecmp(p, "Allow: ", 7) == 0) {
		snprintf(r->allow, sizeof(r->allow), "%.*s", (int)(len - 7), p + 7);
		r->allow[strcspn(r->allow, "\r\n")] = '\0';
	}
	return len;
}

static void do_req(CURL *c, int port, struct req *r)
{
	char url[256];
	char *ct = NULL;
	curl_off_t cl = -1;

	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", port, r->path);
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 5000L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
	if (strcmp(r->method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	else if (strcmp(r->method, "POST") == 0)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, "a=1&b=2");
	else if (strcmp(r->method, "GET") != 0)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, r->method);
	r->status = -1;
	if (curl_easy_perform(c) != CURLE_OK)
		return;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct != NULL)
		snprintf(r->ctype, sizeof(r->ctype), "%s", ct);
	curl_easy_getinfo(c, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl);
	r->clen = (double)cl;
}

static void *client_main(void *arg)
{
	struct client *cl = arg;
	CURL *c = curl_easy_init();
	int i;

	for (i = 0; c != NULL && i < cl->n; i++)
		do_req(c, cl->port, &cl->reqs[i]);
	if (c != NULL)
		curl_easy_cleanup(c);
	ev_async_send(cl->loop, &cl->done);
	return NULL;
}

static void on_client_done(struct ev_loop *loop, ev_async *w, int revents)
{
	ev_break(loop, EVBREAK_ALL);
}

/* Start a server, run the requests from a thread, stop the server. */
static void run_requests(struct client *cl)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct http_server *srv = NULL;
	pthread_t th;

	assert_non_null(loop);
	loop_thread = pthread_self();
	wrong_thread = 0;
	assert_int_equal(http_start(loop, "127.0.0.1:0", &fake_cb, &srv), 0);
	assert_non_null(srv);
	cl->port = http_port(srv);
	assert_true(cl->port > 0);
	cl->loop = loop;
	ev_async_init(&cl->done, on_client_done);
	ev_async_start(loop, &cl->done);
	assert_int_equal(pthread_create(&th, NULL, client_main, cl), 0);
	ev_run(loop, 0);
	pthread_join(th, NULL);
	ev_async_stop(loop, &cl->done);
	http_stop(srv);
	ev_loop_destroy(loop);
	assert_int_equal(wrong_thread, 0);
}

static struct client *client_new(const char *const *spec)
{
	struct client *cl = calloc(1, sizeof(*cl));
	int i;

	assert_non_null(cl);
	for (i = 0; spec[2 * i] != NULL; i++) {
		cl->reqs[i].method = spec[2 * i];
		cl->reqs[i].path = spec[2 * i + 1];
	}
	cl->n = i;
	return cl;
}

static void client_free(struct client *cl)
{
	int i;

	for (i = 0; i < cl->n; i++)
		free(cl->reqs[i].body);
	free(cl);
}

static json_t *body_json(const struct req *r)
{
	json_t *j;

	if (r->body == NULL || (j = json_loads(r->body, 0, NULL)) == NULL)
		fail_msg("%s %s: body is not JSON: %s", r->method, r->path,
		    r->body ? r->body : "(none)");
	return j;
}

static void expect_error(const struct req *r, long status, const char *what)
{
	json_t *j;

	if (r->status != status)
		fail_msg("%s %s: status %ld, want %ld", r->method, r->path, r->status, status);
	assert_non_null(strstr(r->ctype, "application/json"));
	j = body_json(r);
	if (!json_is_string(json_object_get(j, "error")) ||
	    strstr(json_string_value(json_object_get(j, "error")), what) == NULL)
		fail_msg("%s %s: body %s lacks \"%s\"", r->method, r->path, r->body, what);
	json_decref(j);
}

static void test_routes(void **state)
{
	static const char *const spec[] = {
		"GET", "/metrics",
		"HEAD", "/metrics",
		"GET", "/api/apps",
		"GET", "/api/apps/web",
		"GET", "/api/apps/nope",
		"GET", "/api/apps/web/samples?since=3000",
		"GET", "/api/apps/web/samples",
		"GET", "/api/apps/nope/samples?since=0",
		"GET", "/api/apps/web/samples?since=abc",
		"GET", "/api/apps/web/other",
		"GET", "/nope",
		"GET", "/",
		"HEAD", "/",
		"GET", "/api/apps/..%2Fetc",
		"GET", "/healthz",
		"GET", "/readyz",
		NULL, NULL,
	};
	struct client *cl = client_new(spec);
	struct req *r = cl->reqs;
	json_t *j, *want;

	run_requests(cl);
	/* /metrics */
	assert_int_equal(r[0].status, 200);
	assert_string_equal(r[0].ctype, METRICS_CONTENT_TYPE);
	assert_non_null(strstr(r[0].body, "\ncsup_app_processes{app=\"web\"} 3\n"));
	assert_non_null(strstr(r[0].body, "\ncsup_app_cpu_seconds_total{app=\"web\"} 2.5\n"));
	assert_non_null(strstr(r[0].body, "\ncsup_orphans_killed_total 3\n"));
	assert_non_null(strstr(r[0].body, "\ncsup_leak_restarts_total 2\n"));
	/* HEAD: the same headers, no body */
	assert_int_equal(r[1].status, 200);
	assert_null(r[1].body);
	assert_string_equal(r[1].ctype, METRICS_CONTENT_TYPE);
	assert_true(r[1].clen == (double)r[0].len);
	/* /api/apps is the callback's array, as is */
	assert_int_equal(r[2].status, 200);
	assert_string_equal(r[2].ctype, "application/json");
	j = body_json(&r[2]);
	want = json_loads(apps_json, 0, NULL);
	assert_true(json_equal(j, want));
	json_decref(j);
	json_decref(want);
	/* one app */
	assert_int_equal(r[3].status, 200);
	j = body_json(&r[3]);
	assert_string_equal(json_string_value(json_object_get(j, "name")), "web");
	assert_true(json_is_array(json_object_get(j, "events")));
	json_decref(j);
	expect_error(&r[4], 404, "no such app: nope");
	/* samples, since passed through */
	assert_int_equal(r[5].status, 200);
	j = body_json(&r[5]);
	assert_int_equal(json_array_size(j), 3);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(j, 0), "t")), 3000);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(j, 0), "procs")), 3);
	json_decref(j);
	j = body_json(&r[6]);
	assert_int_equal(json_array_size(j), 5);		/* since defaults to 0 */
	json_decref(j);
	expect_error(&r[7], 404, "no such app: nope");
	expect_error(&r[8], 400, "bad since: abc");
	expect_error(&r[9], 404, "no such path");
	expect_error(&r[10], 404, "no such path: /nope");
	/* the dashboard */
	assert_int_equal(r[11].status, 200);
	assert_string_equal(r[11].ctype, "text/html; charset=utf-8");
	assert_non_null(strstr(r[11].body, "app-row"));
	assert_int_equal(r[12].status, 200);
	assert_null(r[12].body);
	expect_error(&r[13], 404, "no such");
	/* probes: liveness is the loop answering; readiness names who is not */
	assert_int_equal(r[14].status, 200);
	assert_string_equal(r[14].body, "ok\n");
	assert_int_equal(r[15].status, 503);
	j = body_json(&r[15]);
	assert_string_equal(json_string_value(json_object_get(j, "web")),
	    "launching: waiting for READY=1");
	json_decref(j);
	client_free(cl);
}

static void test_methods(void **state)
{
	static const char *const spec[] = {
		"POST", "/metrics",
		"PUT", "/api/apps/web",
		"DELETE", "/api/apps/web",
		"PATCH", "/",
		"OPTIONS", "/api/apps",
		"POST", "/nope",
		"GET", "/api/apps",		/* still serving after all that */
		NULL, NULL,
	};
	struct client *cl = client_new(spec);
	int i;

	run_requests(cl);
	for (i = 0; i < 6; i++) {
		expect_error(&cl->reqs[i], 405, "method not allowed");
		assert_string_equal(cl->reqs[i].allow, "GET, HEAD");
	}
	assert_int_equal(cl->reqs[6].status, 200);
	client_free(cl);
}

static void test_parse_addr(void **state)
{
	static const struct { const char *spec; int want; int family; int port; } rows[] = {
		{ NULL, 0, AF_INET, 9615 },
		{ "", 0, AF_INET, 9615 },
		{ "off", 1, 0, 0 },
		{ "0", 1, 0, 0 },
		{ "127.0.0.1:8080", 0, AF_INET, 8080 },
		{ "0.0.0.0:80", 0, AF_INET, 80 },
		{ ":9000", 0, AF_INET, 9000 },
		{ "9001", 0, AF_INET, 9001 },
		{ "localhost:9002", 0, AF_INET, 9002 },
		{ "[::1]:9003", 0, AF_INET6, 9003 },
		{ "::1:9003", -1, 0, 0 },
		{ "127.0.0.1:", -1, 0, 0 },
		{ "127.0.0.1:70000", -1, 0, 0 },
		{ "127.0.0.1:-1", -1, 0, 0 },
		{ "127.0.0.1:80x", -1, 0, 0 },
		{ "example.com:80", -1, 0, 0 },
		{ "[::1]9003", -1, 0, 0 },
	};
	struct sockaddr_storage ss;
	socklen_t len;
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int r = http_parse_addr(rows[i].spec, &ss, &len);

		if (r != rows[i].want)
			fail_msg("'%s': %d, want %d", rows[i].spec ? rows[i].spec : "(null)",
			    r, rows[i].want);
		if (r != 0)
			continue;
		assert_int_equal(ss.ss_family, rows[i].family);
		assert_int_equal(ntohs(ss.ss_family == AF_INET ?
		    ((struct sockaddr_in *)&ss)->sin_port :
		    ((struct sockaddr_in6 *)&ss)->sin6_port), rows[i].port);
	}
	assert_int_equal(http_parse_addr("127.0.0.1:1", &ss, &len), 0);
	assert_int_equal(((struct sockaddr_in *)&ss)->sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	assert_int_equal(http_parse_addr("9004", &ss, &len), 0);
	assert_int_equal(((struct sockaddr_in *)&ss)->sin_addr.s_addr, htonl(INADDR_LOOPBACK));
}

static void test_busy_and_off(void **state)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct http_server *a = NULL, *b = (struct http_server *)&b;
	char spec[64];

	assert_int_equal(http_start(loop, "off", &fake_cb, &b), 0);
	assert_null(b);
	assert_int_equal(http_start(loop, "127.0.0.1:0", &fake_cb, &a), 0);
	snprintf(spec, sizeof(spec), "127.0.0.1:%d", http_port(a));
	errno = 0;
	assert_int_equal(http_start(loop, spec, &fake_cb, &b), -1);
	assert_int_equal(errno, EADDRINUSE);
	assert_null(b);
	errno = 0;
	assert_int_equal(http_start(loop, "nowhere:1", &fake_cb, &b), -1);
	assert_int_equal(errno, EINVAL);
	http_stop(a);
	http_stop(NULL);
	ev_loop_destroy(loop);
}

/* /healthz is the daemon's liveness, not csup-http's: 503 when the daemon does not answer. */
static void test_healthz_daemon_gone(void **state)
{
	static const char *const spec[] = { "GET", "/healthz", "GET", "/api/apps", NULL, NULL };
	struct client *cl = client_new(spec);

	daemon_alive = false;
	run_requests(cl);
	daemon_alive = true;
	expect_error(&cl->reqs[0], 503, "daemon");
	assert_int_equal(cl->reqs[1].status, 200);
	client_free(cl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_addr),
		cmocka_unit_test(test_routes),
		cmocka_unit_test(test_methods),
		cmocka_unit_test(test_busy_and_off),
		cmocka_unit_test(test_healthz_daemon_gone),
	};
	int r;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	r = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return r;
}
