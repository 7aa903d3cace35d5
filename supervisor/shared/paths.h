/*
 * paths.h: where one csup home keeps its files (client and daemon).
 *
 * Functions returning int return 0, or -1 with errno set unless their
 * comment says they fill an error buffer; they do not log.
 */
#ifndef CSUP_PATHS_H
#define CSUP_PATHS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"

/* Exit codes of the programs. */
#define CSUP_EXIT_OK	0
#define CSUP_EXIT_FAIL	1
#define CSUP_EXIT_USAGE	2

/* paths.c */
/* Owned strings sized to fit (the daemon keeps one of these for its life). */
struct paths {
	char	*home;
	char	id[17];			/* FNV-1a 64 of realpath(home), hex */
	char	*sock;
	char	*db;
	char	*log;
	char	*pid;
	char	*logs;			/* directory of app logs */
};
/*
 * Fills p from $CSUP_HOME (default $HOME/.csup); create: mkdir 0700 first.
 * On -1 nothing is left to free; else paths_free(p) when done.
 */
int	 paths_init(struct paths *p, bool create);
void	 paths_free(struct paths *p);
/* The out/err files of an app (config overrides, else the defaults). */
void	 paths_app_logs(const struct paths *p, const struct app_config *c,
	    char *out, char *err, size_t len);
/* The logger's count of dropped lines for an app (applog_drop.c). */
void	 paths_app_dropfile(const struct paths *p, const char *name, char *buf, size_t len);
uint64_t paths_fnv1a(const char *s);
/* mkdir -p: missing parents 0755, the last one mode; an existing one is fine. */
int	 paths_mkdir_p(const char *path, mode_t mode);
/*
 * The home is fit to serve from: a directory of ours, writable by us and
 * by nobody else. -1 with a one-line message in err.
 */
int	 paths_check_home(const struct paths *p, char *err, size_t len);

#endif
