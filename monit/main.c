/*
 * main.c: csup-monit, the terminal dashboard (`csup monit` runs it).
 * Setup, then one poll() loop: keys, signals, the reply of an action in
 * flight, the redraw tick ($CSUP_SAMPLE_MS) and a faster look at the logs.
 * Whatever ends the loop (q, SIGINT, SIGTERM, SIGHUP, an error) passes
 * through endwin(), so the terminal is always given back as it was.
 */
#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "paths.h"
#include "monit.h"

#define QUERY_MS	5000
#define LOG_POLL_MS	250
#define LOG_LINES	200

struct monit {
	struct paths	 paths;
	struct model	 m;
	struct ui	 u;
	struct logtail	 t;
	char		 log_app[MONIT_NAME_MAX];	/* whose logs t follows */
	struct wire_call act;				/* fd -1: none in flight */
	char		 act_app[MONIT_NAME_MAX];
	char		 act_op[16];
	int		 sigfd;
	int		 quit_sig;	/* the signal that ended us, 0: none */
	bool		 quit;
	bool		 dirty;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: csup monit\n"
	    "  A full-screen view of every app: state, pid, uptime, restarts, procs, cpu,\n"
	    "  memory, sparklines of the last 5 minutes, and the selected app's logs.\n"
	    "  Keys: up/down or j/k select, r restart, s stop or start, l logs pane on/off,\n"
	    "  q quit. Redraws every $CSUP_SAMPLE_MS (default 2000); honours NO_COLOR.\n");
}

static int64_t sample_period(void)
{
	const char *s = getenv("CSUP_SAMPLE_MS");
	long v = s ? strtol(s, NULL, 10) : 0;

	return v >= 100 ? v : v > 0 ? 100 : 2000;
}

static const char *selected(const struct monit *mo)
{
	return mo->u.sel < mo->m.n ? mo->m.rows[mo->u.sel].name : NULL;
}

static void follow_logs(struct monit *mo)
{
	const char *name = selected(mo);
	json_t *reply, *logs;
	char err[256];

	if (name == NULL || strcmp(name, mo->log_app) == 0)
		return;
	logtail_close(&mo->t);
	snprintf(mo->log_app, sizeof(mo->log_app), "%s", name);
	reply = wire_query(mo->paths.sock, json_pack("{s:s,s:s}", "cmd", "describe",
	    "name", name), QUERY_MS, err, sizeof(err));
	logs = json_object_get(json_object_get(reply, "app"), "logs");
	logtail_open(&mo->t, json_string_value(json_object_get(logs, "out")),
	    json_string_value(json_object_get(logs, "err")), LOG_LINES);
	json_decref(reply);
}

static void fetch_samples(struct monit *mo)
{
	int64_t now = monit_wall_ms(), since = now - MONIT_WINDOW_MS;
	char err[256];
	json_t *reply;

	if (mo->m.since_ms >= since)
		since = mo->m.since_ms + 1;
	reply = wire_query(mo->paths.sock, json_pack("{s:s,s:I}", "cmd", "samples",
	    "since", (json_int_t)since), QUERY_MS, err, sizeof(err));
	model_add_samples(&mo->m, json_object_get(reply, "samples"), now);
	json_decref(reply);
}

/* Status, samples and logs, keeping the selection on the same app. */
static void refresh_data(struct monit *mo)
{
	char keep[MONIT_NAME_MAX], err[256];
	json_t *reply;
	int k;

	snprintf(keep, sizeof(keep), "%s", selected(mo) ?: "");
	reply = wire_query(mo->paths.sock, json_pack("{s:s}", "cmd", "status"), QUERY_MS,
	    err, sizeof(err));
	/* Without a daemon no figure is true any more: show none. */
	if (!(mo->u.connected = reply != NULL))
		model_free(&mo->m);
	if (reply && model_set_status(&mo->m, json_object_get(reply, "apps")) == 0) {
		if ((k = model_find(&mo->m, keep)) >= 0)
			mo->u.sel = (size_t)k;
		else if (mo->u.sel >= mo->m.n)
			mo->u.sel = mo->m.n ? mo->m.n - 1 : 0;
		fetch_samples(mo);
		follow_logs(mo);
	}
	json_decref(reply);
	logtail_poll(&mo->t);
	mo->dirty = true;
}

static void action(struct monit *mo, const char *op)
{
	const char *name = selected(mo);

	if (name == NULL)
		return;
	if (mo->act.fd >= 0) {
		snprintf(mo->u.msg, sizeof(mo->u.msg), "busy: %s %s", mo->act_op, mo->act_app);
		return;
	}
	if (wire_start(&mo->act, mo->paths.sock, json_pack("{s:s,s:s}", "cmd", op, "target",
	    name), 0) == -1) {
		snprintf(mo->u.msg, sizeof(mo->u.msg), "%s %s: %s", op, name, strerror(errno));
		return;
	}
	snprintf(mo->act_app, sizeof(mo->act_app), "%s", name);
	snprintf(mo->act_op, sizeof(mo->act_op), "%s", op);
	snprintf(mo->u.msg, sizeof(mo->u.msg), "%s %s ...", op, name);
}

static void action_done(struct monit *mo, int rc)
{
	json_t *r = mo->act.reply, *it;
	const char *err = NULL, *res;
	size_t i;

	if (rc == -1)
		err = strerror(errno);
	else if (!json_is_true(json_object_get(r, "ok")) && json_object_get(r, "error"))
		err = json_string_value(json_object_get(r, "error"));
	json_array_foreach(json_object_get(r, "results"), i, it)
		if ((res = json_string_value(json_object_get(it, "result"))) &&
		    strcmp(res, "failed") == 0)
			err = json_string_value(json_object_get(it, "error")) ?: "failed";
	if (err)
		snprintf(mo->u.msg, sizeof(mo->u.msg), "%s %s failed: %s", mo->act_op,
		    mo->act_app, err);
	else
		snprintf(mo->u.msg, sizeof(mo->u.msg), "%s %s: done", mo->act_op, mo->act_app);
	wire_close(&mo->act);
	refresh_data(mo);
}

static void stop_or_start(struct monit *mo)
{
	const char *st;

	if (mo->u.sel >= mo->m.n)
		return;
	st = mo->m.rows[mo->u.sel].state;
	action(mo, strcmp(st, "stopped") == 0 || strcmp(st, "errored") == 0 ? "start" : "stop");
}

static void move_sel(struct monit *mo, int by)
{
	if (by < 0 && mo->u.sel > 0)
		mo->u.sel--;
	else if (by > 0 && mo->u.sel + 1 < mo->m.n)
		mo->u.sel++;
	follow_logs(mo);
	mo->dirty = true;
}

static void key(struct monit *mo, int ch)
{
	switch (ch) {
	case KEY_UP: case 'k':
		move_sel(mo, -1);
		break;
	case KEY_DOWN: case 'j':
		move_sel(mo, 1);
		break;
	case 'r':
		action(mo, "restart");
		break;
	case 's':
		stop_or_start(mo);
		break;
	case 'l':
		mo->u.logs_on = !mo->u.logs_on;
		break;
	case 'q': case 'Q':
		mo->quit = true;
		break;
	case 12:	/* ^L */
		clearok(curscr, TRUE);
		break;
	case KEY_RESIZE:
	default:
		break;
	}
	mo->dirty = true;
}

static void read_signal(struct monit *mo)
{
	struct signalfd_siginfo si;

	while (read(mo->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		mo->quit = true;
		mo->quit_sig = (int)si.ssi_signo;
	}
}

static int block_signals(struct monit *mo, sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGQUIT);
	if (sigprocmask(SIG_BLOCK, set, NULL) == -1)
		return -1;
	mo->sigfd = signalfd(-1, set, SFD_CLOEXEC | SFD_NONBLOCK);
	return mo->sigfd == -1 ? -1 : 0;
}

static void loop(struct monit *mo, int64_t period)
{
	int64_t next = 0, next_log = 0, now, wait;
	struct pollfd pfd[3];
	int ch, rc;

	while (!mo->quit) {
		now = monit_mono_ms();
		if (now >= next) {
			refresh_data(mo);
			next = now + period;
		}
		if (now >= next_log) {
			logtail_poll(&mo->t);
			mo->dirty |= mo->t.changed;
			mo->t.changed = false;
			next_log = now + LOG_POLL_MS;
		}
		if (mo->dirty) {
			draw_screen(&mo->u, &mo->m, &mo->t, mo->log_app[0] ? mo->log_app : NULL);
			mo->dirty = false;
		}
		wait = (next < next_log ? next : next_log) - now;
		pfd[0] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = mo->sigfd, .events = POLLIN };
		pfd[2] = (struct pollfd){ .fd = mo->act.fd,
		    .events = mo->act.fd >= 0 ? wire_events(&mo->act) : 0 };
		if (poll(pfd, 3, wait > 0 ? (int)wait : 0) == -1 && errno != EINTR)
			break;
		read_signal(mo);
		while (!mo->quit && (ch = getch()) != ERR)
			key(mo, ch);
		if (mo->act.fd >= 0 && (rc = wire_step(&mo->act)) != 0)
			action_done(mo, rc);
	}
}

/* Checks that a daemon answers before the screen is taken. */
static int preflight(struct monit *mo)
{
	char err[256];
	json_t *reply;

	if (paths_init(&mo->paths, false) == -1) {
		fprintf(stderr, "csup monit: bad CSUP_HOME: %s\n", strerror(errno));
		return -1;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "csup monit: needs a terminal (stdin and stdout)\n");
		goto fail;
	}
	reply = wire_query(mo->paths.sock, json_pack("{s:s}", "cmd", "ping"), QUERY_MS,
	    err, sizeof(err));
	if (reply == NULL) {
		fprintf(stderr, "csup monit: no daemon answers at %s%s%s\n", mo->paths.sock,
		    err[0] ? ": " : "", err);
		goto fail;
	}
	json_decref(reply);
	return 0;
fail:
	paths_free(&mo->paths);
	return -1;
}

/* The home for the title, ~ for $HOME as a shell writes it. */
static void show_home(struct monit *mo)
{
	const char *home = getenv("HOME"), *p = mo->paths.home;
	size_t n = home ? strlen(home) : 0;

	if (n > 1 && strncmp(p, home, n) == 0 && p[n] == '/')
		snprintf(mo->u.home, sizeof(mo->u.home), "~%s", p + n);
	else
		snprintf(mo->u.home, sizeof(mo->u.home), "%s", p);
}

static SCREEN *screen_start(struct monit *mo)
{
	SCREEN *scr = newterm(NULL, stdout, stdin);

	if (scr == NULL)
		return NULL;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	draw_init_colours(&mo->u);
	return scr;
}

int main(int argc, char **argv)
{
	struct monit mo = { .sigfd = -1 };
	const char *cs;
	sigset_t set;
	SCREEN *scr;

	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		usage(stdout);
		return CSUP_EXIT_OK;
	}
	if (argc > 1) {
		fprintf(stderr, "csup monit: unexpected argument '%s'\n", argv[1]);
		return CSUP_EXIT_USAGE;
	}
	setlocale(LC_ALL, "");
	cs = nl_langinfo(CODESET);
	mo.u.utf8 = cs && strcmp(cs, "UTF-8") == 0;
	mo.act.fd = -1;
	logtail_close(&mo.t);	/* an empty tail: no fd */
	mo.u.sample_ms = sample_period();
	if (preflight(&mo) == -1)
		return CSUP_EXIT_FAIL;
	show_home(&mo);
	if (block_signals(&mo, &set) == -1) {
		fprintf(stderr, "csup monit: signals: %s\n", strerror(errno));
		paths_free(&mo.paths);
		return CSUP_EXIT_FAIL;
	}
	if ((scr = screen_start(&mo)) == NULL) {
		fprintf(stderr, "csup monit: cannot use this terminal (TERM=%s)\n",
		    getenv("TERM") ?: "");
		paths_free(&mo.paths);
		return CSUP_EXIT_FAIL;
	}
	loop(&mo, mo.u.sample_ms);
	endwin();
	delscreen(scr);
	wire_close(&mo.act);
	logtail_close(&mo.t);
	model_free(&mo.m);
	paths_free(&mo.paths);
	close(mo.sigfd);
	if (mo.quit_sig != 0) {
		/* Die of the signal, as the shell expects, now that the terminal is back. */
		signal(mo.quit_sig, SIG_DFL);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		raise(mo.quit_sig);
	}
	return mo.quit ? CSUP_EXIT_OK : CSUP_EXIT_FAIL;
}
