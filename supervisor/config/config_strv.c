/* config_strv.c: string vectors, shell word splitting and quoting, edit distance. */
#include "config_node.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char **strv_new(void)
{
	return calloc(1, sizeof(char *));
}

size_t strv_len(char *const *v)
{
	size_t n = 0;

	while (v != NULL && v[n] != NULL)
		n++;
	return n;
}

int strv_push(char ***v, const char *s)
{
	size_t n = strv_len(*v);
	char **nv = realloc(*v, (n + 2) * sizeof(char *));

	if (nv == NULL)
		return -1;
	*v = nv;
	if ((nv[n] = strdup(s)) == NULL) {
		nv[n] = NULL;
		return -1;
	}
	nv[n + 1] = NULL;
	return 0;
}

char **strv_dup(char *const *v)
{
	char **d = strv_new();
	size_t i;

	if (d == NULL)
		return NULL;
	for (i = 0; v != NULL && v[i] != NULL; i++) {
		if (strv_push(&d, v[i]) == -1) {
			strv_free(d);
			return NULL;
		}
	}
	return d;
}

void strv_free(char **v)
{
	size_t i;

	for (i = 0; v != NULL && v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

bool strv_equal(char *const *a, char *const *b)
{
	size_t i, n = strv_len(a);

	if (n != strv_len(b))
		return false;
	for (i = 0; i < n; i++)
		if (strcmp(a[i], b[i]) != 0)
			return false;
	return true;
}

int env_set(char ***env, const char *key, const char *value)
{
	size_t klen = strlen(key), i;
	char *kv;

	if (asprintf(&kv, "%s=%s", key, value) == -1)
		return -1;
	for (i = 0; *env != NULL && (*env)[i] != NULL; i++) {
		if (strncmp((*env)[i], key, klen) == 0 && (*env)[i][klen] == '=') {
			free((*env)[i]);
			(*env)[i] = kv;
			return 0;
		}
	}
	if (strv_push(env, kv) == -1) {
		free(kv);
		return -1;
	}
	free(kv);
	return 0;
}

/* Splits like sh: blanks separate words; '...' is literal; "..." honours \" \\ \$ \`. */
int shell_split(const char *s, char ***out, char *errbuf, size_t errlen)
{
	char **v = strv_new(), *word = malloc(strlen(s) + 1);
	size_t len = 0;
	bool in_word = false;
	char q = 0;

	if (v == NULL || word == NULL)
		goto nomem;
	for (; *s != '\0'; s++) {
		if (q == '\'') {
			if (*s == '\'')
				q = 0;
			else
				word[len++] = *s;
		} else if (q == '"') {
			if (*s == '"')
				q = 0;
			else if (*s == '\\' && s[1] != '\0' && strchr("\"\\$`", s[1]))
				word[len++] = *++s;
			else
				word[len++] = *s;
		} else if (*s == ' ' || *s == '\t' || *s == '\n') {
			if (in_word) {
				word[len] = '\0';
				if (strv_push(&v, word) == -1)
					goto nomem;
				len = 0;
				in_word = false;
			}
		} else {
			in_word = true;
			if (*s == '\'' || *s == '"')
				q = *s;
			else if (*s == '\\' && s[1] != '\0')
				word[len++] = *++s;
			else
				word[len++] = *s;
		}
	}
	if (q != 0) {
		snprintf(errbuf, errlen, "unterminated %s quote", q == '"' ? "double" : "single");
		free(word);
		strv_free(v);
		return -1;
	}
	word[len] = '\0';
	if (in_word && strv_push(&v, word) == -1)
		goto nomem;
	free(word);
	*out = v;
	return 0;
nomem:
	snprintf(errbuf, errlen, "out of memory");
	free(word);
	strv_free(v);
	return -1;
}

char *shell_quote(const char *s)
{
	size_t n = 3, i;
	char *q, *o;

	if (*s != '\0' && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789-_./:=,+@%") == strlen(s))
		return strdup(s);
	for (i = 0; s[i] != '\0'; i++)
		n += s[i] == '\'' ? 4 : 1;
	if ((q = o = malloc(n)) == NULL)
		return NULL;
	*o++ = '\'';
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == '\'') {
			memcpy(o, "'\\''", 4);
			o += 4;
		} else {
			*o++ = s[i];
		}
	}
	*o++ = '\'';
	*o = '\0';
	return q;
}

int edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	int d[48][48];

	if (la >= 47 || lb >= 47)
		return 99;
	for (i = 0; i <= la; i++)
		d[i][0] = (int)i;
	for (j = 0; j <= lb; j++)
		d[0][j] = (int)j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			int cost = a[i - 1] != b[j - 1];
			int best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < best)
				best = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb];
}
