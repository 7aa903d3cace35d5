/*
 * watchglob.c: which paths a watch ignores (watchglob.h). Pure: no IO.
 */
#include "watchglob.h"

#include <fnmatch.h>
#include <limits.h>
#include <string.h>

static bool glob_match(const char *glob, const char *s)
{
	char prefix[PATH_MAX];
	size_t n;

	if (fnmatch(glob, s, 0) == 0)
		return true;
	if (strncmp(glob, "**/", 3) == 0 && fnmatch(glob + 3, s, 0) == 0)
		return true;
	n = strlen(glob);
	if (n > 3 && n - 3 < sizeof(prefix) && strcmp(glob + n - 3, "/**") == 0) {
		memcpy(prefix, glob, n - 3);
		prefix[n - 3] = '\0';
		return glob_match(prefix, s);
	}
	return false;
}

static bool component_match(const char *glob, const char *rel)
{
	char comp[NAME_MAX + 1];
	const char *p, *slash;
	size_t n;

	for (p = rel; *p != '\0'; p = slash + 1) {
		slash = strchrnul(p, '/');
		n = (size_t)(slash - p);
		if (n > 0 && n < sizeof(comp)) {
			memcpy(comp, p, n);
			comp[n] = '\0';
			if (fnmatch(glob, comp, 0) == 0)
				return true;
		}
		if (*slash == '\0')
			break;
	}
	return false;
}

bool watch_ignored(const char *rel, const char *abs, const char *const *globs)
{
	char g[PATH_MAX];
	size_t n;

	for (; globs != NULL && *globs != NULL; globs++) {
		n = strlen(*globs);
		if (n == 0 || n >= sizeof(g))
			continue;
		memcpy(g, *globs, n + 1);
		while (n > 1 && g[n - 1] == '/')	/* "dist/" means dist */
			g[--n] = '\0';
		if (g[0] == '/') {
			if (abs != NULL && glob_match(g, abs))
				return true;
			continue;
		}
		if (strncmp(g, "./", 2) == 0)
			memmove(g, g + 2, n - 1);
		if (glob_match(g, rel))
			return true;
		if (strchr(g, '/') == NULL && component_match(g, rel))
			return true;
	}
	return false;
}

bool watch_path_listed(const char *path, const char *const *list)
{
	const char *const *n;
	const char *p;
	size_t len;

	for (n = list; n != NULL && *n != NULL; n++) {
		len = strlen(*n);
		if (strncmp(path, *n, len) != 0)
			continue;
		p = path + len;
		if (*p == '\0')
			return true;
		if (*p++ != '.' || *p == '\0')	/* rotated copies: FILE.1, FILE.2 */
			continue;
		while (*p >= '0' && *p <= '9')
			p++;
		if (*p == '\0')
			return true;
	}
	return false;
}
