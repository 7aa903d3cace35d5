/* test_csup_health.c: health.c against a local libmicrohttpd server and sockets. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <ev.h>
#include <microhttpd.h>

#include "evtest.h"
#include "health.h"

#define SLOW_MS 700

static atomic_int failing;	/* /flip: 200 while 0, 503 after */

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload, size_t *upload_len,
    void **con_cls)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	unsigned code = MHD_HTTP_OK;

	if (strcmp(url, "/fail") == 0)
		code = MHD_HTTP_INTERNAL_SERVER_ERROR;
	else if (strcmp(url, "/redirect") == 0)
		code = MHD_HTTP_FOUND;
	else if (strcmp(url, "/missing") == 0)
		code = MHD_HTTP_NOT_FOUND;
	else if (strcmp(url, "/flip") == 0 && atomic_load(&failing))
		code = MHD_HTTP_SERVICE_UNAVAILABLE;
	else if (strcmp(url, "/slow") == 0)
		usleep(SLOW_MS * 1000);		/* this connection's own thread */
	r = MHD_create_response_from_buffer(2, (void *)"ok", MHD_RESPMEM_PERSISTENT);
	if (code == MHD_HTTP_FOUND)
		MHD_add_response_header(r, "Location", "/elsewhere");
	ret = MHD_queue_response(c, code, r);
	MHD_destroy_response(r);
	return ret;
}

struct fx {
	int		 fds;	/* open at setup */
	struct ev_loop		*loop;
	struct MHD_Daemon	*mhd;
	struct health		*h;
	unsigned		 port;
	int			 failures;
	char			 why[160];
	bool			 free_in_cb;
};

/* libcurl, loaded once for the whole group (health_lib_open). */
static struct health_lib *curl;

static void on_failure(const char *why, void *arg)
{
	struct fx *f = arg;

	f->failures++;
	snprintf(f->why, sizeof(f->why), "%s", why);
	if (f->free_in_cb) {
		health_free(f->h);
		f->h = NULL;
	}
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	const union MHD_DaemonInfo *info;

	assert_non_null(f);
	atomic_store(&failing, 0);
	f->loop = ev_loop_new(EVFLAG_AUTO);
	f->fds = evtest_fds();
	f->mhd = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD,
	    0, NULL, NULL, answer, NULL,
	    MHD_OPTION_LISTENING_ADDRESS_REUSE, 0, MHD_OPTION_END);
	assert_non_null(f->mhd);
	info = MHD_get_daemon_info(f->mhd, MHD_DAEMON_INFO_BIND_PORT);
	assert_non_null(info);
	f->port = info->port;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	health_free(f->h);
	MHD_stop_daemon(f->mhd);
	assert_int_equal(evtest_fds(), f->fds);	/* nothing leaked */
	ev_loop_destroy(f->loop);
	free(f);
	return 0;
}

static void start(struct fx *f, const char *path, const char *tcp, int64_t interval,
    int64_t timeout, int retries)
{
	char url[128];
	struct health_params hp = {
		.lib = curl, .interval_ms = interval, .timeout_ms = timeout, .retries = retries,
		.on_failure = on_failure, .arg = f,
	};

	if (path != NULL) {
		snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", f->port, path);
		hp.url = url;
	}
	hp.tcp = tcp;
	f->h = health_new(f->loop, &hp);
	assert_non_null(f->h);
	assert_false(health_last(f->h)->known);
	health_start(f->h);
}

static bool failed(void *arg)
{
	return ((struct fx *)arg)->failures > 0;
}

struct checks {
	struct fx	*f;
	uint64_t	 n;
};

static bool checks_done(void *arg)
{
	struct checks *c = arg;

	return c->f->h != NULL && health_last(c->f->h)->checks >= c->n;
}

static void wait_checks(struct fx *f, uint64_t n)
{
	struct checks c = { f, n };

	assert_true(evtest_run(f->loop, checks_done, &c, 5.));
}

static void test_http_ok(void **state)
{
	struct fx *f = *state;
	const struct health_result *r;

	start(f, "/ok", NULL, 40, 1000, 1);
	wait_checks(f, 3);
	r = health_last(f->h);
	assert_true(r->known);
	assert_true(r->ok);
	assert_string_equal(r->text, "HTTP 200");
	assert_int_equal(r->failures, 0);
	assert_true(r->latency_ms >= 0 && r->latency_ms < 1000);
	assert_int_equal(f->failures, 0);
}

static void test_http_redirect_is_ok(void **state)
{
	struct fx *f = *state;

	start(f, "/redirect", NULL, 40, 1000, 1);
	wait_checks(f, 1);
	assert_true(health_last(f->h)->ok);
	assert_string_equal(health_last(f->h)->text, "HTTP 302");
}

static void test_http_500_after_retries(void **state)
{
	struct fx *f = *state;

	start(f, "/fail", NULL, 30, 1000, 3);
	assert_true(evtest_run(f->loop, failed, f, 5.));
	assert_string_equal(f->why, "HTTP 500");
	assert_int_equal(health_last(f->h)->checks, 3);	/* not before the 3rd */
	assert_int_equal(health_last(f->h)->failures, 3);
	evtest_spin(f->loop, 0.2);				/* stopped itself */
	assert_int_equal(health_last(f->h)->checks, 3);
	assert_int_equal(f->failures, 1);
}

static void test_http_404_fails(void **state)
{
	struct fx *f = *state;

	start(f, "/missing", NULL, 30, 1000, 1);
	assert_true(evtest_run(f->loop, failed, f, 5.));
	assert_string_equal(f->why, "HTTP 404");
}

static void test_begins_failing(void **state)
{
	struct fx *f = *state;

	start(f, "/flip", NULL, 30, 1000, 2);
	wait_checks(f, 3);
	assert_int_equal(f->failures, 0);
	atomic_store(&failing, 1);
	assert_true(evtest_run(f->loop, failed, f, 5.));
	assert_string_equal(f->why, "HTTP 503");
	assert_true(health_last(f->h)->checks >= 5);
	/* health_start after the restart: counting anew. */
	atomic_store(&failing, 0);
	health_start(f->h);
	assert_int_equal(health_last(f->h)->failures, 0);
	wait_checks(f, health_last(f->h)->checks + 1);
	assert_true(health_last(f->h)->ok);
}

static void test_slow_is_timeout(void **state)
{
	struct fx *f = *state;
	double t0 = ev_time();

	start(f, "/slow", NULL, 20, 150, 1);
	assert_true(evtest_run(f->loop, failed, f, 5.));
	assert_string_equal(f->why, "timeout after 150 ms");
	assert_true(health_last(f->h)->latency_ms >= 140);
	assert_true(health_last(f->h)->latency_ms < SLOW_MS);
	assert_true(ev_time() - t0 < SLOW_MS / 1000.);
}

static int listener(unsigned *port, bool keep)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(s >= 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&sa, &len), 0);
	*port = ntohs(sa.sin_port);
	if (keep) {
		assert_int_equal(listen(s, 8), 0);
		return s;
	}
	close(s);	/* bound, never listened: the port now refuses */
	return -1;
}

static void test_tcp_connected(void **state)
{
	struct fx *f = *state;
	char tcp[64];
	unsigned port;
	int s = listener(&port, true);

	snprintf(tcp, sizeof(tcp), "127.0.0.1:%u", port);
	start(f, NULL, tcp, 30, 1000, 1);
	wait_checks(f, 2);
	assert_true(health_last(f->h)->ok);
	assert_string_equal(health_last(f->h)->text, "connected");
	close(s);
}

static void test_tcp_refused(void **state)
{
	struct fx *f = *state;
	char tcp[64];
	unsigned port;

	(void)listener(&port, false);
	snprintf(tcp, sizeof(tcp), "127.0.0.1:%u", port);
	start(f, NULL, tcp, 30, 1000, 2);
	assert_true(evtest_run(f->loop, failed, f, 5.));
	assert_string_equal(f->why, "connection refused");
	assert_int_equal(health_last(f->h)->checks, 2);
}

static void test_http_refused(void **state)
{
	struct fx *f = *state;
	unsigned port;

	(void)listener(&port, false);
	f->port = port;
	start(f, "/ok", NULL, 30, 1000, 1);
	assert_true(evtest_run(f->loop, failed, f, 5.));
	assert_string_equal(f->why, "connection refused");
}

static void test_stop_in_flight(void **state)
{
	struct fx *f = *state;

	start(f, "/slow", NULL, 20, 2000, 1);
	evtest_spin(f->loop, 0.1);		/* a check is in flight */
	health_stop(f->h);
	evtest_spin(f->loop, 0.2);
	assert_int_equal(f->failures, 0);
	assert_false(health_last(f->h)->known);	/* abandoned, not counted */
}

static void test_free_in_callback(void **state)
{
	struct fx *f = *state;

	f->free_in_cb = true;
	start(f, "/fail", NULL, 20, 1000, 1);
	assert_true(evtest_run(f->loop, failed, f, 5.));
	assert_null(f->h);
}

static void test_bad_params(void **state)
{
	struct fx *f = *state;
	struct health_params hp = { .lib = curl, .url = "http://127.0.0.1:1/",
		.tcp = "127.0.0.1:1", .interval_ms = 10, .timeout_ms = 10, .retries = 1,
		.on_failure = on_failure };

	assert_null(health_new(f->loop, &hp));
	assert_int_equal(errno, EINVAL);
	hp.tcp = NULL;
	hp.retries = 0;
	assert_null(health_new(f->loop, &hp));
	assert_int_equal(errno, EINVAL);
	hp.retries = 1;
	hp.lib = NULL;		/* libcurl not loaded */
	assert_null(health_new(f->loop, &hp));
	assert_int_equal(errno, EINVAL);
}

static int group_setup(void **state)
{
	char err[256];

	signal(SIGPIPE, SIG_IGN);
	if ((curl = health_lib_open(err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	health_lib_close(curl);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_http_ok, setup, teardown),
		cmocka_unit_test_setup_teardown(test_http_redirect_is_ok, setup, teardown),
		cmocka_unit_test_setup_teardown(test_http_500_after_retries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_http_404_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_begins_failing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slow_is_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tcp_connected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tcp_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_http_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_in_flight, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_in_callback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_params, setup, teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
