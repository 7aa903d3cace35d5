/*
 * mem-search: the claude-mem search server, an MCP server over stdio (the
 * default) or Streamable HTTP (--http HOST:PORT). Reads the worker's
 * store read-only; ranks in-process. The only child it ever starts is
 * ctags, for 13's code tools, bounded in time and reaped (smart_ctags.c).
 *
 * main() is the setup checklist: arguments, paths, signals, the store
 * (opened now if it exists, else on the first call), the transport; then
 * close everything and exit 0 on EOF of stdin, SIGTERM or SIGINT.
 */
#include <errno.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "memdb.h"
#include "search.h"

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static void usage(void)
{
	fprintf(stderr, "usage: mem-search [--stdio | --http HOST:PORT] "
	    "[--db PATH] [-v]\n");
	exit(2);
}

struct opts {
	const char	*http;
	const char	*db;
	int		 verbose;
};

static void parse_args(int argc, char **argv, struct opts *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--stdio") == 0)
			o->http = NULL;
		else if (strcmp(argv[i], "--http") == 0 && i + 1 < argc)
			o->http = argv[++i];
		else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			o->db = argv[++i];
		else if (strcmp(argv[i], "-v") == 0)
			o->verbose = 1;
		else if (strcmp(argv[i], "--version") == 0) {
			printf("mem-search %s\n", CSUP_VERSION);
			exit(0);
		} else
			usage();
	}
}

static void setup_paths(struct search_ctx *sc, const struct opts *o)
{
	char tmp[PATH_MAX];

	if (o->db) {
		snprintf(sc->db_path, sizeof(sc->db_path), "%s", o->db);
		snprintf(tmp, sizeof(tmp), "%s", o->db);
		snprintf(sc->data_dir, sizeof(sc->data_dir), "%s", dirname(tmp));
	} else if (memdb_data_dir(sc->data_dir, sizeof(sc->data_dir)) < 0 ||
	    memdb_path(sc->data_dir, sc->db_path, sizeof(sc->db_path)) < 0)
		fatalx("cannot form the data directory: set CLAUDE_MEM_DATA_DIR");
	if (getcwd(sc->cwd, sizeof(sc->cwd)) == NULL)
		snprintf(sc->cwd, sizeof(sc->cwd), "/");
}

/* SIGTERM/SIGINT blocked from here on: the transports wait for them. */
static void setup_signals(sigset_t *sigs)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGPIPE, &sa, NULL) < 0)
		fatal("sigaction");
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) < 0 ||
	    sigaction(SIGINT, &sa, NULL) < 0)
		fatal("sigaction");
	sigemptyset(sigs);
	sigaddset(sigs, SIGTERM);
	sigaddset(sigs, SIGINT);
	if (sigprocmask(SIG_BLOCK, sigs, NULL) < 0)
		fatal("sigprocmask");
}

int main(int argc, char **argv)
{
	struct search_ctx sc;
	struct mcp_server m;
	struct opts o;
	sigset_t sigs;
	char err[512];
	int rc;

	parse_args(argc, argv, &o);
	log_init("mem-search", STDERR_FILENO, o.verbose);
	memset(&sc, 0, sizeof(sc));
	setup_paths(&sc, &o);
	setup_signals(&sigs);
	if (search_open(&sc, err, sizeof(err)) < 0)
		log_warnx("%s (will retry on each call)", err);
	else if (!rank_persistent(sc.rank))
		log_info("%s not writable: vector index kept in memory",
		    sc.data_dir);
	mcp_init(&m, &sc);
	if (o.http) {
		log_info("MCP over HTTP on %s/mcp", o.http);
		rc = httpd_serve(&m, o.http, &sigs, err, sizeof(err));
		if (rc < 0)
			log_warnx("%s", err);
	} else if ((rc = stdio_serve(&m, STDIN_FILENO, STDOUT_FILENO,
	    &stop_flag)) < 0)
		log_warn("stdio");
	search_close(&sc);
	return rc < 0 ? 1 : 0;
}
