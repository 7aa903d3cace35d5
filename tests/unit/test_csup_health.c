/*
 * test_csup_health.c: health.c and its hub against the real csup-health
 * (from CSUP_BIN_DIR), a local libmicrohttpd server and sockets; the hub
 * also against a helper that never answers and one killed mid-check.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
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
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <ev.h>
#include <microhttpd.h>

#include "evtest.h"
#include "health.h"
#include "health_hub.h"
#include "proto.h"

#define SLOW_MS 700
#define MARGIN_MS 1000	/* the hub's: a reply later than timeout + this is lost */

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
	struct health_hub	*hub;
	struct health		*h;
	struct health		*h2;	/* a second checker, where one is needed */
	unsigned		 port;
	int			 failures;
	char			 why[160];
	bool			 free_in_cb;
	/* The helper, as the daemon's healthlink.c runs it (or a fake that never answers). */
	bool			 fake;
	pid_t			 helper;
	int			 peer;	/* the fake's end */
	int			 wants, unwants, broken;
	char			 broken_why[160];
};

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

static void helper_start(struct fx *f)
{
	const char *bin = getenv("CSUP_BIN_DIR");
	char path[4096];
	int sv[2];
	pid_t pid;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv), 0);
	if (f->fake) {
		f->peer = sv[1];
		health_hub_attach(f->hub, sv[0]);
		return;
	}
	assert_non_null(bin);
	snprintf(path, sizeof(path), "%s/csup-health", bin);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (sv[1] == 3 ? fcntl(3, F_SETFD, 0) == -1 : dup2(sv[1], 3) == -1)
			_exit(127);
		execl(path, "csup-health", (char *)NULL);
		_exit(127);
	}
	close(sv[1]);
	f->helper = pid;
	health_hub_attach(f->hub, sv[0]);
}

static void helper_stop(struct fx *f)
{
	health_hub_detach(f->hub);
	if (f->helper > 0) {
		kill(f->helper, SIGKILL);
		(void)waitpid(f->helper, NULL, 0);
		f->helper = 0;
	}
	if (f->peer >= 0)
		close(f->peer);
	f->peer = -1;
}

static void hub_want(void *arg, bool on)
{
	struct fx *f = arg;

	if (on) {
		f->wants++;
		helper_start(f);
	} else {
		f->unwants++;
		helper_stop(f);
	}
}

/* As the daemon: that helper ends, a new one starts (the fake: none). */
static void hub_broken(void *arg, const char *why)
{
	struct fx *f = arg;

	f->broken++;
	snprintf(f->broken_why, sizeof(f->broken_why), "%s", why);
	helper_stop(f);
	if (!f->fake)
		helper_start(f);
}

static const struct health_hub_ops hub_ops = { hub_want, hub_broken };

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
	f->peer = -1;
	f->hub = health_hub_new(f->loop, MARGIN_MS, &hub_ops, f);
	assert_non_null(f->hub);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	health_free(f->h);
	health_free(f->h2);
	assert_int_equal(f->helper, 0);		/* the last checker ended it */
	health_hub_free(f->hub);
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
		.hub = f->hub, .interval_ms = interval, .timeout_ms = timeout, .retries = retries,
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

static bool h2_checked(void *arg)
{
	return health_last(((struct fx *)arg)->h2)->checks > 0;
}

/* csup-health up and answering (a checker of /ok as f->h2): timings from here are the checks'. */
static void helper_ready(struct fx *f)
{
	char url[128];
	struct health_params hp = {
		.hub = f->hub, .url = url, .interval_ms = 10, .timeout_ms = 5000,
		.retries = 1, .on_failure = on_failure, .arg = f,
	};

	snprintf(url, sizeof(url), "http://127.0.0.1:%u/ok", f->port);
	f->h2 = health_new(f->loop, &hp);
	assert_non_null(f->h2);
	health_start(f->h2);
	assert_true(evtest_run(f->loop, h2_checked, f, 10.));
	health_stop(f->h2);
}

static void test_slow_is_timeout(void **state)
{
	struct fx *f = *state;
	double t0;

	helper_ready(f);
	t0 = ev_time();
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
	struct health_params hp = { .hub = f->hub, .url = "http://127.0.0.1:1/",
		.tcp = "127.0.0.1:1", .interval_ms = 10, .timeout_ms = 10, .retries = 1,
		.on_failure = on_failure };

	assert_null(health_new(f->loop, &hp));
	assert_int_equal(errno, EINVAL);
	hp.tcp = NULL;
	hp.retries = 0;
	assert_null(health_new(f->loop, &hp));
	assert_int_equal(errno, EINVAL);
	hp.retries = 1;
	hp.hub = NULL;		/* no link to csup-health */
	assert_null(health_new(f->loop, &hp));
	assert_int_equal(errno, EINVAL);
	assert_int_equal(f->wants, 0);	/* no checker: no helper */
}

static bool helper_restarted(void *arg)
{
	struct fx *f = arg;

	return f->broken > 0 && f->helper > 0;
}

/* csup-health killed with a check in flight: nothing counted, checks go on. */
static void test_helper_killed_in_flight(void **state)
{
	struct fx *f = *state;

	start(f, "/slow", NULL, 20, 5000, 1);
	assert_int_equal(f->wants, 1);
	assert_true(f->helper > 0);
	evtest_spin(f->loop, 0.2);		/* a check is in flight */
	assert_false(health_last(f->h)->known);
	assert_int_equal(kill(f->helper, SIGKILL), 0);
	assert_true(evtest_run(f->loop, helper_restarted, f, 5.));
	assert_string_equal(f->broken_why, "it closed its end");
	assert_int_equal(f->failures, 0);
	assert_false(health_last(f->h)->known);	/* abandoned, not counted */
	wait_checks(f, 1);			/* the new helper's */
	assert_true(health_last(f->h)->ok);
	assert_string_equal(health_last(f->h)->text, "HTTP 200");
	assert_int_equal(health_last(f->h)->failures, 0);
}

static bool was_broken(void *arg)
{
	return ((struct fx *)arg)->broken > 0;
}

/* A helper that reads but never answers: each check is bounded on this side. */
static void test_stuck_helper_is_bounded(void **state)
{
	struct fx *f = *state;
	double t0;

	f->fake = true;
	t0 = ev_time();
	start(f, "/ok", NULL, 30, 100, 1);
	assert_true(evtest_run(f->loop, was_broken, f, 5.));
	/* timeout 100 ms + the margin, not a check's interval nor forever */
	assert_true(ev_time() - t0 >= (100 + MARGIN_MS) / 1000.);
	assert_true(ev_time() - t0 < 4.);
	assert_string_equal(f->broken_why, "no answer to a check within 1100 ms");
	assert_int_equal(f->failures, 0);
	assert_false(health_last(f->h)->known);
	evtest_spin(f->loop, 0.2);		/* no helper: checks skipped, not failed */
	assert_int_equal(f->failures, 0);
	assert_false(health_last(f->h)->known);
}

/* A helper out of step (a bad frame) is broken: its check is abandoned, not failed. */
static void test_garbled_reply(void **state)
{
	struct fx *f = *state;
	static const char junk[] = "\xff\xff\xff\xff{}";

	f->fake = true;
	start(f, "/ok", NULL, 30, 1000, 1);
	evtest_spin(f->loop, 0.1);		/* the request is out */
	assert_int_equal(write(f->peer, junk, sizeof(junk) - 1), (ssize_t)sizeof(junk) - 1);
	assert_true(evtest_run(f->loop, was_broken, f, 5.));
	assert_string_equal(f->broken_why, "frame length out of range");
	assert_int_equal(f->failures, 0);
	assert_false(health_last(f->h)->known);
}

/* What the daemon sends: one frame a check, as healthproto.h says. */
static void test_request_on_the_wire(void **state)
{
	struct fx *f = *state;
	struct proto_reader r = { 0 };
	struct hproto_req q;
	char buf[512], err[160], url[128];
	size_t used;
	json_t *msg = NULL;
	ssize_t n;

	f->fake = true;
	start(f, "/ok", NULL, 30, 250, 1);
	evtest_spin(f->loop, 0.1);
	n = read(f->peer, buf, sizeof(buf));
	assert_true(n > 4);
	assert_int_equal(proto_feed(&r, buf, (size_t)n, &used, &msg, err, sizeof(err)), 1);
	assert_int_equal(hproto_req_unpack(msg, &q, err, sizeof(err)), 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/ok", f->port);
	assert_string_equal(q.url, url);
	assert_null(q.tcp);
	assert_int_equal(q.timeout_ms, 250);
	assert_true(q.id > 0);
	json_decref(msg);
	proto_reader_reset(&r);
}

/* One slow check never holds up another: both run in the one helper. */
static void test_checks_run_side_by_side(void **state)
{
	struct fx *f = *state;
	char url[128];
	struct health_params hp = {
		.hub = f->hub, .url = url, .interval_ms = 30, .timeout_ms = 5000,
		.retries = 1, .on_failure = on_failure, .arg = f,
	};

	start(f, "/slow", NULL, 20, 5000, 1);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/ok", f->port);
	f->h2 = health_new(f->loop, &hp);
	assert_non_null(f->h2);
	health_start(f->h2);
	assert_int_equal(f->wants, 1);		/* one helper for every checker */
	wait_checks(f, 1);			/* /slow: SLOW_MS */
	assert_true(health_last(f->h)->ok);
	/* Meanwhile /ok was checked again and again, not queued behind it. */
	assert_true(health_last(f->h2)->checks >= 3);
	assert_true(health_last(f->h2)->ok);
	health_free(f->h2);
	f->h2 = NULL;
	assert_int_equal(f->unwants, 0);	/* f->h still checks */
	health_free(f->h);
	f->h = NULL;
	assert_int_equal(f->unwants, 1);	/* the last checker: the helper ends */
	assert_int_equal(f->helper, 0);
}

static int group_setup(void **state)
{
	signal(SIGPIPE, SIG_IGN);
	if (getenv("CSUP_BIN_DIR") == NULL) {
		fprintf(stderr, "CSUP_BIN_DIR: where csup-health is\n");
		return -1;
	}
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
		cmocka_unit_test_setup_teardown(test_helper_killed_in_flight, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stuck_helper_is_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_request_on_the_wire, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbled_reply, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checks_run_side_by_side, setup, teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
