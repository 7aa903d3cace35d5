/* main.c: csup's entry point: dispatch a command. */
#include <stdio.h>
#include <string.h>

#include "check.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: csup COMMAND [ARGS]\n"
	    "  check FILE [--json] [--strict] [--env NAME]\n"
	    "  version\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "check") == 0)
		return check_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "version") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("csup %s\n", CSUP_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "csup: unknown command '%s' (try 'csup --help')\n", argv[1]);
	return 2;
}
