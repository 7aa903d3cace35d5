/*
 * test_csup_ctl.c: the control socket's server on its own, with callbacks
 * that know nothing of apps: frames in, replies out (at once or later), a
 * client's pending object handed back when it goes away, bad frames and
 * idle clients closed, `kill` replies only to the marked clients.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "ctl.h"
#include "evtest.h"
#include "proto.h"

struct fixture {
	struct ev_loop	*loop;
	struct ctl	 ctl;
	char		 dir[64];
	char		 path[96];
	int		 fds0;
	/* what the callbacks saw */
	int		 frames, closes;
	struct ctl_conn	*last;
	void		*closed_pending;
	bool		 defer;		/* on_frame keeps the conn, replies later */
	bool		 mark_kill;
};

static void on_frame(void *ctx, struct ctl_conn *c, json_t *msg)
{
	struct fixture *f = ctx;
	const char *cmd = json_string_value(json_object_get(msg, "cmd"));

	f->frames++;
	f->last = c;
	if (f->mark_kill) {
		ctl_mark_kill(c);
		return;
	}
	if (f->defer) {
		ctl_set_pending(c, f);
		return;
	}
	ctl_reply(c, json_pack("{s:b,s:s}", "ok", 1, "echo", cmd ? cmd : ""));
}

static void on_close(void *ctx, struct ctl_conn *c)
{
	struct fixture *f = ctx;

	f->closes++;
	f->closed_pending = ctl_pending(c);
	if (f->last == c)
		f->last = NULL;
}

static const struct ctl_ops ops = { on_frame, on_close };

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	strcpy(f->dir, "/tmp/csup-ctl-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/sock", f->dir);
	f->loop = ev_loop_new(EVFLAG_AUTO);
	f->fds0 = evtest_fds();
	ctl_init(&f->ctl);
	if (ctl_open(&f->ctl, f->loop, f->path, &ops, f) == -1)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	ctl_close(&f->ctl);
	ev_loop_destroy(f->loop);
	unlink(f->path);
	rmdir(f->dir);
	free(f);
	unsetenv("CSUP_CTL_IDLE_MS");
	return 0;
}

static int client(const struct fixture *f)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = 10 };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	strcpy(sun.sun_path, f->path);
	assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	return fd;
}

static void send_msg(int fd, const char *cmd)
{
	json_t *m = json_pack("{s:s}", "cmd", cmd);
	size_t len;
	char *buf = proto_encode(m, &len);

	assert_non_null(buf);
	assert_int_equal(send(fd, buf, len, MSG_NOSIGNAL), (ssize_t)len);
	free(buf);
	json_decref(m);
}

struct reader {
	struct fixture	*f;
	int		 fd;
	json_t		*msg;
	bool		 eof;
};

/* Reads what is there without blocking; true once a frame or EOF came. */
static bool got_reply(void *arg)
{
	struct reader *r = arg;
	struct proto_reader rd = { 0 };
	char buf[4096], err[256];
	size_t used;
	ssize_t n = recv(r->fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_PEEK);

	if (n == 0) {
		r->eof = true;
		return true;
	}
	if (n < 4)
		return false;
	if (proto_feed(&rd, buf, (size_t)n, &used, &r->msg, err, sizeof(err)) != 1) {
		proto_reader_reset(&rd);
		return false;
	}
	(void)!recv(r->fd, buf, used, 0);
	return true;
}

/* Runs the loop until fd has a reply (returned) or is closed (NULL). */
static json_t *reply_of(struct fixture *f, int fd)
{
	struct reader r = { f, fd, NULL, false };

	assert_true(evtest_run(f->loop, got_reply, &r, 10));
	return r.msg;
}

static bool frames_at_least(void *arg)
{
	struct fixture *f = arg;

	return f->frames >= 1;
}

static bool closed_once(void *arg)
{
	struct fixture *f = arg;

	return f->closes >= 1;
}

static void test_socket_mode(void **state)
{
	struct fixture *f = *state;
	struct stat st;

	assert_int_equal(stat(f->path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);
}

static void test_reply_at_once(void **state)
{
	struct fixture *f = *state;
	int fd = client(f);
	json_t *r;

	send_msg(fd, "one");
	r = reply_of(f, fd);
	assert_non_null(r);
	assert_string_equal(json_string_value(json_object_get(r, "echo")), "one");
	json_decref(r);
	/* The same client goes on: the next frame is read after the reply. */
	send_msg(fd, "two");
	r = reply_of(f, fd);
	assert_non_null(r);
	assert_string_equal(json_string_value(json_object_get(r, "echo")), "two");
	assert_int_equal(f->frames, 2);
	json_decref(r);
	close(fd);
	assert_true(evtest_run(f->loop, closed_once, f, 10));
	assert_null(f->closed_pending);
}

static void test_reply_later(void **state)
{
	struct fixture *f = *state;
	int fd = client(f);
	json_t *r;

	f->defer = true;
	send_msg(fd, "slow");
	assert_true(evtest_run(f->loop, frames_at_least, f, 10));
	assert_ptr_equal(ctl_pending(f->last), f);
	/* Nothing more is read while the request is being answered. */
	send_msg(fd, "queued");
	evtest_spin(f->loop, 0.1);
	assert_int_equal(f->frames, 1);
	ctl_reply(f->last, json_pack("{s:b}", "ok", 1));
	assert_null(ctl_pending(f->last));
	r = reply_of(f, fd);
	assert_non_null(r);
	assert_true(json_is_true(json_object_get(r, "ok")));
	json_decref(r);
	/* The queued frame is read now. */
	evtest_spin(f->loop, 0.1);
	assert_int_equal(f->frames, 2);
	close(fd);
}

static void test_close_hands_back_pending(void **state)
{
	struct fixture *f = *state;
	int fd = client(f);

	f->defer = true;
	send_msg(fd, "slow");
	assert_true(evtest_run(f->loop, frames_at_least, f, 10));
	close(fd);
	/* The server reads nothing while answering: ctl_close() finds it. */
	ctl_close(&f->ctl);
	assert_int_equal(f->closes, 1);
	assert_ptr_equal(f->closed_pending, f);
	assert_int_equal(access(f->path, F_OK), -1);
	assert_int_equal(evtest_fds(), f->fds0);
}

static void test_oversized_frame_closes(void **state)
{
	struct fixture *f = *state;
	int fd = client(f), other = client(f);
	unsigned char hdr[4] = { 0, 0x80, 0, 1 };	/* one over the maximum */
	json_t *r;

	assert_int_equal(send(fd, hdr, sizeof(hdr), MSG_NOSIGNAL), 4);
	assert_null(reply_of(f, fd));
	assert_int_equal(f->frames, 0);
	assert_int_equal(f->closes, 1);
	/* Only that client. */
	send_msg(other, "still");
	r = reply_of(f, other);
	assert_non_null(r);
	json_decref(r);
	close(fd);
	close(other);
}

static void test_idle_client_closed(void **state)
{
	struct fixture *f = *state;
	int fd;

	setenv("CSUP_CTL_IDLE_MS", "100", 1);
	fd = client(f);
	/* Half a header, then nothing. */
	assert_int_equal(send(fd, "\0\0", 2, MSG_NOSIGNAL), 2);
	assert_null(reply_of(f, fd));
	assert_int_equal(f->closes, 1);
	assert_int_equal(f->frames, 0);
	close(fd);
}

static void test_kill_replies_marked_only(void **state)
{
	struct fixture *f = *state;
	int killer = client(f), bystander = client(f);
	json_t *bye = json_pack("{s:b,s:s}", "ok", 1, "bye", "now");
	struct reader r = { f, bystander, NULL, false };
	json_t *got;

	f->mark_kill = true;
	send_msg(killer, "kill");
	assert_true(evtest_run(f->loop, frames_at_least, f, 10));
	/* A marked client hears nothing until the kill replies. */
	evtest_spin(f->loop, 0.1);
	assert_false(got_reply(&(struct reader){ f, killer, NULL, false }));
	ctl_unlisten(&f->ctl);
	assert_int_equal(access(f->path, F_OK), -1);
	ctl_kill_replies(&f->ctl, bye);
	json_decref(bye);
	got = reply_of(f, killer);
	assert_non_null(got);
	assert_string_equal(json_string_value(json_object_get(got, "bye")), "now");
	json_decref(got);
	assert_false(got_reply(&r));
	close(killer);
	close(bystander);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_socket_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_at_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_later, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_hands_back_pending, setup, teardown),
		cmocka_unit_test_setup_teardown(test_oversized_frame_closes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idle_client_closed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kill_replies_marked_only, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
