/* main.c: csup's entry point: dispatch a command. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "cli.h"
#include "systemd.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: csup COMMAND [ARGS]   ('csup COMMAND --help' for its options)\n"
	    "TARGET: an app's name or id, 'all', an instances group, or an ecosystem FILE;\n"
	    "several may be given (csup stop api 3 jobs)\n");
	cli_usage_all(f);
	fprintf(f, "  %-15s %s\n  %-15s %s\n  %-15s %s\n  %-15s %s\n  %-15s %s\n  %-15s %s\n",
	    "run", "FILE [--only A,B] [--env NAME] [--json]: the apps in the foreground "
	    "(containers)",
	    "check", "validate an ecosystem file without a daemon (--fields: the field table)",
	    "startup", "a systemd unit that resurrects at boot (--install installs it)",
	    "unstartup", "remove what `startup --install` installed",
	    "export", "export systemd: a systemd unit for each app",
	    "daemon", "run the daemon itself (--foreground)");
	fprintf(f, "  -v, --version   as `version`\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return CSUP_EXIT_USAGE;
	}
	if (strcmp(argv[1], "check") == 0)
		return check_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "daemon") == 0 && argc == 3 &&
	    (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0)) {
		printf("usage: csup daemon [--foreground]\n  run the daemon itself "
		    "(what every client command starts when none answers)\n");
		return CSUP_EXIT_OK;
	}
	/* csup run reads FILE here, then becomes csupd (cli_run.c). */
	if (strcmp(argv[1], "run") == 0)
		return cli_run_main(argc - 1, argv + 1);
	/* The daemon's program, csupd, in place of this one (same pid). */
	if (strcmp(argv[1], "daemon") == 0) {
		client_daemon_exec(argv + 2);
		fprintf(stderr, "csup: cannot run the daemon (csupd): %s\n", strerror(errno));
		return CSUP_EXIT_FAIL;
	}
	if (strcmp(argv[1], "startup") == 0)
		return startup_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "unstartup") == 0)
		return unstartup_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "export") == 0)
		return export_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-v") == 0 ||
	    strcmp(argv[1], "-V") == 0)
		argv[1] = "version";
	if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return CSUP_EXIT_OK;
	}
	return cli_main(argc - 1, argv + 1);
}
