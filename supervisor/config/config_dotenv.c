/*
 * config_dotenv.c: `env_file`, dotenv files as the dotenv package reads
 * them: KEY=value lines, an optional `export `, blank and `#` lines
 * skipped; single quotes (literal) and backquotes, double quotes (with \n,
 * \t, \" and \\ escapes), each of which may span lines; in an unquoted
 * value a `#` after whitespace starts a comment and trailing blanks go.
 * Errors point at the env_file value of the ecosystem file and name the
 * dotenv file's own line.
 */
#include "config_node.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct dotenv {
	struct cfg_ctx		*ctx;
	const struct node	*at;	/* the env_file value, for errors */
	const char		*name;	/* as written in the ecosystem file */
	const char		*s;
	int			 line;
	char		      ***env;
};

static int dot_error(struct dotenv *d, const char *what)
{
	return cfg_error(d->ctx, d->at->line, d->at->column, "env_file '%s', line %d: %s",
	    d->name, d->line, what);
}

static void skip_blanks(struct dotenv *d)
{
	while (*d->s == ' ' || *d->s == '\t')
		d->s++;
}

/* The character a double-quoted escape stands for, or 0 to keep both. */
static char escape(char c)
{
	switch (c) {
	case 'n':	return '\n';
	case 't':	return '\t';
	case 'r':	return '\r';
	case '"':	return '"';
	case '\\':	return '\\';
	default:	return 0;
	}
}

/* A quoted value; d->s is at the opening quote. */
static int quoted(struct dotenv *d, char *out)
{
	char q = *d->s++, *o = out;

	for (; *d->s != '\0' && *d->s != q; d->s++) {
		if (*d->s == '\n')
			d->line++;
		if (q == '"' && *d->s == '\\' && d->s[1] != '\0' && escape(d->s[1]) != 0) {
			*o++ = escape(*++d->s);
			continue;
		}
		if (*d->s != '\r' || d->s[1] != '\n')
			*o++ = *d->s;
	}
	if (*d->s != q)
		return dot_error(d, "unterminated quoted value");
	d->s++;
	*o = '\0';
	skip_blanks(d);
	if (*d->s != '\0' && *d->s != '\n' && *d->s != '\r' && *d->s != '#')
		return dot_error(d, "text after the closing quote");
	return 0;
}

/* An unquoted value up to the end of the line or a comment. */
static void unquoted(struct dotenv *d, char *out)
{
	char *o = out;

	for (; *d->s != '\0' && *d->s != '\n'; d->s++) {
		if (*d->s == '#' && (o == out || o[-1] == ' ' || o[-1] == '\t'))
			break;
		*o++ = *d->s;
	}
	while (o > out && isspace((unsigned char)o[-1]))
		o--;
	*o = '\0';
}

static int one_line(struct dotenv *d, char *key, char *val)
{
	size_t n;

	skip_blanks(d);
	if (strncmp(d->s, "export", 6) == 0 && (d->s[6] == ' ' || d->s[6] == '\t')) {
		d->s += 6;
		skip_blanks(d);
	}
	n = strspn(d->s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-");
	if (n == 0 || isdigit((unsigned char)*d->s))
		return dot_error(d, "expected KEY=value");
	memcpy(key, d->s, n);
	key[n] = '\0';
	d->s += n;
	skip_blanks(d);
	if (*d->s != '=')
		return dot_error(d, "expected '=' after the name");
	d->s++;
	skip_blanks(d);
	if (*d->s == '"' || *d->s == '\'' || *d->s == '`') {
		if (quoted(d, val) == -1)
			return -1;
	} else {
		unquoted(d, val);
	}
	if (env_set(d->env, key, val) == -1)
		return cfg_error(d->ctx, d->at->line, d->at->column, "out of memory");
	return 0;
}

static int parse(struct dotenv *d, size_t len)
{
	char *key = malloc(len + 1), *val = malloc(len + 1);
	int rc = 0;

	if (key == NULL || val == NULL)
		rc = cfg_error(d->ctx, d->at->line, d->at->column, "out of memory");
	for (d->line = 1; rc == 0 && *d->s != '\0'; ) {
		skip_blanks(d);
		if (*d->s != '#' && *d->s != '\n' && *d->s != '\r' && *d->s != '\0')
			rc = one_line(d, key, val);
		while (rc == 0 && *d->s != '\0' && *d->s != '\n')
			d->s++;
		if (*d->s == '\n') {
			d->s++;
			d->line++;
		}
	}
	free(key);
	free(val);
	return rc;
}

static int read_all(const char *path, char **buf, size_t *len)
{
	FILE *f = fopen(path, "re");
	struct stat st;
	size_t n = 0;

	if (f == NULL)
		return -1;
	if (fstat(fileno(f), &st) == -1 || !S_ISREG(st.st_mode) || st.st_size > (1 << 24)) {
		if (errno == 0 || S_ISDIR(st.st_mode))
			errno = S_ISDIR(st.st_mode) ? EISDIR : EFBIG;
		fclose(f);
		return -1;
	}
	if ((*buf = malloc((size_t)st.st_size + 1)) != NULL)
		n = fread(*buf, 1, (size_t)st.st_size, f);
	if (*buf == NULL || ferror(f)) {
		free(*buf);
		fclose(f);
		errno = ENOMEM;
		return -1;
	}
	fclose(f);
	(*buf)[n] = '\0';
	*len = n;
	return 0;
}

/* One file, read into *env; a missing file warns under `check`. */
static int load_one(struct cfg_ctx *ctx, const struct node *at, const char *name,
    const char *path, char ***env)
{
	struct dotenv d = { .ctx = ctx, .at = at, .name = name, .env = env };
	char *buf = NULL;
	size_t len = 0;
	int rc;

	if (read_all(path, &buf, &len) == -1) {
		if (errno == ENOENT && ctx->opt->check)
			return cfg_warn(ctx, at->line, at->column, "env_file '%s' does not exist "
			    "(csup start will fail)", name);
		return cfg_error(ctx, at->line, at->column, "env_file '%s': %s", name,
		    errno == ENOENT ? "no such file" : strerror(errno));
	}
	d.s = buf;
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		d.s += 3;
	rc = parse(&d, len);
	free(buf);
	return rc;
}

int config_env_files(struct cfg_ctx *ctx, const struct node *v, const char *dir,
    char ***paths, char ***env)
{
	char **names = strv_new(), *abs;
	size_t i;
	int rc = -1;

	if (names == NULL)
		return cfg_error(ctx, v->line, v->column, "out of memory");
	if (field_strlist(ctx, "env_file", v, &names) == -1)
		goto out;
	for (i = 0; names[i] != NULL; i++) {
		const struct node *at = v->kind == NODE_SEQ ? v->items[i] : v;
		char *e = path_expand_home(names[i]);
		if (e == NULL || (abs = config_path_join(dir, e)) == NULL) {
			free(e);
			cfg_error(ctx, at->line, at->column, "out of memory");
			goto out;
		}
		free(e);
		if (strv_push(paths, abs) == -1) {
			free(abs);
			cfg_error(ctx, at->line, at->column, "out of memory");
			goto out;
		}
		rc = load_one(ctx, at, names[i], abs, env);
		free(abs);
		if (rc == -1)
			goto out;
	}
	rc = 0;
out:
	strv_free(names);
	return rc;
}
