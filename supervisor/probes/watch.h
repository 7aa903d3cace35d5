/*
 * watch.h: restart-on-change for one app (csup-ecosystem(5): `watch`, `ignore_watch`,
 * `watch_delay`). inotify on a set of roots, recursive (directories created
 * later are added and scanned), ignore globs, a never-trigger file list, and
 * a debounce timer: any burst of changes gives ONE on_change call, delay_ms
 * after the last change.
 *
 * Counted as a change: content (IN_MODIFY), metadata (IN_ATTRIB, `touch`),
 * creation, deletion, rename (either side), and a kernel queue overflow.
 *
 * Ignoring: a path is ignored when a glob (fnmatch(3), `*` also crossing
 * `/`) matches its path relative to the watched root, or any one component
 * of that path; `**` + `/` at the start of a glob is optional, and a glob ending in
 * `/` + `**` also matches the directory itself; a glob starting with `/`
 * is matched against the absolute path. Ignored directories are not
 * watched at all. The defaults (watch_default_ignore) always apply, in
 * addition to the caller's globs. Symlinked directories are not followed.
 *
 * `never` files (the app's own logs) never trigger, nor do their rotated
 * copies (FILE.1, FILE.2, ...).
 *
 * Running out of inotify watches (ENOSPC, or the caller's max_watches) is
 * not an error: the tree is watched as far as it goes, watch_status() says
 * so, and on_warning (if set) is called once.
 *
 * Error convention: watch_new() returns NULL with errno set.
 * Callbacks may call watch_free() on the watch that called them.
 */
#ifndef CSUP_WATCH_H
#define CSUP_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "watchglob.h"		/* watch_ignored() */

struct ev_loop;
struct watch;

struct watch_params {
	const char *const *roots;	/* absolute dirs or files, NULL-terminated */
	const char *const *ignore;	/* globs added to the defaults; may be NULL */
	const char *const *never;	/* absolute files that never trigger; may be NULL */
	int64_t	 delay_ms;		/* quiet time before on_change (watch_delay) */
	size_t	 max_watches;		/* 0: only the kernel's limit */
	void	(*on_change)(void *arg);
	void	(*on_warning)(const char *msg, void *arg);	/* may be NULL */
	void	*arg;
};

/* node_modules, .git, .*, *.log; NULL-terminated. */
extern const char *const watch_default_ignore[];

/*
 * At online (or when the app enters launching, if a change during start-up
 * should count): set up the watches and start reading. The params' strings
 * are copied.
 */
struct watch *watch_new(struct ev_loop *loop, const struct watch_params *p);

/*
 * When a restart begins (on_change fired, or any other cause): changes are
 * absorbed, a pending debounce is cancelled. New directories are still
 * tracked. watch_resume() when the new generation is up: only changes made
 * from then on count.
 */
void	 watch_suspend(struct watch *w);
void	 watch_resume(struct watch *w);

/* At stop/delete/teardown: remove every watch, close the fd, free. NULL ok. */
void	 watch_free(struct watch *w);

/* For describe: NULL when all is well, else a one-line warning. */
const char *watch_status(const struct watch *w);
/* Directories (and root files) being watched. */
size_t	 watch_count(const struct watch *w);
/* Changes seen since watch_new (absorbed ones included), for describe/tests. */
uint64_t watch_events(const struct watch *w);

#endif
