/*
 * systemd.c: values and files of systemd units, shared by `csup startup`
 * (systemd_startup.c) and `csup export systemd` (systemd_export.c).
 *
 * A unit file is parsed by systemd in steps we must undo: `%` specifiers,
 * then (ExecStart= and Environment=) quote removal with C escapes, then
 * (ExecStart= only, at exec time) `$VAR` substitution. WorkingDirectory= and
 * StandardOutput=append: take the value as it is after the specifiers, and
 * refuse a path with `..` in it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "paths.h"
#include "systemd.h"

/* ---- values -------------------------------------------------------- */

static void put_escaped(FILE *f, const char *s, bool dollar)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c == '%')
			fputs("%%", f);
		else if (c == '$' && dollar)
			fputs("$$", f);
		else if (c < ' ' || c == 127)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
}

static bool word_is_plain(const char *s)
{
	/* A lone ";" separates two commands; quoted it is an argument. */
	if (*s == '\0' || strcmp(s, ";") == 0)
		return false;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= ' ' || c == 127 || c == '"' || c == '\'' || c == '\\')
			return false;
	}
	return true;
}

int systemd_put_exec_word(FILE *f, const char *word)
{
	if (word_is_plain(word)) {
		put_escaped(f, word, true);
		return 0;
	}
	fputc('"', f);
	put_escaped(f, word, true);
	fputc('"', f);
	return 0;
}

static bool env_key_valid(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!(c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9')))
			return false;
	}
	return true;
}

bool systemd_env_ok(const char *assignment)
{
	const char *eq = strchr(assignment, '=');
	const char *v;

	if (eq == NULL || !env_key_valid(assignment, (size_t)(eq - assignment)))
		return false;
	/* systemd refuses control characters in values except tab and newline. */
	for (v = eq + 1; *v; v++)
		if (((unsigned char)*v < ' ' && *v != '\t' && *v != '\n') || *v == 127)
			return false;
	return true;
}

int systemd_put_env(FILE *f, const char *assignment)
{
	if (!systemd_env_ok(assignment))
		return -1;
	fputc('"', f);
	put_escaped(f, assignment, false);
	fputc('"', f);
	return 0;
}

int systemd_put_path(FILE *f, const char *path)
{
	size_t n = strlen(path);
	const char *s;

	if (path[0] != '/' || path[n - 1] == ' ' || path[n - 1] == '\t')
		return -1;
	for (s = path; *s; s++)
		if ((unsigned char)*s < ' ' || *s == 127)
			return -1;
	if (strstr(path, "/../") || (n >= 3 && strcmp(path + n - 3, "/..") == 0))
		return -1;
	for (s = path; *s; s++) {
		if (*s == '%')
			fputs("%%", f);
		else
			fputc(*s, f);
	}
	return 0;
}

/* Free text in a comment or Description=: one line, specifiers doubled. */
void sdunit_put_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '%')
			fputs("%%", f);
		else
			fputc(c < ' ' || c == 127 ? '?' : c, f);
	}
}

/* ---- paths ----------------------------------------------------------- */

/* In place: "//" -> "/", "/./" -> "/", "a/../" -> "" (lexically). */
void sdunit_path_normalize(char *p)
{
	char *out = p, *in = p;

	while (*in) {
		if (in[0] == '/' && (in[1] == '/' || (in[1] == '\0' && out != p))) {
			in++;
		} else if (in[0] == '/' && in[1] == '.' && (in[2] == '/' || in[2] == '\0')) {
			in += 2;
		} else if (in[0] == '/' && in[1] == '.' && in[2] == '.' &&
		    (in[3] == '/' || in[3] == '\0')) {
			in += 3;
			while (out > p && *--out != '/')
				;
		} else {
			*out++ = *in++;
		}
	}
	if (out == p)
		*out++ = '/';
	*out = '\0';
}

/* dir/name, or name when it is absolute; normalized. NULL on overflow. */
char *sdunit_path_join(const char *dir, const char *name)
{
	char buf[PATH_MAX];
	char *r;

	if (name[0] == '/') {
		if (snprintf(buf, sizeof(buf), "%s", name) >= (int)sizeof(buf))
			return NULL;
	} else if (snprintf(buf, sizeof(buf), "%s/%s", dir, name) >= (int)sizeof(buf)) {
		return NULL;
	}
	sdunit_path_normalize(buf);
	r = strdup(buf);
	return r;
}

/* ---- files --------------------------------------------------------------- */

int sdunit_mkdir_p(const char *path, mode_t mode)
{
	return paths_mkdir_p(path, mode);
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int sdunit_write_file(const char *dir, const char *name, const char *buf,
    size_t len, mode_t mode)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	int fd, saved;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path) ||
	    snprintf(tmp, sizeof(tmp), "%s.new", path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd == -1)
		return -1;
	if (fchmod(fd, mode) == -1 || write_all(fd, buf, len) == -1 || fsync(fd) == -1)
		goto fail;
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	if (rename(tmp, path) == -1) {
		fd = -1;
		goto fail;
	}
	return 0;
fail:
	saved = errno;
	if (fd != -1)
		close(fd);
	unlink(tmp);
	errno = saved;
	return -1;
}
