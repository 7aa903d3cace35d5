/* env.c: NULL-terminated string vectors (environments, name lists). */
#include <stdlib.h>

#include "env.h"

#include <string.h>

char **csup_env_dup(char *const *env)
{
	size_t n = 0, i;
	char **out;

	while (env && env[n])
		n++;
	if ((out = calloc(n + 1, sizeof(*out))) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if ((out[i] = strdup(env[i])) == NULL) {
			csup_env_free(out);
			return NULL;
		}
	}
	return out;
}

void csup_env_free(char **env)
{
	for (size_t i = 0; env && env[i]; i++)
		free(env[i]);
	free(env);
}
