/* appenv.c: shared, reference-counted client environments (appenv.h). */
#include <errno.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "appenv.h"

/* Before the vector, aligned as malloc() aligns, so the vector is too. */
struct appenv_hdr {
	alignas(max_align_t) size_t refs;
};

static struct appenv_hdr *hdr_of(char **env)
{
	return (struct appenv_hdr *)(void *)((char *)env - sizeof(struct appenv_hdr));
}

/* A block for n strings of bytes in all (NULs included), refs 1, env[n] NULL. */
static char **block_new(size_t n, size_t bytes)
{
	struct appenv_hdr *h;
	char **env;

	if (n >= (SIZE_MAX - sizeof(*h) - bytes) / sizeof(char *)) {
		errno = ENOMEM;
		return NULL;
	}
	if ((h = malloc(sizeof(*h) + (n + 1) * sizeof(char *) + bytes)) == NULL)
		return NULL;
	h->refs = 1;
	env = (char **)(void *)(h + 1);
	env[n] = NULL;
	return env;
}

/* Copies s into the block's string area at *p; env[i] points to it. */
static void block_put(char **env, size_t i, char **p, const char *s)
{
	size_t len = strlen(s) + 1;

	memcpy(*p, s, len);
	env[i] = *p;
	*p += len;
}

static const char *kv_at(const json_t *arr, size_t i)
{
	const char *s = json_string_value(json_array_get(arr, i));

	return s != NULL && strchr(s, '=') != NULL ? s : NULL;
}

char **appenv_from_json(const json_t *arr)
{
	size_t n = 0, bytes = 0, i, k = 0;
	const char *s;
	char **env, *p;

	for (i = 0; i < json_array_size(arr); i++)
		if ((s = kv_at(arr, i)) != NULL) {
			n++;
			bytes += strlen(s) + 1;
		}
	if ((env = block_new(n, bytes)) == NULL)
		return NULL;
	p = (char *)(env + n + 1);
	for (i = 0; i < json_array_size(arr); i++)
		if ((s = kv_at(arr, i)) != NULL)
			block_put(env, k++, &p, s);
	return env;
}

char **appenv_from_strv(char *const *src)
{
	size_t n = 0, bytes = 0, i;
	char **env, *p;

	for (; src && src[n]; n++)
		bytes += strlen(src[n]) + 1;
	if ((env = block_new(n, bytes)) == NULL)
		return NULL;
	p = (char *)(env + n + 1);
	for (i = 0; i < n; i++)
		block_put(env, i, &p, src[i]);
	return env;
}

char **appenv_ref(char **env)
{
	if (env != NULL)
		hdr_of(env)->refs++;
	return env;
}

void appenv_unref(char **env)
{
	struct appenv_hdr *h;

	if (env == NULL)
		return;
	h = hdr_of(env);
	if (--h->refs == 0)
		free(h);
}

bool appenv_equal_json(char *const *env, const json_t *arr)
{
	const char *s;
	size_t k = 0;

	if (env == NULL)
		return false;
	for (size_t i = 0; i < json_array_size(arr); i++) {
		if ((s = kv_at(arr, i)) == NULL)
			continue;
		if (env[k] == NULL || strcmp(env[k], s) != 0)
			return false;
		k++;
	}
	return env[k] == NULL;
}
