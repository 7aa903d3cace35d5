/*
 * watchglob.h: the pure half of watch.c: ignore globs and never-trigger
 * files (rules in watch.h). Not named glob.h: supervisor/ is on the include
 * path, where that name would shadow the system's <glob.h>.
 */
#ifndef CSUP_WATCHGLOB_H
#define CSUP_WATCHGLOB_H

#include <stdbool.h>

/* Is `rel` (relative to a watched root; `abs` absolute, or NULL) ignored by `globs`? */
bool	 watch_ignored(const char *rel, const char *abs, const char *const *globs);

/* Is path one of list, or a rotated copy of one (FILE.1, FILE.2, ...)? */
bool	 watch_path_listed(const char *path, const char *const *list);

#endif
