/* main.c: csup's entry point: dispatch a command. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "cli.h"
#include "systemd.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: csup COMMAND [ARGS]\n"
	    "  start FILE [--only A,B] [--env NAME]   start the apps of an ecosystem file\n"
	    "  start CMD --name N [-- ARGS]           start one command as an app\n"
	    "  stop|restart|delete NAME|all           (restart --update-env: take this environment)\n"
	    "  reload FILE [--env NAME]               apply a changed ecosystem file\n"
	    "  status [--json]                        (also: list, ls)\n"
	    "  describe NAME [--json]\n"
	    "  logs [NAME] [--lines N] [--follow]\n"
	    "  resurrect                              start what ran when the daemon last stopped\n"
	    "  kill                                   stop every app, then the daemon\n"
	    "  monit                                  a full-screen terminal dashboard\n"
	    "  ping [--no-start]                      print the daemon's pid\n"
	    "  check FILE [--json] [--strict] [--env NAME]   (--fields: the field table)\n"
	    "  startup [--install]                    a systemd unit that resurrects at boot\n"
	    "  export systemd                         a systemd unit for each app\n"
	    "  run FILE [--only A,B] [--env NAME] [--json]\n"
	    "                                         the apps in the foreground (containers)\n"
	    "  daemon [--foreground]\n"
	    "  version\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return CSUP_EXIT_USAGE;
	}
	if (strcmp(argv[1], "check") == 0)
		return check_main(argc - 1, argv + 1);
	/* The daemon's program, csupd, in place of this one (same pid). */
	if (strcmp(argv[1], "daemon") == 0 || strcmp(argv[1], "run") == 0) {
		client_daemon_exec(argv + (strcmp(argv[1], "run") == 0 ? 1 : 2));
		fprintf(stderr, "csup: cannot run the daemon (csupd): %s\n", strerror(errno));
		return CSUP_EXIT_FAIL;
	}
	if (strcmp(argv[1], "startup") == 0)
		return startup_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "export") == 0)
		return export_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "--version") == 0)
		argv[1] = "version";
	if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return CSUP_EXIT_OK;
	}
	return cli_main(argc - 1, argv + 1);
}
