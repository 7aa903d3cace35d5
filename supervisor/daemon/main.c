/*
 * main.c: csupd, the daemon of one csup home: `csupd [--foreground]` (what
 * `csup daemon` and every auto-start run) or `csupd run --apps-fd=N` (what
 * `csup run` becomes once it has read FILE: the daemon in the foreground for
 * a container, the apps on fd N).
 */
#include <string.h>

#include "run.h"
#include "serve.h"

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "run") == 0)
		return run_main(argc - 1, argv + 1);
	return daemon_main(argc, argv);
}
