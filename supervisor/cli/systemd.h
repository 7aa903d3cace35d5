/*
 * systemd.h: csup and systemd.
 *
 *   csup startup [--install] [--user|--system]
 *	the boot unit: a service that runs `csup resurrect` at boot for this
 *	user and CSUP_HOME, and `csup kill` on stop (KillMode=process, so
 *	systemd leaves csup's apps to csup).
 *   csup export systemd FILE [DIR] [--env NAME] [--only A,B] [--user]
 *	one NAME.service an app of an ecosystem file, for fleets that run
 *	their services under systemd itself.
 *
 * startup_main is in systemd_startup.c, export_main in systemd_export.c, the
 * value writers in systemd.c. Both *_main take argv[0] = the command name and
 * return the process exit code: 0 done, 1 the action failed (unwritable
 * directory ...), 2 bad usage or a bad ecosystem file (one stderr line,
 * FILE:LINE:COLUMN: message).
 *
 * The systemd_put_* helpers write one value in the syntax systemd's unit
 * parser reads back unchanged (specifiers, quotes, C escapes, `$`). They
 * return 0, or -1 when the value cannot be expressed (nothing is written).
 */
#ifndef CSUP_SYSTEMD_H
#define CSUP_SYSTEMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

int startup_main(int argc, char **argv);
int unstartup_main(int argc, char **argv);
int export_main(int argc, char **argv);

/* One word of ExecStart=: quoted when needed, `%` and `$` doubled. */
int  systemd_put_exec_word(FILE *f, const char *word);
/* "KEY=VALUE" as the value of Environment=; -1 for an invalid KEY or value. */
int  systemd_put_env(FILE *f, const char *assignment);
bool systemd_env_ok(const char *assignment);
/* An absolute path (WorkingDirectory=, append:...); -1 if not expressible. */
int  systemd_put_path(FILE *f, const char *path);

/* Internal to systemd*.c (sdunit_write_app is public for unit tests). */
struct app_config;
/* The unit of one app; -1 with a message (naming the app) in errbuf. */
int   sdunit_write_app(FILE *f, const struct app_config *app, const char *file,
	    bool user_unit, char *errbuf, size_t errlen);
/* Free text for a comment or Description=: controls become '?', `%` doubled. */
void  sdunit_put_text(FILE *f, const char *s);
/* Lexical: "//" "/./" "x/.." removed, in place. */
void  sdunit_path_normalize(char *path);
/* dir/name (name itself when absolute), normalized, malloc'd; NULL: too long. */
char *sdunit_path_join(const char *dir, const char *name);
/* Writes len bytes to dir/name through name.new and rename(2); -1 with errno. */
int   sdunit_write_file(const char *dir, const char *name, const char *buf,
	    size_t len, mode_t mode);
/* mkdir -p; -1 with errno. */
int   sdunit_mkdir_p(const char *path, mode_t mode);

#endif
